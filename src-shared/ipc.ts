// The one allowlisted IPC contract between the renderer and the desktop core.
// Carried by the Electron preload bridge (ipcRenderer.invoke) or by the browser host's WebSocket;
// every call is validated with these schemas on the core side, and answers a Result, never throws.
import { z } from 'zod';
import { Agent, Channel, ChannelType, Contact, Conversation, ConversationStatus, Draft, Message, MAX_MESSAGE_CHARS, Priority } from './domain';
import { EntityName, RejectCode } from './sync';
import { SlaEvent } from './sla/event';
import { adminIpcContract } from './admin';
import { collabIpcContract } from './collab';
import { identityIpcContract } from './identity/ipc';
import { metricsIpcContract } from './metrics';
import { qualityIpcContract } from './quality';
import { PresenceStatus, RoutingEvent } from './routing';

export const ConnectionState = z.enum(['signed-out', 'connecting', 'online', 'offline']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const SessionState = z.object({
  serverUrl: z.string().nullable(),
  agent: Agent.nullable(),
  connection: ConnectionState,
  /** Mutations written locally and not yet acknowledged by the server. */
  pendingMutations: z.number().int().nonnegative(),
  lastSyncedAt: z.string().nullable(),
  /**
   * The server's SLA clock as the core sees it: serverNow = originMs + (Date.now() − originMs) × scale + offsetMs
   * (scale is 1 except under THREADLINE_CLOCK_SCALE). Countdowns use it, never the bare local clock.
   */
  clock: z.object({ originMs: z.number(), scale: z.number().positive(), offsetMs: z.number() }).optional(),
  /** Do not disturb: no OS notifications (SLA ones included) until switched off. */
  doNotDisturb: z.boolean().optional(),
});
export type SessionState = z.infer<typeof SessionState>;

export const InboxView = z.enum(['mine', 'unassigned', 'all']);
export type InboxView = z.infer<typeof InboxView>;

export const InboxRow = z.object({
  conversation: Conversation,
  contactName: z.string(),
  channelType: ChannelType,
  channelName: z.string(),
  assigneeName: z.string().nullable(),
  unread: z.boolean(),
  /** The assignee's effective presence (routing), shown next to the name. */
  assigneePresence: PresenceStatus.nullable().optional(),
});
export type InboxRow = z.infer<typeof InboxRow>;

/** A message as the agent sees it: `pending` while its mutation sits in the outbox. */
export const MessageView = Message.extend({
  pending: z.boolean(),
  channelType: ChannelType,
});
export type MessageView = z.infer<typeof MessageView>;

export const ConversationDetail = z.object({
  conversation: Conversation,
  contact: Contact,
  channel: Channel,
  messages: z.array(MessageView),
  /** The contact's other conversations, newest first. */
  earlier: z.array(Conversation),
  draft: Draft.nullable(),
  assigneeName: z.string().nullable(),
  /** SLA warnings and breaches of this conversation, oldest first (the timeline shows them). */
  slaEvents: z.array(SlaEvent).optional(),
  /** Channel rule for public replies now (WhatsApp 24-hour window); absent when the channel has none. */
  replyRule: z.object({ allowed: z.boolean(), reason: z.string().nullable(), closesAt: z.string().nullable() }).optional(),
  /** Routing decisions, claims and transfers, oldest first (the timeline explains who got it and why). */
  routingEvents: z.array(RoutingEvent).optional(),
  /** The assignee's effective presence. */
  assigneePresence: PresenceStatus.nullable().optional(),
});
export type ConversationDetail = z.infer<typeof ConversationDetail>;

const none = z.object({}).strict();

/**
 * What another window (the supervisor's dashboard) can show in the main window: one conversation, or the inbox
 * with filters. Electron: 'window.showInMain'; browser host: the same message on a BroadcastChannel (MAIN_WINDOW_CHANNEL).
 */
export const MainWindowLink = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('conversation'), conversationId: z.string().min(1).max(64) }).strict(),
  z.object({ kind: z.literal('inbox'), view: InboxView, status: ConversationStatus.nullable(), channelId: z.string().min(1).max(64).nullable(), atRisk: z.boolean() }).strict(),
]);
export type MainWindowLink = z.infer<typeof MainWindowLink>;
/** Browser host: the BroadcastChannel the main window's renderer listens on for MainWindowLink messages. */
export const MAIN_WINDOW_CHANNEL = 'threadline:main-window';
/** The dashboard's route: app://threadline/dashboard (Electron) and http://127.0.0.1:PORT/dashboard (browser host). */
export const DASHBOARD_PATH = '/dashboard';

