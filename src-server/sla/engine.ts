// The SLA engine (server side, authoritative). Inside the write transaction of every conversation change
// (commands.ts calls the hook) it moves the conversation's clocks with src-shared/sla and stores the snapshot,
// the due times, the state and the next firing time on the conversation row. The scheduler (scheduler.ts)
// fires warnings and breaches from those stored times, each once, and runs the policy's escalation on breach.
import type { Selectable } from 'kysely';
import type { ChannelType, Priority } from '../../src-shared/domain';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import {
  dueAtOf,
  nextFiringAt,
  nextSnapshot,
  raisedPriority,
  resolvePolicy,
  SlaSnapshot,
  slaBadge,
  slaEventKey,
  takeDue,
  type BusinessCalendar,
  type Clock,
  type SlaEvent,
  type SlaEventInput,
  type SlaPolicy,
} from '../../src-shared/sla';
import type { ChangeWriter, SlaConversationEvent } from '../domain/change-log';
import { conversationOf, type Q } from '../domain/entities';
import type { ConversationsTable } from '../store/schema';
import { prepared } from '../store/prepared';
import { clockCalendar, getCalendar, listPolicies } from './store';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Customer tier of a contact, if the contact store has one (the `tier` column arrives with customer profiles). */
async function customerTierOf(q: Q, contactId: string): Promise<string | null> {
  const row = (await q.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst()) as Record<string, unknown> | undefined;
  const tier = row?.tier;
  return typeof tier === 'string' && tier.trim() !== '' ? tier : null;
}

export async function policyFor(q: Q, row: Selectable<ConversationsTable>): Promise<{ policy: SlaPolicy | null; calendar: BusinessCalendar | null }> {
  const channel = await q.selectFrom('channels').select('type').where('id', '=', row.channel_id).executeTakeFirst();
  if (!channel) return { policy: null, calendar: null };
  const policy = resolvePolicy(await listPolicies(q), {
    channelType: channel.type as ChannelType,
    priority: (row.priority ?? 'normal') as Priority,
    customerTier: await customerTierOf(q, row.contact_id),
  });
  const calendar = policy?.calendarId ? clockCalendar(await getCalendar(q, policy.calendarId)) : null;
  return { policy, calendar };
}

