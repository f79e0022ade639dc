// A local double of Meta's Graph API for WhatsApp Cloud API sends, following the documented contract
// (developers.facebook.com/docs/whatsapp/cloud-api/reference/messages): POST /{version}/{phone-number-id}/messages
// with a bearer token and {messaging_product:"whatsapp", to, type, text:{body}}; answers
// {messaging_product, contacts:[{input, wa_id}], messages:[{id:"wamid…"}]}, or an error body
// {error:{message, type, code, error_data:{messaging_product, details}, fbtrace_id}}.
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  at: number;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface ScriptedError {
  status: number;
  code: number;
  message?: string;
  details?: string;
}

export interface FakeGraph {
  /** The apiBaseUrl to configure: http://127.0.0.1:port/v23.0 */
  baseUrl: string;
  requests: GraphRequest[];
  /** Answers for the next sends, in order (after these run out: success). */
  script: (ScriptedError | 'ok' | 'hold' | 'drop')[];
  /** Releases held requests (they then succeed). */
  release(): void;
  /** Media the fake serves (GET /{media-id} → {url, mime_type, sha256, file_size, id}; GET url → bytes). */
  media: Map<string, { bytes: Buffer; mimeType: string; declaredSize?: number }>;
  /** Media downloads wait until releaseMedia() while this is true. */
  holdMedia: boolean;
  releaseMedia(): void;
  mediaDownloads: number;
  /** Media uploaded with POST /{phone-number-id}/media (multipart: messaging_product, type, file). */
  uploads: { id: string; type: string; fileName: string; bytes: Buffer }[];
  /** Templates of the business account (GET /{waba-id}/message_templates, paged by `limit` and `after`). */
  templates: Record<string, unknown>[];
  close(): Promise<void>;
}

const MEDIA_TYPES = ['image', 'document', 'audio', 'video', 'sticker'];