/**
 * Windows (desktop shell only): the shell's IPC router answers these itself, the core never does; over the browser
 * host they answer `unsupported` (the renderer opens a tab and uses MAIN_WINDOW_CHANNEL instead).
 */
export const windowIpcContract = {
  /** Open (or focus) the supervisor dashboard window; `forbidden` unless the signed-in role is supervisor or admin. */
  'window.openDashboard': { args: none, result: z.null() },
  /** Reveal the main window and show the link there (a conversation like a threadline:// deep link, or inbox filters). */
  'window.showInMain': { args: MainWindowLink, result: z.null() },
} as const;
export type WindowMethod = keyof typeof windowIpcContract;

export const ipcContract = {
  'session.state': { args: none, result: SessionState },
  'session.login': { args: z.object({ serverUrl: z.string().url(), email: z.string().min(1), password: z.string().min(1) }), result: SessionState },
  'session.logout': { args: none, result: SessionState },
  'session.setDoNotDisturb': { args: z.object({ on: z.boolean() }), result: SessionState },
  'inbox.list': {
    args: z.object({
      view: InboxView,
      status: ConversationStatus.optional(),
      channelId: z.string().optional(),
      /** 'due': soonest SLA due time first (conversations without a running SLA last). Default 'recent'. */
      sort: z.enum(['recent', 'due']).optional(),
      /** Only conversations past an SLA warning threshold or breached. */
      atRisk: z.boolean().optional(),
      limit: z.number().int().positive().max(500).default(50),
      offset: z.number().int().nonnegative().default(0),
    }),
    result: z.object({ items: z.array(InboxRow), total: z.number().int() }),
  },
  'conversation.open': { args: z.object({ id: z.string() }), result: ConversationDetail },
  'conversation.setStatus': { args: z.object({ conversationId: z.string(), status: ConversationStatus }), result: z.null() },
  'conversation.assign': { args: z.object({ conversationId: z.string(), assigneeId: z.string().nullable() }), result: z.null() },
  'conversation.setPriority': { args: z.object({ conversationId: z.string(), priority: Priority }), result: z.null() },
  'conversation.markRead': { args: z.object({ conversationId: z.string() }), result: z.null() },
  /** attachmentIds: files uploaded first (HOST_ATTACHMENTS_UPLOAD_PATH); the text may then be empty. */
  'message.send': {
    args: z
      .object({ conversationId: z.string(), text: z.string().trim().max(MAX_MESSAGE_CHARS), private: z.boolean().default(false), attachmentIds: z.array(z.string().min(1).max(64)).max(1).optional(), channelId: z.string().min(1).max(64).optional() })
      // Empty text only with a file (outbound media).
      .refine((a) => a.text.length > 0 || (a.attachmentIds?.length ?? 0) > 0, { message: 'the message is empty', path: ['text'] }),
    result: MessageView,
  },
  'message.retry': { args: z.object({ conversationId: z.string(), messageId: z.string().min(1).max(64) }), result: z.null() },
  'draft.save': { args: z.object({ conversationId: z.string(), text: z.string().max(MAX_MESSAGE_CHARS) }), result: z.object({ savedAt: z.string() }) },
  'typing.set': { args: z.object({ conversationId: z.string(), on: z.boolean() }), result: z.null() },
  /** Routing presence (docs/routing.md): the agent's status, chosen or automatic away after idle. */
  'presence.get': { args: none, result: z.object({ status: z.enum(['online', 'away', 'offline']), auto: z.boolean() }) },
  'presence.set': { args: z.object({ status: z.enum(['online', 'away', 'offline']) }), result: z.object({ status: z.enum(['online', 'away', 'offline']), auto: z.boolean() }) },
  /** Seconds since the last input: the shell (OS idle time) or the renderer (page hidden / no input) reports it. */
  'presence.idle': { args: z.object({ seconds: z.number().min(0).max(10_000_000) }), result: z.object({ status: z.enum(['online', 'away', 'offline']), auto: z.boolean() }) },
  /** Collision detection: this agent has the conversation open (and is writing a reply). */
  'conversation.viewing': { args: z.object({ conversationId: z.string(), on: z.boolean(), replying: z.boolean().default(false) }), result: z.null() },
  'channels.list': { args: none, result: z.array(Channel) },
  /** Admins: create (no id) or edit a channel. Secrets are sent, never read back; an empty secret field is left out (kept). */
  'channels.save': {
    args: z.object({ id: z.string().max(64).optional(), type: ChannelType, name: z.string().trim().min(1).max(200), config: z.record(z.string(), z.unknown()) }),
    result: Channel,
  },
  'agents.list': { args: none, result: z.array(Agent) },
  /** WhatsApp: the channel's approved templates (synced by the server from the Graph API). */
  'templates.list': { args: z.object({ channelId: z.string().max(64) }), result: z.array(z.lazy(() => WhatsAppTemplate)) },
  /** WhatsApp: send an approved template (allowed outside the 24-hour window); the message arrives by sync. */
  'templates.send': {
    args: z.object({
      conversationId: z.string().max(64),
      name: z.string().min(1).max(512),
      language: z.string().min(1).max(32),
      parameters: z.array(z.object({ component: z.enum(['header', 'body']), index: z.number().int().min(1).max(100), text: z.string().trim().min(1).max(1024) })).max(100),
    }),
    result: z.null(),
  },
  /** Settings area (src-shared/admin.ts): teams, routing and escalation rules, SLA policies, calendars, agents. */
  ...adminIpcContract,
  /** Handoff and collaboration (src-shared/collab.ts): claim, transfer, presence list, team directory. */
  ...collabIpcContract,
  /** One customer, one thread (src-shared/identity/ipc.ts): local search, profile, suggestions, timeline, reply channels. */
  ...identityIpcContract,
  /** Supervisor dashboard (src-shared/metrics.ts): live queue/agent/SLA numbers and response times. */
  ...metricsIpcContract,
  /** Quality review (src-shared/quality.ts): rubric, weekly samples, reviews, results. */
  ...qualityIpcContract,
  /** Desktop windows (the shell answers these, not the core). */
  ...windowIpcContract,
  /** The original of a message (sanitised e-mail HTML, full text): shown on demand, in a sandboxed frame. */
  'message.original': { args: z.object({ messageId: z.string().max(64) }), result: z.object({ html: z.string().nullable(), text: z.string() }) },
} as const;

