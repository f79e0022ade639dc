// Per-type channel config, validated on create and on every patch (after merging). Every vendor API
// a channel calls has its base URL here, defaulting to the vendor's, so it can point at a proxy or a
// test double. Secrets (tokens, passwords, app secrets) are write-only: stored sealed, never returned.
import { z } from 'zod';
import type { ChannelType } from '../../src-shared/domain';
import { CsatChannelConfig } from '../../src-shared/csat';

/** The Graph API version this adapter is written and tested against. */
export const GRAPH_API_VERSION = 'v23.0';
export const GRAPH_API_BASE_URL = `https://graph.facebook.com/${GRAPH_API_VERSION}`;
export const TELEGRAM_API_BASE_URL = 'https://api.telegram.org';

const baseUrl = (def: string) =>
  z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .default(def);
const secret = z.string().min(1).max(4096);

export const WhatsAppConfig = z.object({
  phoneNumberId: z.string().regex(/^\d{1,32}$/, 'the phone number ID is the number Meta shows under API Setup'),
  businessAccountId: z.string().regex(/^\d{1,32}$/).optional(),
  accessToken: secret,
  appSecret: secret,
  verifyToken: secret,
  apiBaseUrl: baseUrl(GRAPH_API_BASE_URL),
  /** CSAT survey on resolve (docs/csat.md); off when absent. */
  csat: CsatChannelConfig.optional(),
});
export type WhatsAppConfig = z.output<typeof WhatsAppConfig>;

export const TelegramConfig = z.object({
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'a bot token looks like 123456:ABC… (from @BotFather)'),
  /** Telegram sends it back in X-Telegram-Bot-Api-Secret-Token: 1–256 of A–Z a–z 0–9 _ -. */
  secretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'secret token: 1–256 characters A–Z, a–z, 0–9, _ and -'),
  apiBaseUrl: baseUrl(TELEGRAM_API_BASE_URL),
  mode: z.enum(['webhook', 'polling']).default('webhook'),
  csat: CsatChannelConfig.optional(),
});
export type TelegramConfig = z.output<typeof TelegramConfig>;

const host = z.string().min(1).max(253);
const port = z.number().int().min(1).max(65535);
export const EmailConfig = z.object({
  imap: z.object({ host, port: port.default(993), secure: z.boolean().default(true), user: z.string().min(1), password: secret, mailbox: z.string().min(1).default('INBOX') }),
  smtp: z.object({ host, port: port.default(465), secure: z.boolean().default(true), user: z.string().min(1), password: secret }),
  fromAddress: z.string().email(),
  fromName: z.string().max(200).optional(),
  /** Seconds between polls when the server has no IDLE (or IDLE drops). */
  pollSeconds: z.number().int().min(5).max(3600).default(60),
  csat: CsatChannelConfig.optional(),
});
export type EmailConfig = z.output<typeof EmailConfig>;

export const WebchatConfig = z
  .object({
    allowedOrigins: z.array(z.string().url()).max(100).optional(),
    requireVerification: z.boolean().optional(),
    secret: z.string().min(1).max(256).optional(),
    csat: CsatChannelConfig.optional(),
  })
  .passthrough();

/** Types without an adapter yet take any object (kept for later issues). */
const Other = z.record(z.string(), z.unknown());

export function configSchemaOf(type: ChannelType): z.ZodType<Record<string, unknown>> {
  switch (type) {
    case 'whatsapp':
      return WhatsAppConfig as unknown as z.ZodType<Record<string, unknown>>;
    case 'telegram':
      return TelegramConfig as unknown as z.ZodType<Record<string, unknown>>;
    case 'email':
      return EmailConfig as unknown as z.ZodType<Record<string, unknown>>;
    case 'webchat':
      return WebchatConfig as unknown as z.ZodType<Record<string, unknown>>;
    default:
      return Other;
  }
}
