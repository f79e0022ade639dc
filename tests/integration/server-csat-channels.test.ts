// CSAT on the vendor channels (docs/csat.md), real server + vendor doubles that follow the documented contracts:
// WhatsApp interactive list inside the 24-hour window, the approved template (quick-reply payloads) or a skip
// outside it, the reply recorded from the webhook (list_reply / template button) and never stored as a message,
// a vendor error → failed (not retried); Telegram inline keyboard, callback_query by webhook and by long polling →
// recorded, answerCallbackQuery, keyboard message edited; e-mail with rating links through a real SMTP receiver.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { handleMail } from '../../src-server/channels/email/adapter';
import type { EmailConfig } from '../../src-server/channels/config-schemas';
import { parseCsatPayload } from '../../src-shared/csat';
import { api, startTestServer, type TestServer } from './server-support';
import { startFakeGraph, waInteractiveReply, waQuickReply, waText, type FakeGraph } from './support/fake-graph';
import { startFakeTelegram, tgCallbackUpdate, tgTextUpdate, type FakeTelegram } from './support/fake-telegram';
import { until } from './support/wait';

const PHONE_ID = '106540352242922';
const WA = { accessToken: 'EAAG-test-access-token', appSecret: 'wa-app-secret-123', verifyToken: 'verify-me-please' };
const TG_TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghij';
const TG_SECRET = 'tg-secret_token-1';

let t: TestServer;
let graph: FakeGraph;
let tg: FakeTelegram;
let smtp: SMTPServer;
const mails: ParsedMail[] = [];
let waChannel: string;
let tgChannel: string;
let mailChannel: string;

const db = () => t.server.store.db;
const surveysOf = (conversationId: string) => db().selectFrom('csat_surveys').selectAll().where('conversation_id', '=', conversationId).execute();
const settled = (conversationId: string) =>
  until('survey settled', async () => {
    const [s] = await surveysOf(conversationId);
    return s && (s.sent_at !== null || s.state !== 'sent') ? s : null;
  });
const resolve = async (id: string) => expect((await api(t.url, 'PATCH', `/api/v1/conversations/${id}`, t.adminToken, { status: 'resolved' })).status).toBe(200);
const convRow = (id: string) => db().selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const messageCount = async (id: string) => (await db().selectFrom('messages').select('id').where('conversation_id', '=', id).execute()).length;

async function conversationOf(type: string, value: string) {
  const row = await db()
    .selectFrom('conversations')
    .innerJoin('contact_identities', 'contact_identities.contact_id', 'conversations.contact_id')
    .select(['conversations.id'])
    .where('contact_identities.channel_type', '=', type)
    .where('contact_identities.value', '=', value)
    .orderBy('conversations.created_at', 'desc')
    .executeTakeFirstOrThrow();
  return row.id;
}

function postWa(payload: unknown) {
  const raw = JSON.stringify(payload);
  return fetch(`${t.url}/webhooks/whatsapp/${waChannel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(WA.appSecret, raw) }, body: raw });
}
let seq = 0;
const wamid = () => `wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTRBNjU5OUFFRTAzODEw${++seq}`;

/** A WhatsApp customer writes (optionally `hoursAgo`); returns the conversation. */
async function waCustomer(waId: string, hoursAgo = 0) {
  expect((await postWa(waText(PHONE_ID, waId, 'Budi', wamid(), 'Halo, pesanan saya?'))).status).toBe(200);
  const id = await conversationOf('whatsapp', waId);
  if (hoursAgo) {
    // The customer's last message was long ago: the 24-hour window is closed.
    const at = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    await db().updateTable('messages').set({ created_at: at }).where('conversation_id', '=', id).execute();
  }
  return id;
}

const postTg = (body: unknown) => fetch(`${t.url}/webhooks/telegram/${tgChannel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET }, body: JSON.stringify(body) });
let updateId = 7000;

