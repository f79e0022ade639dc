// A local double of the Telegram Bot API (core.telegram.org/bots/api): POST /bot<token>/<method> with a
// JSON body; answers {ok:true, result} or {ok:false, error_code, description, parameters?}. Implements
// sendMessage, getUpdates (long polling with offset) and deleteWebhook.
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
          const step = fake.script.shift();
          if (step) return send(res, step.error_code, { ok: false, ...step });
          const chatId = Number(body.chat_id);
          return send(res, 200, { ok: true, result: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Customer' }, from: { id: 1, is_bot: true, first_name: 'Bot' }, text: body.text } });
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
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

export function tgTextUpdate(chatId: number, messageId: number, text: string, from = { first_name: 'Siti', last_name: 'Rahma', username: 'siti_r' }) {
  return { message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: from.first_name }, from: { id: chatId, is_bot: false, language_code: 'id', ...from }, text } };
}
