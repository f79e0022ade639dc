// Keeps conversation_stats (0004_perf, 0012_metrics) in step with the writes that define the metrics (docs/metrics.md):
// customer messages, agent replies, resolving / reopening, transfers, and — at the end of every command transaction —
// the conversation's current group keys (contact, assignee, team, priority, labels) and SLA flags. Runs inside the
// caller's transaction, so a fact is never out of step with the write that caused it.
import { sql, type Selectable, type Transaction } from 'kysely';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { EntityName } from '../../src-shared/sync';
import type { ConversationStatsTable, DB } from '../store/schema';
import { msBetween, statsRow } from '../store/migration-0004-perf';
import { calendarOfSla, fcrBreakMs, firstAfter, labelsOf, policyMsBetween, type FcrFacts } from '../store/migration-0012-metrics';
import { ChangeWriter } from './change-log';
import { prepared } from '../store/prepared';

interface ConvRef {
  id: string;
  channel_id: string;
  created_at: string;
  /** The SLA snapshot (JSON): its calendar gives the policy time. */
  sla?: string | null;
}

type Trx = Transaction<DB>;
type StatsRow = Selectable<ConversationStatsTable>;

async function ensureRow(trx: Trx, conv: ConvRef) {
  await trx
    .insertInto('conversation_stats')
    .values(statsRow(conv.id, conv.channel_id, conv.created_at, null, null))
    .onConflict((oc) => oc.column('conversation_id').doNothing())
    .execute();
}

async function row(trx: Trx, id: string): Promise<StatsRow> {
  return trx.selectFrom('conversation_stats').selectAll().where('conversation_id', '=', id).executeTakeFirstOrThrow();
}

function fcrOf(s: Pick<StatsRow, 'first_resolved_at' | 'first_transfer_at' | 'first_reopened_at' | 'next_contact_at'>, patch: Partial<FcrFacts> = {}): number | null {
  return fcrBreakMs({
    first_resolved_at: s.first_resolved_at ?? null,
    first_transfer_at: s.first_transfer_at ?? null,
    first_reopened_at: s.first_reopened_at ?? null,
    next_contact_at: s.next_contact_at ?? null,
    ...patch,
  });
}

const append = (list: string | null | undefined, v: number) => (list ? `${list},${v}` : String(v));

// The per-message statements, compiled once (store/prepared.ts).
const countInbound = prepared((q, arg: (k: 'id' | 'at') => string) =>
  q
    .updateTable('conversation_stats')
    .set((eb) => ({
      inbound_count: eb('inbound_count', '+', 1),
      awaiting_since: sql<string | null>`CASE WHEN first_response_at IS NOT NULL AND awaiting_since IS NULL THEN ${arg('at')} ELSE awaiting_since END`,
    }))
    .where('conversation_id', '=', arg('id')),
);
const resolvedBefore = prepared((q, arg: (k: 'contactId' | 'at') => string) =>
  q.selectFrom('conversation_stats').selectAll().where('contact_id', '=', arg('contactId')).where('first_resolved_at', '<', arg('at')).where('next_contact_at', 'is', null),
);
const conversationWithFacts = prepared((q, arg: (k: 'id') => string) =>
  q
    .selectFrom('conversations as c')
    .leftJoin('conversation_stats as st', 'st.conversation_id', 'c.id')
    .select(['c.id', 'c.channel_id', 'c.contact_id', 'c.assignee_id', 'c.routing_team_id', 'c.priority', 'c.labels', 'c.sla', 'c.created_at', 'st.conversation_id as stats_id'])
    .select(['st.contact_id as s_contact_id', 'st.assignee_id as s_assignee_id', 'st.team_id as s_team_id', 'st.priority as s_priority', 'st.last_assignee_id as s_last_assignee_id'])
    .select(['st.first_transfer_at as s_first_transfer_at', 'st.transfer_count as s_transfer_count', 'st.first_resolved_at as s_first_resolved_at', 'st.first_reopened_at as s_first_reopened_at'])
    .select(['st.next_contact_at as s_next_contact_at', 'st.has_sla as s_has_sla', 'st.sla_breached as s_sla_breached', 'st.labels as s_labels'])
    .where('c.id', '=', arg('id')),
);

