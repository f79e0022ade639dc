// Handoff and collaboration on a real server (SQLite in a temp dir, real sockets, a manual clock): claim races
// decided by the store (exactly one of two agents wins, the other gets a clear conflict), transfer to an agent and
// to a team with a handover note (a private note, a `transferred` routing event naming whom to notify), @mentions
// stored on the note (never the author; only agents who can see the channel), 404 for agents outside the channel,
// exactly-once mutations, and the web chat customer told their queue position as it changes.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-shared/sla';
import type { Presence, RoutingEvent } from '../../src-shared/routing';
import type { Message } from '../../src-shared/domain';
import { uuidv7 } from '../../src-shared/ids';
import { addMember, api, makeAgent, makeChannel, startTestServer, SyncClient, visitor, WidgetClient, type TestServer } from './server-support';

const T0 = Date.parse('2026-05-04T03:00:00.000Z');
let servers: TestServer[] = [];
let sockets: { close(): unknown }[] = [];

afterEach(async () => {
  for (const s of sockets) s.close();
  sockets = [];
  for (const s of servers.reverse()) await s.close().catch(() => undefined);
  servers = [];
});

async function start() {
  const t = await startTestServer({ clock: new ManualClock(T0), routing: { tickMs: 0, graceMs: 60_000 } });
  servers.push(t);
  return t;
}

async function waitFor<T>(fn: () => Promise<T | undefined | false | null>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function agentWithSocket(t: TestServer, channelId: string | null, name: string) {
  const a = await makeAgent(t, name);
  if (channelId) await addMember(t, channelId, a.id);
  const socket = await SyncClient.connect(t.url, a.token);
  sockets.push(socket);
  await socket.hello(`client-${a.id}`);
  return { ...a, socket };
}

const inbound = (t: TestServer, channelId: string, who: string, text = 'hello') =>
  t.server.commands.receiveInbound({ channelId, identity: { channelType: 'webchat', value: `visitor:${who}` }, profile: { name: who }, externalId: uuidv7(), text });
const conv = (t: TestServer, id: string) => t.server.store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const events = async (t: TestServer, id: string) => (await api<{ items: RoutingEvent[] }>(t.url, 'GET', `/api/v1/conversations/${id}/routing-events`, t.adminToken)).body.items;

describe('claim', () => {
  it('two agents claim the same conversation at once: exactly one wins, the other is told who has it', async () => {
    const t = await start();
    const channelId = await makeChannel(t);
    const ana = await agentWithSocket(t, channelId, 'Ana');
    const ben = await agentWithSocket(t, channelId, 'Ben');
    for (let round = 0; round < 10; round++) {
      const { conversationId } = await inbound(t, channelId, `race-${round}`);
      const [ra, rb] = await Promise.all([
        ana.socket.push([ana.socket.mutation('claim', { conversationId })]),
        ben.socket.push([ben.socket.mutation('claim', { conversationId })]),
      ]);
      const results = [ra.results[0]!, rb.results[0]!];
      expect(results.filter((r) => r.status === 'applied')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected')!;
      const winner = results[0]!.status === 'applied' ? ana : ben;
      expect(lost.error).toEqual({ code: 'conflict', message: `already assigned to ${winner.name}` });
      expect((await conv(t, conversationId)).assignee_id).toBe(winner.id);
      const claimed = (await events(t, conversationId)).filter((e) => e.kind === 'claimed');
      expect(claimed).toMatchObject([{ agentId: winner.id, byAgentId: winner.id, why: `claimed by ${winner.name}` }]);
    }
    // The same mutation again (a lost pushResult): duplicate, not a second claim.
    const { conversationId } = await inbound(t, channelId, 'again');
    const m = ana.socket.mutation('claim', { conversationId });
    expect((await ana.socket.push([m])).results[0]!.status).toBe('applied');
    expect((await ana.socket.push([m])).results[0]!.status).toBe('duplicate');
    expect((await events(t, conversationId)).filter((e) => e.kind === 'claimed')).toHaveLength(1);
  });

  it('REST: 200 for the first, 409 for the second; 404 for an agent outside the channel; a resolved one is refused', async () => {
    const t = await start();
    const channelId = await makeChannel(t);
    const ana = await makeAgent(t, 'Ana');
    const ben = await makeAgent(t, 'Ben');
    const outsider = await makeAgent(t, 'Olga');
    await addMember(t, channelId, ana.id);
    await addMember(t, channelId, ben.id);
    const { conversationId } = await inbound(t, channelId, 'rest');
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/claim`, outsider.token)).status).toBe(404);
    const first = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/claim`, ana.token);
    expect(first.status).toBe(200);
    expect(first.body.conversation.assigneeId).toBe(ana.id);
    const second = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/claim`, ben.token);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toBe('already assigned to Ana');
    await t.server.commands.updateConversation({ id: ana.id, name: 'Ana', role: 'agent' }, conversationId, { status: 'resolved', assigneeId: null });
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/claim`, ben.token)).status).toBe(400);
    expect((await conv(t, conversationId)).assignee_id).toBeNull();
  });
});