beforeAll(async () => {
  graph = await startFakeGraph({ accessToken: WA.accessToken, phoneNumberId: PHONE_ID });
  tg = await startFakeTelegram(TG_TOKEN);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (auth, _s, cb) => cb(null, { user: auth.username }),
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => void simpleParser(Buffer.concat(chunks)).then((m) => (mails.push(m), cb())));
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  t = await startTestServer({ publicUrl: 'https://help.shop.test', channels: { delivery: { pollMs: 50 } }, csat: { pollMs: 100 } });
  const wa = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, {
    type: 'whatsapp',
    name: 'WhatsApp',
    config: { phoneNumberId: PHONE_ID, businessAccountId: '102290129340398', ...WA, apiBaseUrl: graph.baseUrl, csat: { enabled: true, question: 'How did we do today?' } },
  });
  expect(wa.status).toBe(201);
  waChannel = wa.body.id;
  const tgc = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'telegram', name: 'Telegram', config: { botToken: TG_TOKEN, secretToken: TG_SECRET, apiBaseUrl: tg.apiRoot, csat: { enabled: true } } });
  expect(tgc.status).toBe(201);
  tgChannel = tgc.body.id;
  const port = (smtp.server.address() as AddressInfo).port;
  const mail = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, {
    type: 'email',
    name: 'Support mailbox',
    config: {
      // No IMAP server here (the mail comes in through handleMail below); the receiver just keeps retrying.
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'support', password: 'imap-pw' },
      smtp: { host: '127.0.0.1', port, secure: false, user: 'support', password: 'smtp-pw' },
      fromAddress: 'support@shop.test',
      fromName: 'Shop Support',
      csat: { enabled: true, question: 'Were we helpful?' },
    },
  });
  expect(mail.status).toBe(201);
  mailChannel = mail.body.id;
}, 30_000);

