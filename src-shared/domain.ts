// Domain entities shared by server, desktop core, renderer and widget (CONTRACT.md §Core shapes).
import { z } from 'zod';
import { ConversationCsat } from './csat';

export const channelTypes = ['webchat', 'email', 'whatsapp', 'messenger', 'instagram', 'telegram', 'line', 'sms', 'voice'] as const;
export const ChannelType = z.enum(channelTypes);
export type ChannelType = z.infer<typeof ChannelType>;

export const Role = z.enum(['agent', 'supervisor', 'admin']);
export type Role = z.infer<typeof Role>;

export const ConversationStatus = z.enum(['open', 'pending', 'resolved']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

/** Conversation priority (SLA policies match on it; escalation raises it). */
export const priorities = ['low', 'normal', 'high', 'urgent'] as const;
export const Priority = z.enum(priorities);
export type Priority = z.infer<typeof Priority>;

export const MessageDirection = z.enum(['inbound', 'outbound', 'note']);
export type MessageDirection = z.infer<typeof MessageDirection>;

/** Delivery status only moves forward along this order; `failed` is final. */
export const messageStatuses = ['received', 'queued', 'sent', 'delivered', 'read', 'failed'] as const;
export const MessageStatus = z.enum(messageStatuses);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Max characters of one message body; larger bodies are refused (HTTP 413, widget error). */
export const MAX_MESSAGE_CHARS = 10_000;
/** ISO-8601 UTC timestamps everywhere, so they sort as strings. */
export const IsoTime = z.string().min(20).max(40);

export const Agent = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  channelIds: z.array(z.string()),
});
export type Agent = z.infer<typeof Agent>;

export const Channel = z.object({
  id: z.string(),
  type: ChannelType,
  name: z.string(),
  /** Public part of the config only: secrets are never sent to clients. */
  config: z.record(z.string(), z.unknown()),
});
export type Channel = z.infer<typeof Channel>;

export const Identity = z.object({ channelType: ChannelType, value: z.string() });
export type Identity = z.infer<typeof Identity>;

export const Contact = z.object({
  id: z.string(),
  name: z.string(),
  identities: z.array(Identity),
  createdAt: IsoTime,
  isDemo: z.boolean().optional(),
  // Customer profile (issue 4, docs/identity.md).
  /** Phone numbers (E.164) known for the customer, proven by WhatsApp or given by an agent/CRM. */
  phones: z.array(z.string()).optional(),
  tier: z.string().nullable().optional(),
  language: z.string().nullable().optional(),
  timeZone: z.string().nullable().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  tags: z.array(z.string()).optional(),
  notes: z.string().nullable().optional(),
  /** Set when this contact was merged into another (the survivor's id). */
  mergedInto: z.string().nullable().optional(),
});
export type Contact = z.infer<typeof Contact>;

export const Conversation = z.object({
  id: z.string(),
  contactId: z.string(),
  channelId: z.string(),
  status: ConversationStatus,
  assigneeId: z.string().nullable(),
  subject: z.string().nullable(),
  lastMessageAt: IsoTime,
  /** Preview of the newest non-note message, for the inbox row. */
  lastMessagePreview: z.string(),
  /** Time of the newest inbound message: drives unread markers. */
  lastInboundAt: z.string().nullable(),
  createdAt: IsoTime,
  isDemo: z.boolean().optional(),
  // SLA (docs/sla.md): stored by the server's SLA engine whenever messages or status change.
  priority: Priority.optional(),
  firstResponseDueAt: z.string().nullable().optional(),
  nextResponseDueAt: z.string().nullable().optional(),
  resolutionDueAt: z.string().nullable().optional(),
  /** ok | warning | breached | paused, as of the last server write; null without an SLA. */
  slaState: z.string().nullable().optional(),
  /** The SLA clocks (src-shared/sla SlaSnapshot), so the desktop counts down exactly as the server does. */
  sla: z.unknown().optional(),
  /** The satisfaction survey sent when it was resolved (docs/csat.md); absent without one. */
  csat: ConversationCsat.nullable().optional(),
});
export type Conversation = z.infer<typeof Conversation>;

export const Message = z.object({
  id: z.string(),
  conversationId: z.string(),
  channelId: z.string(),
  direction: MessageDirection,
  text: z.string(),
  status: MessageStatus,
  /** Agent id for outbound messages and notes; null for the customer. */
  authorId: z.string().nullable(),
  authorName: z.string(),
  createdAt: IsoTime,
  failureReason: z.string().nullable().optional(),
  /** Inbound media (issue 3): downloaded by the server after the webhook was acknowledged. */
  attachments: z.array(z.lazy(() => MessageAttachment)).optional(),
  /** An original (sanitised e-mail HTML, full text with quoted history) can be shown on demand. */
  hasOriginal: z.boolean().optional(),
  /** Private notes (docs/routing.md §Handoff): the agents @mentioned, by id (never the author). */
  mentions: z.array(z.string()).optional(),
});
export type Message = z.infer<typeof Message>;

/** One attachment of a message as the apps see it; the bytes are served by GET /api/v1/attachments/:id. */
export const MessageAttachment = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string().nullable(),
  mimeType: z.string().nullable(),
  size: z.number().nullable(),
  /** pending (download after the acknowledgement) | ready | skipped (too large, type mismatch) | failed */
  state: z.enum(['pending', 'ready', 'skipped', 'failed']),
  reason: z.string().nullable().optional(),
});
export type MessageAttachment = z.infer<typeof MessageAttachment>;

/** A draft belongs to one agent and one conversation; it follows the agent across devices. */
export const Draft = z.object({
  id: z.string(), // `${agentId}:${conversationId}`
  agentId: z.string(),
  conversationId: z.string(),
  text: z.string(),
  updatedAt: IsoTime,
});
export type Draft = z.infer<typeof Draft>;

/** Per-agent read position in a conversation, synced so unread markers follow the agent. */
export const ReadMark = z.object({
  id: z.string(), // `${agentId}:${conversationId}`
  agentId: z.string(),
  conversationId: z.string(),
  readAt: IsoTime,
});
export type ReadMark = z.infer<typeof ReadMark>;

export function statusRank(s: MessageStatus): number {
  return messageStatuses.indexOf(s);
}

/** Forward-only delivery status: a late `delivered` never undoes `read`; `failed` is final. */
export function advanceStatus(current: MessageStatus, next: MessageStatus): MessageStatus {
  if (current === 'failed') return current;
  if (next === 'failed') return current === 'delivered' || current === 'read' ? current : 'failed';
  return statusRank(next) > statusRank(current) ? next : current;
}

export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof ApiError>;

export function page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
