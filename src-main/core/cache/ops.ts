// Every cache operation, synchronous, run inside the cache worker thread. Each exported op that writes
// does so in ONE SQLite transaction, so an optimistic change and its outbox row land together or not at all.
import { ftsQueryOf } from './fts-query';
import type Database from 'better-sqlite3';
import type { Agent, Channel, Conversation, Draft, Message, ReadMark } from '../../../src-shared/domain';
import { mutationArgs, type Change, type MutationName, type MutationResult, type RejectCode } from '../../../src-shared/sync';
import type { InboxRow, InboxView, MessageView, ConversationDetail } from '../../../src-shared/ipc';
import { uuidv7, nowIso } from '../../../src-shared/ids';
import { SERVER_DERIVED_TABLES } from './schema';
import { channelOrPlaceholder, contactOrPlaceholder, maxIso, parse, toInboxRow, type InboxSqlRow } from './rows';
import { applySlaEventChange, slaColumns, slaEventsOf, slaOps, withLocalReply, writeSlaColumns } from './sla-ops';
import { whatsappReplyRule } from '../../../src-shared/reply-window';
import type { RoutingEvent } from '../../../src-shared/routing';
import { applyPresenceChange, applyRoutingEventChange, presenceOf, routingEventsByIds, routingEventsOf, routingOps } from './routing-ops';

type DB = Database.Database;

export class CacheError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

// ── meta ─────────────────────────────────────────────────────────────────────────────────────
export interface StoredSession {
  serverUrl: string | null;
  token: string | null;
  agent: Agent | null;
}

export interface SyncMeta {
  clientId: string;
  cursor: number;
  scopeKey: string | null;
  lastSyncedAt: string | null;
}

/** The signed-in agent's id (a claim shows as mine before the server confirms it). */
function meIdOf(db: DB): string | null {
  const agent = getMeta(db, 'agent');
  return agent ? parse<Agent>(agent).id : null;
}

function getMeta(db: DB, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? row.value : null;
}

