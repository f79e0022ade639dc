// The sync protocol between the central server and each desktop core (DESIGN.md §Sync).
// WebSocket at /api/v1/sync (Authorization: Bearer <token>, or ?token= for clients that cannot set headers).
//
// 1. client → hello {clientId, cursor, scopeKey}; server → welcome {lastMutationSeq, scopeKey, reset}.
//    reset=true: the client drops its cache (never its outbox or drafts) and pulls from cursor 0.
// 2. client → pull {cursor}; server → changes {changes, cursor, more}. The client pulls until more=false.
//    The change log keeps one row per entity and visibility scope at its latest version, so a pull from 0
//    is the bootstrap and a pull from a cursor is the catch-up: one query, nothing lost, nothing repeated.
// 3. live: server → poke {cursor} whenever the log passes the client's cursor; the client pulls.
//    Inline pokes (docs/performance.md, "What was fixed" → Live): after commits the server reads the new change-log rows
//    once (seq range (from, cursor], one query shared by every connected client) and gives each client whose
//    scopes see some of them a poke {cursor, from, changes}: only its visible rows, only when the server knows
//    the client holds everything it may see through `from` (its last `changes` or inline poke ended there, and
//    no row visible to it was written since), and only when small (POKE_INLINE_MAX_ROWS/_BYTES). Otherwise a
//    plain poke. The client applies inline changes exactly like a pull result when its cursor equals `from`
//    and no pull is in flight (inline pokes queued back to back chain into one apply); else it pulls as for a
//    plain poke. `from`/`changes` are optional: old clients
//    ignore them and pull; a scope change still closes the socket (hello/welcome resets).
// 4. client → push {mutations} (rising seq per client); server applies in order, each in one transaction,
//    skips seq ≤ lastMutationSeq (already applied), stops at a gap; → pushResult.
import { z } from 'zod';
import { ConversationStatus, IsoTime, MAX_MESSAGE_CHARS, Agent, Priority } from './domain';

export const SYNC_PROTOCOL_VERSION = 1;
export const SYNC_PATH = '/api/v1/sync';
export const PULL_BATCH_DEFAULT = 2000;
export const PULL_BATCH_MAX = 10_000;
/**
 * An inline poke carries at most this many rows and about this many bytes of rows; bigger: a plain poke (the
 * client pulls in batches). Sized for bursts such as the router's presence refresh (one row per agent, ~150 bytes).
 */
export const POKE_INLINE_MAX_ROWS = 500;
export const POKE_INLINE_MAX_BYTES = 256 * 1024;

export const EntityName = z.enum(['agent', 'channel', 'contact', 'conversation', 'message', 'draft', 'readMark', 'slaEvent', 'presence', 'routingEvent']);
export type EntityName = z.infer<typeof EntityName>;

export const Change = z.object({
  seq: z.number().int().nonnegative(),
  entity: EntityName,
  id: z.string(),
  op: z.enum(['put', 'del']),
  /** The whole entity for `put` (Agent, Channel, Contact, … from domain.ts); null for `del`. */
  data: z.unknown().nullable(),
});
export type Change = z.infer<typeof Change>;

// ── mutations ──────────────────────────────────────────────────────────────────────────────
export const MessageText = z.string().trim().min(1).max(MAX_MESSAGE_CHARS);

export const mutationArgs = {
  sendMessage: z.object({
    // Empty text is allowed with a file only (the server refuses an empty message without attachmentIds).
    messageId: z.string().min(1).max(64), conversationId: z.string(), text: z.string().trim().max(MAX_MESSAGE_CHARS), private: z.boolean().default(false),
    /** Private notes only: agent ids @mentioned in the text (they are notified once; never the author). */
    mentions: z.array(z.string().min(1).max(64)).max(50).optional(),
    /** Outbound media (docs/channels.md): ids of files uploaded for this reply; the text may then be empty. */
    attachmentIds: z.array(z.string().min(1).max(64)).max(1).optional(),
    /** Issue 4: the channel to reply on (one of the customer's reachable channels); default the conversation's. */
    channelId: z.string().min(1).max(64).optional(),
  }),
  setStatus: z.object({ conversationId: z.string(), status: ConversationStatus }),
  assign: z.object({ conversationId: z.string(), assigneeId: z.string().nullable() }),
  /** The conversation's priority (the server recomputes its SLA due times). */
  setPriority: z.object({ conversationId: z.string(), priority: Priority }),
  saveDraft: z.object({ conversationId: z.string(), text: z.string().max(MAX_MESSAGE_CHARS) }),
  markRead: z.object({ conversationId: z.string(), readAt: IsoTime }),
  /** Send a failed outbound message again (channels: a fresh delivery job). */
  retryMessage: z.object({ conversationId: z.string(), messageId: z.string().min(1).max(64) }),
  /** Take an unassigned conversation (docs/routing.md §Handoff): atomic; refused (conflict) when someone else got it first. */
  claim: z.object({ conversationId: z.string() }),
  /** Hand over to an agent or a team (exactly one), with an optional note stored as a private note (id = noteId). */
  transfer: z
    .object({
      conversationId: z.string(),
      toAgentId: z.string().min(1).max(64).optional(),
      toTeamId: z.string().min(1).max(64).optional(),
      note: z.string().trim().max(MAX_MESSAGE_CHARS).optional(),
      noteId: z.string().min(1).max(64),
    })
    .strict()
    .refine((a) => (a.toAgentId === undefined) !== (a.toTeamId === undefined), 'name exactly one of toAgentId, toTeamId'),
} as const;
export type MutationName = keyof typeof mutationArgs;
export const MutationName = z.enum(Object.keys(mutationArgs) as [MutationName, ...MutationName[]]);
export type MutationArgs<N extends MutationName> = z.infer<(typeof mutationArgs)[N]>;