export function parseSnapshot(raw: string | null): SlaSnapshot | null {
  if (!raw) return null;
  const parsed = SlaSnapshot.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

/** The snapshot and everything derived from it, on the conversation row. */
export async function storeSnapshot(w: ChangeWriter, conversationId: string, s: SlaSnapshot | null, now: number): Promise<void> {
  const due = (t: keyof SlaSnapshot['targets']) => {
    const c = s?.targets[t];
    return c ? iso(dueAtOf(s!.calendar, c)) : null;
  };
  await w.trx
    .updateTable('conversations')
    .set({
      sla: s ? JSON.stringify(s) : null,
      first_response_due_at: due('firstResponse'),
      next_response_due_at: due('nextResponse'),
      resolution_due_at: due('resolution'),
      sla_state: s ? (slaBadge(s, now)?.state ?? null) : null,
      sla_next_at: s ? iso(nextFiringAt(s)) : null,
    })
    .where('id', '=', conversationId)
    .execute();
}

export interface SlaEngineOptions {
  clock: Clock;
  /** Told when the next firing time may have moved earlier (the scheduler re-arms). */
  onReschedule?: () => void;
  log?: { error(obj: unknown, msg: string): void; warn(obj: unknown, msg: string): void };
}

/** The conversation's running SLA, and whether any policy is enabled: compiled once (store/prepared.ts). */
const slaGate = prepared((q, arg: (k: 'id') => string) =>
  q
    .selectFrom('conversations')
    .select((eb) => ['sla', eb.exists(eb.selectFrom('sla_policies').select('id').where('enabled', '=', 1)).as('anyPolicy')])
    .where('id', '=', arg('id')),
);

export class SlaEngine {
  constructor(private readonly opts: SlaEngineOptions) {}

  now(): number {
    return this.opts.clock.now();
  }

  /** commands.ts → here, inside the transaction, before the conversation is written to the change log. */
  readonly hook = async (w: ChangeWriter, conversationId: string, ev: SlaConversationEvent): Promise<void> => {
    // No SLA configured and none running: nothing to do (one narrow statement on the hot path, every customer message).
    const gate = await slaGate.first(w.trx, { id: conversationId });
    if (!gate || (!gate.sla && !gate.anyPolicy)) return;
    const row = (await w.trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst())!;
    const at = this.now();
    const { policy, calendar } = await policyFor(w.trx, row);
    let s = parseSnapshot(row.sla);
    const steps: SlaEventInput[] = [];
    if (ev.type === 'inbound') {
      // A customer writing to a pending conversation reopened it (receiveInbound): resume, then count the message.
      if (ev.fromStatus !== row.status) steps.push({ type: 'status', at, from: ev.fromStatus, to: row.status });
      steps.push({ type: 'inbound', at, status: row.status });
    } else if (ev.type === 'reply') steps.push({ type: 'reply', at });
    else if (ev.type === 'status') steps.push({ type: 'status', at, from: ev.from, to: ev.to });
    else steps.push({ type: 'policy', at, status: row.status });
    try {
      for (const step of steps) s = nextSnapshot(s, policy, calendar, step);
    } catch (err) {
      // A calendar without open hours cannot give a due time: no SLA rather than a failed write.
      this.opts.log?.warn({ err, conversationId }, 'SLA clock could not be computed; conversation left without SLA');
      s = null;
    }
    await storeSnapshot(w, conversationId, s, at);
    this.opts.onReschedule?.();
  };

  /**
   * Fires what is due for one conversation: each firing inserted once under its unique key (a firing whose key
   * exists is skipped — a restart or a second process never fires twice), emitted as an `slaEvent` entity, and
   * on breach the policy's escalation. Returns the events fired.
   */
  async fireDue(w: ChangeWriter, conversationId: string): Promise<SlaEvent[]> {
    const row = await w.trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
    if (!row) return [];
    const now = this.now();
    const snapshot = parseSnapshot(row.sla);
    if (!snapshot) {
      await w.trx.updateTable('conversations').set({ sla_next_at: null }).where('id', '=', conversationId).execute();
      return [];
    }
    const { fired, snapshot: next } = takeDue(snapshot, now);
    const events: SlaEvent[] = [];
    let priority = (row.priority ?? 'normal') as Priority;
    let assigneeId = row.assignee_id;
    const { policy } = await policyFor(w.trx, row);
    for (const f of fired) {
      const event: SlaEvent = {
        id: uuidv7(),
        conversationId,
        channelId: row.channel_id,
        target: f.target,
        kind: f.kind,
        label: f.label,
        dueAt: iso(f.dueAt)!,
        firedAt: iso(now)!,
        assigneeId: row.assignee_id,
        policyName: snapshot.policyName,
        actions: [],
        notifySupervisors: false,
      };
      const key = slaEventKey(event);
      const inserted = await w.trx
        .insertInto('sla_events')
        .values({ key, id: event.id, conversation_id: conversationId, channel_id: row.channel_id, target: f.target, kind: f.kind, due_at: event.dueAt, fired_at: event.firedAt, data: '{}' })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) continue;
      if (f.kind === 'breach' && policy && policy.id === snapshot.policyId) {
        const esc = policy.escalation;
        event.notifySupervisors = esc.notifySupervisors;
        if (esc.raisePriority && raisedPriority(priority) !== priority) {
          priority = raisedPriority(priority);
          event.actions.push(`priority:${priority}`);
        }
        if (esc.reassignTo === 'queue' && assigneeId !== null) {
          assigneeId = null;
          event.actions.push('unassigned');
        } else if (esc.reassignTo && esc.reassignTo !== 'queue' && esc.reassignTo !== assigneeId && (await canTake(w.trx, esc.reassignTo, row.channel_id))) {
          assigneeId = esc.reassignTo;
          event.actions.push(`reassigned:${assigneeId}`);
        }
      } else if (f.kind === 'breach') event.notifySupervisors = true;
      await w.trx.updateTable('sla_events').set({ data: JSON.stringify(event) }).where('key', '=', key).execute();
      await w.put('slaEvent', event.id, [row.channel_id], event);
      events.push(event);
    }
    if (priority !== row.priority || assigneeId !== row.assignee_id) {
      await w.trx.updateTable('conversations').set({ priority, assignee_id: assigneeId, updated_at: nowIso() }).where('id', '=', conversationId).execute();
    }
    await storeSnapshot(w, conversationId, next, now);
    if (priority !== row.priority) {
      // A new priority may select another policy: its targets apply from now on (what already fired stays fired).
      await this.hook(w, conversationId, { type: 'priority' });
    }
    const updated = (await w.trx.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst())!;
    await w.put('conversation', conversationId, [row.channel_id], conversationOf(updated));
    return events;
  }
}

/** An escalation may only hand the conversation to an active agent who can see its channel. */
async function canTake(q: Q, agentId: string, channelId: string): Promise<boolean> {
  const agent = await q.selectFrom('agents').select(['role', 'disabled']).where('id', '=', agentId).executeTakeFirst();
  if (!agent || agent.disabled) return false;
  if (agent.role === 'admin' || agent.role === 'supervisor') return true;
  return !!(await q.selectFrom('channel_members').select('agent_id').where('agent_id', '=', agentId).where('channel_id', '=', channelId).executeTakeFirst());
}
