// Issue 4 IPC methods (renderer ⇄ desktop core): local search (works offline, the cache's FTS5 index), and the
// customer profile, merge suggestions, timeline and reachable channels (online: the core asks the server).
import { z } from 'zod';
import { Contact, Message } from '../domain';

export const SearchHit = z.object({ message: Message, contactName: z.string(), channelType: z.string().nullable() });
export type SearchHit = z.infer<typeof SearchHit>;

export const TimelineItem = z.object({
  kind: z.string(),
  id: z.string(),
  at: z.string(),
  conversationId: z.string().nullable(),
  channelId: z.string().nullable(),
  channelType: z.string().nullable().optional(),
  data: z.unknown(),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export const MergeSuggestion = z.object({ id: z.string(), reason: z.string(), createdAt: z.string(), other: Contact });
export type MergeSuggestion = z.infer<typeof MergeSuggestion>;

export const ReachableChannel = z.object({
  channelId: z.string(),
  channelType: z.string(),
  channelName: z.string(),
  reachable: z.boolean(),
  /** whatsapp_window_closed | visitor_offline | null */
  reason: z.string().nullable(),
  closesAt: z.string().nullable(),
  isDefault: z.boolean(),
});
export type ReachableChannel = z.infer<typeof ReachableChannel>;

export const ContactPatchArgs = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    tier: z.string().trim().max(40).nullable().optional(),
    language: z.string().trim().max(35).nullable().optional(),
    timeZone: z.string().trim().max(64).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    notes: z.string().max(10_000).nullable().optional(),
    attributes: z.record(z.string().min(1).max(100), z.union([z.string().max(2000), z.number(), z.boolean()]).nullable()).optional(),
  })
  .strict();

export const identityIpcContract = {
  /** Local full-text search over the cached messages (offline too); input is sanitised, never FTS syntax. */
  'search.local': { args: z.object({ query: z.string().max(500), limit: z.number().int().min(1).max(200).default(50) }), result: z.array(SearchHit) },
  'contact.update': { args: z.object({ contactId: z.string().max(64), patch: ContactPatchArgs }), result: Contact },
  'contact.timeline': { args: z.object({ contactId: z.string().max(64), before: z.string().max(40).optional() }), result: z.object({ items: z.array(TimelineItem), nextBefore: z.string().nullable() }) },
  'contact.suggestions': { args: z.object({ contactId: z.string().max(64) }), result: z.array(MergeSuggestion) },
  'contact.decideSuggestion': { args: z.object({ contactId: z.string().max(64), suggestionId: z.string().max(64), action: z.enum(['accept', 'dismiss']) }), result: z.null() },
  'conversation.reachability': { args: z.object({ conversationId: z.string().max(64) }), result: z.array(ReachableChannel) },
} as const;
