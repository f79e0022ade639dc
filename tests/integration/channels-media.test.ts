// Issue 3, the missing parts: inbound media downloaded by a durable job AFTER the webhook is acknowledged
// (WhatsApp media URL lookup + download, Telegram getFile + file download), size limit and content type
// checked against the bytes, served only to agents of the channel; WhatsApp templates synced from the Graph
// API (paged) and sent outside the 24-hour window through the delivery queue; the original of an e-mail.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { addMember, api, countRows, makeAgent, startTestServer, type TestServer } from './server-support';
import { startFakeGraph, waMedia, waText, type FakeGraph } from './support/fake-graph';
import { startFakeTelegram, type FakeTelegram } from './support/fake-telegram';
import { until } from './support/wait';

const PHONE_ID = '106540352242922';
const WABA_ID = '102290129340398';
const SECRETS = { accessToken: 'EAAG-media-access-token', appSecret: 'wa-app-secret-media', verifyToken: 'verify-media' };
const TG_TOKEN = '987654321:AAMediaTokenForTestsOnly_abcdefghij';
const TG_SECRET = 'tg-media-secret';
const MAX = 64 * 1024;

// A real 1×1 PNG and a minimal PDF (magic numbers are what the server checks).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 1), Buffer.from([0xff, 0xd9])]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let t: TestServer;
let graph: FakeGraph;
let tg: FakeTelegram;
let waChannel: string;
let tgChannel: string;