export const WhatsAppTemplate = z.object({
  name: z.string(),
  language: z.string(),
  category: z.string().nullable(),
  status: z.string(),
  body: z.string(),
  header: z.string().nullable(),
  variables: z.array(z.object({ component: z.enum(['header', 'body']), index: z.number().int() })),
});
export type WhatsAppTemplate = z.infer<typeof WhatsAppTemplate>;

export type IpcMethod = keyof typeof ipcContract;
export const ipcMethods = Object.keys(ipcContract) as IpcMethod[];
export type IpcArgs<M extends IpcMethod> = z.input<(typeof ipcContract)[M]['args']>;
export type IpcParsedArgs<M extends IpcMethod> = z.output<(typeof ipcContract)[M]['args']>;
export type IpcValue<M extends IpcMethod> = z.output<(typeof ipcContract)[M]['result']>;

export const IpcError = z.object({ code: z.string(), message: z.string() });
export type IpcError = z.infer<typeof IpcError>;
/** Signal Desktop's shape: a call never throws across the bridge. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const Notification = z.object({
  title: z.string(),
  body: z.string(),
  conversationId: z.string(),
  /** How many events this notification stands for (a coalesced burst). */
  count: z.number().int().positive(),
});
export type Notification = z.infer<typeof Notification>;

