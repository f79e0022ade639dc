// The desktop core against the real server (src-server) on loopback: sign-in and bootstrap, a customer's
// web chat message arriving live, the offline queue surviving a restart and landing exactly once in order,
// a server-side rejection rolled back, and a reset that keeps the outbox and drafts.
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createServer, type ThreadlineServer } from '../../src-server/app';
import { createCore, type Core } from '../../src-main/core/index';
import type { Channel, Message } from '../../src-shared/domain';
import type { IpcEvent } from '../../src-shared/ipc';
import type { WidgetServerMessage } from '../../src-shared/widget-protocol';
import { uuidv7 } from '../../src-shared/ids';
import { until } from './support/wait';
import { ADMIN, api, cleanupAfterEach } from './support/core-world';

const AGENT = { email: 'ana@example.com', password: 'ana-password-1', name: 'Ana' };

const { cleanups, tempDir } = cleanupAfterEach();

/** A server with an admin, a web chat channel and one agent who is a member of it. */
async function startWorld(dataDir: string, port = 0) {
  const server = await createServer({ dataDir, port, host: '127.0.0.1', logLevel: 'silent', adminEmail: ADMIN.email, adminPassword: ADMIN.password });
  const { token: adminToken } = await api<{ token: string }>(server, null, 'POST', '/api/v1/auth/login', ADMIN);
  return { server, adminToken };
}

async function seed(server: ThreadlineServer, adminToken: string) {
  const channel = await api<Channel>(server, adminToken, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Website chat', config: {} });
  const agent = await api<{ id: string }>(server, adminToken, 'POST', '/api/v1/agents', { ...AGENT, role: 'agent' });
  await api(server, adminToken, 'PUT', `/api/v1/channels/${channel.id}/members/${agent.id}`);
  return { channel, agentId: agent.id };
}

/** The customer's side: the widget protocol over a real socket; reports `delivered` like the widget does. */
async function customer(serverUrl: string, channelId: string, visitorId = `visitor-${uuidv7()}`) {
  const ws = new WebSocket(`${serverUrl.replace('http', 'ws')}/ws/widget`);
  const received: WidgetServerMessage[] = [];
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as WidgetServerMessage;
    received.push(m);
    const shown = m.type === 'welcome' ? m.history : m.type === 'message' ? [m.message] : [];
    const agentIds = shown.filter((x) => x.direction === 'outbound').map((x) => x.id);
    if (agentIds.length) ws.send(JSON.stringify({ type: 'delivered', messageIds: agentIds }));
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'hello', identity: { channelId, visitorId, name: 'Budi Santoso' } }));
  await until('widget welcome', () => received.some((m) => m.type === 'welcome'));
  cleanups.push(() => ws.close());
  return {
    received,
    async say(text: string) {
      const clientMessageId = uuidv7();
      ws.send(JSON.stringify({ type: 'message', clientMessageId, text }));
      await until('ack', () => received.some((m) => m.type === 'ack' && m.clientMessageId === clientMessageId));
    },
    /** Agent messages the customer has seen, in order: the history on (re)connect, then live ones. */
    repliesSeen: () =>
      received.flatMap((m) => (m.type === 'welcome' ? m.history : m.type === 'message' ? [m.message] : [])).filter((x) => x.direction === 'outbound').map((x) => x.text),
    typing: (on: boolean) => ws.send(JSON.stringify({ type: 'typing', on })),
    close: () => ws.close(),
  };
}

async function coreIn(dataDir: string, events: IpcEvent[] = []): Promise<Core> {
  const core = await createCore({ dataDir, notifyWindowMs: 150, backoff: { baseMs: 50, capMs: 300 } });
  core.onEvent((e) => events.push(e));
  cleanups.push(() => core.close());
  return core;
}