export async function startFakeGraph(opts: { accessToken: string; phoneNumberId: string }): Promise<FakeGraph> {
  const held: (() => void)[] = [];
  const heldMedia: (() => void)[] = [];
  const fake: FakeGraph = {
    baseUrl: '',
    requests: [],
    script: [],
    release() {
      for (const r of held.splice(0)) r();
    },
    media: new Map(),
    holdMedia: false,
    releaseMedia() {
      fake.holdMedia = false;
      for (const r of heldMedia.splice(0)) r();
    },
    mediaDownloads: 0,
    uploads: [],
    templates: [],
    close: async () => {
      fake.release();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const error = (res: http.ServerResponse, status: number, code: number, message: string, details?: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message, type: code === 190 ? 'OAuthException' : 'OAuthException', code, ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}), fbtrace_id: randomBytes(8).toString('base64url') } }));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') return get(req, res);
      if (req.method === 'POST' && /^\/v\d+\.\d+\/\d+\/media$/.test(req.url ?? '')) return void upload(req, res, Buffer.concat(chunks));
      const m = /^\/v\d+\.\d+\/(\d+)\/messages$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) return error(res, 400, 100, 'Unsupported post request.');
      if (req.headers.authorization !== `Bearer ${opts.accessToken}`) return error(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
      if (m[1] !== opts.phoneNumberId) return error(res, 400, 100, `Unsupported post request. Object with ID '${m[1]}' does not exist`);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return error(res, 400, 100, 'Invalid parameter', 'Request body is not valid JSON');
      }
      fake.requests.push({ at: Date.now(), path: req.url!, authorization: req.headers.authorization, body });
      const text = body.text as { body?: unknown } | undefined;
      const template = body.template as { name?: unknown; language?: { code?: unknown }; components?: unknown } | undefined;
      if (body.type === 'template') {
        // Template sends: the template must exist, approved, in that language, with one parameter per variable.
        const t = fake.templates.find((x) => x.name === template?.name && x.language === template?.language?.code);
        if (!t) return error(res, 404, 132001, 'Template name does not exist in the translation', `template name (${String(template?.name)}) does not exist in ${String(template?.language?.code)}`);
        if (t.status !== 'APPROVED') return error(res, 400, 132015, 'Template is paused', 'Template is not approved');
        const bodyText = ((t.components as { type: string; text?: string }[]).find((c) => c.type === 'BODY')?.text ?? '');
        const want = new Set([...bodyText.matchAll(/\{\{(\d+)\}\}/g)].map((x) => x[1])).size;
        const comps = (Array.isArray(template?.components) ? template.components : []) as { type?: string; parameters?: unknown[] }[];
        const got = comps.find((c) => c.type === 'body')?.parameters?.length ?? 0;
        if (want !== got) return error(res, 400, 132000, 'Number of parameters does not match the expected number of params', `body: number of localizable_params (${got}) does not match the expected number of params (${want})`);
        // Quick-reply button payloads (…/cloud-api/guides/send-message-templates#interactive-message-templates):
        // {type:"button", sub_type:"quick_reply", index:"0".., parameters:[{type:"payload", payload}]}, one per button of the template.
        const buttons = ((t.components as { type: string; buttons?: { type: string }[] }[]).find((c) => c.type === 'BUTTONS')?.buttons ?? []).filter((b) => b.type === 'QUICK_REPLY');
        for (const c of comps.filter((x) => x.type === 'button')) {
          const b = c as { sub_type?: unknown; index?: unknown; parameters?: { type?: unknown; payload?: unknown }[] };
          const idx = Number(b.index);
          if (b.sub_type !== 'quick_reply' || !Number.isInteger(idx) || idx < 0 || idx >= buttons.length) return error(res, 400, 131008, 'Required parameter is missing', `button at index ${String(b.index)} is not a quick reply of this template`);
          if (b.parameters?.[0]?.type !== 'payload' || typeof b.parameters[0].payload !== 'string') return error(res, 400, 100, 'Invalid parameter', 'quick_reply buttons take one payload parameter');
        }
      } else if (body.type === 'interactive') {
        // Interactive messages (…/cloud-api/messages/interactive-list-messages, …/interactive-reply-buttons-messages):
        // list: body.text ≤ 4096, action.button ≤ 20 chars, ≤ 10 rows in all, row id ≤ 200 and title ≤ 24 chars;
        // button: ≤ 3 reply buttons with id ≤ 256 and title ≤ 20 chars.
        const inter = body.interactive as { type?: unknown; body?: { text?: unknown }; action?: { button?: unknown; sections?: { rows?: { id?: unknown; title?: unknown }[] }[]; buttons?: { type?: unknown; reply?: { id?: unknown; title?: unknown } }[] } } | undefined;
        const bad = (details: string) => error(res, 400, 131009, 'Parameter value is not valid', details);
        if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string' || !inter || typeof inter.body?.text !== 'string' || inter.body.text === '') return bad('interactive.body.text is required');
        if (inter.type === 'list') {
          const rows = (inter.action?.sections ?? []).flatMap((sec) => sec.rows ?? []);
          if (typeof inter.action?.button !== 'string' || inter.action.button.length > 20) return bad('action.button must be at most 20 characters');
          if (rows.length < 1 || rows.length > 10) return bad('a list has 1 to 10 rows');
          if (rows.some((r) => typeof r.id !== 'string' || r.id.length > 200 || typeof r.title !== 'string' || r.title.length > 24)) return bad('row id ≤ 200 and title ≤ 24 characters');
        } else if (inter.type === 'button') {
          const buttons = inter.action?.buttons ?? [];
          if (buttons.length < 1 || buttons.length > 3) return bad('reply buttons: 1 to 3');
          if (buttons.some((b) => b.type !== 'reply' || typeof b.reply?.id !== 'string' || typeof b.reply.title !== 'string' || b.reply.title.length > 20)) return bad('button title ≤ 20 characters');
        } else return bad(`interactive type ${String(inter.type)} is not supported here`);
      } else if (MEDIA_TYPES.includes(String(body.type))) {
        // Media messages (…/cloud-api/reference/messages#media-object): {id} of an uploaded media, or {link}.
        const media = body[String(body.type)] as { id?: unknown; link?: unknown; caption?: unknown; filename?: unknown } | undefined;
        if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string' || !media) return error(res, 400, 100, 'Invalid parameter', `${String(body.type)} object is required`);
        if (typeof media.id === 'string' ? !fake.uploads.some((u) => u.id === media.id) : typeof media.link !== 'string') return error(res, 400, 131053, 'Media upload error', 'Media id not found');
        if (body.type === 'audio' && media.caption !== undefined) return error(res, 400, 100, 'Invalid parameter', 'audio does not take a caption');
      } else if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string' || body.type !== 'text' || typeof text?.body !== 'string') {
        return error(res, 400, 100, 'Invalid parameter', 'messaging_product, to, type and text.body are required');
      }
      const step = fake.script.shift() ?? 'ok';
      const ok = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.${randomBytes(18).toString('base64url')}` }] }));
      };
      if (step === 'ok') return ok();
      if (step === 'hold') return void held.push(ok);
      if (step === 'drop') return void req.socket.destroy();
      return error(res, step.status, step.code, step.message ?? `(#${step.code}) error`, step.details);
    });
  });
  // POST /{phone-number-id}/media (…/cloud-api/reference/media#upload-media): multipart/form-data with
  // messaging_product=whatsapp, type=<mime type>, file=<the bytes>; answers {id}.
  const upload = async (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) => {
    if (req.headers.authorization !== `Bearer ${opts.accessToken}`) return error(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const ct = req.headers['content-type'] ?? '';
    if (!ct.startsWith('multipart/form-data')) return error(res, 400, 100, 'Invalid parameter', 'multipart/form-data is required');
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
    } catch {
      return error(res, 400, 100, 'Invalid parameter', 'malformed multipart body');
    }
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp' || typeof form.get('type') !== 'string' || !file || typeof file === 'string') return error(res, 400, 100, 'Invalid parameter', 'messaging_product, type and file are required');
    const id = String(1_000_000_000_000 + fake.uploads.length);
    fake.uploads.push({ id, type: String(form.get('type')), fileName: file.name, bytes: Buffer.from(await file.arrayBuffer()) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id }));
  };
  // GET /{media-id} (…/cloud-api/reference/media#retrieve-media-url), the media URL itself, and
  // GET /{waba-id}/message_templates (…/business-management-api/message-templates), paged with cursors.
  const get = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${opts.accessToken}`) return error(res, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const dl = /^\/media-download\/([^/]+)$/.exec(url.pathname);
    if (dl) {
      const item = fake.media.get(decodeURIComponent(dl[1]!));
      if (!item) return error(res, 404, 100, 'Unsupported get request.');
      const send = () => {
        fake.mediaDownloads++;
        res.writeHead(200, { 'content-type': item.mimeType, 'content-length': String(item.bytes.length) });
        res.end(item.bytes);
      };
      if (fake.holdMedia) return void heldMedia.push(send);
      return send();
    }
    const tm = /^\/v\d+\.\d+\/(\d+)\/message_templates$/.exec(url.pathname);
    if (tm) {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), 100);
      const after = Number(url.searchParams.get('after') ?? 0);
      const data = fake.templates.slice(after, after + limit);
      const nextAfter = after + limit;
      const paging: Record<string, unknown> = { cursors: { before: String(after), after: String(nextAfter) } };
      if (nextAfter < fake.templates.length) paging.next = `${fake.baseUrl}/${tm[1]}/message_templates?limit=${limit}&after=${nextAfter}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ data, paging }));
    }
    const mm = /^\/v\d+\.\d+\/([^/]+)$/.exec(url.pathname);
    const item = mm ? fake.media.get(decodeURIComponent(mm[1]!)) : undefined;
    if (!mm || !item) return error(res, 400, 100, `Unsupported get request. Object with ID '${mm?.[1] ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`);
    if (url.searchParams.has('phone_number_id') && url.searchParams.get('phone_number_id') !== opts.phoneNumberId) return error(res, 400, 100, 'Invalid parameter');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        messaging_product: 'whatsapp',
        url: `${fake.baseUrl.replace(/\/v\d+\.\d+$/, '')}/media-download/${encodeURIComponent(mm[1]!)}`,
        mime_type: item.mimeType,
        sha256: createHash('sha256').update(item.bytes).digest('hex'),
        file_size: item.declaredSize ?? item.bytes.length,
        id: mm[1],
      }),
    );
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v23.0`;
  return fake;
}

// ── webhook payloads as Meta documents them (payload examples), signed for real ───────────
export function waEnvelope(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value } }] }],
  };
}

export function waText(phoneNumberId: string, from: string, name: string, id: string, body: string) {
  return waEnvelope(phoneNumberId, {
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body } }],
  });
}

export function waStatus(phoneNumberId: string, wamid: string, status: string, recipient: string, extra: Record<string, unknown> = {}) {
  return waEnvelope(phoneNumberId, {
    statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient, ...extra }],
  });
}

export function waMedia(phoneNumberId: string, from: string, id: string, type: 'image' | 'document' | 'audio' | 'video' | 'sticker', media: Record<string, unknown>) {
  return waEnvelope(phoneNumberId, {
    contacts: [{ profile: { name: 'Sari' }, wa_id: from }],
    messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type, [type]: media }],
  });
}

/** A customer's tap on a list row (type "list_reply") or reply button ("button_reply"), as Meta's webhook sends it. */
export function waInteractiveReply(phoneNumberId: string, from: string, id: string, kind: 'list_reply' | 'button_reply', reply: { id: string; title: string }, timestampSec = Math.floor(Date.now() / 1000)) {
  return waEnvelope(phoneNumberId, {
    contacts: [{ profile: { name: 'Budi' }, wa_id: from }],
    messages: [{ context: { from: '15550783881', id: 'wamid.ctx' }, from, id, timestamp: String(timestampSec), type: 'interactive', interactive: { type: kind, [kind]: reply } }],
  });
}

/** A tap on a template's quick-reply button: type "button" with the payload we set at send time. */
export function waQuickReply(phoneNumberId: string, from: string, id: string, text: string, payload: string) {
  return waEnvelope(phoneNumberId, {
    contacts: [{ profile: { name: 'Budi' }, wa_id: from }],
    messages: [{ context: { from: '15550783881', id: 'wamid.ctx' }, from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'button', button: { text, payload } }],
  });
}