afterAll(async () => {
  await t?.close();
  await graph?.close();
  await tg?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

describe('WhatsApp survey', () => {
  it('inside the window: an interactive list 1–5; the list reply is the answer, not a message, and does not reopen', async () => {
    const id = await waCustomer('6281111111101');
    const sends = graph.requests.length;
    await resolve(id);
    const survey = await settled(id);
    expect(survey).toMatchObject({ state: 'sent', channel_type: 'whatsapp', detail: null });
    const req = graph.requests.slice(sends).find((r) => r.body.type === 'interactive')!;
    expect(req.body).toMatchObject({ messaging_product: 'whatsapp', to: '6281111111101', type: 'interactive' });
    const inter = req.body.interactive as { type: string; body: { text: string }; action: { sections: { rows: { id: string; title: string }[] }[] } };
    expect(inter.type).toBe('list');
    expect(inter.body.text).toBe('How did we do today?');
    const rows = inter.action.sections[0]!.rows;
    expect(rows.map((r) => parseCsatPayload(r.id)?.score)).toEqual([5, 4, 3, 2, 1]);
    expect(rows.every((r) => parseCsatPayload(r.id)?.token === survey.token)).toBe(true);

    const before = await messageCount(id);
    const two = rows.find((r) => parseCsatPayload(r.id)?.score === 2)!;
    expect((await postWa(waInteractiveReply(PHONE_ID, '6281111111101', wamid(), 'list_reply', two))).status).toBe(200);
    const [answered] = await surveysOf(id);
    expect(answered).toMatchObject({ state: 'answered', score: 2 });
    expect(await messageCount(id)).toBe(before);
    expect((await convRow(id)).status).toBe('resolved');
    expect(JSON.parse((await convRow(id)).csat!)).toMatchObject({ state: 'answered', score: 2 });

    // A reply button (button_reply) with our payload is an answer too; the survey is updated, never a second row.
    expect((await postWa(waInteractiveReply(PHONE_ID, '6281111111101', wamid(), 'button_reply', { id: rows[0]!.id, title: 'Good' }))).status).toBe(200);
    expect(await surveysOf(id)).toEqual([expect.objectContaining({ score: 5 })]);
    // Someone else's tap with that token changes nothing.
    await waCustomer('6281111111199');
    expect((await postWa(waInteractiveReply(PHONE_ID, '6281111111199', wamid(), 'list_reply', { id: rows[4]!.id, title: '1' }))).status).toBe(200);
    expect((await surveysOf(id))[0]!.score).toBe(5);
    expect(await messageCount(id)).toBe(before);
  });

  it('a webhook retried late with an older answer never overwrites a newer one (ordered by the message timestamp)', async () => {
    const id = await waCustomer('6281111111177');
    const sends = graph.requests.length;
    await resolve(id);
    const survey = await settled(id);
    const req = graph.requests.slice(sends).find((r) => r.body.type === 'interactive')!;
    const rows = (req.body.interactive as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action.sections[0]!.rows;
    const row = (score: number) => rows.find((r) => parseCsatPayload(r.id)?.score === score)!;
    const t0 = Math.floor(Date.now() / 1000);
    expect((await postWa(waInteractiveReply(PHONE_ID, '6281111111177', wamid(), 'list_reply', row(2), t0))).status).toBe(200);
    // The customer's earlier tap (5), delivered late by a vendor retry: acknowledged, but the newer answer stays.
    expect((await postWa(waInteractiveReply(PHONE_ID, '6281111111177', wamid(), 'list_reply', row(5), t0 - 60))).status).toBe(200);
    expect(await surveysOf(id)).toEqual([expect.objectContaining({ token: survey.token, score: 2, answered_at: new Date(t0 * 1000).toISOString() })]);
    // A later change of mind is recorded.
    expect((await postWa(waInteractiveReply(PHONE_ID, '6281111111177', wamid(), 'list_reply', row(4), t0 + 60))).status).toBe(200);
    expect((await surveysOf(id))[0]).toMatchObject({ score: 4, answered_at: new Date((t0 + 60) * 1000).toISOString() });
  });

  it('outside the window: skipped with the reason without a template; with one, the template with quick-reply payloads', async () => {
    const id = await waCustomer('6281111111102', 30);
    const sends = graph.requests.length;
    await resolve(id);
    const skipped = await settled(id);
    expect(skipped.state).toBe('skipped');
    expect(skipped.detail).toMatch(/24-hour window.*no approved CSAT template/);
    expect(skipped.sent_at).toBeNull();
    expect(graph.requests.length).toBe(sends);
    expect(JSON.parse((await convRow(id)).csat!)).toMatchObject({ state: 'skipped' });
    // A token of a skipped survey records nothing.
    expect((await api(t.url, 'POST', `/csat/${skipped.token}`, undefined, { score: 5 })).status).toBe(409);

    graph.templates.push({ name: 'csat_survey', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'How did we do?' }, { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Good' }, { type: 'QUICK_REPLY', text: 'OK' }, { type: 'QUICK_REPLY', text: 'Bad' }] }] });
    const patch = await api(t.url, 'PATCH', `/api/v1/channels/${waChannel}`, t.adminToken, { config: { csat: { enabled: true, question: 'How did we do today?', whatsappTemplate: { name: 'csat_survey', language: 'en' } } } });
    expect(patch.status).toBe(200);
    expect(patch.body.config.csat.whatsappTemplate).toEqual({ name: 'csat_survey', language: 'en', buttonScores: [5, 3, 1] });
    const id2 = await waCustomer('6281111111103', 30);
    const sends2 = graph.requests.length;
    await resolve(id2);
    const sent = await settled(id2);
    expect(sent.state).toBe('sent');
    const req = graph.requests.slice(sends2).find((r) => r.body.type === 'template')!;
    const template = req.body.template as { name: string; components: { type: string; sub_type: string; index: string; parameters: { payload: string }[] }[] };
    expect(template.name).toBe('csat_survey');
    expect(template.components.map((c) => [c.sub_type, c.index, parseCsatPayload(c.parameters[0]!.payload)])).toEqual([
      ['quick_reply', '0', { token: sent.token, score: 5 }],
      ['quick_reply', '1', { token: sent.token, score: 3 }],
      ['quick_reply', '2', { token: sent.token, score: 1 }],
    ]);
    const before = await messageCount(id2);
    expect((await postWa(waQuickReply(PHONE_ID, '6281111111103', wamid(), 'Bad', template.components[2]!.parameters[0]!.payload))).status).toBe(200);
    expect((await surveysOf(id2))[0]).toMatchObject({ state: 'answered', score: 1 });
    expect(await messageCount(id2)).toBe(before);
  });

  it('a vendor error fails the survey with the reason, and it is not retried', async () => {
    const id = await waCustomer('6281111111104');
    const sends = graph.requests.length;
    graph.script.push({ status: 400, code: 131026, message: 'Message Undeliverable.' });
    await resolve(id);
    const failed = await settled(id);
    expect(failed.state).toBe('failed');
    expect(failed.detail).toMatch(/Undeliverable/);
    await new Promise((r) => setTimeout(r, 400));
    expect(graph.requests.slice(sends).filter((r) => r.body.type === 'interactive')).toHaveLength(1);
    expect(await surveysOf(id)).toHaveLength(1);
  });
});

describe('WhatsApp survey, transient vendor error', () => {
  it('a rate limit the reply queue would retry is final for a survey, and its reason says so', async () => {
    const id = await waCustomer('6281111111105');
    const sends = graph.requests.length;
    graph.script.push({ status: 429, code: 130429, message: 'Rate limit hit' });
    await resolve(id);
    const failed = await settled(id);
    expect(failed.state).toBe('failed');
    expect(failed.detail).toMatch(/rate limit/i);
    expect(failed.detail).not.toMatch(/retrying/);
    expect(failed.detail).toMatch(/The survey is not sent again\.$/);
    await new Promise((r) => setTimeout(r, 400));
    expect(graph.requests.slice(sends).filter((r) => r.body.type === 'interactive')).toHaveLength(1);
  });
});

describe('Telegram survey', () => {
  it('an inline keyboard 1–5; the callback_query (webhook) records, answers the query and edits the message; not a message', async () => {
    expect((await postTg({ update_id: ++updateId, ...tgTextUpdate(424242, 11, 'Where is my parcel?') })).status).toBe(200);
    const id = await conversationOf('telegram', '424242');
    const calls = tg.calls.length;
    await resolve(id);
    const survey = await settled(id);
    expect(survey.state).toBe('sent');
    const call = tg.calls.slice(calls).find((c) => c.method === 'sendMessage')!;
    const keys = (call.body.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    expect(keys.map((k) => parseCsatPayload(k.callback_data))).toEqual([1, 2, 3, 4, 5].map((score) => ({ token: survey.token, score })));
    expect(call.body.text).toBe('How would you rate the help you received?');
    const sentKey = [...tg.sent.keys()].find((k) => k.startsWith('424242:'))!;
    const messageId = Number(sentKey.split(':')[1]);

    const before = await messageCount(id);
    expect((await postTg({ update_id: ++updateId, ...tgCallbackUpdate(424242, messageId, keys[3]!.callback_data, 'q-1') })).status).toBe(200);
    expect((await surveysOf(id))[0]).toMatchObject({ state: 'answered', score: 4 });
    expect(await messageCount(id)).toBe(before);
    expect((await convRow(id)).status).toBe('resolved');
    await until('callback answered', () => tg.calls.some((c) => c.method === 'answerCallbackQuery' && c.body.callback_query_id === 'q-1'));
    await until('keyboard replaced', () => tg.sent.get(sentKey)?.text.includes('4/5'));
    expect(tg.sent.get(sentKey)?.replyMarkup).toBeUndefined();
  });

  it('long polling delivers the callback_query too', async () => {
    const patch = await api(t.url, 'PATCH', `/api/v1/channels/${tgChannel}`, t.adminToken, { config: { mode: 'polling' } });
    expect(patch.status).toBe(200);
    await t.server.channels.restartReceiver(tgChannel);
    tg.pushUpdate(tgTextUpdate(515151, 21, 'Hello?'));
    const id = await until('polled conversation', async () => conversationOf('telegram', '515151').catch(() => null));
    await resolve(id);
    const survey = await settled(id);
    const sentKey = await until('survey message', () => [...tg.sent.keys()].find((k) => k.startsWith('515151:')));
    tg.pushUpdate(tgCallbackUpdate(515151, Number(sentKey.split(':')[1]), `csat:${survey.token}:1`, 'q-2'));
    await until('answer recorded', async () => ((await surveysOf(id))[0]?.score === 1 ? true : null));
    await until('callback answered', () => tg.calls.some((c) => c.method === 'answerCallbackQuery' && c.body.callback_query_id === 'q-2'));
    expect(tg.calls.find((c) => c.method === 'getUpdates' && Array.isArray(c.body.allowed_updates))?.body.allowed_updates).toContain('callback_query');
  });
});

describe('e-mail survey', () => {
  it('an e-mail with one rating link per score to the public rating page', async () => {
    const row = await db().selectFrom('channels').selectAll().where('id', '=', mailChannel).executeTakeFirstOrThrow();
    const config = t.server.channels.channelConfig(row) as EmailConfig;
    const raw = ['From: Dewi <dewi@example.test>', 'To: support@shop.test', 'Subject: Refund please', 'Message-ID: <m1@example.test>', `Date: ${new Date().toUTCString()}`, 'Content-Type: text/plain; charset=utf-8', '', 'I want a refund.', ''].join('\r\n');
    expect(await handleMail(t.server.channels, mailChannel, config, Buffer.from(raw))).toBe('stored');
    const id = await conversationOf('email', 'dewi@example.test');
    await resolve(id);
    const survey = await settled(id);
    expect(survey.state).toBe('sent');
    const mail = await until('survey mail', () => mails.find((m) => m.subject?.startsWith('How did we do?')));
    expect(mail.subject).toBe('How did we do? (Refund please)');
    expect(mail.to && 'value' in mail.to ? mail.to.value[0]?.address : null).toBe('dewi@example.test');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.text).toContain('Were we helpful?');
    for (const s of [1, 2, 3, 4, 5]) {
      expect(mail.text).toContain(`https://help.shop.test/csat/${survey.token}?score=${s}`);
      expect(mail.html).toContain(`href="https://help.shop.test/csat/${survey.token}?score=${s}"`);
    }
    // The link's page (the public URL is this server) records only on POST.
    expect((await fetch(`${t.url}/csat/${survey.token}?score=1`)).status).toBe(200);
    expect((await surveysOf(id))[0]!.score).toBeNull();
    expect((await api(t.url, 'POST', `/csat/${survey.token}`, undefined, { score: 1, comment: 'No refund yet' })).status).toBe(200);
    expect((await surveysOf(id))[0]).toMatchObject({ state: 'answered', score: 1, comment: 'No refund yet' });
  });
});
