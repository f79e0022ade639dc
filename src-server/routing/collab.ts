// Handoff (docs/routing.md §Handoff): claim an unassigned conversation, transfer it to an agent or a team with a
// handover note. Both are sync mutations (exactly once, src-server/sync/push.ts) and REST calls, and both run in the
// caller's Commands.run transaction, whose first statement already holds the write lock.
//
// Claim is one conditional UPDATE (… WHERE assignee_id IS NULL): of two agents claiming at once exactly one changes
// the row; the other gets `conflict` with who has it. A transfer stores its note as a private note (a message the
// customer never sees) and records a `transferred` routing event whose `notify` names the receiving agent.
import type { Role } from '../../src-shared/domain';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { RoutingEvent } from '../../src-shared/routing';
import type { ChangeWriter } from '../domain/change-log';
import { emitConversation, sendMessage, visibleConversation, type Commands } from '../domain/commands';
import { conflict, invalid, notFound } from '../domain/errors';
import { canSeeChannel, type Actor } from '../domain/visibility';
import { recordTransfer } from '../domain/conversation-stats';

export interface TransferInput {
  conversationId: string;
  toAgentId?: string;
  toTeamId?: string;
  note?: string;
  noteId: string;
}

/** Appends a routing event to the conversation's timeline (synced like the router's own). */
async function recordEvent(w: ChangeWriter, conv: { id: string; channel_id: string }, e: Omit<RoutingEvent, 'id' | 'seq' | 'conversationId' | 'channelId' | 'at'>): Promise<RoutingEvent> {
  const prev = await w.trx.selectFrom('routing_events').select(({ fn }) => fn.max('seq').as('seq')).where('conversation_id', '=', conv.id).executeTakeFirst();
  const event: RoutingEvent = { id: uuidv7(), seq: Number(prev?.seq ?? 0) + 1, conversationId: conv.id, channelId: conv.channel_id, at: nowIso(), ...e };
  await w.trx.insertInto('routing_events').values({ id: event.id, conversation_id: conv.id, channel_id: conv.channel_id, kind: event.kind, seq: event.seq, at: event.at, data: JSON.stringify(event) }).execute();
  await w.put('routingEvent', event.id, [conv.channel_id], event);
  return event;
}

const blank = (): Pick<RoutingEvent, 'ruleId' | 'ruleName' | 'strategy' | 'rulesSkipped' | 'agentsSkipped'> => ({ ruleId: null, ruleName: null, strategy: null, rulesSkipped: [], agentsSkipped: [] });

/** The agent takes an unassigned conversation. Atomic; `conflict` naming the agent who has it when someone was faster. */
export async function claim(w: ChangeWriter, actor: Actor, conversationId: string): Promise<void> {
  const conv = await visibleConversation(w, actor, conversationId);
  if (conv.assignee_id === actor.id) return; // already mine (a retried REST call)
  if (conv.status === 'resolved') throw invalid('a resolved conversation cannot be claimed; reopen it first');
  const now = nowIso();
  const res = await w.trx
    .updateTable('conversations')
    .set({ assignee_id: actor.id, assigned_at: now, reply_due_at: null, updated_at: now })
    .where('id', '=', conv.id)
    .where('assignee_id', 'is', null)
    .where('status', '!=', 'resolved')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) {
    const holder = conv.assignee_id ? await w.trx.selectFrom('agents').select('name').where('id', '=', conv.assignee_id).executeTakeFirst() : undefined;
    throw conflict(`already assigned to ${holder?.name ?? 'another agent'}`);
  }
  await recordEvent(w, conv, { ...blank(), kind: 'claimed', teamId: conv.routing_team_id ?? null, teamName: null, agentId: actor.id, why: `claimed by ${actor.name}`, notify: [], byAgentId: actor.id, noteId: null });
  await emitConversation(w, conv.id);
}