function postWa(payload: unknown) {
  const raw = JSON.stringify(payload);
  return fetch(`${t.url}/webhooks/whatsapp/${waChannel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw });
}

const attachmentsOfWamid = async (wamid: string) => {
  const m = await t.server.store.db.selectFrom('messages').select(['id', 'attachments']).where('external_id', '=', wamid).executeTakeFirstOrThrow();
  const rows = await t.server.store.db.selectFrom('attachments').selectAll().where('message_id', '=', m.id).orderBy('position').execute();
  return { messageId: m.id, summaries: JSON.parse(m.attachments ?? '[]') as { id: string; state: string; reason?: string; mimeType: string | null; size: number | null }[], rows };
};

let seq = 0;
const wamid = () => `wamid.media.${Date.now()}.${++seq}`;

beforeAll(async () => {
  graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  tg = await startFakeTelegram(TG_TOKEN);
  t = await startTestServer({ channels: { delivery: { pollMs: 50, baseBackoffMs: 100, maxBackoffMs: 400, maxAttempts: 3 }, media: { pollMs: 50, maxBytes: MAX, baseBackoffMs: 50, maxBackoffMs: 200 } } });
  const wa = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'whatsapp', name: 'WhatsApp media', config: { phoneNumberId: PHONE_ID, businessAccountId: WABA_ID, ...SECRETS, apiBaseUrl: graph.baseUrl } });
  expect(wa.status).toBe(201);
  waChannel = wa.body.id;
  const tgc = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'telegram', name: 'Telegram media', config: { botToken: TG_TOKEN, secretToken: TG_SECRET, apiBaseUrl: tg.apiRoot } });
  expect(tgc.status).toBe(201);
  tgChannel = tgc.body.id;
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
  await tg?.close();
});

describe('inbound media', () => {
  it('acknowledges the webhook before the download, then downloads, checks and serves the image', async () => {
    graph.media.set('media-png-1', { bytes: PNG, mimeType: 'image/png' });
    graph.holdMedia = true;
    const id = wamid();
    const downloadsBefore = graph.mediaDownloads;
    const res = await postWa(waMedia(PHONE_ID, '6281300000001', id, 'image', { id: 'media-png-1', mime_type: 'image/png', caption: 'Rusak', sha256: 'x' }));
    expect(res.status).toBe(200); // answered while the download is still held by the fake
    const early = await attachmentsOfWamid(id);
    expect(early.rows).toHaveLength(1);
    expect(['pending', 'downloading']).toContain(early.rows[0]!.state);
    expect(early.summaries[0]!.state).toBe('pending');
    expect(graph.mediaDownloads).toBe(downloadsBefore);
    graph.releaseMedia();
    const done = await until('downloaded', async () => {
      const a = await attachmentsOfWamid(id);
      return a.rows[0]!.state === 'ready' && a;
    });
    expect(done.summaries[0]).toMatchObject({ state: 'ready', mimeType: 'image/png', size: PNG.length });
    expect(fs.readFileSync(path.join(t.dir, 'attachments', done.rows[0]!.id))).toEqual(PNG);
    // The message's change (synced to the apps) carries the summaries.
    const change = await t.server.store.db.selectFrom('change_log').select('data').where('entity', '=', 'message').where('entity_id', '=', done.messageId).executeTakeFirstOrThrow();
    expect(JSON.parse(change.data!).attachments[0]).toMatchObject({ id: done.rows[0]!.id, state: 'ready' });

    const file = await fetch(`${t.url}/api/v1/attachments/${done.rows[0]!.id}`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(file.headers.get('content-disposition')).toMatch(/^inline; filename=/);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);
    // No token → 401.
    expect((await fetch(`${t.url}/api/v1/attachments/${done.rows[0]!.id}`)).status).toBe(401);
  });

  it('serves an attachment only to agents of its channel (404 for the others)', async () => {
    graph.media.set('media-pdf-1', { bytes: PDF, mimeType: 'application/pdf' });
    const id = wamid();
    expect((await postWa(waMedia(PHONE_ID, '6281300000002', id, 'document', { id: 'media-pdf-1', mime_type: 'application/pdf', filename: 'Faktur März.pdf' }))).status).toBe(200);
    const a = await until('pdf ready', async () => {
      const x = await attachmentsOfWamid(id);
      return x.rows[0]!.state === 'ready' && x;
    });
    const outsider = await makeAgent(t, 'Outsider');
    const member = await makeAgent(t, 'Member');
    await addMember(t, waChannel, member.id);
    const url = `${t.url}/api/v1/attachments/${a.rows[0]!.id}`;
    const no = await fetch(url, { headers: { authorization: `Bearer ${outsider.token}` } });
    expect(no.status).toBe(404);
    expect(await no.text()).not.toContain('%PDF');
    const yes = await fetch(url, { headers: { authorization: `Bearer ${member.token}` } });
    expect(yes.status).toBe(200);
    expect(yes.headers.get('content-type')).toBe('application/pdf');
    // Not an image: always a download, never rendered inline; the name survives (RFC 5987).
    expect(yes.headers.get('content-disposition')).toMatch(/^attachment; filename="Faktur M_rz.pdf"; filename\*=UTF-8''Faktur%20M%C3%A4rz\.pdf$/);
    expect((await fetch(`${t.url}/api/v1/attachments/nope`, { headers: { authorization: `Bearer ${member.token}` } })).status).toBe(404);
  });

  it('skips oversize media without downloading it, with the reason', async () => {
    graph.media.set('media-big', { bytes: Buffer.concat([PNG, Buffer.alloc(MAX)]), mimeType: 'image/png' });
    const before = graph.mediaDownloads;
    const id = wamid();
    expect((await postWa(waMedia(PHONE_ID, '6281300000003', id, 'image', { id: 'media-big', mime_type: 'image/png' }))).status).toBe(200);
    const a = await until('skipped', async () => {
      const x = await attachmentsOfWamid(id);
      return x.rows[0]!.state === 'skipped' && x;
    });
    expect(a.summaries[0]!.reason).toMatch(/over the 0\.1 MB limit/);
    expect(graph.mediaDownloads).toBe(before);
    expect(fs.existsSync(path.join(t.dir, 'attachments', a.rows[0]!.id))).toBe(false);
    expect((await fetch(`${t.url}/api/v1/attachments/${a.rows[0]!.id}`, { headers: { authorization: `Bearer ${t.adminToken}` } })).status).toBe(404);
  });

  it('refuses content whose bytes do not match its declared type', async () => {
    graph.media.set('media-fake-jpeg', { bytes: Buffer.from('<html><script>alert(1)</script></html>'), mimeType: 'image/jpeg' });
    const id = wamid();
    expect((await postWa(waMedia(PHONE_ID, '6281300000004', id, 'image', { id: 'media-fake-jpeg', mime_type: 'image/jpeg' }))).status).toBe(200);
    const a = await until('refused', async () => {
      const x = await attachmentsOfWamid(id);
      return x.rows[0]!.state === 'skipped' && x;
    });
    expect(a.summaries[0]!.reason).toMatch(/Declared as image\/jpeg, but the content is not/);
    expect(fs.readdirSync(path.join(t.dir, 'attachments')).filter((f) => f.startsWith(a.rows[0]!.id))).toEqual([]);
    // A PDF declared as audio: refused as well.
    graph.media.set('media-pdf-as-audio', { bytes: PDF, mimeType: 'audio/ogg' });
    const id2 = wamid();
    expect((await postWa(waMedia(PHONE_ID, '6281300000004', id2, 'audio', { id: 'media-pdf-as-audio', mime_type: 'audio/ogg; codecs=opus' }))).status).toBe(200);
    const b = await until('refused 2', async () => {
      const x = await attachmentsOfWamid(id2);
      return x.rows[0]!.state === 'skipped' && x;
    });
    expect(b.summaries[0]!.reason).toMatch(/content is application\/pdf/);
  });

  it('a replayed media webhook records the attachment once', async () => {
    graph.media.set('media-png-2', { bytes: PNG, mimeType: 'image/png' });
    const id = wamid();
    const payload = waMedia(PHONE_ID, '6281300000005', id, 'sticker', { id: 'media-png-2', mime_type: 'image/png' });
    const codes = await Promise.all(Array.from({ length: 5 }, () => postWa(payload).then((r) => r.status)));
    expect(codes).toEqual([200, 200, 200, 200, 200]);
    const a = await until('ready', async () => {
      const x = await attachmentsOfWamid(id);
      return x.rows[0]!.state === 'ready' && x;
    });
    expect(a.rows).toHaveLength(1);
  });

  it('downloads Telegram photos with getFile and the file URL', async () => {
    // Telegram re-encodes photos as JPEG (the adapter declares image/jpeg; the bytes must agree).
    tg.files.set('AgACAgQAAxk-photo-big', { bytes: JPEG, path: 'photos/file_7.jpg' });
    const res = await fetch(`${t.url}/webhooks/telegram/${tgChannel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
      body: JSON.stringify({
        update_id: 9001,
        message: {
          message_id: 77,
          date: Math.floor(Date.now() / 1000),
          chat: { id: 5550001, type: 'private', first_name: 'Siti' },
          from: { id: 5550001, is_bot: false, first_name: 'Siti' },
          photo: [
            { file_id: 'AgACAgQAAxk-photo-small', file_unique_id: 's', width: 90, height: 90, file_size: 100 },
            { file_id: 'AgACAgQAAxk-photo-big', file_unique_id: 'b', width: 800, height: 800, file_size: JPEG.length },
          ],
          caption: 'struk',
        },
      }),
    });
    expect(res.status).toBe(200);
    const a = await until('telegram photo ready', async () => {
      const x = await attachmentsOfWamid('5550001:77');
      return x.rows[0]!.state === 'ready' && x;
    });
    expect(a.summaries[0]).toMatchObject({ mimeType: 'image/jpeg', size: JPEG.length });
    expect(tg.calls.some((c) => c.method === 'getFile' && c.body.file_id === 'AgACAgQAAxk-photo-big')).toBe(true);
  });

  it('a download interrupted by a restart is simply done again', async () => {
    graph.media.set('media-png-3', { bytes: PNG, mimeType: 'image/png' });
    graph.holdMedia = true;
    const id = wamid();
    expect((await postWa(waMedia(PHONE_ID, '6281300000006', id, 'image', { id: 'media-png-3', mime_type: 'image/png' }))).status).toBe(200);
    await until('downloading', async () => (await attachmentsOfWamid(id)).rows[0]!.state === 'downloading');
    // The media job stops (a server stop), then starts again: the row is due again and completes.
    const media = t.server.channels.media;
    const stopping = media.stop();
    graph.releaseMedia();
    await stopping;
    await t.server.store.db.updateTable('attachments').set({ state: 'downloading' }).where('state', '=', 'ready').where('vendor_id', '=', 'media-png-3').execute();
    await media.start();
    await until('ready after restart', async () => (await attachmentsOfWamid(id)).rows[0]!.state === 'ready');
  });
});