/**
 * A customer message was stored at `at`: counted; after an agent reply it starts the next-response wait; and it is
 * the next contact of every earlier-resolved conversation of this contact that has none yet (FCR).
 */
export async function recordInbound(trx: Trx, conv: ConvRef, contactId: string, at: string): Promise<void> {
  // One statement on the hot path (every customer message); the row is created first only when missing.
  if ((await countInbound.run(trx, { id: conv.id, at })) === 0) {
    await ensureRow(trx, conv);
    await countInbound.run(trx, { id: conv.id, at });
  }
  const resolved = await resolvedBefore.rows(trx, { contactId, at });
  for (const r of resolved) {
    await trx
      .updateTable('conversation_stats')
      .set({ next_contact_at: at, fcr_break_ms: fcrOf(r, { next_contact_at: at }) })
      .where('conversation_id', '=', r.conversation_id)
      .execute();
  }
}

/** An agent reply (not a note) was stored at `at`: the first sets the first response; a later one answering waiting customer messages is a next-response interval. */
export async function recordReply(trx: Trx, conv: ConvRef, at: string, agentId: string | null = null): Promise<void> {
  await ensureRow(trx, conv);
  const s = await row(trx, conv.id);
  const cal = calendarOfSla(conv.sla);
  const outbound_count = Number(s.outbound_count ?? 0) + 1;
  if (s.first_response_at === null) {
    await trx
      .updateTable('conversation_stats')
      .set({ first_response_at: at, first_response_ms: msBetween(conv.created_at, at), first_response_policy_ms: policyMsBetween(cal, conv.created_at, at), awaiting_since: null, outbound_count })
      .where('conversation_id', '=', conv.id)
      .execute();
    return;
  }
  if (!s.awaiting_since) {
    await trx.updateTable('conversation_stats').set({ outbound_count }).where('conversation_id', '=', conv.id).execute();
    return;
  }
  const wall = msBetween(s.awaiting_since, at) ?? 0;
  const policy = policyMsBetween(cal, s.awaiting_since, at) ?? wall;
  await trx
    .insertInto('response_intervals')
    .values({ id: uuidv7(), conversation_id: conv.id, channel_id: conv.channel_id, agent_id: agentId, waiting_since: s.awaiting_since, replied_at: at, wall_ms: wall, policy_ms: policy })
    .execute();
  await trx
    .updateTable('conversation_stats')
    .set({ awaiting_since: null, next_response_list: append(s.next_response_list, wall), next_response_policy_list: append(s.next_response_policy_list, policy), outbound_count })
    .where('conversation_id', '=', conv.id)
    .execute();
}

/** Status changed: resolving stamps the resolution (and the first resolution, once); leaving `resolved` is a reopen. */
export async function recordStatus(trx: Trx, conv: ConvRef, status: string, at: string): Promise<void> {
  await ensureRow(trx, conv);
  const s = await row(trx, conv.id);
  if (status === 'resolved') {
    const first = s.first_resolved_at ?? at;
    await trx
      .updateTable('conversation_stats')
      .set({
        resolved_at: at,
        resolution_ms: msBetween(conv.created_at, at),
        resolution_policy_ms: policyMsBetween(calendarOfSla(conv.sla), conv.created_at, at),
        first_resolved_at: first,
        fcr_break_ms: fcrOf(s, { first_resolved_at: first }),
      })
      .where('conversation_id', '=', conv.id)
      .execute();
    return;
  }
  const reopened = s.resolved_at !== null;
  const firstReopen = s.first_reopened_at ?? (reopened ? at : null);
  await trx
    .updateTable('conversation_stats')
    .set({
      resolved_at: null,
      resolution_ms: null,
      resolution_policy_ms: null,
      ...(reopened ? { reopen_count: Number(s.reopen_count ?? 0) + 1, first_reopened_at: firstReopen, fcr_break_ms: fcrOf(s, { first_reopened_at: firstReopen }) } : {}),
    })
    .where('conversation_id', '=', conv.id)
    .execute();
}

/** An explicit transfer (to an agent or a team): counted once; the agent it lands on next is not a second transfer. */
export async function recordTransfer(trx: Trx, conv: ConvRef, at: string): Promise<void> {
  await ensureRow(trx, conv);
  const s = await row(trx, conv.id);
  const first = s.first_transfer_at ?? at;
  await trx
    .updateTable('conversation_stats')
    .set({ transfer_count: Number(s.transfer_count ?? 0) + 1, first_transfer_at: first, last_assignee_id: null, fcr_break_ms: fcrOf(s, { first_transfer_at: first }) })
    .where('conversation_id', '=', conv.id)
    .execute();
}

