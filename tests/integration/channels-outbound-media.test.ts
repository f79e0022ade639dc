// Outbound media (issue 3): the agent uploads a file (POST /api/v1/conversations/:id/attachments: size
// limit 413, type checked against the bytes 400, agents outside the channel 404), then sends a reply with
// its id; the delivery queue hands it to the vendor exactly once: WhatsApp (media upload, then a media
// message with the media id), Telegram (sendPhoto / sendDocument, multipart), e-mail (a MIME attachment).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src-server/channels/ingest';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { startHost } from '../../src-main/host/host';
import { OFFLINE_UPLOAD_MESSAGE, uploadAttachment } from '../../src-main/core/outbound-media';
import { addMember, ADMIN, api, makeAgent, makeChannel, startTestServer, type TestServer } from './server-support';
import { startFakeGraph, waText, type FakeGraph } from './support/fake-graph';
import { startFakeTelegram, tgTextUpdate, type FakeTelegram } from './support/fake-telegram';
import { until } from './support/wait';

const PHONE_ID = '106540352242922';
const SECRETS = { accessToken: 'EAAG-outbound-media', appSecret: 'wa-app-secret-out', verifyToken: 'verify-out' };
const TG_TOKEN = '123456789:AAOutboundMediaTokenForTests_abcdefg';
const TG_SECRET = 'tg-outbound-secret';
const MAX = 64 * 1024;

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let t: TestServer;
let graph: FakeGraph;
let tg: FakeTelegram;
let smtp: SMTPServer;
const received: ParsedMail[] = [];
const ch = { wa: '', tg: '', email: '' };
const conv = { wa: '', tg: '', email: '' };