describe('WhatsApp templates', () => {
  const approved = { name: 'order_update', language: 'id', status: 'APPROVED', category: 'UTILITY', id: '1001', components: [{ type: 'HEADER', format: 'TEXT', text: 'Pesanan {{1}}' }, { type: 'BODY', text: 'Halo {{1}}, pesanan {{2}} sudah dikirim.' }, { type: 'FOOTER', text: 'Toko Kita' }] };

  it('syncs templates from the Graph API (all pages) and lists the approved ones', async () => {
    graph.templates = [
      approved,
      { name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', id: '1002', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} has shipped.' }] },
      { name: 'promo_pending', language: 'id', status: 'PENDING', category: 'MARKETING', id: '1003', components: [{ type: 'BODY', text: 'Diskon!' }] },
      ...Array.from({ length: 110 }, (_, i) => ({ name: `filler_${String(i).padStart(3, '0')}`, language: 'en_US', status: i % 2 ? 'REJECTED' : 'APPROVED', category: 'UTILITY', id: `2${i}`, components: [{ type: 'BODY', text: 'Thanks' }] })),
    ];
    const agent = await makeAgent(t, 'Plain');
    expect((await api(t.url, 'POST', `/api/v1/channels/${waChannel}/templates/sync`, agent.token)).status).toBe(403);
    const res = await api(t.url, 'POST', `/api/v1/channels/${waChannel}/templates/sync`, t.adminToken);
    expect(res.status).toBe(200);
    expect(res.body.synced).toBe(113);
    const list = await api(t.url, 'GET', `/api/v1/channels/${waChannel}/templates`, t.adminToken);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2 + 55);
    expect(list.body.items.some((x: { name: string }) => x.name === 'promo_pending')).toBe(false);
    const ou = list.body.items.find((x: { name: string; language: string }) => x.name === 'order_update' && x.language === 'id');
    expect(ou).toMatchObject({ header: 'Pesanan {{1}}', body: 'Halo {{1}}, pesanan {{2}} sudah dikirim.', variables: [{ component: 'header', index: 1 }, { component: 'body', index: 1 }, { component: 'body', index: 2 }] });
    // An agent outside the channel does not see them.
    expect((await api(t.url, 'GET', `/api/v1/channels/${waChannel}/templates`, agent.token)).status).toBe(404);
  });

  it('sends an approved template outside the 24-hour window through the delivery queue', async () => {
    expect((await postWa(waText(PHONE_ID, '6281399999999', 'Dewi', wamid(), 'Halo'))).status).toBe(200);
    const conv = (await t.server.store.db
      .selectFrom('conversations')
      .innerJoin('contact_identities', 'contact_identities.contact_id', 'conversations.contact_id')
      .select('conversations.id')
      .where('contact_identities.value', '=', '6281399999999')
      .executeTakeFirstOrThrow()).id;
    await t.server.store.db.updateTable('conversations').set({ last_inbound_at: new Date(Date.now() - 30 * 3600_000).toISOString() }).where('id', '=', conv).execute();
    // The window counts from the customer's last WhatsApp message (docs/identity.md): backdate it too.
    await t.server.store.db.updateTable('messages').set({ created_at: new Date(Date.now() - 30 * 3600_000).toISOString() }).where('conversation_id', '=', conv).where('direction', '=', 'inbound').execute();
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv}/messages`, t.adminToken, { text: 'free text' })).status).toBe(400);
    const before = await countRows(t, 'messages');
    // Wrong variables / unknown template: 400, nothing stored.
    const missing = await api(t.url, 'POST', `/api/v1/conversations/${conv}/template-messages`, t.adminToken, { name: 'order_update', language: 'id', parameters: [{ component: 'body', index: 1, text: 'Dewi' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/variable \{\{1\}\} of the header is missing/);
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv}/template-messages`, t.adminToken, { name: 'promo_pending', language: 'id', parameters: [] })).status).toBe(400);
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conv}/template-messages`, t.adminToken, { name: 'x', parameters: 'nope' })).status).toBe(400);
    expect(await countRows(t, 'messages')).toBe(before);

    const sent = await api(t.url, 'POST', `/api/v1/conversations/${conv}/template-messages`, t.adminToken, {
      name: 'order_update',
      language: 'id',
      parameters: [
        { component: 'header', index: 1, text: 'INV-7' },
        { component: 'body', index: 1, text: 'Dewi' },
        { component: 'body', index: 2, text: 'INV-7' },
      ],
    });
    expect(sent.status).toBe(201);
    expect(sent.body.text).toBe('Pesanan INV-7\n\nHalo Dewi, pesanan INV-7 sudah dikirim.');
    await until('template sent', async () => (await t.server.store.db.selectFrom('messages').select('status').where('id', '=', sent.body.id).executeTakeFirstOrThrow()).status === 'sent');
    const req = graph.requests.find((r) => r.body.biz_opaque_callback_data === sent.body.id)!;
    expect(req.body).toMatchObject({
      type: 'template',
      to: '6281399999999',
      template: { name: 'order_update', language: { code: 'id' }, components: [{ type: 'header', parameters: [{ type: 'text', text: 'INV-7' }] }, { type: 'body', parameters: [{ type: 'text', text: 'Dewi' }, { type: 'text', text: 'INV-7' }] }] },
    });
  });

  it('a template the Graph API refuses fails with the reason', async () => {
    graph.templates = graph.templates.filter((x) => x.name !== 'order_update' || x.language !== 'en_US');
    const conv = (await t.server.store.db.selectFrom('conversations').select('id').where('channel_id', '=', waChannel).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).id;
    // Still in our store (not re-synced), gone at Meta: the send fails with 132001, in words.
    const res = await api(t.url, 'POST', `/api/v1/conversations/${conv}/template-messages`, t.adminToken, { name: 'order_update', language: 'en_US', parameters: [{ component: 'body', index: 1, text: 'A' }, { component: 'body', index: 2, text: 'B' }] });
    expect(res.status).toBe(201);
    const row = await until('failed', async () => {
      const m = await t.server.store.db.selectFrom('messages').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
      return m.status === 'failed' && m;
    });
    expect(row.failure_reason).toBeTruthy();
  });
});

describe('e-mail original', () => {
  it('returns the sanitised HTML and full text to agents of the channel only', async () => {
    const conv = (await t.server.store.db.selectFrom('conversations').select(['id', 'channel_id']).where('channel_id', '=', waChannel).executeTakeFirstOrThrow());
    const m = await t.server.store.db.selectFrom('messages').select('id').where('conversation_id', '=', conv.id).executeTakeFirstOrThrow();
    await t.server.store.db.updateTable('messages').set({ meta: JSON.stringify({ kind: 'email', email: { messageId: 'x', html: '<p>Hi</p>' }, fullText: 'Hi\n\n> old' }), has_original: 1 }).where('id', '=', m.id).execute();
    const res = await api(t.url, 'GET', `/api/v1/messages/${m.id}/original`, t.adminToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: m.id, html: '<p>Hi</p>', text: 'Hi\n\n> old' });
    const outsider = await makeAgent(t, 'Stranger');
    expect((await api(t.url, 'GET', `/api/v1/messages/${m.id}/original`, outsider.token)).status).toBe(404);
  });
});
