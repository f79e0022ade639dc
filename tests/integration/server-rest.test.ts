// REST over real HTTP: visibility per channel membership, secrets, filters, pagination, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../src-shared/domain';
import { addMember, api, countRows, makeAgent, makeChannel, startTestServer, WidgetClient, visitor, type TestServer } from './server-support';

let t: TestServer;
let inside: Awaited<ReturnType<typeof makeAgent>>;
let outside: Awaited<ReturnType<typeof makeAgent>>;
let channelId: string;
let otherChannelId: string;
let conversationId: string;

async function customerWrites(channel: string, text: string, name = 'Carla Customer') {
  const w = await WidgetClient.connect(t.url);
  await w.hello({ channelId: channel, visitorId: visitor(), name });
  const ack = await w.say(text);
  await w.close();
  return ack;
}

beforeAll(async () => {
  t = await startTestServer();
  channelId = await makeChannel(t, 'Website chat', { secret: 'top-secret-hmac', greeting: 'Hello!' });
  otherChannelId = await makeChannel(t, 'Other brand chat');
  inside = await makeAgent(t, 'Inside');
  outside = await makeAgent(t, 'Outside');
  await addMember(t, channelId, inside.id);
  await addMember(t, otherChannelId, outside.id);
  await customerWrites(channelId, 'Hi, my order #1042 has not arrived');
  const list = await api(t.url, 'GET', '/api/v1/conversations', inside.token);
  conversationId = list.body.items[0].id;
});
afterAll(async () => t.close());

