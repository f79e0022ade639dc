// The supervisor's metrics API answers (GET /api/v1/metrics/*; definitions in docs/metrics.md).
// Response times by channel use the indexed per-channel percentile walk (response-times.ts); by agent, team or
// priority the (key, duration) pairs of the range are read once, ordered, and ranked here (nearest-rank, same as
// per channel). Live numbers are read from the current conversations and routing state at request time.
import type { Kysely } from 'kysely';
import type { DurationStats, LiveAgent, LiveChannelQueue, LiveMetrics, LiveSlaItem, MetricsGroupBy, ResponseTimesReport, ResponseTimesRow } from '../../src-shared/metrics';
import type { DB } from '../store/schema';
import { responseTimesByChannel } from './response-times';
import { priorities } from '../../src-shared/domain';
import { DEFAULT_CAPACITY, type Capacity } from '../routing/store';

/** Nearest-rank percentile over an ascending array. */
function nearestRank(sorted: readonly number[], p: number): number {
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k]!;
}

export function durationStats(values: number[]): DurationStats {
  if (values.length === 0) return { count: 0, medianMs: null, p90Ms: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, medianMs: nearestRank(sorted, 50), p90Ms: nearestRank(sorted, 90) };
}

const PRIORITY_ORDER = [...priorities].reverse();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function capacityOf(raw: string | null): Capacity {
  try {
    return raw ? (JSON.parse(raw) as Capacity) : {};
  } catch {
    return {};
  }
}

export async function responseTimesReport(db: Kysely<DB>, q: { from?: string; to?: string; groupBy: MetricsGroupBy }): Promise<ResponseTimesReport> {
  const range = { from: q.from ?? null, to: q.to ?? null, groupBy: q.groupBy };
  const from = q.from ? new Date(q.from).toISOString() : undefined;
  const to = q.to ? new Date(q.to).toISOString() : undefined;
  if (q.groupBy === 'channel') {
    const rows = await responseTimesByChannel(db, { from, to });
    return { ...range, rows: rows.map((r) => ({ key: r.channelId, label: r.channelName, conversations: r.conversations, firstResponse: r.firstResponse, resolution: r.resolution })) };
  }

  let base = db
    .selectFrom('conversation_stats as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .select(['s.first_response_ms', 's.resolution_ms', 'c.assignee_id', 'c.routing_team_id', 'c.priority']);
  if (from) base = base.where('s.created_at', '>=', from);
  if (to) base = base.where('s.created_at', '<', to);
  const facts = await base.execute();

  const keyOf = (f: (typeof facts)[number]): string | null => (q.groupBy === 'agent' ? f.assignee_id : q.groupBy === 'team' ? (f.routing_team_id ?? null) : f.priority);
  const groups = new Map<string | null, { n: number; first: number[]; resolution: number[] }>();
  for (const f of facts) {
    const k = keyOf(f);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { n: 0, first: [], resolution: [] }));
    g.n++;
    if (f.first_response_ms !== null) g.first.push(Number(f.first_response_ms));
    if (f.resolution_ms !== null) g.resolution.push(Number(f.resolution_ms));
  }

  // Every agent / team / priority appears (zero rows included), like every channel does.
  const labels = new Map<string | null, string>();
  if (q.groupBy === 'agent') {
    for (const a of await db.selectFrom('agents').select(['id', 'name']).where('disabled', '=', 0).orderBy('name').orderBy('id').execute()) labels.set(a.id, a.name);
    if (groups.has(null)) labels.set(null, 'Unassigned');
  } else if (q.groupBy === 'team') {
    for (const t of await db.selectFrom('teams').select(['id', 'name']).orderBy('name').orderBy('id').execute()) labels.set(t.id, t.name);
    if (groups.has(null)) labels.set(null, 'No team');
  } else {
    for (const p of PRIORITY_ORDER) labels.set(p, p);
  }
  for (const k of groups.keys()) if (!labels.has(k)) labels.set(k, k ?? '—'); // e.g. a disabled agent's conversations

  const rows: ResponseTimesRow[] = [...labels].map(([key, label]) => {
    const g = groups.get(key);
    return { key, label, conversations: g?.n ?? 0, firstResponse: durationStats(g?.first ?? []), resolution: durationStats(g?.resolution ?? []) };
  });
  return { ...range, rows };
}

