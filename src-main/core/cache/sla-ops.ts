// SLA in the desktop cache: synced slaEvent entities, the per-conversation due/warning columns behind "Due soonest"
// and "At risk", the watch list of the SLA watcher, and the record of SLA notifications already shown.
// Due times come from the same src-shared/sla functions the server uses, on the snapshot the server sent.
import type Database from 'better-sqlite3';
import type { Conversation } from '../../../src-shared/domain';
import type { InboxRow, InboxView } from '../../../src-shared/ipc';
import type { Change } from '../../../src-shared/sync';
import { answered, dueAtOf, riskStartsAt, SlaEvent, SlaSnapshot, slaTargets } from '../../../src-shared/sla';
import { contactOrPlaceholder, parse, toInboxRow, type InboxSqlRow } from './rows';

type DB = Database.Database;

export function snapshotOf(c: Conversation): SlaSnapshot | null {
  if (!c.sla) return null;
  const parsed = SlaSnapshot.safeParse(c.sla);
  return parsed.success ? parsed.data : null;
}

/**
 * The conversation as the agent sees it with a public reply still in the outbox: first/next response are met
 * already (the same transition the server will apply when the reply arrives), so no countdown or notification
 * runs for a conversation the agent has answered offline.
 */
export function withLocalReply(view: Conversation): Conversation {
  const s = snapshotOf(view);
  if (!s) return view;
  return { ...view, sla: answered(s), firstResponseDueAt: null, nextResponseDueAt: null };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Soonest running due time and first warning time, from the snapshot (resolved conversations: none). */
export function slaColumns(c: Conversation): { due: string | null; warn: string | null } {
  const s = snapshotOf(c);
  if (!s || c.status === 'resolved') return { due: null, warn: null };
  let due: number | null = null;
  for (const t of slaTargets) {
    const clock = s.targets[t];
    const d = clock ? dueAtOf(s.calendar, clock) : null;
    if (d !== null && (due === null || d < due)) due = d;
  }
  const warn = riskStartsAt(s);
  return { due: iso(due), warn: iso(warn) };
}

/** After a conversation row is written (server change or local rebase): keep the SLA columns in step. */
export function writeSlaColumns(db: DB, id: string): void {
  const row = db.prepare('SELECT data FROM conversations WHERE id = ?').get(id) as { data: string } | undefined;
  if (!row) return;
  const { due, warn } = slaColumns(parse<Conversation>(row.data));
  db.prepare('UPDATE conversations SET sla_due_at = ?, sla_warn_at = ? WHERE id = ?').run(due, warn, id);
}

export function applySlaEventChange(db: DB, ch: Change): void {
  if (ch.op !== 'put' || ch.data == null) {
    db.prepare('DELETE FROM sla_events WHERE id = ?').run(ch.id);
    return;
  }
  const e = SlaEvent.safeParse(ch.data);
  if (!e.success) return;
  db.prepare(
    `INSERT INTO sla_events (id, conversation_id, fired_at, data) VALUES (?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET conversation_id = excluded.conversation_id, fired_at = excluded.fired_at, data = excluded.data`,
  ).run(e.data.id, e.data.conversationId, e.data.firedAt, JSON.stringify(e.data));
}

export function slaEventsOf(db: DB, conversationId: string): SlaEvent[] {
  return (db.prepare('SELECT data FROM sla_events WHERE conversation_id = ? ORDER BY fired_at, id').all(conversationId) as { data: string }[]).map((r) => parse<SlaEvent>(r.data));
}

export interface WatchedConversation {
  conversation: Conversation;
  contactName: string;
}

export const slaOps = {
  /** Open/pending conversations with a running SLA: the watcher's input. */
  slaWatchList(db: DB, _args: Record<string, never>): WatchedConversation[] {
    // "> ''" = IS NOT NULL for ISO times, but as ranges both indexes serve it (cache migration 5): no full scan.
    const rows = db.prepare(
      `SELECT c.data, ct.data AS contact FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id
       WHERE c.sla_due_at > '' OR c.sla_warn_at > ''`,
    ).all() as { data: string; contact: string | null }[];
    return rows.map((r) => {
      const conversation = parse<Conversation>(r.data);
      return { conversation, contactName: contactOrPlaceholder(r.contact, conversation).name };
    });
  },

  /**
   * SLA events stored after `afterRowid` (in arrival order: an event pulled late — fired while this app was offline —
   * still comes after), with their conversation as the agent sees it now. `afterRowid` null: just the current head.
   */
  slaEventsSince(db: DB, args: { afterRowid: number | null }): { head: number; items: { event: SlaEvent; conversation: Conversation | null; contactName: string }[] } {
    const head = (db.prepare('SELECT COALESCE(MAX(rowid), 0) AS h FROM sla_events').get() as { h: number }).h;
    if (args.afterRowid === null) return { head, items: [] };
    const rows = db.prepare(
      `SELECT e.data, c.data AS conv, ct.data AS contact FROM sla_events e
       LEFT JOIN conversations c ON c.id = e.conversation_id LEFT JOIN contacts ct ON ct.id = c.contact_id
       WHERE e.rowid > ? AND e.rowid <= ? ORDER BY e.rowid`,
    ).all(args.afterRowid, head) as { data: string; conv: string | null; contact: string | null }[];
    const items = rows.map((r) => {
      const conversation = r.conv ? parse<Conversation>(r.conv) : null;
      return { event: parse<SlaEvent>(r.data), conversation, contactName: conversation ? contactOrPlaceholder(r.contact, conversation).name : 'Customer' };
    });
    return { head, items };
  },

  /** Keys not yet notified are claimed (recorded) and returned: each SLA notification is shown at most once. */
  slaClaimNotifications(db: DB, args: { keys: string[]; at: string }): string[] {
    return db.transaction(() => {
      const insert = db.prepare('INSERT INTO sla_notified (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
      return args.keys.filter((k) => insert.run(k, args.at).changes > 0);
    })();
  },

  /** The inbox sorted by the soonest due time ("Due soonest") and/or filtered to conversations at risk. */
  slaInboxList(
    db: DB,
    args: { view: InboxView; status?: Conversation['status']; channelId?: string; limit: number; offset: number; meId: string | null; sort?: 'recent' | 'due'; atRisk?: boolean; now: string },
  ): { items: InboxRow[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = { me: args.meId ?? '', now: args.now };
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
    if (args.atRisk) where.push('c.sla_warn_at IS NOT NULL AND c.sla_warn_at <= @now');
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = args.sort === 'due' ? 'c.sla_due_at IS NULL, c.sla_due_at ASC, c.last_message_at DESC, c.id DESC' : 'c.last_message_at DESC, c.id DESC';
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM conversations c ${filter}`).get(params) as { n: number }).n;
    const rows = db.prepare(
      `SELECT c.data, ct.data AS contact, ch.data AS channel, a.data AS assignee,
         (c.last_inbound_at IS NOT NULL AND (rm.read_at IS NULL OR c.last_inbound_at > rm.read_at)) AS unread
       FROM conversations c
       LEFT JOIN contacts ct ON ct.id = c.contact_id
       LEFT JOIN channels ch ON ch.id = c.channel_id
       LEFT JOIN agents a ON a.id = c.assignee_id
       LEFT JOIN read_marks rm ON rm.conversation_id = c.id AND rm.agent_id = @me
       ${filter}
       ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit: args.limit, offset: args.offset }) as InboxSqlRow[];
    return { items: rows.map(toInboxRow), total };
  },
};
