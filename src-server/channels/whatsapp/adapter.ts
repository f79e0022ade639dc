// WhatsApp Cloud API adapter: GET/POST /webhooks/whatsapp/:channelId, outbound text over the Graph API.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { whatsappReplyRule } from '../../../src-shared/reply-window';
import { parseCsatPayload } from '../../../src-shared/csat';
import type { ChannelAdapter, InboundEvent, MediaFetch, MediaRequest, MessageMeta, OutboundJob, SendOutcome } from '../adapter';
import { bodyOf } from '../media';
import { networkOutcome } from '../adapter';
import { WhatsAppConfig } from '../config-schemas';
import { ingest } from '../ingest';
import type { ChannelRuntime } from '../runtime';
import { safeEqual, verifyHubSignature } from '../verify';
import { classifyWhatsAppError } from './errors';
import { outboundFiles, type OutboundFile } from '../outbound-media';
import fs from 'node:fs';
import { GraphErrorBody, MediaUrlResponse, SendResponse, SendTextBody, WaValue, WaWebhook, type WaMessage, type WaError } from './schema';

const Params = z.object({ channelId: z.string().max(64) });

function fail(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

export const whatsappAdapter: ChannelAdapter = {
  type: 'whatsapp',
  configSchema: WhatsAppConfig as unknown as ChannelAdapter['configSchema'],
  replyRule: whatsappReplyRule,

  webhooks(app: FastifyInstance, rt: ChannelRuntime) {
    // Meta's verification request when the webhook URL is saved in the app dashboard.
    app.get('/webhooks/whatsapp/:channelId', async (req: FastifyRequest, reply) => {
      const p = Params.safeParse(req.params);
      const ch = p.success ? await rt.channelFor(p.data.channelId, 'whatsapp') : undefined;
      if (!ch) return fail(reply, 404, 'not_found', 'no such WhatsApp channel');
      const q = req.query as Record<string, unknown>;
      const config = ch.config as WhatsAppConfig;
      if (q['hub.mode'] !== 'subscribe' || !safeEqual(q['hub.verify_token'], config.verifyToken) || typeof q['hub.challenge'] !== 'string') {
        return fail(reply, 403, 'forbidden', 'verify token does not match');
      }
      return reply.code(200).type('text/plain').send(q['hub.challenge']);
    });

    app.post('/webhooks/whatsapp/:channelId', async (req: FastifyRequest, reply) => {
      const p = Params.safeParse(req.params);
      const ch = p.success ? await rt.channelFor(p.data.channelId, 'whatsapp') : undefined;
      if (!ch) return fail(reply, 404, 'not_found', 'no such WhatsApp channel');
      const config = ch.config as WhatsAppConfig;
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // 1. verify, on the exact bytes Meta signed
      if (!verifyHubSignature(config.appSecret, raw, req.headers['x-hub-signature-256'])) return fail(reply, 401, 'bad_signature', 'X-Hub-Signature-256 does not match');
      // 2. normalise
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return fail(reply, 400, 'malformed_json', 'body is not JSON');
      }
      const parsed = WaWebhook.safeParse(json);
      if (!parsed.success) return fail(reply, 400, 'invalid', 'not a WhatsApp Business Account webhook');
      const events: InboundEvent[] = [];
      for (const entry of parsed.data.entry) {
        for (const change of entry.changes) {
          if (change.field !== 'messages') continue; // template / account updates: not handled here
          const value = WaValue.safeParse(change.value);
          if (!value.success) return fail(reply, 400, 'invalid', `malformed messages change: ${value.error.issues[0]?.path.join('.') ?? ''}`);
          if (value.data.metadata.phone_number_id !== config.phoneNumberId) continue; // another number on the same app
          events.push(...normalise(value.data));
        }
      }
      // 3–4. dedupe + persist, then acknowledge
      await ingest(rt, ch.row.id, events);
      return reply.code(200).type('text/plain').send('EVENT_RECEIVED');
    });
  },

  /** Media: GET {apiBaseUrl}/{media-id} → {url, mime_type, sha256, file_size}; then GET url, both with the access token. */
  async fetchMedia(req: MediaRequest, signal: AbortSignal): Promise<MediaFetch> {
    const config = req.config as WhatsAppConfig;
    const auth = { authorization: `Bearer ${config.accessToken}` };
    let res: Response;
    try {
      res = await fetch(`${config.apiBaseUrl}/${encodeURIComponent(req.vendorId)}?phone_number_id=${encodeURIComponent(config.phoneNumberId)}`, { headers: auth, signal });
    } catch (err) {
      return networkOutcome(err, 'WhatsApp') as MediaFetch;
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = GraphErrorBody.safeParse(json);
      const why = err.success ? (err.data.error.error_data?.details ?? err.data.error.message ?? `code ${err.data.error.code}`) : `HTTP ${res.status}`;
      if (res.status === 429 || res.status >= 500) return { kind: 'retry', reason: `WhatsApp could not look the media up now (${why}).` };
      return { kind: 'permanent', reason: `WhatsApp refused the media download: ${why}` };
    }
    const info = MediaUrlResponse.safeParse(json);
    if (!info.success) return { kind: 'retry', reason: 'WhatsApp answered the media lookup with an unexpected body.' };
    if (info.data.file_size !== undefined && info.data.file_size > req.maxBytes) {
      return { kind: 'skipped', reason: `The file is ${(info.data.file_size / 1024 / 1024).toFixed(1)} MB, over the ${(req.maxBytes / 1024 / 1024).toFixed(1)} MB limit; not downloaded.` };
    }
    let file: Response;
    try {
      file = await fetch(info.data.url, { headers: auth, signal, redirect: 'error' });
    } catch (err) {
      return networkOutcome(err, 'WhatsApp') as MediaFetch;
    }
    if (!file.ok) {
      await file.body?.cancel().catch(() => undefined);
      if (file.status === 429 || file.status >= 500) return { kind: 'retry', reason: `WhatsApp's media server answered ${file.status}.` };
      // The URL expires after 5 minutes: look it up again on the next attempt.
      return { kind: 'retry', reason: `WhatsApp's media server answered ${file.status}; the media URL is looked up again.` };
    }
    const length = Number(file.headers.get('content-length') ?? NaN);
    return { kind: 'ok', body: bodyOf(file), mimeType: info.data.mime_type, size: Number.isFinite(length) ? length : info.data.file_size, sha256: info.data.sha256 };
  },

  async send(job: OutboundJob, signal: AbortSignal): Promise<SendOutcome> {
    const config = job.config as WhatsAppConfig;
    const text = job.message.text;
    const template = templateOf(job.message.meta);
    let body: Record<string, unknown>;
    let files: OutboundFile[];
    if (template) {
      // Outside (or inside) the 24-hour window: an approved template with its variables' values.
      body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: job.identities[0],
        type: 'template',
        template: { name: template.name, language: { code: template.language }, components: template.components },
        biz_opaque_callback_data: job.message.id,
      };
    } else if ((files = await outboundFiles(job.rt.db, job.rt.opts.dataDir, job.message.id)).length > 0) {
      // Media: upload the file (POST /{phone-number-id}/media), then send a media message with its id.
      const file = files[0]!;
      const type = waMediaType(file, text);
      if (text.length > 1024) return { kind: 'permanent', reason: `A WhatsApp caption may have at most 1024 characters; this one has ${text.length}.` };
      const up = await uploadWhatsAppMedia(config, file, signal);
      if (up.kind !== 'ok') return up.outcome;
      body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: job.identities[0],
        type,
        [type]: { id: up.id, ...(text && type !== 'audio' ? { caption: text } : {}), ...(type === 'document' ? { filename: file.name } : {}) },
        biz_opaque_callback_data: job.message.id,
      };
    } else {
      if (text.length > 4096) return { kind: 'permanent', reason: `WhatsApp text messages may have at most 4096 characters; this one has ${text.length}.` };
      body = SendTextBody.parse({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: job.identities[0],
        type: 'text',
        text: { body: text, preview_url: false },
        biz_opaque_callback_data: job.message.id,
      });
    }
    return postWhatsAppMessage(config, body, signal);
  },
};