/** Events the core pushes to the renderer. The renderer never polls. */
export const IpcEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('changed'), entities: z.array(EntityName), conversationIds: z.array(z.string()) }),
  z.object({ type: z.literal('session'), state: SessionState }),
  z.object({ type: z.literal('typing'), conversationId: z.string(), who: z.enum(['customer', 'agent']), name: z.string(), on: z.boolean() }),
  z.object({ type: z.literal('navigate'), conversationId: z.string() }),
  /** The dashboard window asked the main window to show the inbox with these filters (MainWindowLink 'inbox'). */
  z.object({ type: z.literal('showInbox'), view: InboxView, status: ConversationStatus.nullable(), channelId: z.string().nullable(), atRisk: z.boolean() }),
  /** Another agent opened (on) / left a conversation, or is writing a reply in it. */
  z.object({ type: z.literal('viewing'), conversationId: z.string(), agentId: z.string(), name: z.string(), on: z.boolean(), replying: z.boolean() }),
  z.object({ type: z.literal('rejected'), mutation: z.string(), conversationId: z.string().nullable(), code: RejectCode, message: z.string() }),
  z.object({ type: z.literal('notify'), notification: Notification }),
]);
export type IpcEvent = z.infer<typeof IpcEvent>;

/** Electron channel names, and the browser host's WebSocket frames, for the same contract. */
export const IPC_INVOKE_CHANNEL = 'threadline:invoke';
export const IPC_EVENT_CHANNEL = 'threadline:event';
export const HOST_WS_PATH = '/ipc';
/** Browser host: POST here with the launch secret (x-threadline-secret) → a cookie valid for GET /attachments/:id. */
export const HOST_ATTACHMENTS_SESSION_PATH = '/attachments-session';
/**
 * Outbound media: the renderer POSTs a file's bytes here (same origin; ?conversationId=&name=, Content-Type the
 * file's type) — the browser host (cookie + Origin) and the Electron shell (app://threadline/) pass them to the
 * core, which uploads them to the server. Answers the server's {id, name, mimeType, size, kind} or {error}.
 */
export const ATTACHMENTS_UPLOAD_PATH = '/attachments/upload';
/** The largest file an agent can send (the server's limit too). */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
export const UploadedFile = z.object({ id: z.string(), name: z.string(), mimeType: z.string(), size: z.number().int(), kind: z.string() });
export type UploadedFile = z.infer<typeof UploadedFile>;

export const HostFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), id: z.number().int(), method: z.string(), args: z.unknown() }),
]);
export type HostFrame = z.infer<typeof HostFrame>;
export type HostReply =
  | { kind: 'result'; id: number; result: IpcResult<unknown> }
  | { kind: 'event'; event: IpcEvent };

/** What the renderer sees on window.threadline, whichever transport carries it. */
export interface ThreadlineBridge {
  invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<IpcValue<M>>>;
  onEvent(listener: (event: IpcEvent) => void): () => void;
}

/** The core's handler table: every method except the windows', which only the Electron shell serves. */
export type IpcHandlers = { [M in Exclude<IpcMethod, WindowMethod>]: (args: IpcParsedArgs<M>) => Promise<IpcValue<M>> };
export type WindowHandlers = { [M in WindowMethod]: (args: IpcParsedArgs<M>) => Promise<IpcValue<M>> };

/** Validate and dispatch one call against a handler table: used by the Electron IPC router and the browser host alike. */
export async function dispatchIpc(handlers: IpcHandlers & Partial<WindowHandlers>, method: unknown, rawArgs: unknown): Promise<IpcResult<unknown>> {
  // hasOwn, not `in`: inherited names such as '__proto__' or 'toString' are not methods.
  if (typeof method !== 'string' || !Object.hasOwn(ipcContract, method)) {
    return { ok: false, error: { code: 'unknown_method', message: `Unknown method ${String(method)}` } };
  }
  const m = method as IpcMethod;
  const parsed = ipcContract[m].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid_args', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ') } };
  }
  const handler = (handlers as Partial<Record<IpcMethod, (a: unknown) => Promise<unknown>>>)[m];
  // A window method where there are no windows to open (the browser host).
  if (!handler) return { ok: false, error: { code: 'unsupported', message: `${m} is only available in the desktop app` } };
  try {
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return { ok: false, error: { code: typeof e.code === 'string' ? e.code : 'internal', message: typeof e.message === 'string' ? e.message : String(err) } };
  }
}

/** Deep links: threadline://conversation/<id>. */
export function parseDeepLink(url: string): { conversationId: string } | null {
  const m = /^threadline:\/\/conversation\/([A-Za-z0-9_-]{1,64})\/?$/.exec(url.trim());
  return m ? { conversationId: m[1]! } : null;
}