export const Mutation = z.object({
  /** UUIDv7, generated by the client. */
  id: z.string().min(1).max(64),
  /** Rising per client, starting at 1, no gaps. */
  seq: z.number().int().positive(),
  name: MutationName,
  args: z.unknown(),
  createdAt: IsoTime,
});
export type Mutation = z.infer<typeof Mutation>;

/** Why a mutation was refused; the client rolls it back and tells the agent. */
export const RejectCode = z.enum(['not_found', 'forbidden', 'invalid', 'conflict']);
export type RejectCode = z.infer<typeof RejectCode>;

export const MutationResult = z.object({
  seq: z.number().int(),
  id: z.string(),
  status: z.enum(['applied', 'duplicate', 'rejected']),
  error: z.object({ code: RejectCode, message: z.string() }).optional(),
});
export type MutationResult = z.infer<typeof MutationResult>;

// ── messages ──────────────────────────────────────────────────────────────────────────────
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'), protocol: z.literal(SYNC_PROTOCOL_VERSION), clientId: z.string().min(8).max(64), cursor: z.number().int().nonnegative(), scopeKey: z.string().nullable(),
    /** Lowest seq still in the client's outbox: the welcome then repeats rejections from there on, in case a pushResult was lost. */
    outboxFromSeq: z.number().int().positive().optional(),
  }),
  z.object({ type: z.literal('pull'), cursor: z.number().int().nonnegative(), limit: z.number().int().positive().max(PULL_BATCH_MAX).optional() }),
  z.object({ type: z.literal('push'), mutations: z.array(Mutation).max(500) }),
  z.object({ type: z.literal('typing'), conversationId: z.string(), on: z.boolean() }),
  /** Routing presence (docs/routing.md): the agent's chosen status. */
  z.object({ type: z.literal('presence'), status: z.enum(['online', 'away', 'offline']) }),
  /** Collision detection: this agent has the conversation open (on) and is writing a reply (replying). Ephemeral, like typing. */
  z.object({ type: z.literal('viewing'), conversationId: z.string(), on: z.boolean(), replying: z.boolean().default(false) }),
  z.object({ type: z.literal('ping'), t: z.number() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'), agent: Agent, lastMutationSeq: z.number().int().nonnegative(), scopeKey: z.string(), reset: z.boolean(), serverTime: IsoTime, headCursor: z.number().int().nonnegative(),
    /** Mutations from hello.outboxFromSeq up to lastMutationSeq that the server rejected (their results may never have arrived). */
    rejected: z.array(MutationResult).optional(),
  }),
  z.object({ type: z.literal('changes'), changes: z.array(Change), cursor: z.number().int().nonnegative(), more: z.boolean() }),
  z.object({
    type: z.literal('poke'), cursor: z.number().int().nonnegative(),
    /** Inline changes (both or neither): every row visible to this client in (from, cursor]; apply when the local cursor is `from`. */
    from: z.number().int().nonnegative().optional(),
    changes: z.array(Change).optional(),
  }),
  z.object({
    type: z.literal('pushResult'),
    lastMutationSeq: z.number().int().nonnegative(),
    results: z.array(MutationResult),
    /** Set when the push stopped before its end: a gap in seq numbers. The client resends from lastMutationSeq + 1. */
    stoppedAt: z.object({ seq: z.number().int(), reason: z.literal('gap') }).optional(),
  }),
  z.object({ type: z.literal('typing'), conversationId: z.string(), who: z.enum(['customer', 'agent']), name: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('viewing'), conversationId: z.string(), agentId: z.string(), name: z.string(), on: z.boolean(), replying: z.boolean() }),
  z.object({ type: z.literal('pong'), t: z.number(), serverTime: IsoTime }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
