// Telegram Bot API adapter (grammY): POST /webhooks/telegram/:channelId with
// X-Telegram-Bot-Api-Secret-Token, or long polling (getUpdates) for servers without a public URL.
// Outbound sendMessage; a 429 honours `parameters.retry_after`; 403 (blocked / never started) is permanent.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import fs from 'node:fs';
import { outboundFiles } from '../outbound-media';
import { z } from 'zod';
import type { ChannelsTable } from '../../store/schema';
import type { ChannelAdapter, InboundEvent, MediaFetch, MediaRequest, MessageMeta, OutboundJob, SendOutcome } from '../adapter';
import { bodyOf } from '../media';
import { networkOutcome } from '../adapter';
import { TelegramConfig } from '../config-schemas';
import { ingest } from '../ingest';
import type { ChannelRuntime } from '../runtime';
import { safeEqual } from '../verify';
import { CSAT_MAX, parseCsatPayload } from '../../../src-shared/csat';
import type { IngestResult } from '../ingest';

const Params = z.object({ channelId: z.string().max(64) });
const s = (max = 4096) => z.string().max(max);
const File = z.object({ file_id: s(256), file_unique_id: s(256).optional(), file_size: z.number().optional(), mime_type: s(200).optional(), file_name: s(1024).optional() });

/** The parts of a Telegram Update this adapter reads (core.telegram.org/bots/api#update). */
export const TgUpdate = z.object({
  update_id: z.number().int(),
  message: z
    .object({
      message_id: z.number().int(),
      date: z.number().int(),
      chat: z.object({ id: z.number().int(), type: s(32) }),
      from: z.object({ id: z.number().int(), is_bot: z.boolean().optional(), first_name: s(256).optional(), last_name: s(256).optional(), username: s(64).optional(), language_code: s(16).optional() }).optional(),
      text: s(65536).optional(),
      caption: s().optional(),
      photo: z.array(File.extend({ width: z.number(), height: z.number() })).max(20).optional(),
      document: File.optional(),
      voice: File.extend({ duration: z.number() }).optional(),
      location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
    })
    .optional(),
  /** A tap on an inline keyboard button (core.telegram.org/bots/api#callbackquery): our CSAT keys. */
  callback_query: z
    .object({
      id: s(256),
      from: z.object({ id: z.number().int(), is_bot: z.boolean().optional() }),
      message: z.object({ message_id: z.number().int(), chat: z.object({ id: z.number().int(), type: s(32) }) }).optional(),
      data: s(64).optional(),
    })
    .optional(),
});
export type TgUpdate = z.infer<typeof TgUpdate>;

/** grammY types its signal parameter with the abort-controller shim; Node's AbortSignal is what it uses at runtime. */
const grammySignal = (s: AbortSignal) => s as unknown as Parameters<Api['sendMessage']>[3];

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

export function apiOf(config: TelegramConfig): Api {
  return new Api(config.botToken, { apiRoot: config.apiBaseUrl });
}

export function normaliseUpdate(u: TgUpdate): InboundEvent[] {
  const q = u.callback_query;
  if (q) {
    // A CSAT key: an answer on the survey, never a customer message (docs/csat.md). Other callbacks are not ours.
    const csat = parseCsatPayload(q.data);
    if (!csat || q.from.is_bot) return [];
    const chatId = q.message?.chat.id ?? q.from.id;
    return [{ kind: 'csat', token: csat.token, score: csat.score, identity: { channelType: 'telegram', value: String(chatId) }, telegram: { callbackQueryId: q.id, chatId, messageId: q.message?.message_id ?? null } }];
  }
  const m = u.message;
  if (!m || m.chat.type !== 'private' || m.from?.is_bot) return []; // one-to-one support chats only
  const name = [m.from?.first_name, m.from?.last_name].filter(Boolean).join(' ') || m.from?.username;
  let text = m.text ?? '';
  let meta: MessageMeta = { kind: 'text' };
  if (m.photo?.length) {
    const largest = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    text = m.caption ? `[Photo] ${m.caption}` : '[Photo]';
    meta = { kind: 'photo', attachments: [{ kind: 'image', vendorId: largest.file_id, mimeType: 'image/jpeg', caption: m.caption, size: largest.file_size }] };
  } else if (m.document) {
    text = `[Document${m.document.file_name ? `: ${m.document.file_name}` : ''}]${m.caption ? ` ${m.caption}` : ''}`;
    meta = { kind: 'document', attachments: [{ kind: 'document', vendorId: m.document.file_id, mimeType: m.document.mime_type, fileName: m.document.file_name, caption: m.caption, size: m.document.file_size }] };
  } else if (m.voice) {
    text = `[Voice message, ${m.voice.duration} s]`;
    meta = { kind: 'voice', attachments: [{ kind: 'voice', vendorId: m.voice.file_id, mimeType: m.voice.mime_type ?? 'audio/ogg', size: m.voice.file_size }] };
  } else if (m.location) {
    text = `[Location] (${m.location.latitude}, ${m.location.longitude})`;
    meta = { kind: 'location', location: { latitude: m.location.latitude, longitude: m.location.longitude } };
  } else if (!m.text) {
    text = '[Unsupported Telegram message]';
    meta = { kind: 'unsupported' };
  }
  // message_id is unique within a chat: (chat, message) is the dedupe key, whether it came by webhook or polling.
  return [{ kind: 'message', externalId: `${m.chat.id}:${m.message_id}`, identity: { channelType: 'telegram', value: String(m.chat.id) }, profile: name ? { name } : {}, text, meta }];
}

