// WhatsApp Cloud API shapes (webhooks and the Graph API send endpoint), as Meta documents them:
// developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples and …/reference/messages.
import { z } from 'zod';

const s = (max = 4096) => z.string().max(max);

export const WaError = z.object({
  code: z.number().int(),
  title: s().optional(),
  message: s().optional(),
  error_data: z.object({ details: s().optional() }).passthrough().optional(),
});
export type WaError = z.infer<typeof WaError>;

const Media = z.object({ id: s(256).min(1), mime_type: s(200).optional(), caption: s().optional(), filename: s(1024).optional(), sha256: s(200).optional() });

export const WaMessage = z.object({
  id: s(256).min(1),
  /** The customer's wa_id (phone number without "+"); may be missing for username users (2026). */
  from: s(64).optional(),
  /** Business-scoped user id (WhatsApp usernames). */
  from_user_id: s(128).optional(),
  timestamp: s(20),
  type: s(40),
  text: z.object({ body: s(65536) }).optional(),
  image: Media.optional(),
  video: Media.optional(),
  audio: Media.optional(),
  document: Media.optional(),
  sticker: Media.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: s().optional(), address: s().optional(), url: s().optional() }).optional(),
  contacts: z
    .array(z.object({ name: z.object({ formatted_name: s().optional() }).passthrough().optional(), phones: z.array(z.object({ phone: s(64).optional(), wa_id: s(64).optional() }).passthrough()).optional() }).passthrough())
    .max(50)
    .optional(),
  interactive: z
    .object({
      type: s(40),
      button_reply: z.object({ id: s(256), title: s(256) }).optional(),
      list_reply: z.object({ id: s(256), title: s(256), description: s().optional() }).optional(),
    })
    .optional(),
  button: z.object({ text: s(), payload: s().optional() }).optional(),
  reaction: z.object({ message_id: s(256), emoji: s(32).optional() }).optional(),
  context: z.object({ from: s(64).optional(), id: s(256).optional() }).optional(),
  errors: z.array(WaError).max(20).optional(),
});
export type WaMessage = z.infer<typeof WaMessage>;

export const WaStatus = z.object({
  id: s(256).min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed', 'deleted', 'played']),
  timestamp: s(20),
  recipient_id: s(128).optional(),
  recipient_user_id: s(128).optional(),
  biz_opaque_callback_data: s(512).optional(),
  errors: z.array(WaError).max(20).optional(),
});

export const WaValue = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: s(64).optional(), phone_number_id: s(64) }),
  contacts: z.array(z.object({ wa_id: s(64).optional(), user_id: s(128).optional(), profile: z.object({ name: s(256).optional() }).optional() })).max(100).optional(),
  messages: z.array(WaMessage).max(1000).optional(),
  statuses: z.array(WaStatus).max(1000).optional(),
  errors: z.array(WaError).max(20).optional(),
});
export type WaValue = z.infer<typeof WaValue>;

export const WaWebhook = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: s(64), changes: z.array(z.object({ field: s(64), value: z.unknown() })).max(100) })).min(1).max(100),
});

// ── Graph API: POST /{phone-number-id}/messages ──────────────────────────────────────────
export const SendTextBody = z.object({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual'),
  to: z.string().min(1),
  type: z.literal('text'),
  text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean() }),
  /** Echoed back on status webhooks: our message id, so an early or in-doubt status finds its message. */
  biz_opaque_callback_data: z.string().max(512).optional(),
});
export type SendTextBody = z.infer<typeof SendTextBody>;

export const SendResponse = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z.array(z.object({ input: z.string(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

export const GraphErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.object({ messaging_product: z.string().optional(), details: z.string().optional() }).passthrough().optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphErrorBody = z.infer<typeof GraphErrorBody>;

// ── Graph API: GET /{media-id} (…/cloud-api/reference/media#retrieve-media-url) ─────────────
export const MediaUrlResponse = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  url: z.string().url().max(4096).refine((u) => /^https?:/.test(u), 'http(s) only'),
  mime_type: z.string().max(200).optional(),
  sha256: z.string().max(128).optional(),
  file_size: z.coerce.number().int().nonnegative().optional(),
  id: z.string().max(256).optional(),
});