/** Hands the conversation to an agent or to a team (routed there at once, or queued), with an optional note. */
export async function transfer(w: ChangeWriter, actor: Actor, input: TransferInput, router: Commands['router']): Promise<void> {
  const conv = await visibleConversation(w, actor, input.conversationId);
  if ((input.toAgentId === undefined) === (input.toTeamId === undefined)) throw invalid('name exactly one of toAgentId, toTeamId');
  if (conv.status === 'resolved') throw invalid('a resolved conversation cannot be transferred; reopen it first');
  // The same mutation arriving again over REST: the note exists, nothing more to do.
  if (await w.trx.selectFrom('messages').select('id').where('id', '=', input.noteId).executeTakeFirst()) {
    const again = await w.trx.selectFrom('messages').select(['author_id', 'conversation_id']).where('id', '=', input.noteId).executeTakeFirstOrThrow();
    if (again.author_id === actor.id && again.conversation_id === conv.id) return;
    throw conflict('a message with this id already exists');
  }
  const now = nowIso();
  const note = input.note?.trim() ?? '';
  let teamName: string | null = null;
  let target: { id: string; name: string } | null = null;
  if (input.toAgentId !== undefined) {
    const a = await w.trx.selectFrom('agents').select(['id', 'name', 'role', 'disabled']).where('id', '=', input.toAgentId).executeTakeFirst();
    if (!a || a.disabled) throw invalid('toAgentId: not an active agent');
    if (!(await canSeeChannel(w.trx, { id: a.id, name: a.name, role: a.role as Role }, conv.channel_id))) throw invalid('toAgentId: the agent is not a member of this conversation’s channel');
    if (a.id === conv.assignee_id) throw invalid(`the conversation is already assigned to ${a.name}`);
    target = { id: a.id, name: a.name };
  } else {
    const team = await w.trx.selectFrom('teams').select(['id', 'name']).where('id', '=', input.toTeamId!).executeTakeFirst();
    if (!team) throw notFound('team');
    teamName = team.name;
  }
  // The handover note first, so it sits before the routing event in the thread.
  const text = note || (target ? `Transferred to ${target.name}` : `Transferred to team ${teamName}`);
  await sendMessage(w, actor, { messageId: input.noteId, conversationId: conv.id, text, private: true });
  const previous = conv.assignee_id;
  // Metrics (docs/metrics.md): an explicit transfer breaks first-contact resolution.
  await recordTransfer(w.trx, conv, now);
  if (target) {
    await w.trx
      .updateTable('conversations')
      .set({ assignee_id: target.id, assigned_at: now, reply_due_at: null, queued_at: null, updated_at: now })
      .where('id', '=', conv.id)
      .execute();
    await recordEvent(w, conv, {
      ...blank(),
      kind: 'transferred',
      teamId: null,
      teamName: null,
      agentId: target.id,
      why: `transferred by ${actor.name}${note ? ' with a note' : ''}`,
      notify: target.id === actor.id ? [] : [target.id],
      byAgentId: actor.id,
      noteId: input.noteId,
    });
    await emitConversation(w, conv.id);
  } else {
    // Into the team's queue (its strategy picks an agent now, or it waits); the picked agent is notified.
    await w.trx
      .updateTable('conversations')
      .set({ assignee_id: null, assigned_at: null, reply_due_at: null, routing_team_id: input.toTeamId!, queued_at: now, status: 'open', updated_at: now })
      .where('id', '=', conv.id)
      .execute();
    if (!router?.routeIn) throw invalid('routing is not available on this server');
    await router.routeIn(w, conv.id, { kind: 'transferred', why: `transferred to ${teamName} by ${actor.name}${note ? ' with a note' : ''}`, by: { agentId: actor.id, noteId: input.noteId } });
    await emitConversation(w, conv.id);
  }
  // The previous assignee's capacity is free again: the queues may move.
  if (previous) w.routingWork.drain = true;
}