/** POST {apiBaseUrl}/{phone-number-id}/messages with a message body (reply, media, template, survey): the outcome. */
export async function postWhatsAppMessage(config: WhatsAppConfig, body: unknown, signal: AbortSignal): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await fetch(`${config.apiBaseUrl}/${encodeURIComponent(config.phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    return networkOutcome(err, 'WhatsApp');
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const ok = SendResponse.safeParse(json);
    if (ok.success) return { kind: 'sent', externalId: ok.data.messages[0]!.id };
    // Accepted (2xx) but unreadable: it was sent; we just cannot match statuses by wamid (callback data still works).
    return { kind: 'sent', externalId: null };
  }
  const err = GraphErrorBody.safeParse(json);
  return classifyWhatsAppError(err.success ? err.data.error.code : undefined, res.status, err.success ? (err.data.error.error_data?.details ?? err.data.error.message) : undefined);
}

/** WhatsApp's media types (…/cloud-api/reference/media#supported-media-types); anything else goes as a document. */
export function waMediaType(file: OutboundFile, caption: string): 'image' | 'video' | 'audio' | 'document' {
  if (file.mimeType === 'image/jpeg' || file.mimeType === 'image/png') return file.size <= 5 * 1024 * 1024 ? 'image' : 'document';
  if (file.mimeType === 'video/mp4' || file.mimeType === 'video/3gpp') return file.size <= 16 * 1024 * 1024 ? 'video' : 'document';
  // Audio messages have no caption: with text, the file goes as a document (which has one).
  if (/^audio\/(aac|amr|mpeg|mp4|ogg)$/.test(file.mimeType) && !caption) return file.size <= 16 * 1024 * 1024 ? 'audio' : 'document';
  return 'document';
}

/** POST {apiBaseUrl}/{phone-number-id}/media, multipart: messaging_product, type, file → {id}. */
async function uploadWhatsAppMedia(config: WhatsAppConfig, file: OutboundFile, signal: AbortSignal): Promise<{ kind: 'ok'; id: string } | { kind: 'failed'; outcome: SendOutcome }> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file.path);
  } catch {
    return { kind: 'failed', outcome: { kind: 'permanent', reason: 'The attached file is missing on the server; attach it again.' } };
  }
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', file.mimeType);
  form.append('file', new Blob([bytes], { type: file.mimeType }), file.name);
  let res: Response;
  try {
    res = await fetch(`${config.apiBaseUrl}/${encodeURIComponent(config.phoneNumberId)}/media`, { method: 'POST', headers: { authorization: `Bearer ${config.accessToken}` }, body: form, signal });
  } catch (err) {
    return { kind: 'failed', outcome: networkOutcome(err, 'WhatsApp') };
  }
  const json: unknown = await res.json().catch(() => null);
  const ok = z.object({ id: z.string().min(1).max(256) }).safeParse(json);
  if (res.ok && ok.success) return { kind: 'ok', id: ok.data.id };
  if (res.ok) return { kind: 'failed', outcome: { kind: 'retry', reason: 'WhatsApp answered the media upload with an unexpected body.' } };
  const err = GraphErrorBody.safeParse(json);
  const c = classifyWhatsAppError(err.success ? err.data.error.code : undefined, res.status, err.success ? (err.data.error.error_data?.details ?? err.data.error.message) : undefined);
  return { kind: 'failed', outcome: c.kind === 'sent' ? { kind: 'retry', reason: 'WhatsApp did not accept the media upload.' } : c };
}

function templateOf(meta: string | null | undefined): { name: string; language: string; components: unknown[] } | null {
  if (!meta) return null;
  try {
    const m = JSON.parse(meta) as { kind?: string; template?: { name: string; language: string; components: unknown[] } };
    return m.kind === 'template' && m.template ? m.template : null;
  } catch {
    return null;
  }
}

function describeErrors(errors: WaError[] | undefined): string | undefined {
  const e = errors?.[0];
  if (!e) return undefined;
  const c = classifyWhatsAppError(e.code, 400, e.error_data?.details ?? e.message ?? e.title);
  return c.kind === 'sent' ? undefined : c.reason;
}

export function normalise(value: z.infer<typeof WaValue>): InboundEvent[] {
  const events: InboundEvent[] = [];
  const names = new Map<string, string>();
  for (const c of value.contacts ?? []) {
    const name = c.profile?.name;
    if (name && c.wa_id) names.set(c.wa_id, name);
    if (name && c.user_id) names.set(c.user_id, name);
  }
  for (const m of value.messages ?? []) {
    const who = m.from ?? m.from_user_id ?? (value.contacts?.length === 1 ? (value.contacts[0]!.wa_id ?? value.contacts[0]!.user_id) : undefined);
    if (!who) continue; // nobody to answer: ignore rather than invent an identity
    // A CSAT answer (our list row / reply button / template quick-reply payload): recorded on the survey, not a message.
    const csat = parseCsatPayload(m.interactive?.list_reply?.id ?? m.interactive?.button_reply?.id ?? m.button?.payload);
    if (csat) {
      events.push({ kind: 'csat', token: csat.token, score: csat.score, identity: { channelType: 'whatsapp', value: who }, at: vendorTime(m.timestamp) });
      continue;
    }
    const { text, meta } = contentOf(m);
    const name = names.get(who);
    events.push({ kind: 'message', externalId: m.id, identity: { channelType: 'whatsapp', value: who }, profile: name ? { name } : {}, text, meta });
  }
  for (const s of value.statuses ?? []) {
    if (s.status === 'deleted' || s.status === 'played') continue;
    events.push({ kind: 'status', externalId: s.id, ourMessageId: s.biz_opaque_callback_data, status: s.status, reason: s.status === 'failed' ? describeErrors(s.errors) : undefined });
  }
  return events;
}

const mediaLabel: Record<string, string> = { image: 'Photo', video: 'Video', audio: 'Voice message', document: 'Document', sticker: 'Sticker' };

function contentOf(m: WaMessage): { text: string; meta: MessageMeta } {
  switch (m.type) {
    case 'text':
      return { text: m.text?.body ?? '', meta: { kind: 'text' } };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const media = m[m.type];
      const label = m.type === 'document' && media?.filename ? `Document: ${media.filename}` : mediaLabel[m.type]!;
      return {
        text: media?.caption ? `[${label}] ${media.caption}` : `[${label}]`,
        meta: { kind: m.type, attachments: media ? [{ kind: m.type, vendorId: media.id, mimeType: media.mime_type, fileName: media.filename, caption: media.caption }] : [] },
      };
    }
    case 'location': {
      const l = m.location;
      const place = [l?.name, l?.address].filter(Boolean).join(', ');
      return { text: l ? `[Location] ${place ? place + ' ' : ''}(${l.latitude}, ${l.longitude})` : '[Location]', meta: { kind: 'location', ...(l ? { location: { latitude: l.latitude, longitude: l.longitude, name: l.name, address: l.address } } : {}) } };
    }
    case 'contacts': {
      const list = (m.contacts ?? []).map((c) => [c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' '));
      return { text: `[Contact] ${list.join('; ')}`.trim(), meta: { kind: 'contacts' } };
    }
    case 'interactive': {
      const r = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return { text: r ? r.title : '[Interactive reply]', meta: { kind: 'interactive' } };
    }
    case 'button':
      return { text: m.button?.text ?? '[Button]', meta: { kind: 'button' } };
    case 'reaction':
      return { text: m.reaction?.emoji ? `Reacted ${m.reaction.emoji} to a message` : 'Removed a reaction', meta: { kind: 'reaction' } };
    default: {
      const why = m.errors?.[0]?.title ?? m.errors?.[0]?.message;
      return { text: `[Unsupported WhatsApp message${why ? `: ${why}` : ''}]`, meta: { kind: m.type } };
    }
  }
}

/** WhatsApp's `timestamp` (Unix seconds as a string) as ISO; undefined when absent or malformed. */
function vendorTime(seconds: string | undefined): string | undefined {
  const n = Number(seconds);
  return seconds && Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : undefined;
}
