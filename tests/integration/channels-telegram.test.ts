// Telegram channel (grammY) against the real server and a local double of the Bot API: secret-token
// webhook, normalised updates, dedupe, outbound sendMessage with 429 retry_after honoured and 403 permanent,
// and long polling with a persisted offset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, countRows, startTestServer, type TestServer } from './server-support';
import { startFakeTelegram, tgTextUpdate, type FakeTelegram } from './support/fake-telegram';
import { until } from './support/wait';

const TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghij';
const SECRET = 'tg-secret_token-1';

let t: TestServer;
let tg: FakeTelegram;
let channelId: string;

function post(body: unknown, secret: string | null = SECRET, id = channelId) {
  return fetch(`${t.url}/webhooks/telegram/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

let updateId = 1000;
const update = (u: Record<string, unknown>) => ({ update_id: ++updateId, ...u });
const msg = (id: string) => t.server.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function conversationOf(chatId: number) {
  const row = await t.server.store.db
    .selectFrom('conversations')
    .innerJoin('contact_identities', 'contact_identities.contact_id', 'conversations.contact_id')
    .select(['conversations.id'])
    .where('contact_identities.channel_type', '=', 'telegram')
    .where('contact_identities.value', '=', String(chatId))
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  tg = await startFakeTelegram(TOKEN);
  t = await startTestServer({ channels: { delivery: { pollMs: 50, baseBackoffMs: 100, maxBackoffMs: 400, maxAttempts: 3 } } });
  const res = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'telegram', name: 'Telegram bot', config: { botToken: TOKEN, secretToken: SECRET, apiBaseUrl: tg.apiRoot } });
  expect(res.status).toBe(201);
  expect(res.body.config).toEqual({ apiBaseUrl: tg.apiRoot, mode: 'webhook' });
  channelId = res.body.id;
});
afterAll(async () => {
  await t?.close();
  await tg?.close();
});

describe('Telegram webhook', () => {
  it('checks X-Telegram-Bot-Api-Secret-Token (401, nothing stored) and rejects malformed updates (400)', async () => {
    const before = await countRows(t, 'change_log');
    expect((await post(update(tgTextUpdate(42, 1, 'hi')), null)).status).toBe(401);
    expect((await post(update(tgTextUpdate(42, 1, 'hi')), 'wrong')).status).toBe(401);
    expect((await post('{"update_id":')).status).toBe(400);
    expect((await post({ message: { text: 'no update id' } })).status).toBe(400);
    expect(await countRows(t, 'change_log')).toBe(before);
  });

  it('stores text, photo, document, voice and location; a repeated update is stored once', async () => {
    const chat = 777001;
    const base = { message_id: 0, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'Siti', last_name: 'Rahma' } };
    const updates = [
      update(tgTextUpdate(chat, 1, 'Halo admin')),
      update({ message: { ...base, message_id: 2, caption: 'rusak', photo: [{ file_id: 'small', file_unique_id: 's', width: 90, height: 90 }, { file_id: 'big', file_unique_id: 'b', width: 1280, height: 960 }] } }),
      update({ message: { ...base, message_id: 3, document: { file_id: 'doc1', file_unique_id: 'd', file_name: 'resi.pdf', mime_type: 'application/pdf' } } }),
      update({ message: { ...base, message_id: 4, voice: { file_id: 'v1', file_unique_id: 'v', duration: 7, mime_type: 'audio/ogg' } } }),
      update({ message: { ...base, message_id: 5, location: { latitude: -6.9, longitude: 107.6 } } }),
    ];
    for (const u of updates) expect((await post(u)).status).toBe(200);
    const again = await Promise.all(Array.from({ length: 10 }, () => post(updates[0])));
    expect(again.every((r) => r.status === 200)).toBe(true);
    const conv = await conversationOf(chat);
    const rows = await t.server.store.db.selectFrom('messages').select(['text', 'meta']).where('conversation_id', '=', conv).orderBy('created_at').orderBy('id').execute();
    expect(rows.map((r) => r.text)).toEqual(['Halo admin', '[Photo] rusak', '[Document: resi.pdf]', '[Voice message, 7 s]', '[Location] (-6.9, 107.6)']);
    expect(JSON.parse(rows[1]!.meta!).attachments[0].vendorId).toBe('big');
    const detail = await api(t.url, 'GET', `/api/v1/conversations/${conv}`, t.adminToken);
    expect((await api(t.url, 'GET', `/api/v1/contacts/${detail.body.contactId}`, t.adminToken)).body.name).toBe('Siti Rahma');
  });

  it('ignores group chats (ack, nothing stored)', async () => {
    const before = await countRows(t, 'messages');
    expect((await post(update({ message: { message_id: 9, date: 1, chat: { id: -100123, type: 'supergroup' }, from: { id: 5, is_bot: false, first_name: 'G' }, text: 'hi all' } }))).status).toBe(200);
    expect(await countRows(t, 'messages')).toBe(before);
  });
});

describe('Telegram outbound', () => {
  async function reply(chat: number, text: string) {
    expect((await post(update(tgTextUpdate(chat, 1, 'question')))).status).toBe(200);
    const conv = await conversationOf(chat);
    const res = await api(t.url, 'POST', `/api/v1/conversations/${conv}/messages`, t.adminToken, { text });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('sends with sendMessage and records the Telegram message id', async () => {
    const id = await reply(880001, 'Pesanan Anda sudah dikirim');
    const m = await until('sent', async () => ((await msg(id)).status === 'sent' ? msg(id) : null));
    const call = tg.calls.filter((c) => c.method === 'sendMessage').at(-1)!;
    expect(call.body).toMatchObject({ chat_id: '880001', text: 'Pesanan Anda sudah dikirim' });
    expect(m.external_id).toMatch(/^880001:\d+$/);
  });

  it('honours retry_after on 429', async () => {
    tg.script.push({ error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const n0 = tg.calls.length;
    const id = await reply(880002, 'slow down');
    await until('sent after retry_after', async () => (await msg(id)).status === 'sent', 10_000);
    const sends = tg.calls.slice(n0).filter((c) => c.method === 'sendMessage');
    expect(sends).toHaveLength(2);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('403 blocked by the user is permanent, in words', async () => {
    tg.script.push({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    const n0 = tg.calls.length;
    const id = await reply(880003, 'hello?');
    const m = await until('failed', async () => ((await msg(id)).status === 'failed' ? msg(id) : null));
    expect(m.failure_reason).toMatch(/blocked the bot/);
    await new Promise((r) => setTimeout(r, 200));
    expect(tg.calls.slice(n0).filter((c) => c.method === 'sendMessage')).toHaveLength(1);
  });
});

describe('Telegram long polling', () => {
  it('receives updates with getUpdates and persists the offset (no repeat after restart)', async () => {
    const res = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'telegram', name: 'Laptop bot', config: { botToken: TOKEN, secretToken: SECRET, apiBaseUrl: tg.apiRoot, mode: 'polling' } });
    expect(res.status).toBe(201);
    const pollingId = res.body.id as string;
    const uid = tg.pushUpdate(tgTextUpdate(990001, 1, 'via polling'));
    const key = `telegram:offset:${pollingId}`;
    await until('stored', async () => t.server.store.db.selectFrom('messages').select('id').where('channel_id', '=', pollingId).executeTakeFirst());
    await until('offset saved', async () => (await t.server.store.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value === String(uid + 1));
    // Switching to webhook mode stops polling.
    expect((await api(t.url, 'PATCH', `/api/v1/channels/${pollingId}`, t.adminToken, { config: { mode: 'webhook' } })).status).toBe(200);
    const count = await countRows(t, 'messages');
    tg.pushUpdate(tgTextUpdate(990001, 2, 'not polled'));
    await new Promise((r) => setTimeout(r, 300));
    expect(await countRows(t, 'messages')).toBe(count);
  });
});