export const telegramAdapter: ChannelAdapter = {
  type: 'telegram',
  configSchema: TelegramConfig as unknown as ChannelAdapter['configSchema'],

  webhooks(app: FastifyInstance, rt: ChannelRuntime) {
    app.post('/webhooks/telegram/:channelId', async (req: FastifyRequest, reply) => {
      const p = Params.safeParse(req.params);
      const ch = p.success ? await rt.channelFor(p.data.channelId, 'telegram') : undefined;
      if (!ch) return fail(reply, 404, 'not_found', 'no such Telegram channel');
      const config = ch.config as TelegramConfig;
      if (!safeEqual(req.headers['x-telegram-bot-api-secret-token'], config.secretToken)) return fail(reply, 401, 'bad_secret', 'X-Telegram-Bot-Api-Secret-Token does not match');
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return fail(reply, 400, 'malformed_json', 'body is not JSON');
      }
      const u = TgUpdate.safeParse(json);
      if (!u.success) return fail(reply, 400, 'invalid', 'not a Telegram Update');
      const events = normaliseUpdate(u.data);
      const result = await ingest(rt, ch.row.id, events);
      acknowledgeCsat(rt, config, events, result);
      return reply.code(200).send({ ok: true });
    });
  },

  /** Media: getFile(file_id) → file_path; then GET {apiBaseUrl}/file/bot<token>/<file_path>. */
  async fetchMedia(req: MediaRequest, signal: AbortSignal): Promise<MediaFetch> {
    const config = req.config as TelegramConfig;
    let filePath: string | undefined;
    let declared: number | undefined;
    try {
      const f = await apiOf(config).getFile(req.vendorId, grammySignal(signal));
      filePath = f.file_path;
      declared = f.file_size;
    } catch (err) {
      const c = classifyTelegramError(err);
      if (c.kind === 'retry') return c;
      if (err instanceof GrammyError && /too big/i.test(err.description)) return { kind: 'skipped', reason: 'Telegram does not let bots download files over 20 MB; not downloaded.' };
      return { kind: 'permanent', reason: c.kind === 'permanent' ? c.reason : 'Telegram refused the download.' };
    }
    if (declared !== undefined && declared > req.maxBytes) return { kind: 'skipped', reason: `The file is ${(declared / 1024 / 1024).toFixed(1)} MB, over the ${(req.maxBytes / 1024 / 1024).toFixed(1)} MB limit; not downloaded.` };
    if (!filePath) return { kind: 'permanent', reason: 'Telegram did not give a path for this file.' };
    let res: Response;
    try {
      res = await fetch(`${config.apiBaseUrl}/file/bot${config.botToken}/${filePath.split('/').map(encodeURIComponent).join('/')}`, { signal, redirect: 'error' });
    } catch (err) {
      return networkOutcome(err, 'Telegram') as MediaFetch;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return res.status === 429 || res.status >= 500 ? { kind: 'retry', reason: `Telegram's file server answered ${res.status}.` } : { kind: 'permanent', reason: `Telegram's file server answered ${res.status}.` };
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    return { kind: 'ok', body: bodyOf(res), size: Number.isFinite(length) ? length : declared };
  },

  async send(job: OutboundJob, signal: AbortSignal): Promise<SendOutcome> {
    const config = job.config as TelegramConfig;
    const text = job.message.text;
    const files = await outboundFiles(job.rt.db, job.rt.opts.dataDir, job.message.id);
    if (files.length > 0) {
      // Media: multipart upload through grammY's InputFile; photos (JPEG/PNG up to 10 MB) with sendPhoto, the rest with sendDocument.
      const file = files[0]!;
      if (text.length > 1024) return { kind: 'permanent', reason: `A Telegram caption may have at most 1024 characters; this one has ${text.length}.` };
      if (!fs.existsSync(file.path)) return { kind: 'permanent', reason: 'The attached file is missing on the server; attach it again.' };
      const input = new InputFile(fs.createReadStream(file.path), file.name);
      const other = text ? { caption: text } : {};
      try {
        const api = apiOf(config);
        const photo = (file.mimeType === 'image/jpeg' || file.mimeType === 'image/png') && file.size <= 10 * 1024 * 1024;
        const sent = photo ? await api.sendPhoto(job.identities[0]!, input, other, grammySignal(signal)) : await api.sendDocument(job.identities[0]!, input, other, grammySignal(signal));
        return { kind: 'sent', externalId: `${sent.chat.id}:${sent.message_id}` };
      } catch (err) {
        return classifyTelegramError(err);
      }
    }
    if (text.length > 4096) return { kind: 'permanent', reason: `Telegram messages may have at most 4096 characters; this one has ${text.length}.` };
    try {
      const sent = await apiOf(config).sendMessage(job.identities[0]!, text, {}, grammySignal(signal));
      return { kind: 'sent', externalId: `${sent.chat.id}:${sent.message_id}` };
    } catch (err) {
      return classifyTelegramError(err);
    }
  },

  start(row: Selectable<ChannelsTable>, config: Record<string, unknown>, rt: ChannelRuntime) {
    const c = config as TelegramConfig;
    if (c.mode !== 'polling') return { stop: async () => undefined };
    return startPolling(row.id, c, rt);
  },
};