const CSV_HEADER = ['group_by', 'key', 'label', 'conversations', 'first_response_count', 'first_response_median_ms', 'first_response_p90_ms', 'resolution_count', 'resolution_median_ms', 'resolution_p90_ms'];

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // Quote when needed; a leading = + - @ is prefixed so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every row, no cap (RFC 4180, CRLF line ends, durations in ms). */
export function responseTimesCsv(report: ResponseTimesReport): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of report.rows) {
    lines.push(
      [report.groupBy, r.key, r.label, r.conversations, r.firstResponse.count, r.firstResponse.medianMs, r.firstResponse.p90Ms, r.resolution.count, r.resolution.medianMs, r.resolution.p90Ms]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export async function liveMetrics(db: Kysely<DB>, now: number): Promise<LiveMetrics> {
  const channels = await db.selectFrom('channels').select(['id', 'name', 'type']).orderBy('name').orderBy('id').execute();
  const waitingRows = await db
    .selectFrom('conversations')
    .select(['channel_id', 'queued_at', 'created_at'])
    .where('status', '=', 'open')
    .where('assignee_id', 'is', null)
    .execute();
  const byChannel = new Map<string, { n: number; oldest: string | null }>();
  for (const r of waitingRows) {
    const since = r.queued_at ?? r.created_at;
    const g = byChannel.get(r.channel_id) ?? { n: 0, oldest: null };
    g.n++;
    if (g.oldest === null || since < g.oldest) g.oldest = since;
    byChannel.set(r.channel_id, g);
  }
  const queues: LiveChannelQueue[] = channels.map((ch) => {
    const g = byChannel.get(ch.id);
    const oldest = g?.oldest ?? null;
    return {
      channelId: ch.id,
      channelName: ch.name,
      channelType: ch.type,
      waiting: g?.n ?? 0,
      oldestWaitingSince: oldest,
      longestWaitMs: oldest === null ? null : Math.max(0, now - Date.parse(oldest)),
    };
  });

  const agents = await db
    .selectFrom('agents')
    .leftJoin('agent_routing', 'agent_routing.agent_id', 'agents.id')
    .select(['agents.id', 'agents.name', 'agents.role', 'agent_routing.capacity', 'agent_routing.effective'])
    .where('agents.disabled', '=', 0)
    .orderBy('agents.name')
    .orderBy('agents.id')
    .execute();
  const assigned = await db
    .selectFrom('conversations')
    .select(['assignee_id', 'status'])
    .where('assignee_id', 'is not', null)
    .where('status', 'in', ['open', 'pending'])
    .execute();
  const load = new Map<string, { open: number; current: number }>();
  for (const r of assigned) {
    const l = load.get(r.assignee_id!) ?? { open: 0, current: 0 };
    l.current++;
    if (r.status === 'open') l.open++;
    load.set(r.assignee_id!, l);
  }
  const liveAgents: LiveAgent[] = agents.map((a) => {
    const cap = capacityOf(a.capacity ?? null);
    return {
      agentId: a.id,
      name: a.name,
      role: a.role,
      presence: a.effective ?? 'offline',
      load: load.get(a.id)?.open ?? 0,
      capacity: cap['*'] ?? DEFAULT_CAPACITY,
      current: load.get(a.id)?.current ?? 0,
    };
  });

  const sla = await db
    .selectFrom('conversations as c')
    .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .innerJoin('channels as ch', 'ch.id', 'c.channel_id')
    .leftJoin('agents as a', 'a.id', 'c.assignee_id')
    .select(['c.id', 'c.sla_state', 'c.first_response_due_at', 'c.next_response_due_at', 'c.resolution_due_at', 'ct.name as contact_name', 'ch.name as channel_name', 'a.name as assignee_name'])
    .where('c.status', 'in', ['open', 'pending'])
    .where('c.sla_state', 'in', ['warning', 'breached'])
    .orderBy('c.sla_next_at')
    .orderBy('c.id')
    .execute();
  const atRiskIds = sla.filter((r) => r.sla_state === 'warning').map((r) => r.id);
  const breachedIds = sla.filter((r) => r.sla_state === 'breached').map((r) => r.id);
  // The lists: the next due time of each (earliest of its running targets), most urgent (earliest due) first.
  const items: LiveSlaItem[] = sla
    .map((r) => {
      const due = [r.first_response_due_at, r.next_response_due_at, r.resolution_due_at].filter((d): d is string => !!d).sort()[0] ?? null;
      return { conversationId: r.id, contactName: r.contact_name, channelName: r.channel_name, assigneeName: r.assignee_name ?? null, state: r.sla_state as LiveSlaItem['state'], dueAt: due };
    })
    .sort((a, b) => cmp(a.dueAt ?? '\uffff', b.dueAt ?? '\uffff') || cmp(a.conversationId, b.conversationId));
  return { at: new Date(now).toISOString(), channels: queues, agents: liveAgents, sla: { atRisk: atRiskIds.length, breached: breachedIds.length, atRiskIds, breachedIds, items } };
}
