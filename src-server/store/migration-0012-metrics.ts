// 0012_metrics: the facts the supervisor's report reads (docs/metrics.md), precomputed at write time so one scan of
// conversation_stats answers every metric: group keys (contact, assignee, team, priority, labels), durations in the
// policy's business hours, next-response intervals, reopen / transfer / next-contact times for first-contact
// resolution, SLA flags and message counts. Kept up to date by domain/conversation-stats.ts; backfilled here from
// what the store already holds (best effort: reopens before this migration are unknown). Dialect-neutral (JS backfill).
import type { Kysely, Migration } from 'kysely';
import { businessElapsedMs, SlaSnapshot, type BusinessCalendar } from '../../src-shared/sla';

// ── pure helpers, shared with domain/conversation-stats.ts ──────────────────────────────────────────────────
/** The business calendar of a conversation's SLA snapshot (JSON), or null: its policy counts calendar hours, or none. */
export function calendarOfSla(raw: string | null | undefined): BusinessCalendar | null {
  if (!raw) return null;
  try {
    const parsed = SlaSnapshot.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.calendar : null;
  } catch {
    return null;
  }
}

/** Duration in the policy's business time (wall clock without a calendar); null when either end is missing. */
export function policyMsBetween(cal: BusinessCalendar | null, from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  try {
    return businessElapsedMs(cal, a, b);
  } catch {
    return Math.max(0, b - a);
  }
}

export interface FcrFacts {
  first_resolved_at: string | null;
  first_transfer_at: string | null;
  first_reopened_at: string | null;
  next_contact_at: string | null;
}

/**
 * When first-contact resolution broke, in ms after the first resolution: 0 if transferred before it, else the
 * earliest of the first reopen and the next contact from the same customer; null if nothing broke it (yet).
 * FCR(W) failed ⇔ fcr_break_ms ≤ W.
 */
export function fcrBreakMs(f: FcrFacts): number | null {
  if (f.first_resolved_at === null) return null;
  const fr = Date.parse(f.first_resolved_at);
  if (f.first_transfer_at !== null && f.first_transfer_at <= f.first_resolved_at) return 0;
  const after = [f.first_reopened_at, f.next_contact_at].filter((t): t is string => t !== null).map((t) => Math.max(0, Date.parse(t) - fr));
  return after.length ? Math.min(...after) : null;
}

/** First element of ascending ISO times strictly after `t` (binary search), or null. */
export function firstAfter(sorted: readonly string[], t: string): string | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo] ?? null;
}

export function labelsOf(raw: string | null | undefined): string[] {
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? [...new Set(v.filter((x): x is string => typeof x === 'string' && x !== ''))].sort() : [];
  } catch {
    return [];
  }
}

// ── the migration ─────────────────────────────────────────────────────────────────────────────────────────────
interface BackfillDb {
  conversations: { id: string; contact_id: string; channel_id: string; status: string; assignee_id: string | null; routing_team_id: string | null; priority: string; labels: string | null; sla: string | null; created_at: string };
  messages: { id: string; conversation_id: string; direction: string; author_id: string | null; created_at: string };
  sla_events: { conversation_id: string; kind: string };
  routing_events: { conversation_id: string; kind: string; at: string };
  conversation_stats: Record<string, string | number | null>;
  response_intervals: { id: string; conversation_id: string; channel_id: string; agent_id: string | null; waiting_since: string; replied_at: string; wall_ms: number; policy_ms: number };
  conversation_labels: { conversation_id: string; label: string };
}

const COLUMNS: [string, 'text' | 'bigint' | 'integer'][] = [
  ['contact_id', 'text'],
  ['assignee_id', 'text'],
  ['team_id', 'text'],
  ['priority', 'text'],
  ['labels', 'text'],
  ['last_assignee_id', 'text'],
  ['first_response_policy_ms', 'bigint'],
  ['resolution_policy_ms', 'bigint'],
  ['awaiting_since', 'text'],
  ['next_response_list', 'text'],
  ['next_response_policy_list', 'text'],
  ['inbound_count', 'integer'],
  ['outbound_count', 'integer'],
  ['first_resolved_at', 'text'],
  ['reopen_count', 'integer'],
  ['first_reopened_at', 'text'],
  ['transfer_count', 'integer'],
  ['first_transfer_at', 'text'],
  ['next_contact_at', 'text'],
  ['fcr_break_ms', 'bigint'],
  ['has_sla', 'integer'],
  ['sla_breached', 'integer'],
];

