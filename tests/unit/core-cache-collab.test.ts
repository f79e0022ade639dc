// The desktop cache's routing and collaboration side (cache migration 7, routing-ops.ts): synced routing events
// and presence, claim and transfer as optimistic mutations rolled back exactly on rejection, the handover note as a
// pending message, reset keeping what waits in the outbox, notifications claimed at most once; and the pure
// notification policy and @mention parser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCache, type CacheClient } from '../../src-main/core/cache/client';
import { collabCandidatesFor } from '../../src-main/core/notify/collab-policy';
import type { Agent, Channel, Contact, Conversation, Message } from '../../src-shared/domain';
import { insertMention, mentionIdsIn, mentionQueryAt, mentionSuggestions } from '../../src-shared/mentions';
import type { Presence, RoutingEvent } from '../../src-shared/routing';
import type { Change } from '../../src-shared/sync';

const me: Agent = { id: 'agent-ana', email: 'ana@example.com', name: 'Ana Lima', role: 'agent', channelIds: ['ch-1'] };
const ben: Agent = { id: 'agent-ben', email: 'ben@example.com', name: 'Ben Okafor', role: 'agent', channelIds: ['ch-1'] };
const channel: Channel = { id: 'ch-1', type: 'webchat', name: 'Website', config: {} };
const contact: Contact = { id: 'ct-1', name: 'Budi', identities: [], createdAt: '2025-01-01T10:00:00.000Z' };
const conversation: Conversation = {
  id: 'cv-1', contactId: 'ct-1', channelId: 'ch-1', status: 'open', assigneeId: null, subject: null,
  lastMessageAt: '2025-01-01T10:00:00.000Z', lastMessagePreview: 'Hi', lastInboundAt: '2025-01-01T10:00:00.000Z', createdAt: '2025-01-01T10:00:00.000Z',
};
const event = (over: Partial<RoutingEvent>): RoutingEvent => ({
  id: 're-1', conversationId: 'cv-1', channelId: 'ch-1', kind: 'assigned', seq: 1, at: '2025-01-01T10:00:01.000Z', ruleId: 'r-1', ruleName: 'VIP', teamId: 't-1', teamName: 'Senior',
  strategy: 'least_loaded', agentId: me.id, why: 'most spare capacity', rulesSkipped: [], agentsSkipped: [{ agentId: ben.id, reason: 'full' }], notify: [me.id], ...over,
});
const presence = (id: string, effective: Presence['effective']): Presence => ({ id, status: effective, effective, updatedAt: '2025-01-01T10:00:00.000Z' });

let seq = 0;
const put = (entity: Change['entity'], data: { id: string }): Change => ({ seq: ++seq, entity, id: data.id, op: 'put', data });