describe('transfer', () => {
  it('to an agent with a note: a private note in the thread, a transferred event notifying the receiver; bad input changes nothing', async () => {
    const t = await start();
    const channelId = await makeChannel(t);
    const ana = await agentWithSocket(t, channelId, 'Ana');
    const ben = await agentWithSocket(t, channelId, 'Ben');
    const outsider = await agentWithSocket(t, null, 'Olga');
    const { conversationId } = await inbound(t, channelId, 'transfer');
    await ana.socket.push([ana.socket.mutation('claim', { conversationId })]);

    // Refused: both targets, an agent outside the channel, an unknown team, someone who cannot see it.
    const noteId = uuidv7();
    const bad = await ana.socket.push([
      ana.socket.mutation('transfer', { conversationId, toAgentId: ben.id, toTeamId: 'x', noteId }),
      ana.socket.mutation('transfer', { conversationId, toAgentId: outsider.id, noteId }),
      ana.socket.mutation('transfer', { conversationId, toTeamId: uuidv7(), noteId }),
    ]);
    expect(bad.results.map((r) => r.error?.code)).toEqual(['invalid', 'invalid', 'not_found']);
    const hidden = await outsider.socket.push([outsider.socket.mutation('transfer', { conversationId, toAgentId: outsider.id, noteId })]);
    expect(hidden.results[0]!.error?.code).toBe('not_found');
    expect((await conv(t, conversationId)).assignee_id).toBe(ana.id);
    expect(await t.server.store.db.selectFrom('messages').select('id').where('id', '=', noteId).executeTakeFirst()).toBeUndefined();

    // The real one, pushed twice (exactly once).
    const m = ana.socket.mutation('transfer', { conversationId, toAgentId: ben.id, note: 'VIP, wants a refund by Friday', noteId });
    expect((await ana.socket.push([m])).results[0]!.status).toBe('applied');
    expect((await ana.socket.push([m])).results[0]!.status).toBe('duplicate');
    expect((await conv(t, conversationId)).assignee_id).toBe(ben.id);
    const notes = await t.server.store.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('direction', '=', 'note').execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ id: noteId, text: 'VIP, wants a refund by Friday', author_id: ana.id });
    const transferred = (await events(t, conversationId)).filter((e) => e.kind === 'transferred');
    expect(transferred).toMatchObject([{ agentId: ben.id, byAgentId: ana.id, noteId, notify: [ben.id], why: 'transferred by Ana with a note' }]);

    // Ben's app receives the note and the event by sync (the core turns the event into his notification).
    const pulled = await ben.socket.pullAll(0);
    expect(pulled.changes.some((c) => c.entity === 'message' && c.id === noteId && (c.data as Message).direction === 'note')).toBe(true);
    expect(pulled.changes.some((c) => c.entity === 'routingEvent' && (c.data as RoutingEvent).kind === 'transferred')).toBe(true);
    // The customer never sees the note.
    const w = await WidgetClient.connect(t.url);
    sockets.push(w);
    const welcome = await w.hello({ channelId, visitorId: 'transfer' });
    expect(welcome.history.some((h) => h.text.includes('refund by Friday'))).toBe(false);
  });

  it('to a team: routed there by its strategy (the picked agent is notified), or queued', async () => {
    const t = await start();
    const channelId = await makeChannel(t);
    const ana = await agentWithSocket(t, channelId, 'Ana');
    const cid = await agentWithSocket(t, channelId, 'Citra');
    await waitFor(async () => (await api<{ items: Presence[] }>(t.url, 'GET', '/api/v1/presence', t.adminToken)).body.items.some((p) => p.id === cid.id && p.effective === 'online'));
    const senior = await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'Senior', strategy: 'least_loaded', memberIds: [cid.id], defaultCapacity: { webchat: 1 } });
    const { conversationId } = await inbound(t, channelId, 'to-team');
    await ana.socket.push([ana.socket.mutation('claim', { conversationId })]);
    const dir = await api<{ items: { id: string; name: string; memberIds: string[] }[] }>(t.url, 'GET', '/api/v1/team-directory', ana.token);
    expect(dir.status).toBe(200);
    expect(dir.body.items).toEqual([{ id: senior.body.id, name: 'Senior', memberIds: [cid.id] }]);
    const r = await ana.socket.push([ana.socket.mutation('transfer', { conversationId, toTeamId: senior.body.id, note: 'Needs a senior', noteId: uuidv7() })]);
    expect(r.results[0]!.status).toBe('applied');
    expect((await conv(t, conversationId)).assignee_id).toBe(cid.id);
    const e = (await events(t, conversationId)).filter((x) => x.kind === 'transferred');
    expect(e).toMatchObject([{ teamName: 'Senior', agentId: cid.id, byAgentId: ana.id, notify: [cid.id] }]);

    // Citra is full now (capacity 1): the next transfer waits in Senior's queue.
    const second = await inbound(t, channelId, 'to-team-2');
    await ana.socket.push([ana.socket.mutation('claim', { conversationId: second.conversationId })]);
    await ana.socket.push([ana.socket.mutation('transfer', { conversationId: second.conversationId, toTeamId: senior.body.id, noteId: uuidv7() })]);
    const row = await conv(t, second.conversationId);
    expect(row.assignee_id).toBeNull();
    expect(row.routing_team_id).toBe(senior.body.id);
    expect((await events(t, second.conversationId)).at(-1)).toMatchObject({ kind: 'transferred', agentId: null, teamName: 'Senior' });
    const note = await t.server.store.db.selectFrom('messages').select('text').where('conversation_id', '=', second.conversationId).where('direction', '=', 'note').executeTakeFirstOrThrow();
    expect(note.text).toBe('Transferred to team Senior');
  });
});

