// The web chat channel over real sockets: store-before-ack, dedupe on resend, live replies,
// forward-only delivery status, identity verification, limits, the chat page and /widget.js.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../src-shared/domain';
import { uuidv7 } from '../../src-shared/ids';
import { userHashOf } from '../../src-server/channels/webchat/identity';
import { seedDemo } from '../../src-server/demo';
import { addMember, api, countRows, makeAgent, makeChannel, startTestServer, SyncClient, tempDir, visitor, WidgetClient, type TestServer } from './server-support';

const SECRET = 'webchat-hmac-secret';
let t: TestServer;
let channelId: string;
let agent: Awaited<ReturnType<typeof makeAgent>>;
let widgetDir: string;
const widgets: WidgetClient[] = [];

async function widget() {
  const w = await WidgetClient.connect(t.url);
  widgets.push(w);
  return w;
}

async function conversationOf(contactName: string) {
  const list = await api(t.url, 'GET', `/api/v1/conversations?channelId=${channelId}&limit=100`, agent.token);
  const contacts = await api(t.url, 'GET', '/api/v1/contacts?limit=100', agent.token);
  const contact = contacts.body.items.find((c: { name: string }) => c.name === contactName);
  return list.body.items.find((c: { contactId: string }) => c.contactId === contact?.id);
}

beforeAll(async () => {
  widgetDir = tempDir('threadline-widget-');
  t = await startTestServer({ widgetFile: path.join(widgetDir, 'widget.js') });
  channelId = await makeChannel(t, 'Acme <Support> & Co', { secret: SECRET });
  agent = await makeAgent(t, 'Ana');
  await addMember(t, channelId, agent.id);
});
afterAll(async () => {
  for (const w of widgets) w.ws.terminate();
  await t.close();
  fs.rmSync(widgetDir, { recursive: true, force: true });
});

