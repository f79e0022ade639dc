// WhatsApp Cloud API channel against the real server (loopback) and a local double of the Graph API:
// webhook verification and signatures, normalisation, dedupe under concurrent replays, outbound through
// the durable delivery queue, forward-only statuses in any order, error classification, the 24-hour window.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { GRAPH_API_BASE_URL } from '../../src-server/channels/config-schemas';
import { KEY_FILE } from '../../src-server/channels/secrets';
import { api, countRows, startTestServer, type TestServer } from './server-support';
import { startFakeGraph, waEnvelope, waStatus, waText, type FakeGraph } from './support/fake-graph';
import { until } from './support/wait';

const PHONE_ID = '106540352242922';
const SECRETS = { accessToken: 'EAAG-test-access-token', appSecret: 'wa-app-secret-123', verifyToken: 'verify-me-please' };

let t: TestServer;
let graph: FakeGraph;
let channelId: string;

export async function postSigned(url: string, id: string, payload: unknown, secret = SECRETS.appSecret) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return fetch(`${url}/webhooks/whatsapp/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(secret, raw) }, body: raw });
}

const msg = (id: string) => t.server.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function conversationOf(waId: string) {
  const row = await t.server.store.db
    .selectFrom('conversations')
    .innerJoin('contact_identities', 'contact_identities.contact_id', 'conversations.contact_id')
    .select(['conversations.id'])
    .where('contact_identities.channel_type', '=', 'whatsapp')
    .where('contact_identities.value', '=', waId)
    .executeTakeFirstOrThrow();
  return row.id;
}

let wamidSeq = 0;
const wamid = () => `wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=${++wamidSeq}`;

/** A customer writes, the agent answers; returns the reply's message id once the queue has sent it. */
async function customerThenReply(waId: string, text = 'Hello') {
  expect((await postSigned(t.url, channelId, waText(PHONE_ID, waId, 'Budi', wamid(), 'Halo, pesanan saya?'))).status).toBe(200);
  const conv = await conversationOf(waId);
  const res = await api(t.url, 'POST', `/api/v1/conversations/${conv}/messages`, t.adminToken, { text });
  expect(res.status).toBe(201);
  return { conv, id: res.body.id as string };
}

beforeAll(async () => {
  graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  t = await startTestServer({ channels: { delivery: { pollMs: 50, baseBackoffMs: 100, maxBackoffMs: 400, maxAttempts: 3 } } });
  const res = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'whatsapp', name: 'WhatsApp ID', config: { phoneNumberId: PHONE_ID, businessAccountId: '102290129340398', ...SECRETS, apiBaseUrl: graph.baseUrl } });
  expect(res.status).toBe(201);
  channelId = res.body.id;
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

describe('WhatsApp channel config', () => {
  it('validates per type, defaults the Graph API base URL, never returns secrets and encrypts them at rest', async () => {
    const bad = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'whatsapp', name: 'x', config: { phoneNumberId: PHONE_ID, accessToken: 'a', verifyToken: 'v' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/appSecret/);
    const badUrl = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'whatsapp', name: 'x', config: { phoneNumberId: PHONE_ID, ...SECRETS, apiBaseUrl: 'file:///etc/passwd' } });
    expect(badUrl.status).toBe(400);
    const before = await countRows(t, 'change_log');
    expect((await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'telegram', name: 'x', config: { botToken: 'nope' } })).status).toBe(400);
    expect(await countRows(t, 'change_log')).toBe(before);

    const ok = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'whatsapp', name: 'Defaults', config: { phoneNumberId: '123', ...SECRETS } });
    expect(ok.status).toBe(201);
    expect(ok.body.config).toEqual({ phoneNumberId: '123', apiBaseUrl: GRAPH_API_BASE_URL });
    const all = await api(t.url, 'GET', '/api/v1/channels', t.adminToken);
    for (const s of Object.values(SECRETS)) expect(JSON.stringify(all.body)).not.toContain(s);
    const row = await t.server.store.db.selectFrom('channels').select('config').where('id', '=', ok.body.id).executeTakeFirstOrThrow();
    for (const s of Object.values(SECRETS)) expect(row.config).not.toContain(s);
    expect(row.config).toContain('$enc');
    const keyFile = path.join(t.dir, KEY_FILE);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

    // A patch without secrets keeps them (and stays valid); a patch that breaks the config is refused.
    const patched = await api(t.url, 'PATCH', `/api/v1/channels/${ok.body.id}`, t.adminToken, { config: { phoneNumberId: '456' } });
    expect(patched.status).toBe(200);
    expect(patched.body.config.phoneNumberId).toBe('456');
    const opened = t.server.channels.channelConfig(await t.server.store.db.selectFrom('channels').selectAll().where('id', '=', ok.body.id).executeTakeFirstOrThrow());
    expect(opened).toMatchObject({ ...SECRETS, phoneNumberId: '456' });
    expect((await api(t.url, 'PATCH', `/api/v1/channels/${ok.body.id}`, t.adminToken, { config: { apiBaseUrl: 'not a url' } })).status).toBe(400);
  });
});

describe('WhatsApp webhook', () => {
  it('answers Meta’s verification request only with the right verify token', async () => {
    const good = await fetch(`${t.url}/webhooks/whatsapp/${channelId}?hub.mode=subscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=1158201444`);
    expect(good.status).toBe(200);
    expect(await good.text()).toBe('1158201444');
    const bad = await fetch(`${t.url}/webhooks/whatsapp/${channelId}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
    expect((await fetch(`${t.url}/webhooks/whatsapp/nope?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`)).status).toBe(404);
  });

  it('stores a signed text message as a conversation with the wa_id identity and profile name', async () => {
    const res = await postSigned(t.url, channelId, waText(PHONE_ID, '6281234567890', 'Siti Rahma', wamid(), 'Paket saya belum sampai'));
    expect(res.status).toBe(200);
    const conv = await conversationOf('6281234567890');
    const list = await api(t.url, 'GET', `/api/v1/conversations/${conv}/messages`, t.adminToken);
    expect(list.body.items.map((m: { text: string }) => m.text)).toEqual(['Paket saya belum sampai']);
    const contact = await api(t.url, 'GET', `/api/v1/contacts/${(await api(t.url, 'GET', `/api/v1/conversations/${conv}`, t.adminToken)).body.contactId}`, t.adminToken);
    expect(contact.body.name).toBe('Siti Rahma');
    expect(contact.body.identities).toEqual([{ channelType: 'whatsapp', value: '6281234567890' }]);
  });

  it('a bad signature is 401 and changes nothing; malformed bodies are 400 and change nothing', async () => {
    const before = { m: await countRows(t, 'messages'), c: await countRows(t, 'change_log') };
    const payload = JSON.stringify(waText(PHONE_ID, '6281111111111', 'Eve', wamid(), 'forged'));
    const unsigned = await fetch(`${t.url}/webhooks/whatsapp/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    expect(unsigned.status).toBe(401);
    expect((await postSigned(t.url, channelId, payload, 'another-app-secret')).status).toBe(401);
    // Signed over different bytes (re-serialised JSON with extra spaces) does not verify either.
    const sig = hubSignatureOf(SECRETS.appSecret, payload);
    expect((await fetch(`${t.url}/webhooks/whatsapp/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig }, body: payload + ' ' })).status).toBe(401);
    expect((await postSigned(t.url, channelId, '{"object":')).status).toBe(400);
    expect((await postSigned(t.url, channelId, { object: 'page', entry: [] })).status).toBe(400);
    expect((await postSigned(t.url, channelId, waEnvelope(PHONE_ID, { messages: [{ id: 5 }] }))).status).toBe(400);
    expect(await countRows(t, 'messages')).toBe(before.m);
    expect(await countRows(t, 'change_log')).toBe(before.c);
  });

  it('the same message id replayed 10 times at once is stored once', async () => {
    const before = await countRows(t, 'messages');
    const payload = waText(PHONE_ID, '6282222222222', 'Rina', wamid(), 'Once only');
    const answers = await Promise.all(Array.from({ length: 10 }, () => postSigned(t.url, channelId, payload)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await countRows(t, 'messages')).toBe(before + 1);
  });

  it('normalises media, location, contacts, interactive replies, reactions and unsupported types', async () => {
    const from = '6283333333333';
    const ts = String(Math.floor(Date.now() / 1000));
    const payload = waEnvelope(PHONE_ID, {
      contacts: [{ profile: { name: 'Dewi' }, wa_id: from }],
      messages: [
        { from, id: wamid(), timestamp: ts, type: 'image', image: { caption: 'Box was damaged', mime_type: 'image/jpeg', sha256: 'abc', id: '1234567890' } },
        { from, id: wamid(), timestamp: ts, type: 'document', document: { filename: 'invoice.pdf', mime_type: 'application/pdf', sha256: 'abc', id: '222' } },
        { from, id: wamid(), timestamp: ts, type: 'location', location: { latitude: -6.2, longitude: 106.816666, name: 'Monas', address: 'Jakarta' } },
        { from, id: wamid(), timestamp: ts, type: 'contacts', contacts: [{ name: { formatted_name: 'Agus Salim', first_name: 'Agus' }, phones: [{ phone: '+62 812 0000 1111', type: 'CELL' }] }] },
        { from, id: wamid(), timestamp: ts, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes, refund' } } },
        { from, id: wamid(), timestamp: ts, type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
        { from, id: wamid(), timestamp: ts, type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown' }] },
      ],
    });
    expect((await postSigned(t.url, channelId, payload)).status).toBe(200);
    const conv = await conversationOf(from);
    const rows = await t.server.store.db.selectFrom('messages').select(['text', 'meta']).where('conversation_id', '=', conv).orderBy('created_at').orderBy('id').execute();
    expect(rows.map((r) => r.text)).toEqual([
      '[Photo] Box was damaged',
      '[Document: invoice.pdf]',
      '[Location] Monas, Jakarta (-6.2, 106.816666)',
      '[Contact] Agus Salim +62 812 0000 1111',
      'Yes, refund',
      'Reacted 👍 to a message',
      '[Unsupported WhatsApp message: Message type unknown]',
    ]);
    expect(JSON.parse(rows[0]!.meta!)).toMatchObject({ kind: 'image', attachments: [{ kind: 'image', vendorId: '1234567890', mimeType: 'image/jpeg' }] });
  });
});

describe('WhatsApp outbound', () => {
  it('sends the agent’s reply through the Graph API and records the wamid; statuses in any order end at the furthest', async () => {
    const { id } = await customerThenReply('6284444444444', 'Terima kasih, kami cek dulu');
    const sent = await until('sent', async () => ((await msg(id)).status === 'sent' ? msg(id) : null));
    const req = graph.requests.at(-1)!;
    expect(req.authorization).toBe(`Bearer ${SECRETS.accessToken}`);
    expect(req.path).toBe(`/v23.0/${PHONE_ID}/messages`);
    expect(req.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '6284444444444', type: 'text', text: { body: 'Terima kasih, kami cek dulu', preview_url: false }, biz_opaque_callback_data: id });
    expect(sent.external_id).toMatch(/^wamid\./);
    const w = sent.external_id!;
    for (const s of ['read', 'delivered', 'sent', 'read', 'delivered']) expect((await postSigned(t.url, channelId, waStatus(PHONE_ID, w, s, '6284444444444'))).status).toBe(200);
    expect((await msg(id)).status).toBe('read');
    // A late failure never undoes a read.
    await postSigned(t.url, channelId, waStatus(PHONE_ID, w, 'failed', '6284444444444', { errors: [{ code: 131026, title: 'Message undeliverable' }] }));
    expect((await msg(id)).status).toBe('read');
  });

  it('a status that arrives before the send is recorded finds the message by its callback data', async () => {
    graph.script.push('hold');
    const { id } = await customerThenReply('6285555555555');
    await until('request held', async () => graph.requests.some((r) => r.body.biz_opaque_callback_data === id));
    expect((await postSigned(t.url, channelId, waStatus(PHONE_ID, 'wamid.early', 'delivered', '6285555555555', { biz_opaque_callback_data: id }))).status).toBe(200);
    expect((await msg(id)).status).toBe('delivered');
    graph.release();
    await until('job done', async () => (await t.server.store.db.selectFrom('delivery_jobs').select('state').where('message_id', '=', id).executeTakeFirst())?.state === 'done');
    expect((await msg(id)).status).toBe('delivered'); // `sent` after `delivered` does not move it back
  });

  it('a failed status with an error code fails the message with the reason in words', async () => {
    const { id } = await customerThenReply('6286666666666');
    const w = (await until('sent', async () => ((await msg(id)).status === 'sent' ? msg(id) : null))).external_id!;
    await postSigned(t.url, channelId, waStatus(PHONE_ID, w, 'failed', '6286666666666', { errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } }] }));
    const m = await msg(id);
    expect(m.status).toBe('failed');
    expect(m.failure_reason).toMatch(/Undeliverable: the number may not be on WhatsApp/);
  });

  it('retries rate limits and server errors with backoff, fails permanent errors at once', async () => {
    graph.script.push({ status: 400, code: 130429, message: '(#130429) Rate limit hit' }, { status: 500, code: 131000, message: 'Something went wrong' });
    const n0 = graph.requests.length;
    const { id } = await customerThenReply('6287777777777');
    await until('sent after retries', async () => (await msg(id)).status === 'sent');
    const tries = graph.requests.slice(n0).filter((r) => r.body.biz_opaque_callback_data === id);
    expect(tries).toHaveLength(3);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(40); // backoff (100 ms × jitter 0.5–1.5)

    graph.script.push({ status: 400, code: 131047, message: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' });
    const n1 = graph.requests.length;
    const second = await customerThenReply('6288888888888');
    const failed = await until('failed', async () => ((await msg(second.id)).status === 'failed' ? msg(second.id) : null));
    expect(failed.failure_reason).toMatch(/^Needs a template/);
    expect(graph.requests.slice(n1).filter((r) => r.body.biz_opaque_callback_data === second.id)).toHaveLength(1);

    // Retryable forever → gives up after maxAttempts (3) with the reason.
    graph.script.push({ status: 400, code: 131056, message: 'pair rate' }, { status: 400, code: 131056, message: 'pair rate' }, { status: 400, code: 131056, message: 'pair rate' });
    const third = await customerThenReply('6289999999999');
    const gaveUp = await until('gave up', async () => ((await msg(third.id)).status === 'failed' ? msg(third.id) : null));
    expect(gaveUp.failure_reason).toMatch(/^Gave up after 3 attempts: Too many messages to this customer/);

    // The agent retries: a fresh job, sent this time.
    const retry = await api(t.url, 'POST', `/api/v1/messages/${third.id}/retry`, t.adminToken);
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('queued');
    expect(retry.body.failureReason).toBeNull();
    await until('sent after retry', async () => (await msg(third.id)).status === 'sent');
    expect((await api(t.url, 'POST', `/api/v1/messages/${id}/retry`, t.adminToken)).body.status).toBe('sent'); // not failed: nothing to do
  });

  it('network failures are retried', async () => {
    graph.script.push('drop');
    const { id } = await customerThenReply('6281010101010');
    await until('sent after a dropped connection', async () => (await msg(id)).status === 'sent');
    expect(graph.requests.filter((r) => r.body.biz_opaque_callback_data === id)).toHaveLength(2);
  });

  it('refuses free text outside the 24-hour window, with the reason', async () => {
    const { conv, id } = await customerThenReply('6281212121212');
    await until('first reply sent', async () => (await msg(id)).status === 'sent');
    const dayAgo = new Date(Date.now() - 25 * 3600_000).toISOString();
    await t.server.store.db.updateTable('conversations').set({ last_inbound_at: dayAgo }).where('id', '=', conv).execute();
    // The window counts from the customer's last WhatsApp MESSAGE (a thread may also hold e-mail: docs/identity.md).
    await t.server.store.db.updateTable('messages').set({ created_at: dayAgo }).where('conversation_id', '=', conv).where('direction', '=', 'inbound').execute();
    const before = graph.requests.length;
    const res = await api(t.url, 'POST', `/api/v1/conversations/${conv}/messages`, t.adminToken, { text: 'Still there?' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/24 hours/);
    // Private notes are not replies: still allowed.
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv}/messages`, t.adminToken, { text: 'note to self', private: true })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 150));
    expect(graph.requests.length).toBe(before);
  });
});
