// The customer's chat widget ⇄ server protocol, WebSocket at /ws/widget.
// A customer message is stored before it is acknowledged; the widget resends unacknowledged
// messages after a reconnect with the same clientMessageId, which the server deduplicates.
import { z } from 'zod';
import { IsoTime, MAX_MESSAGE_CHARS } from './domain';

export const WIDGET_WS_PATH = '/ws/widget';

export const WidgetIdentity = z.object({
  channelId: z.string().min(1).max(64),
  /** Random id kept in the customer's browser (localStorage), so the same visitor comes back to the same history. */
  visitorId: z.string().min(8).max(64),
  name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  /** Identity verification by the host site: userHash = hex(HMAC-SHA256(channel secret, userId)). */
  userId: z.string().max(200).optional(),
  userHash: z.string().max(128).optional(),
});
export type WidgetIdentity = z.infer<typeof WidgetIdentity>;

export const WidgetMessage = z.object({
  id: z.string(),
  clientMessageId: z.string().nullable(),
  direction: z.enum(['inbound', 'outbound']),
  text: z.string(),
  authorName: z.string(),
  createdAt: IsoTime,
});
export type WidgetMessage = z.infer<typeof WidgetMessage>;

/** A satisfaction survey shown inline in the chat (docs/csat.md); `score` is set once the customer answered. */
export const WidgetCsat = z.object({
  token: z.string().max(64),
  question: z.string(),
  score: z.number().int().min(1).max(5).nullable(),
  comment: z.string().nullable(),
});
export type WidgetCsat = z.infer<typeof WidgetCsat>;

export const WidgetClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), identity: WidgetIdentity }),
  z.object({ type: z.literal('message'), clientMessageId: z.string().min(8).max(64), text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) }),
  z.object({ type: z.literal('typing'), on: z.boolean() }),
  /** The widget has shown these agent messages to the customer: they become `delivered`. */
  z.object({ type: z.literal('delivered'), messageIds: z.array(z.string()).max(500) }),
  /** The customer's rating of a survey the server showed (a second one updates it); never a message. */
  z.object({ type: z.literal('csat'), token: z.string().min(1).max(64), score: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).optional() }),
]);
export type WidgetClientMessage = z.infer<typeof WidgetClientMessage>;

export const WidgetServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), visitorId: z.string(), verified: z.boolean(), channelName: z.string(), history: z.array(WidgetMessage) }),
  z.object({ type: z.literal('ack'), clientMessageId: z.string(), message: WidgetMessage }),
  z.object({ type: z.literal('message'), message: WidgetMessage }),
  z.object({ type: z.literal('typing'), on: z.boolean(), name: z.string() }),
  /** Routing (docs/routing.md): the customer's 1-based place in the queue while nobody has taken the chat; null once assigned. */
  z.object({ type: z.literal('queue'), position: z.number().int().positive().nullable() }),
  /** A survey to show (score null) or the answer as recorded (score set). */
  z.object({ type: z.literal('csat'), survey: WidgetCsat }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), clientMessageId: z.string().optional() }),
]);
export type WidgetServerMessage = z.infer<typeof WidgetServerMessage>;
