// A local double of the Telegram Bot API (core.telegram.org/bots/api): POST /bot<token>/<method> with a
// JSON body; answers {ok:true, result} or {ok:false, error_code, description, parameters?}. Implements
// sendMessage (with inline keyboards), answerCallbackQuery, editMessageText, getUpdates (long polling with
// offset) and deleteWebhook.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TgCall {
  at: number;
  method: string;
  body: Record<string, unknown>;
}

export interface TgScriptedError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

export interface FakeTelegram {
  apiRoot: string;
  calls: TgCall[];
  /** Answers for the next sendMessage calls (then success). */
  script: TgScriptedError[];
  /** Queue an update for getUpdates (update_id assigned). */
  pushUpdate(update: Record<string, unknown>): number;
  /** Files for getFile (→ {file_id, file_unique_id, file_size, file_path}) and GET /file/bot<token>/<file_path>. */
  files: Map<string, { bytes: Buffer; path: string }>;
  /** Text messages the bot sent, by `${chatId}:${messageId}` (editMessageText changes them). */
  sent: Map<string, { text: string; replyMarkup: unknown }>;
  close(): Promise<void>;
}

export async function startFakeTelegram(token: string): Promise<FakeTelegram> {
  const updates: Record<string, unknown>[] = [];
  let nextUpdateId = 500_000;
  let nextMessageId = 1000;
  const waiting = new Set<() => void>();
  const fake: FakeTelegram = {
    apiRoot: '',
    calls: [],
    script: [],
    files: new Map(),
    sent: new Map(),
    pushUpdate(update) {
      const id = nextUpdateId++;
      updates.push({ update_id: id, ...update });
      for (const w of [...waiting]) w();
      return id;
    },
    close: async () => {
      for (const w of [...waiting]) w();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const f = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '');
      if (f && req.method === 'GET') {
        const file = f[1] === token ? [...fake.files.values()].find((x) => x.path === decodeURIComponent(f[2]!)) : undefined;
        if (!file) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes.length) });
        return void res.end(file.bytes);
      }
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!m) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      if (m[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const ct = req.headers['content-type'] ?? '';
      if (ct.startsWith('multipart/form-data')) return void multipart(res, m[2]!, Buffer.concat(chunks), ct);
      let body: Record<string, unknown> = {};
      const raw = Buffer.concat(chunks).toString('utf8');
      try {
        if (raw) body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
      }
      const method = m[2]!;
      fake.calls.push({ at: Date.now(), method, body });
      switch (method) {
        case 'sendMessage': {
          if (body.chat_id === undefined || typeof body.text !== 'string' || body.text === '') return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
          // InlineKeyboardMarkup (core.telegram.org/bots/api#inlinekeyboardmarkup): rows of buttons; callback_data 1–64 bytes.
          const markup = body.reply_markup as { inline_keyboard?: unknown } | undefined;
          if (markup !== undefined) {
            const rows = markup.inline_keyboard;
            if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) return send(res, 400, { ok: false, error_code: 400, description: "Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays" });
            for (const b of (rows as unknown[][]).flat() as { text?: unknown; callback_data?: unknown }[]) {
              if (typeof b.text !== 'string' || b.text === '') return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: text buttons are unallowed in the inline keyboard' });
              if (typeof b.callback_data === 'string' && (Buffer.byteLength(b.callback_data) < 1 || Buffer.byteLength(b.callback_data) > 64)) return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' });
            }
          }
          const step = fake.script.shift();
          if (step) return send(res, step.error_code, { ok: false, ...step });
          const chatId = Number(body.chat_id);
          const messageId = nextMessageId++;
          fake.sent.set(`${chatId}:${messageId}`, { text: body.text, replyMarkup: markup });
          return send(res, 200, { ok: true, result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Customer' }, from: { id: 1, is_bot: true, first_name: 'Bot' }, text: body.text, ...(markup ? { reply_markup: markup } : {}) } });
        }
        case 'answerCallbackQuery': {
          // core.telegram.org/bots/api#answercallbackquery: callback_query_id required; text ≤ 200 characters.
          if (typeof body.callback_query_id !== 'string' || body.callback_query_id === '') return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' });
          if (typeof body.text === 'string' && body.text.length > 200) return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: MESSAGE_TOO_LONG' });
          return send(res, 200, { ok: true, result: true });
        }
        case 'editMessageText': {
          // core.telegram.org/bots/api#editmessagetext: chat_id + message_id of a message the bot sent; no reply_markup removes the keyboard.
          const key = `${Number(body.chat_id)}:${Number(body.message_id)}`;
          const sent = fake.sent.get(key);
          if (!sent) return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
          if (typeof body.text !== 'string' || body.text === '') return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
          fake.sent.set(key, { text: body.text, replyMarkup: body.reply_markup });
          return send(res, 200, { ok: true, result: { message_id: Number(body.message_id), date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: 'private' }, text: body.text } });
        }
        case 'getFile': {
          const file = fake.files.get(String(body.file_id));
          if (!file) return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
          if (file.bytes.length > 20 * 1024 * 1024) return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: file is too big' });
          return send(res, 200, { ok: true, result: { file_id: body.file_id, file_unique_id: `u${String(body.file_id)}`, file_size: file.bytes.length, file_path: file.path } });
        }
        case 'deleteWebhook':
          return send(res, 200, { ok: true, result: true, description: 'Webhook is already deleted' });
        case 'getUpdates': {
          const offset = typeof body.offset === 'number' ? body.offset : 0;
          // Confirming: updates below offset are forgotten, as Telegram does.
          while (updates.length && (updates[0]!.update_id as number) < offset) updates.shift();
          const answer = () => send(res, 200, { ok: true, result: updates.filter((u) => (u.update_id as number) >= offset).slice(0, 100) });
          if (updates.length || !body.timeout) return answer();
          const done = () => {
            waiting.delete(done);
            clearTimeout(timer);
            if (!res.writableEnded) answer();
          };
          const timer = setTimeout(done, Math.min(Number(body.timeout), 2) * 1000);
          waiting.add(done);
          req.socket.on('close', () => waiting.delete(done));
          return;
        }
        default:
          return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      }
    });
  });
  // sendPhoto / sendDocument with a file upload (core.telegram.org/bots/api#sending-files): multipart/form-data
  // with chat_id, the file under `photo` / `document` (or attach://name), and an optional caption.
  const multipart = async (res: http.ServerResponse, method: string, raw: Buffer, ct: string) => {
    const form = parseMultipart(raw, ct);
    if (!form) return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: malformed multipart body' });
    const field = method === 'sendPhoto' ? 'photo' : method === 'sendDocument' ? 'document' : null;
    if (!field) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    let file = form.get(field);
    if (typeof file === 'string' && file.startsWith('attach://')) file = form.get(file.slice('attach://'.length));
    const chatId = Number(form.get('chat_id'));
    if (!Number.isFinite(chatId) || !file || typeof file === 'string') return send(res, 400, { ok: false, error_code: 400, description: `Bad Request: there is no ${field} in the request` });
    const caption = form.get('caption');
    const bytes = file.bytes;
    fake.calls.push({ at: Date.now(), method, body: { chat_id: chatId, ...(typeof caption === 'string' ? { caption } : {}), file: { name: file.name, size: bytes.length, bytes } } });
    const step = fake.script.shift();
    if (step) return send(res, step.error_code, { ok: false, ...step });
    const media = field === 'photo' ? { photo: [{ file_id: `p${nextMessageId}`, file_unique_id: `u${nextMessageId}`, width: 1, height: 1, file_size: bytes.length }] } : { document: { file_id: `d${nextMessageId}`, file_unique_id: `u${nextMessageId}`, file_name: file.name, file_size: bytes.length } };
    return send(res, 200, { ok: true, result: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Customer' }, ...media, ...(typeof caption === 'string' ? { caption } : {}) } });
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

type Part = string | { name: string; bytes: Buffer };
/**
 * A lenient multipart/form-data reader (RFC 7578): grammY writes `filename=` unquoted, which Telegram accepts
 * but undici's FormData parser refuses. Text parts → string; parts with a filename → {name, bytes}.
 */
function parseMultipart(raw: Buffer, contentType: string): { get(name: string): Part | null } | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return null;
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]!.trim()}`);
  const parts = new Map<string, Part>();
  let pos = raw.indexOf(delim);
  if (pos < 0) return null;
  for (;;) {
    pos += delim.length;
    if (raw.subarray(pos, pos + 2).toString() === '--') break;
    pos += 2; // CRLF
    const headEnd = raw.indexOf('\r\n\r\n', pos);
    const next = raw.indexOf(delim, pos);
    if (headEnd < 0 || next < 0) return null;
    const head = raw.subarray(pos, headEnd).toString('utf8');
    const body = raw.subarray(headEnd + 4, next - 2); // without the CRLF before the delimiter
    const name = /name="?([^";\r\n]+)"?/i.exec(head)?.[1];
    const file = /filename="?([^"\r\n]+?)"?(?:;|\r|$)/im.exec(head)?.[1];
    if (!name) return null;
    parts.set(name, file !== undefined ? { name: file, bytes: Buffer.from(body) } : body.toString('utf8'));
    pos = next;
  }
  return { get: (name) => parts.get(name) ?? null };
}

export function tgTextUpdate(chatId: number, messageId: number, text: string, from = { first_name: 'Siti', last_name: 'Rahma', username: 'siti_r' }) {
  return { message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: from.first_name }, from: { id: chatId, is_bot: false, language_code: 'id', ...from }, text } };
}

/** A tap on an inline keyboard button of a message the bot sent (core.telegram.org/bots/api#callbackquery). */
export function tgCallbackUpdate(chatId: number, messageId: number, data: string, queryId = String(Math.floor(Math.random() * 1e15))) {
  return {
    callback_query: {
      id: queryId,
      from: { id: chatId, is_bot: false, first_name: 'Siti' },
      message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Siti' }, from: { id: 1, is_bot: true, first_name: 'Bot' }, text: 'survey' },
      chat_instance: '-1234567890',
      data,
    },
  };
}