describe('mentions', () => {
  it('stored as agent ids on a private note; never the author; refused on public replies and for agents outside the channel', async () => {
    const t = await start();
    const channelId = await makeChannel(t);
    const ana = await agentWithSocket(t, channelId, 'Ana');
    const ben = await agentWithSocket(t, channelId, 'Ben');
    const outsider = await makeAgent(t, 'Olga');
    const { conversationId } = await inbound(t, channelId, 'mention');
    const id = uuidv7();
    const r = await ana.socket.push([
      ana.socket.mutation('sendMessage', { messageId: uuidv7(), conversationId, text: 'hi @Ben', private: false, mentions: [ben.id] }),
      ana.socket.mutation('sendMessage', { messageId: uuidv7(), conversationId, text: '@Olga look', private: true, mentions: [outsider.id] }),
      ana.socket.mutation('sendMessage', { messageId: id, conversationId, text: '@Ben @Ana can you check?', private: true, mentions: [ben.id, ana.id, ben.id] }),
    ]);
    expect(r.results.map((x) => x.status)).toEqual(['rejected', 'rejected', 'applied']);
    const row = await t.server.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.mentions!)).toEqual([ben.id]);
    const pulled = await ben.socket.pullAll(0);
    const msg = pulled.changes.find((c) => c.entity === 'message' && c.id === id)!.data as Message;
    expect(msg.mentions).toEqual([ben.id]);
    expect(await t.server.store.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('direction', '!=', 'inbound').execute()).toHaveLength(1);
  });
});

describe('web chat queue position', () => {
  it('a queued customer is told their place, updated as the queue moves, and null once an agent has it', async () => {
    const t = await start();
    const channelId = await makeChannel(t);
    const ana = await agentWithSocket(t, channelId, 'Ana');
    await waitFor(async () => (await api<{ items: Presence[] }>(t.url, 'GET', '/api/v1/presence', t.adminToken)).body.items.some((p) => p.id === ana.id && p.effective === 'online'));
    const team = await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'Chat', strategy: 'least_loaded', memberIds: [ana.id], defaultCapacity: { webchat: 1 } });
    await api(t.url, 'POST', '/api/v1/routing-rules', t.adminToken, { name: 'All chat', teamId: team.body.id });

    const customers: WidgetClient[] = [];
    const visitors: string[] = [];
    for (let i = 0; i < 4; i++) {
      const w = await WidgetClient.connect(t.url);
      sockets.push(w);
      visitors.push(visitor());
      await w.hello({ channelId, visitorId: visitors[i]! });
      await w.say(`customer ${i}`);
      customers.push(w);
    }
    // Customer 0 got Ana (capacity 1); 1, 2, 3 wait in that order.
    for (const [i, w] of customers.entries()) {
      if (i === 0) continue;
      await w.next('queue', 5000, (f) => f.position === i);
    }
    expect(customers[0]!.frames.pending('queue')).toEqual([]);
    // Ana resolves customer 0's conversation: customer 1 is assigned (null), 2 becomes number 1, 3 number 2.
    const first = await t.server.store.db.selectFrom('conversations').select('id').where('assignee_id', '=', ana.id).executeTakeFirstOrThrow();
    await ana.socket.push([ana.socket.mutation('setStatus', { conversationId: first.id, status: 'resolved' })]);
    const expectPosition = (w: WidgetClient, position: number | null) =>
      w.next('queue', 5000, (f) => f.position === position).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(w.frames.pending('queue'))}, expected ${position}`);
      });
    await expectPosition(customers[1]!, null);
    await expectPosition(customers[2]!, 1);
    await expectPosition(customers[3]!, 2);
    // A customer reconnecting while queued hears their position again.
    const again = await WidgetClient.connect(t.url);
    sockets.push(again);
    await again.hello({ channelId, visitorId: visitors[3]! });
    await expectPosition(again, 2);
  });
});