describe('desktop core ⇄ real server', () => {
  it('signs in, bootstraps, gets a customer message live, and the reply reaches the customer', async () => {
    const { server, adminToken } = await startWorld(tempDir('tl-srv-'));
    cleanups.push(() => server.close());
    const { channel, agentId } = await seed(server, adminToken);
    const events: IpcEvent[] = [];
    const core = await coreIn(tempDir('tl-desk-'), events);

    const bad = await core.handlers['session.login']({ serverUrl: server.url, email: AGENT.email, password: 'wrong' }).catch((e: { code: string }) => e.code);
    expect(bad).toBe('unauthorized');
    const state = await core.handlers['session.login']({ serverUrl: server.url, email: AGENT.email, password: AGENT.password });
    expect(state).toMatchObject({ connection: 'online', agent: { id: agentId, name: 'Ana' }, pendingMutations: 0 });
    expect((await core.handlers['channels.list']({})).map((c) => c.id)).toEqual([channel.id]);
    // The bootstrap deferred the conversations' indexes and built them before sign-in reported synced.
    expect(await core.inspect.cache.call('restoreDeferredIndexes', {})).toBe(false);

    const budi = await customer(server.url, channel.id);
    await budi.say('Hi, my order #1042 has not arrived');
    const row = await until('the conversation in the local cache', async () => (await core.handlers['inbox.list']({ view: 'unassigned', limit: 50, offset: 0 })).items[0]);
    expect(row).toMatchObject({ contactName: 'Budi Santoso', unread: true, channelType: 'webchat', conversation: { lastMessagePreview: 'Hi, my order #1042 has not arrived' } });
    expect(events.some((e) => e.type === 'changed' && e.conversationIds.includes(row.conversation.id))).toBe(true);
    await until('a notification for the new conversation', () => events.find((e) => e.type === 'notify'));

    const convId = row.conversation.id;
    // Typing both ways, ephemeral over the sync socket.
    budi.typing(true);
    await until('customer typing event', () => events.find((e) => e.type === 'typing' && e.who === 'customer' && e.on && e.conversationId === convId));
    await core.handlers['typing.set']({ conversationId: convId, on: true });
    await until('agent typing reaches the customer', () => budi.received.find((m) => m.type === 'typing' && m.on && m.name === 'Ana'));
    await core.handlers['conversation.assign']({ conversationId: convId, assigneeId: agentId });
    await core.handlers['conversation.markRead']({ conversationId: convId });
    const reply = await core.handlers['message.send']({ conversationId: convId, text: 'Sorry about that! Let me check.', private: false });
    expect(reply).toMatchObject({ status: 'queued', pending: true });
    await until('the customer sees the reply', () => budi.repliesSeen().includes('Sorry about that! Let me check.'));
    await until('delivered in the local cache', async () => {
      const d = await core.handlers['conversation.open']({ id: convId });
      return d.messages.find((m) => m.id === reply.id && m.status === 'delivered' && !m.pending);
    });
    const detail = await core.handlers['conversation.open']({ id: convId });
    expect(detail).toMatchObject({ assigneeName: 'Ana', contact: { name: 'Budi Santoso' }, channel: { id: channel.id } });
    expect((await core.handlers['inbox.list']({ view: 'mine', limit: 50, offset: 0 })).items.map((r) => [r.conversation.id, r.unread])).toEqual([[convId, false]]);

    // A customer message in a conversation assigned to me, live → one notification, not for my own reply.
    const before = events.filter((e) => e.type === 'notify').length;
    await budi.say('Thanks');
    await budi.say('It was a blue parcel');
    await until('coalesced notification', () => events.filter((e) => e.type === 'notify').length > before);
    await new Promise((r) => setTimeout(r, 300));
    const later = events.filter((e) => e.type === 'notify').slice(before);
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({ notification: { conversationId: convId, count: 2, body: 'It was a blue parcel' } });
  });

  it('rolls back what the server rejects and tells the agent why', async () => {
    const { server, adminToken } = await startWorld(tempDir('tl-srv-'));
    cleanups.push(() => server.close());
    const { channel } = await seed(server, adminToken);
    const events: IpcEvent[] = [];
    const core = await coreIn(tempDir('tl-desk-'), events);
    await core.handlers['session.login']({ serverUrl: server.url, email: AGENT.email, password: AGENT.password });
    const budi = await customer(server.url, channel.id);
    await budi.say('Hello?');
    const row = await until('conversation', async () => (await core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 })).items[0]);

    await core.handlers['conversation.assign']({ conversationId: row.conversation.id, assigneeId: 'no-such-agent' });
    expect((await core.handlers['conversation.open']({ id: row.conversation.id })).conversation.assigneeId).toBe('no-such-agent'); // optimistic
    await core.handlers['message.send']({ conversationId: row.conversation.id, text: 'Right after the bad one', private: false });
    const rejected = await until('rejected event', () => events.find((e) => e.type === 'rejected'));
    expect(rejected).toMatchObject({ mutation: 'assign', conversationId: row.conversation.id, code: 'invalid' });
    await until('outbox empty', async () => (await core.handlers['session.state']({})).pendingMutations === 0);
    expect((await core.handlers['conversation.open']({ id: row.conversation.id })).conversation.assigneeId).toBeNull();
    await until('the next mutation went through', () => budi.repliesSeen().includes('Right after the bad one'));
  });

  it('queues three replies and a draft offline, survives a restart, then delivers exactly once in order', async () => {
    const serverDir = tempDir('tl-srv-');
    const deskDir = tempDir('tl-desk-');
    let { server, adminToken } = await startWorld(serverDir);
    const port = server.port;
    const { channel } = await seed(server, adminToken);
    let core = await coreIn(deskDir);
    await core.handlers['session.login']({ serverUrl: server.url, email: AGENT.email, password: AGENT.password });
    const budi = await customer(server.url, channel.id, 'visitor-offline-test');
    await budi.say('Where is my order?');
    const convId = (await until('conversation', async () => (await core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 })).items[0])).conversation.id;

    budi.close();
    await server.close();
    await until('offline', async () => (await core.handlers['session.state']({})).connection === 'offline');
    for (const text of ['First queued', 'Second queued', 'Third queued']) {
      expect(await core.handlers['message.send']({ conversationId: convId, text, private: false })).toMatchObject({ status: 'queued', pending: true });
    }
    await core.handlers['draft.save']({ conversationId: convId, text: 'A draft written offline' });
    expect((await core.handlers['conversation.open']({ id: convId })).messages.length).toBe(4); // still readable offline
    await core.close();

    core = await coreIn(deskDir);
    const restored = await core.handlers['conversation.open']({ id: convId });
    expect(restored.draft?.text).toBe('A draft written offline');
    expect(restored.messages.filter((m) => m.pending).map((m) => [m.text, m.status])).toEqual([
      ['First queued', 'queued'], ['Second queued', 'queued'], ['Third queued', 'queued'],
    ]);
    expect((await core.handlers['session.state']({})).pendingMutations).toBe(4);

    ({ server, adminToken } = await startWorld(serverDir, port));
    cleanups.push(() => server.close());
    const back = await customer(server.url, channel.id, 'visitor-offline-test');
    await until('pushed', async () => (await core.handlers['session.state']({})).pendingMutations === 0, 15_000);
    await until('customer got all three', () => back.repliesSeen().length >= 3);

    const stored = await api<{ items: Message[] }>(server, adminToken, 'GET', `/api/v1/conversations/${convId}/messages?limit=100`);
    const outbound = stored.items.filter((m) => m.direction === 'outbound').map((m) => m.text);
    expect(outbound).toEqual(['First queued', 'Second queued', 'Third queued']);
    expect(back.repliesSeen()).toEqual(['First queued', 'Second queued', 'Third queued']);
    await until('statuses moved on to delivered', async () => {
      const d = await core.handlers['conversation.open']({ id: convId });
      return d.messages.filter((m) => m.direction === 'outbound').every((m) => m.status === 'delivered' && !m.pending);
    });
    expect((await core.handlers['conversation.open']({ id: convId })).draft?.text).toBe('A draft written offline');
  });

  it('a reset from the server keeps the outbox and drafts, and refills the cache', async () => {
    const serverDir = tempDir('tl-srv-');
    const deskDir = tempDir('tl-desk-');
    let { server, adminToken } = await startWorld(serverDir);
    const port = server.port;
    const { channel, agentId } = await seed(server, adminToken);
    let core = await coreIn(deskDir);
    await core.handlers['session.login']({ serverUrl: server.url, email: AGENT.email, password: AGENT.password });
    const budi = await customer(server.url, channel.id);
    await budi.say('Reset me');
    const convId = (await until('conversation', async () => (await core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 })).items[0])).conversation.id;
    const scopeBefore = (await core.inspect.cache.call('loadSession', {})).scopeKey;

    budi.close();
    await server.close();
    await until('offline', async () => (await core.handlers['session.state']({})).connection === 'offline');
    await core.handlers['message.send']({ conversationId: convId, text: 'Queued before the reset', private: false });
    await core.handlers['draft.save']({ conversationId: convId, text: 'Draft across the reset' });
    await core.close();

    // While the desktop is away, the agent joins another channel: its visible scope changes → reset on hello.
    ({ server, adminToken } = await startWorld(serverDir, port));
    cleanups.push(() => server.close());
    const other = await api<Channel>(server, adminToken, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Second site', config: {} });
    await api(server, adminToken, 'PUT', `/api/v1/channels/${other.id}/members/${agentId}`);

    core = await coreIn(deskDir);
    await until('pushed', async () => (await core.handlers['session.state']({})).pendingMutations === 0, 15_000);
    expect((await core.inspect.cache.call('loadSession', {})).scopeKey).not.toBe(scopeBefore);
    await until('both channels after the re-pull', async () => (await core.handlers['channels.list']({})).length === 2);
    const detail = await until('conversation re-pulled', async () => {
      const d = await core.handlers['conversation.open']({ id: convId }).catch(() => null);
      return d && d.messages.some((m) => m.text === 'Queued before the reset' && m.status !== 'queued') ? d : null;
    });
    expect(detail.messages.filter((m) => m.text === 'Queued before the reset')).toHaveLength(1);
    expect(detail.draft?.text).toBe('Draft across the reset');
  });
});