/** Group keys of the report (src-server/metrics/report.ts) and the facts it reads (covering indexes). */
export const REPORT_KEYS = ['channel_id', 'assignee_id', 'team_id', 'priority', 'labels'] as const;
export const REPORT_FACTS = [
  'created_at',
  'resolved_at',
  'first_resolved_at',
  'inbound_count',
  'outbound_count',
  'first_response_ms',
  'first_response_policy_ms',
  'next_response_list',
  'next_response_policy_list',
  'resolution_ms',
  'resolution_policy_ms',
  'fcr_break_ms',
  'reopen_count',
  'has_sla',
  'sla_breached',
] as const;

export const metricsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, type] of COLUMNS) {
      await db.schema
        .alterTable('conversation_stats')
        .addColumn(name, type, (c) => (type === 'integer' ? c.notNull().defaultTo(0) : c))
        .execute();
    }
    // The report reads every fact of a group from ONE covering index per grouping, in key order: no table lookups
    // and no sort (SQLite's GROUP BY would otherwise sort every row with its payload). Labels group by the label set.
    for (const key of REPORT_KEYS) {
      await db.schema.createIndex(`conversation_stats_report_${key}`).on('conversation_stats').columns([key, ...REPORT_FACTS]).execute();
    }
    // Ranges and the trend: by creation time, covering what the trend reads.
    await db.schema.createIndex('conversation_stats_created').on('conversation_stats').columns(['created_at', 'channel_id', 'first_response_ms', 'first_response_policy_ms']).execute();
    await db.schema.createIndex('conversation_stats_resolved').on('conversation_stats').column('resolved_at').execute();
    await db.schema.createIndex('conversation_stats_contact').on('conversation_stats').columns(['contact_id', 'first_resolved_at']).execute();

    await db.schema
      .createTable('response_intervals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('waiting_since', 'text', (c) => c.notNull())
      .addColumn('replied_at', 'text', (c) => c.notNull())
      .addColumn('wall_ms', 'bigint', (c) => c.notNull())
      .addColumn('policy_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('response_intervals_conversation').on('response_intervals').columns(['conversation_id', 'replied_at']).execute();

    await db.schema
      .createTable('conversation_labels')
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('label', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label'])
      .execute();
    await db.schema.createIndex('conversation_labels_label').on('conversation_labels').columns(['label', 'conversation_id']).execute();

    await backfill(db as unknown as Kysely<BackfillDb>);
  },
};

async function backfill(q: Kysely<BackfillDb>): Promise<void> {
  const convs = await q
    .selectFrom('conversations')
    .select(['id', 'contact_id', 'channel_id', 'status', 'assignee_id', 'routing_team_id', 'priority', 'labels', 'sla', 'created_at'])
    .execute();
  if (convs.length === 0) return;
  const stats = new Map((await q.selectFrom('conversation_stats').select(['conversation_id', 'first_response_at', 'resolved_at']).execute()).map((s) => [s.conversation_id as string, s]));
  const breached = new Set((await q.selectFrom('sla_events').select('conversation_id').where('kind', '=', 'breach').execute()).map((r) => r.conversation_id));
  const transfers = new Map<string, { n: number; first: string }>();
  for (const r of await q.selectFrom('routing_events').select(['conversation_id', 'at']).where('kind', '=', 'transferred').orderBy('at').execute()) {
    const t = transfers.get(r.conversation_id);
    if (t) t.n++;
    else transfers.set(r.conversation_id, { n: 1, first: r.at });
  }
  const contactOf = new Map(convs.map((c) => [c.id, c.contact_id]));
  const calOf = new Map(convs.map((c) => [c.id, calendarOfSla(c.sla)]));

  // Walk every message once, per conversation in time order (keyset pages): counts, next-response intervals, and
  // each contact's inbound times (for the next contact after a resolution).
  const per = new Map<string, { inbound: number; outbound: number; replied: boolean; awaiting: string | null; wall: number[]; policy: number[] }>();
  const inboundByContact = new Map<string, string[]>();
  const intervals: BackfillDb['response_intervals'][] = [];
  let after: { conversation_id: string; created_at: string; id: string } | null = null;
  for (;;) {
    let page = q.selectFrom('messages').select(['id', 'conversation_id', 'direction', 'author_id', 'created_at']).orderBy('conversation_id').orderBy('created_at').orderBy('id').limit(20_000);
    if (after) {
      const a = after;
      page = page.where((eb) =>
        eb.or([
          eb('conversation_id', '>', a.conversation_id),
          eb.and([eb('conversation_id', '=', a.conversation_id), eb('created_at', '>', a.created_at)]),
          eb.and([eb('conversation_id', '=', a.conversation_id), eb('created_at', '=', a.created_at), eb('id', '>', a.id)]),
        ]),
      );
    }
    const rows = await page.execute();
    if (rows.length === 0) break;
    for (const m of rows) {
      let p = per.get(m.conversation_id);
      if (!p) per.set(m.conversation_id, (p = { inbound: 0, outbound: 0, replied: false, awaiting: null, wall: [], policy: [] }));
      if (m.direction === 'inbound') {
        p.inbound++;
        if (p.replied && p.awaiting === null) p.awaiting = m.created_at;
        const contact = contactOf.get(m.conversation_id);
        if (contact) {
          const list = inboundByContact.get(contact) ?? [];
          list.push(m.created_at);
          inboundByContact.set(contact, list);
        }
      } else if (m.direction === 'outbound') {
        p.outbound++;
        if (p.replied && p.awaiting !== null) {
          const wall = Math.max(0, Date.parse(m.created_at) - Date.parse(p.awaiting));
          const policy = policyMsBetween(calOf.get(m.conversation_id) ?? null, p.awaiting, m.created_at) ?? wall;
          p.wall.push(wall);
          p.policy.push(policy);
          intervals.push({ id: `bf-${m.id}`, conversation_id: m.conversation_id, channel_id: '', agent_id: m.author_id, waiting_since: p.awaiting, replied_at: m.created_at, wall_ms: wall, policy_ms: policy });
          p.awaiting = null;
        }
        p.replied = true;
      }
    }
    const last = rows.at(-1)!;
    after = { conversation_id: last.conversation_id, created_at: last.created_at, id: last.id };
  }
  for (const list of inboundByContact.values()) list.sort();

  const channelOf = new Map(convs.map((c) => [c.id, c.channel_id]));
  for (const i of intervals) i.channel_id = channelOf.get(i.conversation_id) ?? '';
  for (let i = 0; i < intervals.length; i += 500) await q.insertInto('response_intervals').values(intervals.slice(i, i + 500)).execute();

  const labelRows: BackfillDb['conversation_labels'][] = [];
  for (const c of convs) {
    const s = stats.get(c.id);
    const firstResponseAt = (s?.first_response_at as string | null | undefined) ?? null;
    const resolvedAt = (s?.resolved_at as string | null | undefined) ?? null;
    const cal = calOf.get(c.id) ?? null;
    const p = per.get(c.id);
    const t = transfers.get(c.id);
    const labels = labelsOf(c.labels);
    for (const label of labels) labelRows.push({ conversation_id: c.id, label });
    const facts: FcrFacts = {
      first_resolved_at: resolvedAt,
      first_transfer_at: t?.first ?? null,
      first_reopened_at: null,
      next_contact_at: resolvedAt ? firstAfter(inboundByContact.get(c.contact_id) ?? [], resolvedAt) : null,
    };
    const values = {
      contact_id: c.contact_id,
      assignee_id: c.assignee_id,
      team_id: c.routing_team_id ?? null,
      priority: c.priority ?? 'normal',
      labels: labels.length ? JSON.stringify(labels) : null,
      last_assignee_id: c.assignee_id,
      first_response_policy_ms: policyMsBetween(cal, c.created_at, firstResponseAt),
      resolution_policy_ms: policyMsBetween(cal, c.created_at, resolvedAt),
      awaiting_since: p?.awaiting ?? null,
      next_response_list: p?.wall.length ? p.wall.join(',') : null,
      next_response_policy_list: p?.policy.length ? p.policy.join(',') : null,
      inbound_count: p?.inbound ?? 0,
      outbound_count: p?.outbound ?? 0,
      ...facts,
      transfer_count: t?.n ?? 0,
      fcr_break_ms: fcrBreakMs(facts),
      has_sla: c.sla || breached.has(c.id) ? 1 : 0,
      sla_breached: breached.has(c.id) ? 1 : 0,
    };
    if (s) await q.updateTable('conversation_stats').set(values).where('conversation_id', '=', c.id).execute();
    else {
      await q
        .insertInto('conversation_stats')
        .values({ conversation_id: c.id, channel_id: c.channel_id, created_at: c.created_at, first_response_at: null, first_response_ms: null, resolved_at: null, resolution_ms: null, ...values })
        .execute();
    }
  }
  for (let i = 0; i < labelRows.length; i += 500) await q.insertInto('conversation_labels').values(labelRows.slice(i, i + 500)).execute();
}