/**
 * After a CSAT answer is committed: answerCallbackQuery (stops the button's spinner) and edit the survey message to
 * thank the customer (its keyboard goes away). Best effort, after the acknowledgement: the answer is already stored.
 */
function acknowledgeCsat(rt: ChannelRuntime, config: TelegramConfig, events: readonly InboundEvent[], result: IngestResult): void {
  const api = apiOf(config);
  for (const ev of events) {
    if (ev.kind !== 'csat' || !ev.telegram) continue;
    const tg = ev.telegram;
    const ok = result.csat.recorded.includes(ev.token);
    void (async () => {
      await api.answerCallbackQuery(tg.callbackQueryId, { text: ok ? 'Thank you for your rating!' : 'This survey is no longer available.' });
      if (ok && tg.messageId !== null) await api.editMessageText(tg.chatId, tg.messageId, `Thank you! You rated our help ${ev.score}/${CSAT_MAX}.`);
    })().catch((err: unknown) => rt.log.warn({ err }, 'telegram CSAT acknowledgement failed'));
  }
}

export function classifyTelegramError(err: unknown): SendOutcome {
  if (err instanceof GrammyError) {
    if (err.error_code === 429) {
      const after = err.parameters.retry_after ?? 5;
      return { kind: 'retry', reason: `Telegram asked to slow down; retrying in ${after} s.`, retryAfterMs: after * 1000 };
    }
    if (err.error_code === 403) return { kind: 'permanent', reason: 'The customer blocked the bot (or never started it), so Telegram will not deliver messages to them.' };
    if (err.error_code === 401) return { kind: 'permanent', reason: 'The Telegram bot token was refused: an administrator must update the channel settings.' };
    if (err.error_code >= 500) return { kind: 'retry', reason: `Telegram had a server error (${err.error_code}); retrying.` };
    return { kind: 'permanent', reason: `Telegram refused the message: ${err.description}` };
  }
  if (err instanceof HttpError) return networkOutcome(err.error, 'Telegram');
  return networkOutcome(err, 'Telegram');
}

/** Long polling: getUpdates with the offset persisted after each batch is stored (no loss, no repeat). */
function startPolling(channelId: string, config: TelegramConfig, rt: ChannelRuntime): { stop(): Promise<void> } {
  const api = apiOf(config);
  const key = `telegram:offset:${channelId}`;
  const abort = new AbortController();
  let stopped = false;
  const loop = (async () => {
    let delay = 1000;
    await api.deleteWebhook({}, grammySignal(abort.signal)).catch(() => undefined); // getUpdates is refused while a webhook is set
    while (!stopped) {
      try {
        const row = await rt.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
        const offset = row ? Number(row.value) : undefined;
        const updates = await api.getUpdates({ offset, timeout: 25, allowed_updates: ['message', 'callback_query'] }, grammySignal(abort.signal));
        const events: InboundEvent[] = [];
        let next = offset;
        for (const raw of updates) {
          const u = TgUpdate.safeParse(raw);
          if (u.success) events.push(...normaliseUpdate(u.data));
          next = Math.max(next ?? 0, (raw as { update_id: number }).update_id + 1);
        }
        if (events.length) acknowledgeCsat(rt, config, events, await ingest(rt, channelId, events));
        if (next !== undefined && next !== offset) {
          await rt.db.insertInto('settings').values({ key, value: String(next) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: String(next) })).execute();
        }
        delay = 1000;
      } catch (err) {
        if (stopped) break;
        rt.log.warn({ err, channelId }, 'telegram polling failed; retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, 60_000);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      abort.abort();
      await loop.catch(() => undefined);
    },
  };
}
