// Routing and collaboration in the desktop cache (cache migration 7): synced routing events (the conversation
// timeline explains every assignment, claim and transfer), every agent's presence (inbox header, next to assignee
// names), and the routing / mention notifications already shown, so each is shown at most once.
import type Database from 'better-sqlite3';
import type { Agent } from '../../../src-shared/domain';
import { Presence, RoutingEvent } from '../../../src-shared/routing';
import type { PresenceStatus } from '../../../src-shared/routing';
import type { Change } from '../../../src-shared/sync';
import { parse } from './rows';

type DB = Database.Database;

export interface AgentPresence {
  agentId: string;
  name: string;
  /** What routing uses: online / away / offline (offline also when the server never heard of the agent). */
  status: PresenceStatus;
}

/** A synced routing event; returns true when it is new to this cache (a notification candidate). */
export function applyRoutingEventChange(db: DB, ch: Change): boolean {
  if (ch.op !== 'put' || ch.data == null) {
    db.prepare('DELETE FROM routing_events WHERE id = ?').run(ch.id);
    return false;
  }
  const e = RoutingEvent.safeParse(ch.data);
  if (!e.success) return false;
  const existed = db.prepare('SELECT 1 FROM routing_events WHERE id = ?').get(e.data.id);
  db.prepare(
    `INSERT INTO routing_events (id, conversation_id, seq, at, data) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET conversation_id = excluded.conversation_id, seq = excluded.seq, at = excluded.at, data = excluded.data`,
  ).run(e.data.id, e.data.conversationId, e.data.seq, e.data.at, JSON.stringify(e.data));
  return !existed;
}

export function applyPresenceChange(db: DB, ch: Change): void {
  if (ch.op !== 'put' || ch.data == null) {
    db.prepare('DELETE FROM presence WHERE id = ?').run(ch.id);
    return;
  }
  const p = Presence.safeParse(ch.data);
  if (!p.success) return;
  db.prepare('INSERT INTO presence (id, effective, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET effective = excluded.effective, data = excluded.data').run(
    p.data.id,
    p.data.effective,
    JSON.stringify(p.data),
  );
}

export function routingEventsOf(db: DB, conversationId: string): RoutingEvent[] {
  return (db.prepare('SELECT data FROM routing_events WHERE conversation_id = ? ORDER BY seq, at, id').all(conversationId) as { data: string }[]).map((r) => parse<RoutingEvent>(r.data));
}

export function routingEventsByIds(db: DB, ids: readonly string[]): RoutingEvent[] {
  if (ids.length === 0) return [];
  return (db.prepare('SELECT data FROM routing_events WHERE id IN (SELECT value FROM json_each(?)) ORDER BY at, seq').all(JSON.stringify(ids)) as { data: string }[]).map((r) => parse<RoutingEvent>(r.data));
}

export function presenceOf(db: DB, agentId: string | null): PresenceStatus | null {
  if (!agentId) return null;
  const row = db.prepare('SELECT effective FROM presence WHERE id = ?').get(agentId) as { effective: string } | undefined;
  return (row?.effective as PresenceStatus | undefined) ?? 'offline';
}

export const routingOps = {
  /** Every agent with their effective presence, by name (the inbox header's "n online", the transfer dialog). */
  presenceList(db: DB, _args: Record<string, never>): AgentPresence[] {
    const rows = db.prepare('SELECT a.data AS agent, p.effective AS effective FROM agents a LEFT JOIN presence p ON p.id = a.id').all() as { agent: string; effective: string | null }[];
    return rows
      .map((r) => {
        const a = parse<Agent>(r.agent);
        return { agentId: a.id, name: a.name, status: (r.effective as PresenceStatus | null) ?? 'offline' };
      })
      .sort((x, y) => x.name.localeCompare(y.name));
  },

  /** Records notifications as shown; returns the keys that were not shown before (each key at most once, ever). */
  collabClaimNotifications(db: DB, args: { keys: string[]; at: string }): string[] {
    return db.transaction(() => {
      const insert = db.prepare('INSERT INTO collab_notified (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING');
      return args.keys.filter((k) => insert.run(k, args.at).changes === 1);
    })();
  },
};