function upload(conversationId: string, bytes: Buffer, type: string, name: string, token = t.adminToken) {
  return fetch(`${t.url}/api/v1/conversations/${conversationId}/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: bytes,
  });
}

async function uploaded(conversationId: string, bytes: Buffer, type: string, name: string): Promise<string> {
  const res = await upload(conversationId, bytes, type, name);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function messageRow(id: string) {
  return t.server.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

const conversationOf = async (channelId: string) => (await t.server.store.db.selectFrom('conversations').select('id').where('channel_id', '=', channelId).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  tg = await startFakeTelegram(TG_TOKEN);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (auth, _s, cb) => cb(null, { user: auth.username }),
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => void simpleParser(Buffer.concat(chunks)).then((m) => (received.push(m), cb())));
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  t = await startTestServer({ channels: { receivers: false, delivery: { pollMs: 50, baseBackoffMs: 100, maxBackoffMs: 400, maxAttempts: 3 }, media: { pollMs: 50, maxBytes: MAX } } });
  const create = async (body: unknown) => {
    const r = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, body);
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  ch.wa = await create({ type: 'whatsapp', name: 'WA out', config: { phoneNumberId: PHONE_ID, ...SECRETS, apiBaseUrl: graph.baseUrl } });
  ch.tg = await create({ type: 'telegram', name: 'TG out', config: { botToken: TG_TOKEN, secretToken: TG_SECRET, apiBaseUrl: tg.apiRoot, mode: 'webhook' } });
  ch.email = await create({
    type: 'email',
    name: 'Mail out',
    config: {
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'x', password: 'imap-pw' },
      smtp: { host: '127.0.0.1', port: (smtp.server.address() as AddressInfo).port, secure: false, user: 'support', password: 'smtp-pw' },
      fromAddress: 'support@shop.example',
    },
  });
  // One customer conversation per channel, started by the customer (WhatsApp's window is then open).
  const raw = JSON.stringify(waText(PHONE_ID, '6281311112222', 'Dewi', 'wamid.out-media-in-1', 'Minta fakturnya'));
  expect((await fetch(`${t.url}/webhooks/whatsapp/${ch.wa}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw })).status).toBe(200);
  expect((await fetch(`${t.url}/webhooks/telegram/${ch.tg}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET }, body: JSON.stringify({ update_id: 1, ...tgTextUpdate(4242, 1, 'Halo') }) })).status).toBe(200);
  await ingest(t.server.channels, ch.email, [{ kind: 'message', externalId: '<c1@customer.example>', identity: { channelType: 'email', value: 'rina@customer.example' }, profile: { name: 'Rina' }, text: 'Please send the invoice', meta: { kind: 'email', email: { messageId: '<c1@customer.example>', subject: 'Invoice' } } }]);
  conv.wa = await conversationOf(ch.wa);
  conv.tg = await conversationOf(ch.tg);
  conv.email = await conversationOf(ch.email);
}, 30_000);

afterAll(async () => {
  await t?.close();
  await graph?.close();
  await tg?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

describe('upload', () => {
  const uploadsCount = async () => Number((await t.server.store.db.selectFrom('uploads').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('stores a checked file for the agent and answers its id, type and size', async () => {
    const res = await upload(conv.wa, PDF, 'application/pdf', '../../etc/Faktur\u0007 Mei.pdf');
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; name: string; mimeType: string; size: number; kind: string };
    expect(body).toMatchObject({ name: 'Faktur Mei.pdf', mimeType: 'application/pdf', size: PDF.length, kind: 'document' });
    expect(fs.readFileSync(path.join(t.dir, 'attachments', body.id))).toEqual(PDF);
    expect(fs.statSync(path.join(t.dir, 'attachments', body.id)).mode & 0o077).toBe(0);
  });

  it('refuses oversize (413), a type that does not match the bytes (400), empty files, and agents outside the channel (404)', async () => {
    const before = await uploadsCount();
    const big = await upload(conv.wa, Buffer.concat([PDF, Buffer.alloc(MAX)]), 'application/pdf', 'big.pdf');
    expect(big.status).toBe(413);
    const mismatch = await upload(conv.wa, PDF, 'image/png', 'not-a.png');
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { error: { message: string } }).error.message).toMatch(/Declared as image\/png, but the content is application\/pdf/);
    // An "image" that is not one (e.g. SVG with script) is refused too.
    expect((await upload(conv.wa, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml', 'x.svg')).status).toBe(400);
    expect((await upload(conv.wa, Buffer.alloc(0), 'application/pdf', 'empty.pdf')).status).toBe(400);
    const outsider = await makeAgent(t, 'outsider-out');
    expect((await upload(conv.wa, PDF, 'application/pdf', 'x.pdf', outsider.token)).status).toBe(404);
    expect((await upload('no-such-conversation', PDF, 'application/pdf', 'x.pdf')).status).toBe(404);
    expect((await fetch(`${t.url}/api/v1/conversations/${conv.wa}/attachments`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: PDF })).status).toBe(401);
    expect(await uploadsCount()).toBe(before);
  });

  it('a reply may only use the sender’s own unused upload of the same conversation, never on web chat', async () => {
    const id = await uploaded(conv.wa, PDF, 'application/pdf', 'a.pdf');
    const member = await makeAgent(t, 'member-out');
    await addMember(t, ch.wa, member.id);
    // Another agent's upload: refused, nothing stored.
    const foreign = await api(t.url, 'POST', `/api/v1/conversations/${conv.wa}/messages`, member.token, { text: 'here', attachmentIds: [id] });
    expect(foreign.status).toBe(400);
    // Another conversation's upload: refused.
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv.tg}/messages`, t.adminToken, { text: 'here', attachmentIds: [id] })).status).toBe(400);
    // Unknown id / empty without a file: refused.
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv.wa}/messages`, t.adminToken, { text: 'here', attachmentIds: ['nope'] })).status).toBe(400);
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv.wa}/messages`, t.adminToken, { text: '  ' })).status).toBe(400);
    // Web chat: files are not sent there yet, said in words.
    const web = await makeChannel(t, 'Web out');
    const wc = await t.server.commands.receiveInbound({ channelId: web, identity: { channelType: 'webchat', value: `visitor:out-${Date.now()}` }, profile: {}, externalId: `wc-${Date.now()}`, text: 'hi' });
    const wid = await uploaded(wc.conversationId, PDF, 'application/pdf', 'w.pdf');
    const r = await api(t.url, 'POST', `/api/v1/conversations/${wc.conversationId}/messages`, t.adminToken, { text: 'file', attachmentIds: [wid] });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/web chat/);
    // Used once: a second message with the same upload is refused.
    const ok = await api(t.url, 'POST', `/api/v1/conversations/${conv.wa}/messages`, t.adminToken, { text: '', attachmentIds: [id] });
    expect(ok.status).toBe(201);
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv.wa}/messages`, t.adminToken, { text: 'again', attachmentIds: [id] })).status).toBe(400);
    await until('sent', async () => (await messageRow(ok.body.id)).status === 'sent');
  });
});

describe('delivery of media', () => {
  it('WhatsApp: uploads the PDF to /{phone}/media once, then sends one document message with the media id', async () => {
    const uploadsBefore = graph.uploads.length;
    const sendsBefore = graph.requests.length;
    const id = await uploaded(conv.wa, PDF, 'application/pdf', 'Faktur Mei.pdf');
    const reply = await api(t.url, 'POST', `/api/v1/conversations/${conv.wa}/messages`, t.adminToken, { text: 'Fakturnya terlampir', attachmentIds: [id] });
    expect(reply.status).toBe(201);
    expect(reply.body.attachments).toEqual([expect.objectContaining({ id, name: 'Faktur Mei.pdf', mimeType: 'application/pdf', state: 'ready', size: PDF.length })]);
    await until('sent', async () => (await messageRow(reply.body.id)).status === 'sent');
    await new Promise((r) => setTimeout(r, 300)); // a few polls: nothing more goes out
    expect(graph.uploads.slice(uploadsBefore)).toEqual([expect.objectContaining({ type: 'application/pdf', fileName: 'Faktur Mei.pdf', bytes: PDF })]);
    const sends = graph.requests.slice(sendsBefore);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '6281311112222',
      type: 'document',
      document: { id: graph.uploads[uploadsBefore]!.id, caption: 'Fakturnya terlampir', filename: 'Faktur Mei.pdf' },
      biz_opaque_callback_data: reply.body.id,
    });
    // The agent's app can open the sent file like any attachment.
    const file = await fetch(`${t.url}/api/v1/attachments/${id}`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="Faktur Mei.pdf"/);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PDF);
  });

  it('WhatsApp: an image goes as `image` with its caption', async () => {
    const before = graph.requests.length;
    const id = await uploaded(conv.wa, PNG, 'image/png', 'foto.png');
    const reply = await api(t.url, 'POST', `/api/v1/conversations/${conv.wa}/messages`, t.adminToken, { text: 'Ini fotonya', attachmentIds: [id] });
    await until('sent', async () => (await messageRow(reply.body.id)).status === 'sent');
    expect(graph.requests.slice(before).map((r) => r.body)).toEqual([expect.objectContaining({ type: 'image', image: { id: expect.any(String), caption: 'Ini fotonya' } })]);
  });

  it('Telegram: a photo with sendPhoto and a PDF with sendDocument, multipart, exactly once each', async () => {
    const before = tg.calls.length;
    const photo = await uploaded(conv.tg, PNG, 'image/png', 'foto.png');
    const r1 = await api(t.url, 'POST', `/api/v1/conversations/${conv.tg}/messages`, t.adminToken, { text: 'Foto', attachmentIds: [photo] });
    await until('photo sent', async () => (await messageRow(r1.body.id)).status === 'sent');
    const doc = await uploaded(conv.tg, PDF, 'application/pdf', 'Faktur.pdf');
    const r2 = await api(t.url, 'POST', `/api/v1/conversations/${conv.tg}/messages`, t.adminToken, { text: '', attachmentIds: [doc] });
    await until('document sent', async () => (await messageRow(r2.body.id)).status === 'sent');
    await new Promise((r) => setTimeout(r, 300));
    const calls = tg.calls.slice(before);
    expect(calls.map((c) => c.method)).toEqual(['sendPhoto', 'sendDocument']);
    expect(calls[0]!.body).toMatchObject({ chat_id: 4242, caption: 'Foto', file: { name: 'foto.png', bytes: PNG } });
    expect(calls[1]!.body).toMatchObject({ chat_id: 4242, file: { name: 'Faktur.pdf', bytes: PDF } });
    expect(calls[1]!.body.caption).toBeUndefined();
    expect((await messageRow(r1.body.id)).external_id).toMatch(/^4242:\d+$/);
  });

  it('Telegram: 403 (blocked) fails the media reply with the reason, not retried', async () => {
    const before = tg.calls.length;
    tg.script.push({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const doc = await uploaded(conv.tg, PDF, 'application/pdf', 'x.pdf');
    const r = await api(t.url, 'POST', `/api/v1/conversations/${conv.tg}/messages`, t.adminToken, { text: 'x', attachmentIds: [doc] });
    const row = await until('failed', async () => {
      const m = await messageRow(r.body.id);
      return m.status === 'failed' && m;
    });
    expect(row.failure_reason).toMatch(/blocked the bot/);
    await new Promise((res) => setTimeout(res, 300));
    expect(tg.calls.length - before).toBe(1);
  });

  it('e-mail: the file goes as a MIME attachment of the reply', async () => {
    const before = received.length;
    const id = await uploaded(conv.email, PDF, 'application/pdf', 'Invoice May.pdf');
    const r = await api(t.url, 'POST', `/api/v1/conversations/${conv.email}/messages`, t.adminToken, { text: 'Attached is the invoice.', attachmentIds: [id] });
    await until('sent', async () => (await messageRow(r.body.id)).status === 'sent', 15_000);
    await until('received', () => received.length > before);
    await new Promise((res) => setTimeout(res, 300));
    expect(received.length - before).toBe(1);
    const mail = received[before]!;
    expect(mail.text?.trim()).toBe('Attached is the invoice.');
    expect(mail.inReplyTo).toBe('<c1@customer.example>');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'Invoice May.pdf', contentType: 'application/pdf' });
    expect(mail.attachments[0]!.content).toEqual(PDF);
  });
});

describe('desktop: browser host → core → server', () => {
  it('the page uploads through the host (cookie + same origin), then message.send carries the id; WhatsApp gets it once', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-host-media-'));
    fs.mkdirSync(path.join(root, 'renderer'));
    fs.writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>Threadline</title>');
    const h = await startHost({ port: 0, host: '127.0.0.1', dataDir: path.join(root, 'desktop'), rendererDir: path.join(root, 'renderer'), serverUrl: t.url });
    try {
      await h.core.handlers['session.login']({ serverUrl: t.url, email: ADMIN.email, password: ADMIN.password });
      const secret = new URL(h.url).hash.replace('#secret=', '');
      const session = await fetch(`${h.origin}/attachments-session`, { method: 'POST', headers: { origin: h.origin, 'x-threadline-secret': secret } });
      expect(session.status).toBe(204);
      const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
      const post = (headers: Record<string, string>) =>
        fetch(`${h.origin}/attachments/upload?conversationId=${conv.wa}&name=Faktur%20Juni.pdf`, { method: 'POST', headers: { 'content-type': 'application/pdf', ...headers }, body: PDF });
      // Without the cookie, or from another origin: refused before anything reaches the server.
      expect((await post({ origin: h.origin })).status).toBe(403);
      expect((await post({ origin: 'http://evil.example', cookie })).status).toBe(403);
      const up = await post({ origin: h.origin, cookie });
      expect(up.status).toBe(201);
      const file = (await up.json()) as { id: string; name: string; size: number };
      expect(file).toMatchObject({ name: 'Faktur Juni.pdf', size: PDF.length });

      const uploadsBefore = graph.uploads.length;
      const sendsBefore = graph.requests.length;
      const sent = await h.core.handlers['message.send']({ conversationId: conv.wa, text: '', private: false, attachmentIds: [file.id] });
      await until('sent', async () => (await t.server.store.db.selectFrom('messages').select('status').where('id', '=', sent.id).executeTakeFirst())?.status === 'sent');
      await new Promise((r) => setTimeout(r, 300));
      expect(graph.uploads.length - uploadsBefore).toBe(1);
      expect(graph.requests.slice(sendsBefore).map((r) => r.body)).toEqual([expect.objectContaining({ type: 'document', document: { id: graph.uploads[uploadsBefore]!.id, filename: 'Faktur Juni.pdf' } })]);
      // The sent file is served back through the host like any attachment.
      const back = await fetch(`${h.origin}/attachments/${file.id}`, { headers: { cookie } });
      expect(back.status).toBe(200);
      expect(back.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await back.arrayBuffer())).toEqual(PDF);
      // An empty message without a file is refused by the core.
      await expect(h.core.handlers['message.send']({ conversationId: conv.wa, text: '', private: false })).rejects.toThrow(/empty/);
    } finally {
      await h.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);

  it('offline: the core says the file was not sent (503), never pretends it is queued', async () => {
    const res = await uploadAttachment('http://127.0.0.1:1', 'token', { conversationId: conv.wa, name: 'x.pdf', contentType: 'application/pdf', bytes: PDF });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(OFFLINE_UPLOAD_MESSAGE);
  });
});