describe('server web chat', () => {
  it('stores a customer message before acknowledging it', async () => {
    const w = await widget();
    const welcome = await w.hello({ channelId, visitorId: visitor(), name: 'Maya' });
    expect(welcome).toMatchObject({ verified: false, channelName: 'Acme <Support> & Co', history: [] });
    const clientMessageId = uuidv7();
    w.send({ type: 'message', clientMessageId, text: 'Hi, my order #1042 has not arrived' });
    const ack = await w.next('ack');
    // At the moment the ack arrives the message is already in the store.
    const row = await t.server.store.db.selectFrom('messages').selectAll().where('id', '=', ack.message.id).executeTakeFirst();
    expect(row).toMatchObject({ text: 'Hi, my order #1042 has not arrived', direction: 'inbound', status: 'received' });
    expect(ack).toMatchObject({ clientMessageId, message: { clientMessageId, direction: 'inbound', authorName: 'Maya' } });
    const conv = await conversationOf('Maya');
    expect(conv).toMatchObject({ status: 'open', lastMessagePreview: 'Hi, my order #1042 has not arrived', lastInboundAt: expect.any(String) });
  });

  it('a resend with the same clientMessageId is acknowledged again but stored once', async () => {
    const visitorId = visitor();
    const w = await widget();
    await w.hello({ channelId, visitorId, name: 'Resender' });
    const clientMessageId = uuidv7();
    const first = await w.say('Is anyone there?', clientMessageId);
    const before = await countRows(t, 'messages');
    // The widget reconnects (the ack was "lost") and resends.
    await w.close();
    const again = await widget();
    const welcome = await again.hello({ channelId, visitorId });
    expect(welcome.history.map((m) => m.clientMessageId)).toEqual([clientMessageId]);
    const second = await again.say('Is anyone there?', clientMessageId);
    const third = await again.say('Is anyone there?', clientMessageId);
    expect(second.message.id).toBe(first.message.id);
    expect(third.message.id).toBe(first.message.id);
    expect(await countRows(t, 'messages')).toBe(before);
  });

  it('one visitor’s clientMessageId never matches another visitor’s message', async () => {
    const clientMessageId = uuidv7();
    const a = await widget();
    await a.hello({ channelId, visitorId: visitor(), name: 'Alice' });
    const ackA = await a.say('Alice private text', clientMessageId);
    const b = await widget();
    await b.hello({ channelId, visitorId: visitor(), name: 'Mallory' });
    const ackB = await b.say('Mallory text', clientMessageId);
    expect(ackB.message.id).not.toBe(ackA.message.id);
    expect(ackB.message.text).toBe('Mallory text');
  });

  it('an agent reply reaches every open socket of the visitor live; notes never do', async () => {
    const visitorId = visitor();
    const tab1 = await widget();
    await tab1.hello({ channelId, visitorId, name: 'Two Tabs' });
    await tab1.say('Hello from tab 1');
    const tab2 = await widget();
    const welcome2 = await tab2.hello({ channelId, visitorId });
    expect(welcome2.history.map((m) => m.text)).toEqual(['Hello from tab 1']);
    const stranger = await widget();
    await stranger.hello({ channelId, visitorId: visitor() });

    const conv = await conversationOf('Two Tabs');
    await api(t.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, agent.token, { text: 'internal only', private: true });
    // Over the sync socket too, like the desktop app does.
    const sync = await SyncClient.connect(t.url, agent.token);
    await sync.hello(uuidv7());
    const messageId = uuidv7();
    await sync.push([sync.mutation('sendMessage', { messageId, conversationId: conv.id, text: 'Hi! Checking now.' })]);

    for (const tab of [tab1, tab2]) {
      const live = await tab.next('message', 5000, (m) => m.message.direction === 'outbound');
      expect(live.message).toMatchObject({ id: messageId, text: 'Hi! Checking now.', authorName: 'Ana', direction: 'outbound', clientMessageId: null });
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(stranger.frames.pending('message')).toEqual([]);
    expect(JSON.stringify([...tab1.frames.received, ...tab2.frames.received])).not.toContain('internal only');
    const tab3 = await widget();
    const history = (await tab3.hello({ channelId, visitorId })).history.map((m) => m.text);
    expect(history).toEqual(['Hello from tab 1', 'Hi! Checking now.']);
    sync.ws.terminate();
  });

  it('delivered moves the status forward only and syncs to agents', async () => {
    const visitorId = visitor();
    const w = await widget();
    await w.hello({ channelId, visitorId, name: 'Deliver Dee' });
    await w.say('status test');
    const conv = await conversationOf('Deliver Dee');
    const sent = await api(t.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, agent.token, { text: 'reply one' });
    expect(sent.body.status).toBe('sent');
    await w.next('message', 5000, (m) => m.message.id === sent.body.id);

    const sync = await SyncClient.connect(t.url, agent.token);
    const hello = await sync.hello(uuidv7());
    w.send({ type: 'delivered', messageIds: [sent.body.id] });
    await sync.next('poke');
    const { changes } = await sync.pullAll(hello.headCursor);
    expect(changes.find((ch) => ch.id === sent.body.id)).toMatchObject({ entity: 'message', data: { status: 'delivered' } });

    // Once read, a late `delivered` does not move it back.
    await t.server.store.db.updateTable('messages').set({ status: 'read' }).where('id', '=', sent.body.id).execute();
    w.send({ type: 'delivered', messageIds: [sent.body.id] });
    w.send({ type: 'typing', on: false }); // a later frame: once it is handled, the delivered one was too
    await sync.next('typing');
    const row = await t.server.store.db.selectFrom('messages').select('status').where('id', '=', sent.body.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('read');

    // Another visitor cannot mark this visitor's messages.
    const sent2 = await api(t.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, agent.token, { text: 'reply two' });
    const other = await widget();
    await other.hello({ channelId, visitorId: visitor() });
    await other.say('I am someone else');
    other.send({ type: 'delivered', messageIds: [sent2.body.id] });
    other.send({ type: 'typing', on: false });
    await sync.next('typing', 5000, (m) => m.name !== 'Deliver Dee');
    expect((await t.server.store.db.selectFrom('messages').select('status').where('id', '=', sent2.body.id).executeTakeFirstOrThrow()).status).toBe('sent');
    sync.ws.terminate();
  });

  it('verifies host-site users by HMAC; a bad hash chats as a guest', async () => {
    const userId = `user-${uuidv7()}`;
    const good = await widget();
    const welcome = await good.hello({ channelId, visitorId: visitor(), userId, userHash: userHashOf(SECRET, userId), name: 'Verified Vera' });
    expect(welcome.verified).toBe(true);
    await good.say('I am logged in');
    // The same user on another device (another visitorId) gets the same history.
    const device2 = await widget();
    const w2 = await device2.hello({ channelId, visitorId: visitor(), userId, userHash: userHashOf(SECRET, userId) });
    expect(w2.history.map((m) => m.text)).toEqual(['I am logged in']);

    const forger = await widget();
    forger.send({ type: 'hello', identity: { channelId, visitorId: visitor(), userId, userHash: userHashOf('wrong-secret', userId) } });
    expect((await forger.next('error')).code).toBe('verification_failed');
    const forged = await forger.next('welcome');
    expect(forged.verified).toBe(false);
    expect(forged.history).toEqual([]); // not Vera's history
  });

  it('a channel requiring verification refuses guests', async () => {
    const strict = await makeChannel(t, 'Strict chat', { secret: SECRET, requireVerification: true });
    const w = await widget();
    w.send({ type: 'hello', identity: { channelId: strict, visitorId: visitor() } });
    expect((await w.next('error')).code).toBe('verification_required');
    expect((await w.closed).code).toBe(4003);
    const unknown = await widget();
    unknown.send({ type: 'hello', identity: { channelId: 'no-such-channel', visitorId: visitor() } });
    expect((await unknown.next('error')).code).toBe('unknown_channel');
  });

  it('refuses oversized and malformed frames with clear errors, storing nothing', async () => {
    const w = await widget();
    w.send({ type: 'message', clientMessageId: uuidv7(), text: 'before hello' });
    expect((await w.next('error')).code).toBe('hello_required');
    await w.hello({ channelId, visitorId: visitor() });
    const before = await countRows(t, 'messages');
    const clientMessageId = uuidv7();
    w.send({ type: 'message', clientMessageId, text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) });
    expect(await w.next('error')).toMatchObject({ code: 'too_large', clientMessageId });
    w.sendRaw('x'.repeat(200 * 1024));
    expect((await w.next('error')).code).toBe('too_large');
    w.sendRaw('{"type":"message",');
    expect((await w.next('error')).code).toBe('malformed');
    w.send({ type: 'message', clientMessageId: 'short', text: 'hi' } as never);
    expect((await w.next('error')).code).toBe('invalid');
    expect(await countRows(t, 'messages')).toBe(before);
  });

  it('rate-limits a flooding socket', async () => {
    const w = await widget();
    await w.hello({ channelId, visitorId: visitor() });
    for (let i = 0; i < 25; i++) w.send({ type: 'message', clientMessageId: uuidv7(), text: `flood ${i}` });
    expect((await w.next('error')).code).toBe('rate_limited');
  });

  it('serves the chat page and the widget bundle', async () => {
    const page = await fetch(`${t.url}/chat/${channelId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>Chat — Acme &#60;Support&#62; &#38; Co</title>');
    expect(html).toContain(`<script src="/widget.js" data-channel-id="${channelId}" data-mode="page" async></script>`);
    expect((await fetch(`${t.url}/chat/unknown`)).status).toBe(404);

    const missing = await fetch(`${t.url}/widget.js`);
    expect(missing.status).toBe(503);
    expect(await missing.text()).toMatch(/not built/);
    fs.writeFileSync(path.join(widgetDir, 'widget.js'), 'console.log("widget")');
    const js = await fetch(`${t.url}/widget.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toBe('console.log("widget")');
  });
});

describe('server demo workspace', () => {
  it('seeds agents, a web chat channel and demo conversations, idempotently', async () => {
    const dir = tempDir();
    const { createServer } = await import('../../src-server/app');
    const server = await createServer({ dataDir: dir, port: 0, logLevel: 'silent', adminPassword: 'admin-password-1' });
    try {
      const demo = await seedDemo(server);
      expect(demo.agents.map((a) => [a.email, a.name, a.role])).toEqual(
        expect.arrayContaining([
          ['ana@demo.threadline.dev', 'Ana Lima', 'agent'],
          ['sam@demo.threadline.dev', 'Sam Okafor', 'supervisor'],
        ]),
      );
      expect(demo.chatUrl).toBe(`${server.publicUrl}/chat/${demo.webchatChannelId}`);
      const again = await seedDemo(server);
      expect(again.webchatChannelId).toBe(demo.webchatChannelId);

      const ana = demo.agents.find((a) => a.name === 'Ana Lima')!;
      const { body } = await api(server.url, 'POST', '/api/v1/auth/login', undefined, { email: ana.email, password: ana.password });
      // The demo's history channels too (server-demo.test.ts covers the history itself).
      expect([...body.agent.channelIds].sort()).toEqual([demo.webchatChannelId, demo.helpCenterChannelId, demo.whatsappChannelId].sort());
      const convs = await api(server.url, 'GET', '/api/v1/conversations', body.token);
      expect(convs.body.items.length).toBeGreaterThanOrEqual(4);
      expect(convs.body.items.every((c: { isDemo?: boolean }) => c.isDemo === true)).toBe(true);
      const channels = await api(server.url, 'GET', '/api/v1/channels', body.token);
      expect(channels.body.items).toHaveLength(3);
      expect(channels.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: demo.webchatChannelId, name: 'Website chat', type: 'webchat' })]));
      const chat = await fetch(demo.chatUrl.replace(server.publicUrl, server.url));
      expect(await chat.text()).toContain('<title>Chat — Website chat</title>');
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
