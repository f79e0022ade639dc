// Versioned schema of the desktop cache. PRAGMA user_version holds the number of migrations applied.
// The outbox and drafts cannot be rebuilt from the server: no migration may drop or empty them.
import type Database from 'better-sqlite3';

/** Tables the server can always rebuild: a reset empties exactly these (and never outbox, drafts, meta). */
export const SERVER_DERIVED_TABLES = ['agents', 'channels', 'contacts', 'conversations', 'messages', 'read_marks', 'sla_events', 'routing_events', 'presence'] as const;

const migrations: string[] = [
  // 1: entities mirrored from the server (each row keeps the whole entity as JSON, plus the columns we query by)
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE agents (id TEXT PRIMARY KEY, data TEXT NOT NULL);
  CREATE TABLE channels (id TEXT PRIMARY KEY, data TEXT NOT NULL);
  CREATE TABLE contacts (id TEXT PRIMARY KEY, data TEXT NOT NULL);
  -- data = what the agent sees (server row + pending local mutations); server_data = the row the server last sent,
  -- kept so a rejected mutation can be rolled back exactly.
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY, contact_id TEXT NOT NULL, channel_id TEXT NOT NULL, status TEXT NOT NULL,
    assignee_id TEXT, last_message_at TEXT NOT NULL, last_inbound_at TEXT,
    data TEXT NOT NULL, server_data TEXT
  );
  CREATE INDEX conversations_by_time ON conversations (last_message_at DESC);
  CREATE INDEX conversations_by_contact ON conversations (contact_id);
  -- from_server = 0 for an optimistic message the server has not sent back yet.
  CREATE TABLE messages (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL, created_at TEXT NOT NULL,
    text TEXT NOT NULL, data TEXT NOT NULL, from_server INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
  CREATE TABLE read_marks (id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL, read_at TEXT NOT NULL, server_read_at TEXT);
  CREATE INDEX read_marks_by_conversation ON read_marks (conversation_id);
  CREATE TABLE drafts (id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL, text TEXT NOT NULL, updated_at TEXT NOT NULL);
  CREATE INDEX drafts_by_conversation ON drafts (conversation_id);
  -- mutations waiting for the server, in seq order; attempt > 0 once pushed at least once.
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, args TEXT NOT NULL,
    conversation_id TEXT, created_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempt INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbox_by_conversation ON outbox (conversation_id);
  `,
  // 2: full-text index of message text, kept in step by triggers (search comes in a later issue).
  `
  CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid');
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  `,
  // 3 (performance): inbox indexes that match every filter's ORDER BY exactly (no sort, LIMIT stops early),
  // and inbox_counts, the number of conversations per (assignee, status, channel) kept by triggers, so the
  // inbox total is a sum over a few hundred rows instead of a count over every conversation.
  `
  DROP INDEX IF EXISTS conversations_by_time;
  CREATE INDEX conversations_inbox ON conversations (last_message_at DESC, id DESC);
  CREATE INDEX conversations_inbox_assignee ON conversations (assignee_id, last_message_at DESC, id DESC);
  CREATE INDEX conversations_inbox_status ON conversations (status, last_message_at DESC, id DESC);
  CREATE INDEX conversations_inbox_channel ON conversations (channel_id, last_message_at DESC, id DESC);
  CREATE INDEX conversations_inbox_channel_status ON conversations (channel_id, status, last_message_at DESC, id DESC);
  CREATE INDEX conversations_inbox_assignee_status ON conversations (assignee_id, status, last_message_at DESC, id DESC);
  CREATE INDEX conversations_inbox_channel_assignee ON conversations (channel_id, assignee_id, last_message_at DESC, id DESC);
  CREATE INDEX conversations_inbox_assignee_status_channel ON conversations (assignee_id, status, channel_id, last_message_at DESC, id DESC);
  CREATE TABLE inbox_counts (
    k TEXT PRIMARY KEY, assignee_id TEXT, status TEXT NOT NULL, channel_id TEXT NOT NULL, n INTEGER NOT NULL
  );
  INSERT INTO inbox_counts (k, assignee_id, status, channel_id, n)
    SELECT COALESCE(assignee_id, '') || '|' || status || '|' || channel_id, assignee_id, status, channel_id, COUNT(*)
    FROM conversations GROUP BY assignee_id, status, channel_id;
  CREATE TRIGGER inbox_counts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO inbox_counts (k, assignee_id, status, channel_id, n)
      VALUES (COALESCE(new.assignee_id, '') || '|' || new.status || '|' || new.channel_id, new.assignee_id, new.status, new.channel_id, 1)
      ON CONFLICT (k) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER inbox_counts_delete AFTER DELETE ON conversations BEGIN
    UPDATE inbox_counts SET n = n - 1 WHERE k = COALESCE(old.assignee_id, '') || '|' || old.status || '|' || old.channel_id;
  END;
  CREATE TRIGGER inbox_counts_update AFTER UPDATE OF assignee_id, status, channel_id ON conversations BEGIN
    UPDATE inbox_counts SET n = n - 1 WHERE k = COALESCE(old.assignee_id, '') || '|' || old.status || '|' || old.channel_id;
    INSERT INTO inbox_counts (k, assignee_id, status, channel_id, n)
      VALUES (COALESCE(new.assignee_id, '') || '|' || new.status || '|' || new.channel_id, new.assignee_id, new.status, new.channel_id, 1)
      ON CONFLICT (k) DO UPDATE SET n = n + 1;
  END;
  `,
  // 4 (SLA): the soonest running due time and the first warning time of each conversation (for "Due soonest" and
  // "At risk"), SLA events synced from the server, and the SLA notifications already shown (never shown twice).
  `
  ALTER TABLE conversations ADD COLUMN sla_due_at TEXT;
  ALTER TABLE conversations ADD COLUMN sla_warn_at TEXT;
  CREATE INDEX conversations_sla_due ON conversations (sla_due_at);
  CREATE TABLE sla_events (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, fired_at TEXT NOT NULL, data TEXT NOT NULL);
  CREATE INDEX sla_events_by_conversation ON sla_events (conversation_id, fired_at);
  CREATE TABLE sla_notified (key TEXT PRIMARY KEY, at TEXT NOT NULL);
  `,
  // 5 (performance): the SLA watch list asks for "sla_due_at IS NOT NULL OR sla_warn_at IS NOT NULL"; with both
  // columns indexed that is two index probes instead of reading every conversation (316 ms at 200k, at every start).
  `
  CREATE INDEX conversations_sla_warn ON conversations (sla_warn_at);
  `,
  // 6 (performance): search indexing can lag behind a bootstrap. Messages from rowid meta.ftsBacklogFrom on are not
  // in messages_fts yet (the triggers skip them); ops.indexSearchBacklog indexes them in chunks afterwards and moves
  // the mark up, until it is gone. Invariant: every message below the mark is indexed, none at or above it.
  `
  DROP TRIGGER messages_fts_insert;
  DROP TRIGGER messages_fts_delete;
  DROP TRIGGER messages_fts_update;
  CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  WHEN new.rowid < (SELECT COALESCE(MIN(CAST(value AS INTEGER)), 9223372036854775807) FROM meta WHERE key = 'ftsBacklogFrom') BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  WHEN old.rowid < (SELECT COALESCE(MIN(CAST(value AS INTEGER)), 9223372036854775807) FROM meta WHERE key = 'ftsBacklogFrom') BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  END;
  CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
  WHEN old.rowid < (SELECT COALESCE(MIN(CAST(value AS INTEGER)), 9223372036854775807) FROM meta WHERE key = 'ftsBacklogFrom') BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
  END;
  `,
  // 7 (routing, collaboration): routing events synced from the server (the conversation timeline's "Assigned to Ana by
  // rule …" notes), every agent's presence (inbox header, next to assignee names), and the routing / mention
  // notifications already shown (each at most once, across restarts).
  `
  CREATE TABLE routing_events (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL);
  CREATE INDEX routing_events_by_conversation ON routing_events (conversation_id, seq);
  CREATE TABLE presence (id TEXT PRIMARY KEY, effective TEXT NOT NULL, data TEXT NOT NULL);
  CREATE TABLE collab_notified (key TEXT PRIMARY KEY, at TEXT NOT NULL);
  `,
];

export const SCHEMA_VERSION = migrations.length;

/** Open pragmas: WAL so readers never block the writer; NORMAL is durable in WAL mode except on power loss. */
export function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

/** Apply every migration not yet applied, each in its own transaction. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new Error(`Cache schema v${current} is newer than this app (v${migrations.length})`);
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