function setMeta(db: DB, key: string, value: string | null): void {
  if (value === null) db.prepare('DELETE FROM meta WHERE key = ?').run(key);
  else db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The client id is minted once per data dir: the server keys its last-applied mutation number by it. */
function ensureClientId(db: DB): string {
  let id = getMeta(db, 'clientId');
  if (!id) {
    id = uuidv7();
    setMeta(db, 'clientId', id);
  }
  return id;
}

// ── outbox ───────────────────────────────────────────────────────────────────────────────────
export interface OutboxEntry {
  seq: number;
  id: string;
  name: MutationName;
  args: unknown;
  conversationId: string | null;
  createdAt: string;
  status: 'pending' | 'sent';
  attempt: number;
}

interface OutboxRow {
  seq: number;
  id: string;
  name: MutationName;
  args: string;
  conversation_id: string | null;
  created_at: string;
  status: 'pending' | 'sent';
  attempt: number;
}

function toEntry(r: OutboxRow): OutboxEntry {
  return { seq: r.seq, id: r.id, name: r.name, args: parse(r.args), conversationId: r.conversation_id, createdAt: r.created_at, status: r.status, attempt: r.attempt };
}

function pendingFor(db: DB, conversationId: string): OutboxEntry[] {
  return (db.prepare('SELECT * FROM outbox WHERE conversation_id = ? ORDER BY seq').all(conversationId) as OutboxRow[]).map(toEntry);
}

/** The customer's newest message on this conversation's channel (any of their conversations there). */
function lastInboundOf(db: DB, conversation: Conversation): string | null {
  const rows = db.prepare('SELECT data FROM conversations WHERE contact_id = ?').all(conversation.contactId) as { data: string }[];
  let last: string | null = null;
  for (const r of rows) {
    const c = parse<Conversation>(r.data);
    if (c.channelId === conversation.channelId && c.lastInboundAt && (!last || c.lastInboundAt > last)) last = c.lastInboundAt;
  }
  return last;
}

function appendOutbox(db: DB, name: MutationName, args: { conversationId: string }): OutboxEntry {
  const last = db.prepare('SELECT MAX(seq) AS s FROM outbox').get() as { s: number | null };
  // Seq never goes back, even when the outbox is empty: the server skips numbers it has already applied.
  const floor = Number(getMeta(db, 'lastSeq') ?? '0');
  const seq = Math.max(last.s ?? 0, floor) + 1;
  setMeta(db, 'lastSeq', String(seq));
  const entry: OutboxEntry = { seq, id: uuidv7(), name, args, conversationId: args.conversationId, createdAt: nowIso(), status: 'pending', attempt: 0 };
  db.prepare('INSERT INTO outbox (seq, id, name, args, conversation_id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    seq, entry.id, name, JSON.stringify(args), args.conversationId, entry.createdAt,
  );
  return entry;
}

function pendingMessageIds(db: DB, conversationId?: string): Set<string> {
  // A transfer's handover note is an optimistic message too (its id: noteId).
  const rows = (conversationId
    ? db.prepare("SELECT args FROM outbox WHERE name IN ('sendMessage', 'transfer') AND conversation_id = ?").all(conversationId)
    : db.prepare("SELECT args FROM outbox WHERE name IN ('sendMessage', 'transfer')").all()) as { args: string }[];
  return new Set(rows.map((r) => parse<{ messageId?: string; noteId?: string }>(r.args)).map((a) => (a.messageId ?? a.noteId)!));
}

// ── rebase: what the agent sees = the server's row + the mutations still in the outbox ──────────
function writeConversation(db: DB, c: Conversation, serverJson: string | null): void {
  db.prepare(
    `INSERT INTO conversations (id, contact_id, channel_id, status, assignee_id, last_message_at, last_inbound_at, data, server_data)
     VALUES (@id, @contactId, @channelId, @status, @assigneeId, @lastMessageAt, @lastInboundAt, @data, @server)
     ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id, channel_id = excluded.channel_id, status = excluded.status,
       assignee_id = excluded.assignee_id, last_message_at = excluded.last_message_at, last_inbound_at = excluded.last_inbound_at,
       data = excluded.data, server_data = excluded.server_data`,
  ).run({ ...c, lastInboundAt: c.lastInboundAt, data: JSON.stringify(c), server: serverJson });
}

/** A conversation exactly as the server sent it (nothing pending): view = server row, SLA columns from it. */
function writeServerConversation(db: DB, c: Conversation, json: string): void {
  const { due, warn } = slaColumns(c);
  db.prepare(
    `INSERT INTO conversations (id, contact_id, channel_id, status, assignee_id, last_message_at, last_inbound_at, data, server_data, sla_due_at, sla_warn_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET contact_id = excluded.contact_id, channel_id = excluded.channel_id, status = excluded.status,
       assignee_id = excluded.assignee_id, last_message_at = excluded.last_message_at, last_inbound_at = excluded.last_inbound_at,
       data = excluded.data, server_data = excluded.server_data, sla_due_at = excluded.sla_due_at, sla_warn_at = excluded.sla_warn_at`,
  ).run(c.id, c.contactId, c.channelId, c.status, c.assigneeId, c.lastMessageAt, c.lastInboundAt, json, json, due, warn);
}

function rebaseConversation(db: DB, id: string, opts: { serverRowJustWritten?: boolean } = {}): void {
  const pending = pendingFor(db, id);
  if (opts.serverRowJustWritten && pending.length === 0) {
    // The row already is the server's (data = server_data): rewriting it would only redo its index entries.
    writeSlaColumns(db, id);
    return;
  }
  const row = db.prepare('SELECT data, server_data FROM conversations WHERE id = ?').get(id) as { data: string; server_data: string | null } | undefined;
  if (!row) return;
  let view = parse<Conversation>(row.server_data ?? row.data);
  let replied = false;
  for (const m of pending) {
    const a = m.args as Record<string, unknown>;
    if (m.name === 'setStatus') view.status = a.status as Conversation['status'];
    else if (m.name === 'assign') view.assigneeId = a.assigneeId as string | null;
    else if (m.name === 'claim' && !view.assigneeId) view.assigneeId = meIdOf(db);
    else if (m.name === 'transfer') view.assigneeId = (a.toAgentId as string | undefined) ?? null;
    else if (m.name === 'setPriority') view.priority = a.priority as Conversation['priority'];
    else if (m.name === 'sendMessage' && !a.private && m.createdAt >= view.lastMessageAt) {
      view.lastMessageAt = m.createdAt;
      view.lastMessagePreview = String(a.text).slice(0, 200);
    }
    if (m.name === 'sendMessage' && !a.private) replied = true;
  }
  if (replied) view = withLocalReply(view);
  writeConversation(db, view, row.server_data);
  writeSlaColumns(db, id);
}

function rebaseReadMark(db: DB, id: string): void {
  const row = db.prepare('SELECT conversation_id, server_read_at FROM read_marks WHERE id = ?').get(id) as { conversation_id: string; server_read_at: string | null } | undefined;
  if (!row) return;
  let readAt = row.server_read_at;
  for (const m of pendingFor(db, row.conversation_id)) if (m.name === 'markRead') readAt = maxIso(readAt, (m.args as { readAt: string }).readAt);
  if (readAt) db.prepare('UPDATE read_marks SET read_at = ? WHERE id = ?').run(readAt, id);
  else db.prepare('DELETE FROM read_marks WHERE id = ?').run(id);
}

// ── applying server changes ──────────────────────────────────────────────────────────────────
export interface Touched {
  entities: Change['entity'][];
  conversationIds: string[];
}

/** Entities that appeared for the first time in this batch: the notification policy's raw material. */
export interface Fresh {
  conversations: { conversation: Conversation; contactName: string }[];
  messages: { message: Message; assigneeId: string | null; contactName: string }[];
  /** Routing events new to this cache (claims, transfers, reassignments: their `notify` names whom to tell). */
  routingEvents?: RoutingEvent[];
}

function conversationIdOf(change: Change, db: DB): string | null {
  if (change.entity === 'conversation') return change.id;
  if (change.data && typeof change.data === 'object' && 'conversationId' in change.data) return String((change.data as { conversationId: unknown }).conversationId);
  if (change.entity === 'message') {
    const row = db.prepare('SELECT conversation_id FROM messages WHERE id = ?').get(change.id) as { conversation_id: string } | undefined;
    return row?.conversation_id ?? null;
  }
  return null;
}

/** What a batch tracks as it applies: the fresh sets are null when nobody will read them (a bootstrap). */
interface ApplyState {
  meId: string | null;
  freshConv: Set<string> | null;
  freshMsg: Set<string> | null;
  freshRouting: Set<string>;
  /** False when the outbox is empty: no conversation of this batch has anything to rebase. */
  outboxInUse: boolean;
}

function applyOne(db: DB, ch: Change, st: ApplyState): void {
  const { meId, freshConv, freshMsg, freshRouting } = st;
  const put = ch.op === 'put' && ch.data != null;
  const json = put ? JSON.stringify(ch.data) : '';
  switch (ch.entity) {
    case 'agent':
    case 'channel':
    case 'contact': {
      const table = `${ch.entity}s`;
      if (put) db.prepare(`INSERT INTO ${table} (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`).run(ch.id, json);
      else db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(ch.id);
      return;
    }
    case 'conversation': {
      if (!put) {
        db.prepare('DELETE FROM conversations WHERE id = ?').run(ch.id);
        db.prepare('DELETE FROM messages WHERE conversation_id = ? AND from_server = 1').run(ch.id);
        return;
      }
      if (freshConv && !db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(ch.id)) freshConv.add(ch.id);
      if (!st.outboxInUse) {
        // Nothing to rebase: the server's row is the view, written once with its SLA columns (what
        // writeConversation + rebaseConversation would leave, without writing the row and its indexes twice).
        writeServerConversation(db, ch.data as Conversation, json);
        return;
      }
      writeConversation(db, ch.data as Conversation, json);
      rebaseConversation(db, ch.id, { serverRowJustWritten: true });
      return;
    }
    case 'message': {
      if (!put) {
        db.prepare('DELETE FROM messages WHERE id = ?').run(ch.id);
        return;
      }
      const m = ch.data as Message;
      if (freshMsg && !db.prepare('SELECT 1 FROM messages WHERE id = ?').get(ch.id)) freshMsg.add(ch.id);
      // Server data wins: an optimistic row becomes the server's row (same id: the mutation's messageId).
      db.prepare(
        `INSERT INTO messages (id, conversation_id, created_at, text, data, from_server) VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT (id) DO UPDATE SET conversation_id = excluded.conversation_id, created_at = excluded.created_at,
           text = excluded.text, data = excluded.data, from_server = 1`,
      ).run(m.id, m.conversationId, m.createdAt, m.text, json);
      return;
    }
    case 'draft': {
      const d = put ? (ch.data as Draft) : null;
      const row = db.prepare('SELECT conversation_id, agent_id FROM drafts WHERE id = ?').get(ch.id) as { conversation_id: string; agent_id: string } | undefined;
      const convId = d?.conversationId ?? row?.conversation_id;
      const agentId = d?.agentId ?? row?.agent_id;
      // A local draft not yet pushed is newer than anything the server can tell us about it.
      if (convId && agentId === meId && pendingFor(db, convId).some((m) => m.name === 'saveDraft')) return;
      if (d) {
        db.prepare(
          `INSERT INTO drafts (id, agent_id, conversation_id, text, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
        ).run(d.id, d.agentId, d.conversationId, d.text, d.updatedAt);
      } else db.prepare('DELETE FROM drafts WHERE id = ?').run(ch.id);
      return;
    }
    case 'routingEvent':
      if (applyRoutingEventChange(db, ch)) freshRouting.add(ch.id);
      return;
    case 'presence':
      applyPresenceChange(db, ch);
      return;
    case 'slaEvent':
      applySlaEventChange(db, ch);
      return;
    case 'readMark': {
      if (!put) {
        db.prepare('DELETE FROM read_marks WHERE id = ?').run(ch.id);
        return;
      }
      const r = ch.data as ReadMark;
      db.prepare(
        `INSERT INTO read_marks (id, agent_id, conversation_id, read_at, server_read_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET server_read_at = excluded.server_read_at`,
      ).run(r.id, r.agentId, r.conversationId, r.readAt, r.readAt);
      rebaseReadMark(db, r.id);
      return;
    }
  }
}

function collectFresh(db: DB, freshConv: Set<string>, freshMsg: Set<string>, freshRouting: Set<string> = new Set()): Fresh {
  const contactName = (conv: Conversation | undefined): string => {
    if (!conv) return 'Customer';
    const row = db.prepare('SELECT data FROM contacts WHERE id = ?').get(conv.contactId) as { data: string } | undefined;
    return contactOrPlaceholder(row?.data, conv).name;
  };
  const conversation = (id: string): Conversation | undefined => {
    const row = db.prepare('SELECT data FROM conversations WHERE id = ?').get(id) as { data: string } | undefined;
    return row ? parse<Conversation>(row.data) : undefined;
  };
  const fresh: Fresh = { conversations: [], messages: [], routingEvents: routingEventsByIds(db, [...freshRouting]) };
  for (const id of freshConv) {
    const conv = conversation(id);
    if (conv) fresh.conversations.push({ conversation: conv, contactName: contactName(conv) });
  }
  for (const id of freshMsg) {
    const row = db.prepare('SELECT data FROM messages WHERE id = ?').get(id) as { data: string } | undefined;
    if (!row) continue;
    const message = parse<Message>(row.data);
    const conv = conversation(message.conversationId);
    fresh.messages.push({ message, assigneeId: conv?.assigneeId ?? null, contactName: contactName(conv) });
  }
  return fresh;
}

// ── inbox and conversation queries ───────────────────────────────────────────────────────────
function agentName(db: DB, id: string | null): string | null {
  if (!id) return null;
  const row = db.prepare('SELECT data FROM agents WHERE id = ?').get(id) as { data: string } | undefined;
  return row ? parse<Agent>(row.data).name : null;
}

function messageViews(db: DB, conversationId: string, channelType: Channel['type']): MessageView[] {
  const pending = pendingMessageIds(db, conversationId);
  const rows = db.prepare('SELECT data FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid').all(conversationId) as { data: string }[];
  // Issue 4: a thread may hold messages of several channels; each is marked with its own.
  const types = new Map<string, Channel['type']>();
  const typeOf = (channelId: string): Channel['type'] => {
    let t = types.get(channelId);
    if (t === undefined) {
      const ch = db.prepare('SELECT data FROM channels WHERE id = ?').get(channelId) as { data: string } | undefined;
      t = ch ? parse<Channel>(ch.data).type : channelType;
      types.set(channelId, t);
    }
    return t;
  };
  return rows.map((r) => {
    const m = parse<Message>(r.data);
    return { ...m, pending: pending.has(m.id), channelType: m.channelId ? typeOf(m.channelId) : channelType };
  });
}

// ── the operations the main thread may call ──────────────────────────────────────────────────
export const ops = {
  ping(_db: DB, _args: Record<string, never>): { schemaVersion: number; journalMode: string; synchronous: number } {
    return {
      schemaVersion: _db.pragma('user_version', { simple: true }) as number,
      journalMode: _db.pragma('journal_mode', { simple: true }) as string,
      synchronous: _db.pragma('synchronous', { simple: true }) as number,
    };
  },

  loadSession(db: DB, _args: Record<string, never>): StoredSession & SyncMeta & { doNotDisturb: boolean } {
    const agent = getMeta(db, 'agent');
    return {
      serverUrl: getMeta(db, 'serverUrl'),
      token: getMeta(db, 'token'),
      agent: agent ? parse<Agent>(agent) : null,
      clientId: ensureClientId(db),
      cursor: Number(getMeta(db, 'cursor') ?? '0'),
      scopeKey: getMeta(db, 'scopeKey'),
      lastSyncedAt: getMeta(db, 'lastSyncedAt'),
      doNotDisturb: getMeta(db, 'doNotDisturb') === '1',
    };
  },

  /** Do not disturb is the agent's choice on this device: kept across restarts and sign-ins. */
  setDoNotDisturb(db: DB, args: { on: boolean }): void {
    setMeta(db, 'doNotDisturb', args.on ? '1' : null);
  },

  /**
   * Store a new session. A different agent on the same data dir gets a clean cache and a new client id,
   * unless mutations of the previous agent still wait in the outbox: those are never dropped.
   */
  saveSession(db: DB, args: StoredSession): void {
    db.transaction(() => {
      const prev = getMeta(db, 'agent');
      const prevId = prev ? parse<Agent>(prev).id : null;
      if (args.agent && prevId && prevId !== args.agent.id) {
        const n = (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
        if (n > 0) throw new CacheError('outbox_pending', `${n} unsent change(s) belong to ${parse<Agent>(prev!).name}; sign in as them to send them first`);
        for (const t of SERVER_DERIVED_TABLES) db.prepare(`DELETE FROM ${t}`).run();
        db.prepare('DELETE FROM drafts').run();
        for (const k of ['cursor', 'scopeKey', 'lastSyncedAt', 'clientId', 'lastSeq']) setMeta(db, k, null);
        ensureClientId(db);
      }
      setMeta(db, 'serverUrl', args.serverUrl);
      setMeta(db, 'token', args.token);
      setMeta(db, 'agent', args.agent ? JSON.stringify(args.agent) : null);
    })();
  },

  /** Signed out (logout or 401): forget the token, keep everything else, the outbox above all. */
  clearToken(db: DB, _args: Record<string, never>): void {
    setMeta(db, 'token', null);
  },

  setAgent(db: DB, args: { agent: Agent }): void {
    setMeta(db, 'agent', JSON.stringify(args.agent));
  },

  setScopeKey(db: DB, args: { scopeKey: string }): void {
    setMeta(db, 'scopeKey', args.scopeKey);
  },

  /** The server said reset: drop what it can rebuild, keep the outbox, drafts and optimistic messages. */
  reset(db: DB, args: { scopeKey: string }): void {
    db.transaction(() => {
      const keep = [...pendingMessageIds(db)];
      db.prepare(`DELETE FROM messages WHERE id NOT IN (SELECT value FROM json_each(?))`).run(JSON.stringify(keep));
      for (const t of SERVER_DERIVED_TABLES) if (t !== 'messages') db.prepare(`DELETE FROM ${t}`).run();
      setMeta(db, 'cursor', '0');
      setMeta(db, 'scopeKey', args.scopeKey);
    })();
  },

  /** One pulled batch, in one transaction, together with the new cursor. */
  applyChanges(db: DB, args: { changes: Change[]; cursor: number; meId: string | null; collectFresh?: boolean }): Touched & { fresh: Fresh } {
    return db.transaction(() => {
      const entities = new Set<Change['entity']>();
      const conversationIds = new Set<string>();
      const wantFresh = args.collectFresh !== false;
      const st: ApplyState = {
        meId: args.meId,
        freshConv: wantFresh ? new Set() : null,
        freshMsg: wantFresh ? new Set() : null,
        freshRouting: new Set(),
        outboxInUse: db.prepare('SELECT 1 FROM outbox LIMIT 1').get() !== undefined,
      };
      for (const ch of args.changes) {
        entities.add(ch.entity);
        const cid = conversationIdOf(ch, db);
        if (cid) conversationIds.add(cid);
        applyOne(db, ch, st);
      }
      setMeta(db, 'cursor', String(args.cursor));
      setMeta(db, 'lastSyncedAt', nowIso());
      // A bootstrap does not notify, so it skips reading every new row back (collectFresh: false).
      const fresh = wantFresh ? collectFresh(db, st.freshConv!, st.freshMsg!, st.freshRouting) : { conversations: [], messages: [] };
      return { entities: [...entities], conversationIds: [...conversationIds], fresh };
    })();
  },

  /**
   * An agent action: the optimistic change and its outbox row in one transaction.
   * Returns the message view for sendMessage.
   */
  mutate(db: DB, args: { name: MutationName; args: Record<string, unknown>; me: Agent }): { seq: number; message: MessageView | null; touched: Touched } {
    return db.transaction(() => {
      const convId = String(args.args.conversationId);
      const convRow = db.prepare('SELECT data FROM conversations WHERE id = ?').get(convId) as { data: string } | undefined;
      if (!convRow) throw new CacheError('not_found', `Conversation ${convId} is not in the local cache`);
      const conv = parse<Conversation>(convRow.data);
      const touched: Touched = { entities: ['conversation'], conversationIds: [convId] };
      let message: MessageView | null = null;
      let entry: OutboxEntry;
      switch (args.name) {
        case 'sendMessage': {
          const a = mutationArgs.sendMessage.parse({ ...args.args, messageId: uuidv7() });
          entry = appendOutbox(db, 'sendMessage', a);
          const m: Message = {
            id: a.messageId, conversationId: convId, channelId: (!a.private && a.channelId) || conv.channelId, direction: a.private ? 'note' : 'outbound',
            text: a.text, status: 'queued', authorId: args.me.id, authorName: args.me.name, createdAt: entry.createdAt, failureReason: null,
          };
          db.prepare('INSERT INTO messages (id, conversation_id, created_at, text, data, from_server) VALUES (?, ?, ?, ?, ?, 0)').run(m.id, convId, m.createdAt, m.text, JSON.stringify(m));
          // The server deletes the agent's draft when the reply is stored; do the same locally now.
          db.prepare('DELETE FROM drafts WHERE agent_id = ? AND conversation_id = ?').run(args.me.id, convId);
          const channel = db.prepare('SELECT data FROM channels WHERE id = ?').get(m.channelId) as { data: string } | undefined;
          message = { ...m, pending: true, channelType: channelOrPlaceholder(channel?.data, m.channelId).type };
          touched.entities.push('message', 'draft');
          break;
        }
        case 'setStatus':
          entry = appendOutbox(db, 'setStatus', mutationArgs.setStatus.parse(args.args));
          break;
        case 'retryMessage':
          // No optimistic change: the server answers within one poke with the message back at `queued`.
          entry = appendOutbox(db, 'retryMessage', mutationArgs.retryMessage.parse(args.args));
          touched.entities.push('message');
          break;
        case 'assign':
          entry = appendOutbox(db, 'assign', mutationArgs.assign.parse(args.args));
          break;
        case 'claim':
          entry = appendOutbox(db, 'claim', mutationArgs.claim.parse(args.args));
          break;
        case 'transfer': {
          // The handover note shows at once as a pending private note; the server's copy replaces it (same id).
          const a = mutationArgs.transfer.parse({ ...args.args, noteId: uuidv7() });
          entry = appendOutbox(db, 'transfer', a);
          if (a.note) {
            const m: Message = {
              id: a.noteId, conversationId: convId, channelId: conv.channelId, direction: 'note', text: a.note, status: 'queued',
              authorId: args.me.id, authorName: args.me.name, createdAt: entry.createdAt, failureReason: null,
            };
            db.prepare('INSERT INTO messages (id, conversation_id, created_at, text, data, from_server) VALUES (?, ?, ?, ?, ?, 0)').run(m.id, convId, m.createdAt, m.text, JSON.stringify(m));
            touched.entities.push('message');
          }
          break;
        }
        case 'setPriority':
          entry = appendOutbox(db, 'setPriority', mutationArgs.setPriority.parse(args.args));
          break;
        case 'markRead': {
          const mine = db.prepare('SELECT read_at FROM read_marks WHERE agent_id = ? AND conversation_id = ?').get(args.me.id, convId) as { read_at: string } | undefined;
          // Already read up to the newest inbound message: nothing to send (opening a conversation calls this every time).
          if (!conv.lastInboundAt || (mine && mine.read_at >= conv.lastInboundAt)) return { seq: 0, message: null, touched: { entities: [], conversationIds: [] } };
          // Never before the newest inbound message, so a clock behind the server's still clears the marker.
          const readAt = maxIso(nowIso(), conv.lastInboundAt)!;
          const a = mutationArgs.markRead.parse({ conversationId: convId, readAt });
          entry = appendOutbox(db, 'markRead', a);
          const id = `${args.me.id}:${convId}`;
          db.prepare(
            `INSERT INTO read_marks (id, agent_id, conversation_id, read_at, server_read_at) VALUES (?, ?, ?, ?, NULL)
             ON CONFLICT (id) DO NOTHING`,
          ).run(id, args.me.id, convId, readAt);
          rebaseReadMark(db, id);
          touched.entities = ['readMark'];
          break;
        }
        case 'saveDraft': {
          const a = mutationArgs.saveDraft.parse(args.args);
          const now = nowIso();
          db.prepare(
            `INSERT INTO drafts (id, agent_id, conversation_id, text, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
          ).run(`${args.me.id}:${convId}`, args.me.id, convId, a.text, now);
          // Typing must not flood the outbox: when the newest mutation of this conversation is a saveDraft never
          // pushed yet, it just takes the newest text (never one before a send, which would resurrect the old draft).
          const newest = db.prepare('SELECT seq, name, attempt FROM outbox WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1').get(convId) as { seq: number; name: string; attempt: number } | undefined;
          const unsent = newest && newest.name === 'saveDraft' && newest.attempt === 0 ? newest : undefined;
          if (unsent) {
            db.prepare('UPDATE outbox SET args = ?, created_at = ? WHERE seq = ?').run(JSON.stringify(a), now, unsent.seq);
            entry = toEntry(db.prepare('SELECT * FROM outbox WHERE seq = ?').get(unsent.seq) as OutboxRow);
          } else entry = appendOutbox(db, 'saveDraft', a);
          touched.entities = ['draft'];
          break;
        }
      }
      rebaseConversation(db, convId);
      return { seq: entry.seq, message, touched };
    })();
  },

  /** Lowest seq still in the outbox, or null when it is empty. */
  outboxFirstSeq(db: DB, _args: Record<string, never>): number | null {
    return (db.prepare('SELECT MIN(seq) AS s FROM outbox').get() as { s: number | null }).s;
  },

  outboxCount(db: DB, _args: Record<string, never>): number {
    return (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  },

  outboxList(db: DB, _args: Record<string, never>): OutboxEntry[] {
    return (db.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[]).map(toEntry);
  },

  /** The next batch to push, in seq order; counts the attempt so its args are frozen from now on. */
  takeBatch(db: DB, args: { limit: number }): OutboxEntry[] {
    return db.transaction(() => {
      const rows = db.prepare('SELECT * FROM outbox ORDER BY seq LIMIT ?').all(args.limit) as OutboxRow[];
      const mark = db.prepare("UPDATE outbox SET status = 'sent', attempt = attempt + 1 WHERE seq = ?");
      for (const r of rows) mark.run(r.seq);
      return rows.map((r) => toEntry({ ...r, status: 'sent', attempt: r.attempt + 1 }));
    })();
  },

  /** The server has applied everything up to `seq` (welcome or pushResult): those rows are done. */
  ackThrough(db: DB, args: { seq: number }): number {
    return db.prepare('DELETE FROM outbox WHERE seq <= ?').run(args.seq).changes;
  },

  /**
   * The server stopped at a gap after `lastSeq`: renumber what is left so it follows on without one.
   * Safe because none of these were applied (the server applies in order and stopped before them).
   */
  closeGap(db: DB, args: { lastSeq: number }): void {
    db.transaction(() => {
      const rows = db.prepare('SELECT seq FROM outbox WHERE seq > ? ORDER BY seq').all(args.lastSeq) as { seq: number }[];
      if (rows.length === 0 || rows[0]!.seq === args.lastSeq + 1) return;
      // Move out of the way first so the primary key never collides while renumbering.
      const offset = (rows[rows.length - 1]!.seq + 1) * 2;
      db.prepare('UPDATE outbox SET seq = seq + ? WHERE seq > ?').run(offset, args.lastSeq);
      rows.forEach((r, i) => db.prepare('UPDATE outbox SET seq = ? WHERE seq = ?').run(args.lastSeq + 1 + i, r.seq + offset));
      setMeta(db, 'lastSeq', String(args.lastSeq + rows.length));
    })();
  },

  /**
   * Results of a push: applied/duplicate leave the outbox; rejected ones leave it too and their optimistic change
   * is rolled back to the server's last row. Returns what was rejected so the agent can be told why.
   */
  settle(db: DB, args: { results: MutationResult[] }): { rejected: { mutation: MutationName; conversationId: string | null; code: RejectCode; message: string }[]; touched: Touched } {
    return db.transaction(() => {
      const rejected: { mutation: MutationName; conversationId: string | null; code: RejectCode; message: string }[] = [];
      const entities = new Set<Change['entity']>();
      const conversationIds = new Set<string>();
      for (const r of args.results) {
        const row = db.prepare('SELECT * FROM outbox WHERE seq = ? AND id = ?').get(r.seq, r.id) as OutboxRow | undefined;
        if (!row) continue;
        db.prepare('DELETE FROM outbox WHERE seq = ?').run(r.seq);
        if (r.status !== 'rejected') continue;
        const entry = toEntry(row);
        const cid = entry.conversationId;
        rejected.push({ mutation: entry.name, conversationId: cid, code: r.error?.code ?? 'invalid', message: r.error?.message ?? 'Rejected by the server' });
        if (cid) conversationIds.add(cid);
        entities.add('conversation');
        if (entry.name === 'transfer') {
          db.prepare('DELETE FROM messages WHERE id = ? AND from_server = 0').run((entry.args as { noteId: string }).noteId);
          entities.add('message');
        }
        if (entry.name === 'sendMessage') {
          // The server never stored it: remove the optimistic message (a server copy, if any, stays).
          db.prepare('DELETE FROM messages WHERE id = ? AND from_server = 0').run((entry.args as { messageId: string }).messageId);
          entities.add('message');
        } else if (entry.name === 'markRead') {
          const mark = db.prepare('SELECT id FROM read_marks WHERE conversation_id = ?').all(cid) as { id: string }[];
          for (const m of mark) rebaseReadMark(db, m.id);
          entities.add('readMark');
        }
        if (cid) rebaseConversation(db, cid);
      }
      return { rejected, touched: { entities: [...entities], conversationIds: [...conversationIds] } };
    })();
  },

  inboxList(db: DB, args: { view: InboxView; status?: Conversation['status']; channelId?: string; limit: number; offset: number; meId: string | null }): { items: InboxRow[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = { me: args.meId ?? '' };
    if (args.view === 'mine') where.push('c.assignee_id = @me');
    if (args.view === 'unassigned') where.push('c.assignee_id IS NULL');
    if (args.status) {
      where.push('c.status = @status');
      params.status = args.status;
    }
    if (args.channelId) {
      where.push('c.channel_id = @channelId');
      params.channelId = args.channelId;
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // The total from inbox_counts (per assignee/status/channel, kept by triggers): same filter, a few hundred rows.
    const total = (db.prepare(`SELECT COALESCE(SUM(c.n), 0) AS n FROM inbox_counts c ${filter}`).get(params) as { n: number }).n;
    // The page's ids first, walking an index in ORDER BY order (skipping `offset` entries without reading rows),
    // then the joins for those rows only (CROSS JOIN keeps the page as the outer loop).
    const rows = db.prepare(
      `WITH page AS (
         SELECT c.rowid AS r FROM conversations c ${filter}
         ORDER BY c.last_message_at DESC, c.id DESC LIMIT @limit OFFSET @offset
       )
       SELECT c.data, ct.data AS contact, ch.data AS channel, a.data AS assignee,
         (c.last_inbound_at IS NOT NULL AND (rm.read_at IS NULL OR c.last_inbound_at > rm.read_at)) AS unread
       FROM page CROSS JOIN conversations c ON c.rowid = page.r
       LEFT JOIN contacts ct ON ct.id = c.contact_id
       LEFT JOIN channels ch ON ch.id = c.channel_id
       LEFT JOIN agents a ON a.id = c.assignee_id
       LEFT JOIN read_marks rm ON rm.conversation_id = c.id AND rm.agent_id = @me
       ORDER BY c.last_message_at DESC, c.id DESC`,
    ).all({ ...params, limit: args.limit, offset: args.offset }) as InboxSqlRow[];
    return { items: rows.map(toInboxRow), total };
  },

  conversationOpen(db: DB, args: { id: string; meId: string | null }): ConversationDetail {
    const row = db.prepare('SELECT data FROM conversations WHERE id = ?').get(args.id) as { data: string } | undefined;
    if (!row) throw new CacheError('not_found', `Conversation ${args.id} not found`);
    const conversation = parse<Conversation>(row.data);
    const contactRow = db.prepare('SELECT data FROM contacts WHERE id = ?').get(conversation.contactId) as { data: string } | undefined;
    const channelRow = db.prepare('SELECT data FROM channels WHERE id = ?').get(conversation.channelId) as { data: string } | undefined;
    const channel = channelOrPlaceholder(channelRow?.data, conversation.channelId);
    const earlier = (db.prepare('SELECT data FROM conversations WHERE contact_id = ? AND id != ? ORDER BY last_message_at DESC').all(conversation.contactId, conversation.id) as { data: string }[]).map((r) => parse<Conversation>(r.data));
    const draftRow = db.prepare('SELECT * FROM drafts WHERE agent_id = ? AND conversation_id = ?').get(args.meId ?? '', args.id) as { id: string; agent_id: string; conversation_id: string; text: string; updated_at: string } | undefined;
    return {
      conversation,
      contact: contactOrPlaceholder(contactRow?.data, conversation),
      channel,
      messages: messageViews(db, conversation.id, channel.type),
      earlier,
      draft: draftRow ? { id: draftRow.id, agentId: draftRow.agent_id, conversationId: draftRow.conversation_id, text: draftRow.text, updatedAt: draftRow.updated_at } : null,
      assigneeName: agentName(db, conversation.assigneeId),
      slaEvents: slaEventsOf(db, conversation.id),
      routingEvents: routingEventsOf(db, conversation.id),
      assigneePresence: presenceOf(db, conversation.assigneeId),
      ...(channel.type === 'whatsapp' ? { replyRule: whatsappReplyRule(lastInboundOf(db, conversation), new Date()) } : {}),
    };
  },

  channelsList(db: DB, _args: Record<string, never>): Channel[] {
    return (db.prepare('SELECT data FROM channels').all() as { data: string }[]).map((r) => parse<Channel>(r.data)).sort((a, b) => a.name.localeCompare(b.name));
  },

  agentsList(db: DB, _args: Record<string, never>): Agent[] {
    return (db.prepare('SELECT data FROM agents').all() as { data: string }[]).map((r) => parse<Agent>(r.data)).sort((a, b) => a.name.localeCompare(b.name));
  },

  /**
   * A bootstrap is starting: messages from here on skip the search index (cache migration 6) and are indexed
   * afterwards by indexSearchBacklog, so the pull applies at the speed of the plain tables.
   */
  searchBacklogStart(db: DB, _args: Record<string, never>): void {
    if (getMeta(db, 'ftsBacklogFrom') !== null) return;
    const max = (db.prepare('SELECT COALESCE(MAX(rowid), 0) AS m FROM messages').get() as { m: number }).m;
    setMeta(db, 'ftsBacklogFrom', String(max + 1));
  },

  /**
   * A bootstrap builds the conversations' secondary indexes (inbox orders, SLA, contact) once at the end instead of
   * row by row: maintaining eleven indexes per written conversation took half of the bootstrap's cache time.
   * Their exact CREATE statements wait in meta.deferredIndexes until restoreDeferredIndexes (at the end of the
   * pull, or when the worker opens the cache after a crash), so the schema afterwards is the same as before.
   */
  deferConversationIndexes(db: DB, _args: Record<string, never>): void {
    db.transaction(() => {
      if (getMeta(db, 'deferredIndexes') !== null) return;
      const rows = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'conversations' AND sql IS NOT NULL ORDER BY name").all() as { name: string; sql: string }[];
      setMeta(db, 'deferredIndexes', JSON.stringify(rows.map((r) => r.sql)));
      for (const r of rows) db.exec(`DROP INDEX "${r.name}"`);
    })();
  },

  /** Builds the indexes deferConversationIndexes dropped (no-op when none wait); true when it built some. */
  restoreDeferredIndexes(db: DB, _args: Record<string, never>): boolean {
    return db.transaction(() => {
      const json = getMeta(db, 'deferredIndexes');
      if (json === null) return false;
      for (const sql of parse<string[]>(json)) db.exec(sql);
      setMeta(db, 'deferredIndexes', null);
      return true;
    })();
  },

  /** Indexes up to `limit` messages of the backlog (one transaction); returns how many are still waiting (limit 0: just count). */
  indexSearchBacklog(db: DB, args: { limit: number }): number {
    return db.transaction(() => {
      const mark = getMeta(db, 'ftsBacklogFrom');
      if (mark === null) return 0;
      let from = Number(mark);
      if (args.limit > 0) {
        const rows = db.prepare('SELECT rowid AS r, text FROM messages WHERE rowid >= ? ORDER BY rowid LIMIT ?').all(from, args.limit) as { r: number; text: string }[];
        const insert = db.prepare('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)');
        for (const row of rows) insert.run(row.r, row.text);
        if (rows.length < args.limit) {
          setMeta(db, 'ftsBacklogFrom', null);
          return 0;
        }
        from = rows[rows.length - 1]!.r + 1;
        setMeta(db, 'ftsBacklogFrom', String(from));
      }
      return (db.prepare('SELECT COUNT(*) AS n FROM messages WHERE rowid >= ?').get(from) as { n: number }).n;
    })();
  },

  /** Full-text search over message text, newest matches first (the UI comes in a later issue). */
  searchMessages(db: DB, args: { query: string; limit: number }): Message[] {
    // Issue 4: the agent's text is sanitised into a safe MATCH expression (fts-query.ts); nothing left → no hits.
    const match = ftsQueryOf(args.query);
    if (match === null) return [];
    const rows = db.prepare(
      // Newest matches first: FTS5 walks its doclists in descending rowid order and stops at the limit, where
      // ORDER BY rank would score every match (hundreds of thousands for a common word over 2M messages).
      `SELECT m.data FROM messages m
       WHERE m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
       ORDER BY m.rowid DESC`,
    ).all(match, args.limit) as { data: string }[];
    return rows.map((r) => parse<Message>(r.data));
  },

  /** Local search for the inbox search box: newest matching messages with their conversation's contact and channel. */
  searchLocal(db: DB, args: { query: string; limit: number }): { message: Message; contactName: string; channelType: string | null }[] {
    const match = ftsQueryOf(args.query);
    if (match === null) return [];
    const rows = db.prepare(
      `SELECT m.data AS data, ct.data AS contact, ch.data AS channel FROM messages m
       LEFT JOIN conversations c ON c.id = m.conversation_id
       LEFT JOIN contacts ct ON ct.id = c.contact_id
       LEFT JOIN channels ch ON ch.id = json_extract(m.data, '$.channelId')
       WHERE m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
       ORDER BY m.rowid DESC`,
    ).all(match, args.limit) as { data: string; contact: string | null; channel: string | null }[];
    return rows.map((r) => ({
      message: parse<Message>(r.data),
      contactName: r.contact ? parse<{ name: string }>(r.contact).name : '',
      channelType: r.channel ? parse<{ type: string }>(r.channel).type : null,
    }));
  },

  /** For tests and diagnostics: raw row counts per table. */
  counts(db: DB, _args: Record<string, never>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of [...SERVER_DERIVED_TABLES, 'drafts', 'outbox']) out[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return out;
  },
  // SLA (sla-ops.ts).
  slaWatchList: (db: DB, a: Record<string, never>) => slaOps.slaWatchList(db, a),
  slaEventsSince: (db: DB, a: { afterRowid: number | null }) => slaOps.slaEventsSince(db, a),
  slaClaimNotifications: (db: DB, a: { keys: string[]; at: string }) => slaOps.slaClaimNotifications(db, a),
  slaInboxList: (db: DB, a: Parameters<typeof slaOps.slaInboxList>[1]) => slaOps.slaInboxList(db, a),
  // Routing and collaboration (routing-ops.ts).
  presenceList: (db: DB, a: Record<string, never>) => routingOps.presenceList(db, a),
  collabClaimNotifications: (db: DB, a: { keys: string[]; at: string }) => routingOps.collabClaimNotifications(db, a),
};

export type CacheOps = typeof ops;
export type CacheOpName = keyof CacheOps;
export type CacheOpArgs<K extends CacheOpName> = Parameters<CacheOps[K]>[1];
export type CacheOpResult<K extends CacheOpName> = ReturnType<CacheOps[K]>;