/**
 * End of a command transaction: copy each changed conversation's group keys onto its stats row; a new assignee who
 * differs from the previous agent is a transfer (initial assignment from a queue is not); a contact change (merge /
 * unmerge) recomputes the next contact of every resolved conversation of the contacts involved.
 */
export async function syncConversationFacts(trx: Trx, ids: Iterable<string>): Promise<void> {
  const contacts = new Set<string>();
  for (const id of ids) {
    // One read of the conversation and its stats row (this runs at the end of every command).
    const found = await conversationWithFacts.first(trx, { id });
    if (!found) continue;
    const c = found;
    // The stats columns come with the conversation (one read); a missing row is created and read once.
    let s: FactsOfStats;
    if (found.stats_id) s = statsColumnsOf(found);
    else {
      await ensureRow(trx, c);
      s = await row(trx, id);
    }
    const labels = labelsOf(c.labels);
    const labelsJson = labels.length ? JSON.stringify(labels) : null;
    const patch: Partial<StatsRow> = {};
    if (s.contact_id !== c.contact_id) {
      patch.contact_id = c.contact_id;
      // Not on creation: only a conversation moved to another contact changes anyone's next contact.
      if (s.contact_id) for (const k of [s.contact_id, c.contact_id]) contacts.add(k);
    }
    if (s.assignee_id !== c.assignee_id) patch.assignee_id = c.assignee_id;
    if (s.team_id !== (c.routing_team_id ?? null)) patch.team_id = c.routing_team_id ?? null;
    if (s.priority !== c.priority) patch.priority = c.priority;
    if (c.assignee_id !== null && s.last_assignee_id !== c.assignee_id) {
      patch.last_assignee_id = c.assignee_id;
      if (s.last_assignee_id) {
        const first = s.first_transfer_at ?? nowIso();
        patch.transfer_count = Number(s.transfer_count ?? 0) + 1;
        patch.first_transfer_at = first;
        patch.fcr_break_ms = fcrOf(s, { first_transfer_at: first });
      }
    }
    if (c.sla && !s.has_sla) patch.has_sla = 1;
    if ((c.sla || s.has_sla) && !s.sla_breached) {
      // A breach is a fired breach event (the scheduler writes it, then the conversation, in one transaction).
      const breach = await trx.selectFrom('sla_events').select('id').where('conversation_id', '=', id).where('kind', '=', 'breach').limit(1).executeTakeFirst();
      if (breach) Object.assign(patch, { has_sla: 1, sla_breached: 1 });
    }
    if ((s.labels ?? null) !== labelsJson) {
      patch.labels = labelsJson;
      await trx.deleteFrom('conversation_labels').where('conversation_id', '=', id).execute();
      if (labels.length) await trx.insertInto('conversation_labels').values(labels.map((label) => ({ conversation_id: id, label }))).execute();
    }
    if (Object.keys(patch).length) await trx.updateTable('conversation_stats').set(patch).where('conversation_id', '=', id).execute();
  }
  for (const contactId of contacts) await recomputeNextContact(trx, contactId);
}

/** The stats columns syncConversationFacts compares and derives from. */
type FactsOfStats = Pick<
  StatsRow,
  'contact_id' | 'assignee_id' | 'team_id' | 'priority' | 'last_assignee_id' | 'first_transfer_at' | 'transfer_count' | 'first_resolved_at' | 'first_reopened_at' | 'next_contact_at' | 'has_sla' | 'sla_breached' | 'labels'
>;

function statsColumnsOf(f: { [K in keyof FactsOfStats as `s_${K}`]: FactsOfStats[K] | null }): FactsOfStats {
  return {
    contact_id: f.s_contact_id,
    assignee_id: f.s_assignee_id,
    team_id: f.s_team_id,
    priority: f.s_priority,
    last_assignee_id: f.s_last_assignee_id,
    first_transfer_at: f.s_first_transfer_at,
    transfer_count: f.s_transfer_count,
    first_resolved_at: f.s_first_resolved_at,
    first_reopened_at: f.s_first_reopened_at,
    next_contact_at: f.s_next_contact_at,
    has_sla: f.s_has_sla,
    sla_breached: f.s_sla_breached,
    labels: f.s_labels,
  } as FactsOfStats;
}

