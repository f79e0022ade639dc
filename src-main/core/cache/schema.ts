// Versioned schema of the desktop cache. PRAGMA user_version holds the number of migrations applied.
// The outbox and drafts cannot be rebuilt from the server: no migration may drop or empty them.
import type Database from 'better-sqlite3';

/** Tables the server can always rebuild: a reset empties exactly these (and never outbox, drafts, meta). */
export const SERVER_DERIVED_TABLES = ['agents', 'channels', 'contacts', 'conversations', 'messages', 'read_marks'] as const;

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