const dirs: string[] = [];
const caches: CacheClient[] = [];
afterEach(async () => {
  for (const c of caches.splice(0)) await c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
async function cache(): Promise<CacheClient> {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-collab-'));
  dirs.push(d);
  const c = await openCache(d);
  caches.push(c);
  await c.call('saveSession', { serverUrl: 'http://x', token: 't', agent: me });
  await c.call('applyChanges', { changes: [put('agent', me), put('agent', ben), put('channel', channel), put('contact', contact), put('conversation', conversation)], cursor: seq, meId: me.id });
  return c;
}

describe('routing events and presence in the cache', () => {
  it('stores synced events in seq order for the timeline, reports new ones once, and keeps presence per agent', async () => {
    const c = await cache();
    const later = event({ id: 're-2', seq: 2, kind: 'transferred', agentId: ben.id, byAgentId: me.id, notify: [ben.id], at: '2025-01-01T10:05:00.000Z' });
    const first = await c.call('applyChanges', { changes: [put('routingEvent', later), put('routingEvent', event({})), put('presence', presence(me.id, 'online'))], cursor: seq, meId: me.id });
    expect(first.fresh.routingEvents?.map((e) => e.id).sort()).toEqual(['re-1', 're-2']);
    expect(first.conversationIds).toEqual(['cv-1']);
    // The same event again (a re-pull): not fresh.
    const again = await c.call('applyChanges', { changes: [put('routingEvent', later)], cursor: seq, meId: me.id });
    expect(again.fresh.routingEvents).toEqual([]);
    // An invalid one is ignored, not stored.
    await c.call('applyChanges', { changes: [{ seq: ++seq, entity: 'routingEvent', id: 'bad', op: 'put', data: { id: 'bad' } }], cursor: seq, meId: me.id });

    const detail = await c.call('conversationOpen', { id: 'cv-1', meId: me.id });
    expect(detail.routingEvents?.map((e) => e.id)).toEqual(['re-1', 're-2']);
    expect(detail.assigneePresence).toBeNull(); // unassigned
    expect(await c.call('presenceList', {})).toEqual([
      { agentId: me.id, name: 'Ana Lima', status: 'online' },
      { agentId: ben.id, name: 'Ben Okafor', status: 'offline' }, // never heard of: offline
    ]);
    await c.call('applyChanges', { changes: [put('presence', presence(me.id, 'away'))], cursor: seq, meId: me.id });
    expect((await c.call('presenceList', {}))[0]!.status).toBe('away');

    // A server reset drops them (the server rebuilds them); the notification record stays.
    expect(await c.call('collabClaimNotifications', { keys: ['a', 'b'], at: 'now' })).toEqual(['a', 'b']);
    await c.call('reset', { scopeKey: 'k2' });
    expect((await c.call('counts', {})).routing_events).toBe(0);
    expect(await c.call('presenceList', {})).toEqual([]);
    expect(await c.call('collabClaimNotifications', { keys: ['a', 'c'], at: 'now' })).toEqual(['c']);
  });
});

describe('claim and transfer as optimistic mutations', () => {
  it('claim shows me as the assignee at once; a rejection rolls it back to the server row', async () => {
    const c = await cache();
    const out = await c.call('mutate', { name: 'claim', args: { conversationId: 'cv-1' }, me });
    expect(out.seq).toBeGreaterThan(0);
    expect((await c.call('conversationOpen', { id: 'cv-1', meId: me.id })).conversation.assigneeId).toBe(me.id);
    const [entry] = await c.call('outboxList', {});
    expect(entry).toMatchObject({ name: 'claim', args: { conversationId: 'cv-1' } });
    const settled = await c.call('settle', { results: [{ seq: entry!.seq, id: entry!.id, status: 'rejected', error: { code: 'conflict', message: 'already assigned to Ben Okafor' } }] });
    expect(settled.rejected).toEqual([{ mutation: 'claim', conversationId: 'cv-1', code: 'conflict', message: 'already assigned to Ben Okafor' }]);
    expect((await c.call('conversationOpen', { id: 'cv-1', meId: me.id })).conversation.assigneeId).toBeNull();
  });

  it('transfer: the receiver at once, the note as a pending private note; rejection removes the note; reset keeps it while queued', async () => {
    const c = await cache();
    await expect(c.call('mutate', { name: 'transfer', args: { conversationId: 'cv-1', toAgentId: ben.id, toTeamId: 't-1' }, me })).rejects.toThrow();
    expect(await c.call('outboxCount', {})).toBe(0);
    await c.call('mutate', { name: 'transfer', args: { conversationId: 'cv-1', toAgentId: ben.id, note: 'VIP, be quick' }, me });
    let detail = await c.call('conversationOpen', { id: 'cv-1', meId: me.id });
    expect(detail.conversation.assigneeId).toBe(ben.id);
    const note = detail.messages.find((m) => m.direction === 'note')!;
    expect(note).toMatchObject({ text: 'VIP, be quick', pending: true, authorId: me.id });
    const [entry] = await c.call('outboxList', {});
    expect(entry!.args).toMatchObject({ conversationId: 'cv-1', toAgentId: ben.id, note: 'VIP, be quick', noteId: note.id });

    await c.call('reset', { scopeKey: 'k2' }); // the server said reset: the optimistic note survives, it is still pending
    await c.call('applyChanges', { changes: [put('contact', contact), put('channel', channel), put('conversation', conversation)], cursor: seq, meId: me.id });
    detail = await c.call('conversationOpen', { id: 'cv-1', meId: me.id });
    expect(detail.messages.map((m) => m.id)).toEqual([note.id]);
    expect(detail.conversation.assigneeId).toBe(ben.id);

    await c.call('settle', { results: [{ seq: entry!.seq, id: entry!.id, status: 'rejected', error: { code: 'invalid', message: 'toAgentId: not an active agent' } }] });
    detail = await c.call('conversationOpen', { id: 'cv-1', meId: me.id });
    expect(detail.messages).toEqual([]);
    expect(detail.conversation.assigneeId).toBeNull();
  });

  it('a transfer to a team shows the conversation unassigned until the team picks someone', async () => {
    const c = await cache();
    await c.call('applyChanges', { changes: [put('conversation', { ...conversation, assigneeId: me.id } as Conversation)], cursor: seq, meId: me.id });
    await c.call('mutate', { name: 'transfer', args: { conversationId: 'cv-1', toTeamId: 't-1' }, me });
    const detail = await c.call('conversationOpen', { id: 'cv-1', meId: me.id });
    expect(detail.conversation.assigneeId).toBeNull();
    expect(detail.messages).toEqual([]); // no note written: the server writes "Transferred to team …"
  });
});

describe('collaboration notifications (pure)', () => {
  const msg = (over: Partial<Message>): Message => ({ id: 'm-9', conversationId: 'cv-1', channelId: 'ch-1', direction: 'note', text: '@Ana Lima look', status: 'sent', authorId: ben.id, authorName: 'Ben Okafor', createdAt: 'x', mentions: [me.id], ...over });
  it('mentions of me by others; transfers to me; reassignments to and from me; never my own actions', () => {
    const fresh = {
      conversations: [],
      messages: [
        { message: msg({}), assigneeId: null, contactName: 'Budi' },
        { message: msg({ id: 'm-10', authorId: me.id, mentions: [me.id] }), assigneeId: null, contactName: 'Budi' },
        { message: msg({ id: 'm-11', direction: 'outbound' }), assigneeId: null, contactName: 'Budi' },
        { message: msg({ id: 'note-1', text: 'VIP', mentions: undefined }), assigneeId: null, contactName: 'Budi' },
      ],
      routingEvents: [
        event({ id: 'e1', kind: 'transferred', agentId: me.id, byAgentId: ben.id, noteId: 'note-1', notify: [me.id] }),
        event({ id: 'e2', kind: 'transferred', agentId: ben.id, byAgentId: me.id, notify: [ben.id] }),
        event({ id: 'e3', kind: 'reassigned', agentId: ben.id, notify: [me.id, ben.id], why: 'the assignee did not reply within 60 s' }),
        event({ id: 'e4', kind: 'assigned', notify: [me.id] }),
      ],
    };
    expect(collabCandidatesFor(me, fresh)).toEqual([
      { key: `mention:m-9:${me.id}`, conversationId: 'cv-1', title: 'Ben Okafor mentioned you · Budi', body: '@Ana Lima look' },
      { key: `routing:e1:${me.id}`, conversationId: 'cv-1', title: 'Transferred to you', body: 'VIP' },
      { key: `routing:e3:${me.id}`, conversationId: 'cv-1', title: 'Reassigned to someone else', body: 'the assignee did not reply within 60 s' },
    ]);
    expect(collabCandidatesFor(ben, fresh).map((c) => c.key)).toEqual([`routing:e2:${ben.id}`, `routing:e3:${ben.id}`]);
  });
});

describe('@mentions (pure)', () => {
  const agents = [
    { id: 'a', name: 'Ana' },
    { id: 'al', name: 'Ana Lima' },
    { id: 'b', name: 'Ben Okafor' },
  ];
  it('finds full names after @, longest first, case-insensitive, not inside words or e-mail addresses, without the author', () => {
    expect(mentionIdsIn('@ana lima and @Ben Okafor, see ana@example.com; @Anastasia', agents)).toEqual(['al', 'b']);
    expect(mentionIdsIn('@Ana: @Ana again', agents)).toEqual(['a']);
    expect(mentionIdsIn('@Ben Okafor', agents, 'b')).toEqual([]);
    expect(mentionIdsIn('no mentions', agents)).toEqual([]);
  });
  it('the query at the caret, suggestions and insertion', () => {
    expect(mentionQueryAt('hi @be', 6)).toEqual({ start: 3, query: 'be' });
    expect(mentionQueryAt('mail ana@x', 10)).toBeNull();
    expect(mentionQueryAt('@a\nb', 4)).toBeNull();
    expect(mentionSuggestions(agents, 'ok').map((a) => a.id)).toEqual(['b']);
    expect(mentionSuggestions(agents, 'an').map((a) => a.id)).toEqual(['a', 'al']);
    expect(insertMention('hi @be!', 3, 6, 'Ben Okafor')).toEqual({ text: 'hi @Ben Okafor !', caret: 15 });
  });
});