/** The next contact (FCR) of every resolved conversation of a contact, from the contact's inbound messages as they are now. */
export async function recomputeNextContact(trx: Trx, contactId: string): Promise<void> {
  const resolved = await trx.selectFrom('conversation_stats').selectAll().where('contact_id', '=', contactId).where('first_resolved_at', 'is not', null).execute();
  if (resolved.length === 0) return;
  const times = (
    await trx
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select('m.created_at')
      .where('c.contact_id', '=', contactId)
      .where('m.direction', '=', 'inbound')
      .orderBy('m.created_at')
      .execute()
  ).map((m) => m.created_at);
  for (const r of resolved) {
    const next = firstAfter(times, r.first_resolved_at!);
    if (next === (r.next_contact_at ?? null)) continue;
    await trx
      .updateTable('conversation_stats')
      .set({ next_contact_at: next, fcr_break_ms: fcrOf(r, { next_contact_at: next }) })
      .where('conversation_id', '=', r.conversation_id)
      .execute();
  }
}

/** The command runner's writer: remembers which conversations the transaction wrote, for syncConversationFacts. */
export class FactsWriter extends ChangeWriter {
  readonly conversationsWritten = new Set<string>();
  /** Conversations emptied by a contact merge in this transaction: they get no stats row back at the end. */
  readonly folded = new Set<string>();

  override async put(entity: EntityName, id: string, scopes: readonly string[], data: unknown): Promise<void> {
    if (entity === 'conversation' && !this.folded.has(id)) this.conversationsWritten.add(id);
    await super.put(entity, id, scopes, data);
  }
}

/** A folded conversation's facts as they were, kept in the merge record so unmerge restores them exactly. */
export interface FoldedStats {
  into: string;
  row: StatsRow;
}

/**
 * A contact merge folded conversation `fromId` into the survivor's open thread `intoId` (its messages moved there):
 * it leaves the metrics — it is no longer a conversation of its own — and its message counts go with its messages.
 * Returns what unfoldStats needs to put it back.
 */
export async function foldStats(w: ChangeWriter, fromId: string, intoId: string): Promise<FoldedStats | null> {
  if (w instanceof FactsWriter) {
    w.folded.add(fromId);
    w.conversationsWritten.delete(fromId);
  }
  const row = await w.trx.selectFrom('conversation_stats').selectAll().where('conversation_id', '=', fromId).executeTakeFirst();
  if (!row) return null;
  await w.trx.deleteFrom('conversation_labels').where('conversation_id', '=', fromId).execute();
  await w.trx.deleteFrom('conversation_stats').where('conversation_id', '=', fromId).execute();
  await w.trx
    .updateTable('conversation_stats')
    .set((eb) => ({ inbound_count: eb('inbound_count', '+', Number(row.inbound_count ?? 0)), outbound_count: eb('outbound_count', '+', Number(row.outbound_count ?? 0)) }))
    .where('conversation_id', '=', intoId)
    .execute();
  return { into: intoId, row };
}

/** Unmerge: the folded conversation's facts come back as they were, and its counts leave the thread they joined. */
export async function unfoldStats(w: ChangeWriter, folded: FoldedStats): Promise<void> {
  const { row } = folded;
  await w.trx
    .updateTable('conversation_stats')
    .set((eb) => ({
      inbound_count: sql<number>`MAX(0, ${eb.ref('inbound_count')} - ${Number(row.inbound_count ?? 0)})`,
      outbound_count: sql<number>`MAX(0, ${eb.ref('outbound_count')} - ${Number(row.outbound_count ?? 0)})`,
    }))
    .where('conversation_id', '=', folded.into)
    .execute();
  await w.trx.deleteFrom('conversation_labels').where('conversation_id', '=', row.conversation_id).execute();
  await w.trx.deleteFrom('conversation_stats').where('conversation_id', '=', row.conversation_id).execute();
  await w.trx.insertInto('conversation_stats').values(row).execute();
  const labels = labelsOf(row.labels);
  if (labels.length) await w.trx.insertInto('conversation_labels').values(labels.map((label) => ({ conversation_id: row.conversation_id, label }))).execute();
}