describe('server REST', () => {
  it('never returns channel secrets', async () => {
    const list = await api(t.url, 'GET', '/api/v1/channels', t.adminToken);
    expect(list.body.items).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain('top-secret-hmac');
    expect(list.body.items.find((c: { id: string }) => c.id === channelId).config).toEqual({ greeting: 'Hello!' });
    const one = await api(t.url, 'GET', `/api/v1/channels/${channelId}`, inside.token);
    expect(one.body).toEqual({ id: channelId, type: 'webchat', name: 'Website chat', config: { greeting: 'Hello!' } });
    const patched = await api(t.url, 'PATCH', `/api/v1/channels/${channelId}`, t.adminToken, { config: { greeting: 'Hi there' } });
    expect(patched.body.config).toEqual({ greeting: 'Hi there' });
    const row = await t.server.store.db.selectFrom('channels').select('config').where('id', '=', channelId).executeTakeFirstOrThrow();
    // Kept and merged; encrypted at rest (channels/secrets.ts), so the plain secret is not in the row.
    expect(row.config).not.toContain('top-secret-hmac');
    expect(t.server.channels.secrets.open(JSON.parse(row.config))).toEqual({ secret: 'top-secret-hmac', greeting: 'Hi there' });
  });

  it('lists only the channels an agent is a member of', async () => {
    expect((await api(t.url, 'GET', '/api/v1/channels', inside.token)).body.items.map((c: { id: string }) => c.id)).toEqual([channelId]);
    expect((await api(t.url, 'GET', '/api/v1/channels', outside.token)).body.items.map((c: { id: string }) => c.id)).toEqual([otherChannelId]);
    expect((await api(t.url, 'GET', `/api/v1/channels/${channelId}`, outside.token)).status).toBe(404);
  });

  it('an agent outside a channel sees none of its conversations, contacts or messages', async () => {
    const list = await api(t.url, 'GET', '/api/v1/conversations', outside.token);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    expect((await api(t.url, 'GET', `/api/v1/conversations?channelId=${channelId}`, outside.token)).body.items).toEqual([]);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${conversationId}`, outside.token)).status).toBe(404);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages`, outside.token)).status).toBe(404);
    expect((await api(t.url, 'GET', '/api/v1/contacts', outside.token)).body.items).toEqual([]);
    const contactId = (await api(t.url, 'GET', `/api/v1/conversations/${conversationId}`, inside.token)).body.contactId;
    expect((await api(t.url, 'GET', `/api/v1/contacts/${contactId}`, outside.token)).status).toBe(404);
    const before = await countRows(t, 'messages');
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, outside.token, { text: 'sneaky' })).status).toBe(404);
    expect((await api(t.url, 'PATCH', `/api/v1/conversations/${conversationId}`, outside.token, { status: 'resolved' })).status).toBe(404);
    expect(await countRows(t, 'messages')).toBe(before);
    // …while the member and the admin do see them.
    expect((await api(t.url, 'GET', `/api/v1/contacts/${contactId}`, inside.token)).body).toMatchObject({ id: contactId, name: 'Carla Customer', identities: [{ channelType: 'webchat' }] });
    expect((await api(t.url, 'GET', '/api/v1/conversations', t.adminToken)).body.items.map((c: { id: string }) => c.id)).toContain(conversationId);
  });

  it('sends a reply (201) and a private note, lists messages in order', async () => {
    const reply = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, { text: 'Let me check that for you.' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ conversationId, channelId, direction: 'outbound', status: 'sent', authorId: inside.id, authorName: 'Inside', text: 'Let me check that for you.' });
    const note = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, { text: 'Carrier delay again', private: true, channelId });
    expect(note.status).toBe(201);
    expect(note.body.direction).toBe('note');
    const msgs = await api(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages`, inside.token);
    expect(msgs.body.items.map((m: { text: string }) => m.text)).toEqual(['Hi, my order #1042 has not arrived', 'Let me check that for you.', 'Carrier delay again']);
    const conv = await api(t.url, 'GET', `/api/v1/conversations/${conversationId}`, inside.token);
    expect(conv.body.lastMessagePreview).toBe('Let me check that for you.'); // notes do not change the preview
  });

  it('patches status and assignee, filters and paginates conversations', async () => {
    for (let i = 0; i < 4; i++) await customerWrites(channelId, `Question number ${i}`, `Person ${i}`);
    const assign = await api(t.url, 'PATCH', `/api/v1/conversations/${conversationId}`, inside.token, { assigneeId: inside.id, status: 'pending' });
    expect(assign.status).toBe(200);
    expect(assign.body).toMatchObject({ assigneeId: inside.id, status: 'pending' });
    const badAssignee = await api(t.url, 'PATCH', `/api/v1/conversations/${conversationId}`, inside.token, { assigneeId: outside.id });
    expect(badAssignee.status).toBe(400); // not a member of the channel

    expect((await api(t.url, 'GET', `/api/v1/conversations?assigneeId=${inside.id}`, inside.token)).body.items.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect((await api(t.url, 'GET', '/api/v1/conversations?status=pending', inside.token)).body.items).toHaveLength(1);
    expect((await api(t.url, 'GET', '/api/v1/conversations?assigneeId=none', inside.token)).body.items).toHaveLength(4);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api(t.url, 'GET', `/api/v1/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`, inside.token);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect((await api(t.url, 'GET', '/api/v1/conversations?cursor=garbage', inside.token)).status).toBe(400);
    expect((await api(t.url, 'GET', '/api/v1/conversations?status=weird', inside.token)).status).toBe(400);
  });

  it('malformed JSON is 400 and stores nothing', async () => {
    const before = { messages: await countRows(t, 'messages'), log: await countRows(t, 'change_log') };
    const res = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, undefined, '{"text": "half a message",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
    const invalid = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, { text: 42 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid');
    const badChannel = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, undefined, '{not json');
    expect(badChannel.status).toBe(400);
    expect({ messages: await countRows(t, 'messages'), log: await countRows(t, 'change_log') }).toEqual(before);
  });

  it('a message over the size limit is 413 and stores nothing', async () => {
    const before = await countRows(t, 'messages');
    const res = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, { text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    const huge = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, { text: 'y'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const atLimit = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, { text: 'z'.repeat(MAX_MESSAGE_CHARS) });
    expect(atLimit.status).toBe(201);
    expect(await countRows(t, 'messages')).toBe(before + 1);
  });

  it('accepts an empty JSON body on body-less actions, and refuses prototype poisoning', async () => {
    const extra = await makeAgent(t, 'Extra');
    const res = await fetch(`${t.url}/api/v1/channels/${otherChannelId}/members/${extra.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(204);
    const empty = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, inside.token, undefined, '');
    expect(empty.status).toBe(400);
    const poisoned = await api(t.url, 'PATCH', `/api/v1/channels/${channelId}`, t.adminToken, undefined, '{"name":"x","__proto__":{"admin":true}}');
    expect(poisoned.status).toBe(400);
    expect((await api(t.url, 'GET', `/api/v1/channels/${channelId}`, t.adminToken)).body.name).toBe('Website chat');
  });

  it('unknown routes answer the error shape', async () => {
    const res = await api(t.url, 'GET', '/api/v1/nope', t.adminToken);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
