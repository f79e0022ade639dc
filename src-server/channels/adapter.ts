// The one shape of every channel adapter (DESIGN.md §Channels):
//   inbound: verify → normalise → dedupe on (channel, external id) (unique key, inserted first) → persist → ack
//   outbound: `send` is called by the durable delivery queue (delivery.ts) and answers with an outcome the
//   queue understands: sent (with the vendor's id), retry later (rate limit, 5xx, network), or permanent.
import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { ChannelType, MessageStatus } from '../../src-shared/domain';
import type { ChannelsTable, MessagesTable } from '../store/schema';
import type { ChannelRuntime } from './runtime';
import type { ReplyRule } from '../../src-shared/reply-window';

/** A normalised inbound event. */
export type InboundEvent =
  | {
      kind: 'message';
      /** The vendor's id of the message: the dedupe key together with the channel. */
      externalId: string;
      identity: { channelType: ChannelType; value: string };
      profile: { name?: string; email?: string };
      text: string;
      meta?: MessageMeta;
    }
  | {
      kind: 'status';
      /** The vendor's id of our outbound message. */
      externalId: string;
      /** Our message id when the vendor echoes it back (WhatsApp biz_opaque_callback_data). */
      ourMessageId?: string;
      status: Extract<MessageStatus, 'sent' | 'delivered' | 'read' | 'failed'>;
      reason?: string;
    }
  | {
      /** A CSAT answer (docs/csat.md): a tapped survey button / list row / inline key. Never a message. */
      kind: 'csat';
      token: string;
      score: number;
      /** The answering customer's identity on this channel (the survey must be theirs). */
      identity: { channelType: ChannelType; value: string };
      /** When the customer answered, by the vendor's clock (ISO), if the payload says: a late retry of an older answer never overwrites a newer one. */
      at?: string;
      /** Telegram: the callback query to answer and the survey message to edit, after commit. */
      telegram?: { callbackQueryId: string; chatId: number; messageId: number | null };
    };

export interface Attachment {
  kind: 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'voice';
  /** The vendor's media id / file id (downloaded later by a job, not in the webhook). */
  vendorId: string;
  mimeType?: string;
  fileName?: string;
  caption?: string;
  /** The size the vendor declared, when it did (an oversize file is skipped without downloading). */
  size?: number;
}

/** What an adapter answers when the media job asks for an attachment's bytes (channels/media.ts checks them). */
export type MediaFetch =
  | { kind: 'ok'; body: AsyncIterable<Uint8Array>; mimeType?: string; size?: number; sha256?: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'permanent'; reason: string }
  /** Not downloaded on purpose (declared larger than the limit): recorded as skipped with the reason. */
  | { kind: 'skipped'; reason: string };

export interface MediaRequest {
  vendorId: string;
  kind: string;
  config: Record<string, unknown>;
  rt: ChannelRuntime;
  maxBytes: number;
}

export interface MessageMeta {
  /** The vendor's message type (text, image, location, reaction…). */
  kind: string;
  attachments?: Attachment[];
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  email?: { messageId: string; inReplyTo?: string; references?: string[]; subject?: string; html?: string; from?: string };
  /** The whole text when `text` holds only the new part of a reply (quoted history and signature folded away). */
  fullText?: string;
}

export type SendOutcome =
  | { kind: 'sent'; externalId: string | null; meta?: MessageMeta }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'permanent'; reason: string };

export interface OutboundJob {
  /** The idempotency key of this delivery (stable across attempts and restarts). */
  jobId: string;
  attempt: number;
  message: Selectable<MessagesTable>;
  conversation: { id: string; contactId: string; subject: string | null };
  channel: Selectable<ChannelsTable>;
  /** The plain (opened) config. */
  config: Record<string, unknown>;
  /** The contact's identities on this channel type (who to send to). */
  identities: string[];
  rt: ChannelRuntime;
}

export interface ChannelAdapter {
  type: ChannelType;
  configSchema: z.ZodType<Record<string, unknown>>;
  /** Webhook routes; registered in a scope whose body is the raw bytes (a Buffer), for signature checks. */
  webhooks?(app: FastifyInstance, rt: ChannelRuntime): void;
  send?(job: OutboundJob, signal: AbortSignal): Promise<SendOutcome>;
  /** Whether a public reply may be sent now, given the customer's last inbound message time. */
  replyRule?(lastInboundAt: string | null, now: Date): ReplyRule;
  /** Inbound media: look the vendor's id up and stream its bytes (called by the media job, after the acknowledgement). */
  fetchMedia?(req: MediaRequest, signal: AbortSignal): Promise<MediaFetch>;
  /** Long-running receivers (IMAP IDLE, Telegram polling), one per channel. */
  start?(channel: Selectable<ChannelsTable>, config: Record<string, unknown>, rt: ChannelRuntime): { stop(): Promise<void> };
}

/** Exponential backoff with full jitter in [0.5, 1.5) × base·2^(attempt-1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random()));
}

/** A network failure or timeout of fetch: always retryable. */
export function networkOutcome(err: unknown, vendor: string): SendOutcome {
  const msg = err instanceof Error ? err.message : String(err);
  return { kind: 'retry', reason: `Could not reach ${vendor} (${msg}); retrying.` };
}
