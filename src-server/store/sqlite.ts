// The ONLY module with SQLite-specific code: opening the file, pragmas, and how SQLite reports
// constraint violations. A PostgreSQL dialect module will sit next to this one later.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';
import type { StoreDialect } from './dialect';

export function openSqliteDialect(dataDir: string): StoreDialect {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'threadline.sqlite');
  const database = new Database(file);
  // WAL: readers never block the writer; NORMAL is durable across app crashes in WAL mode.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  reusePreparedStatements(database);
  return {
    name: 'sqlite',
    file,
    dialect: new SqliteDialect({ database }),
    isUniqueViolation(err: unknown): boolean {
      const code = (err as { code?: unknown } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
  };
}

/** Distinct SQL texts kept compiled; `IN (?, ?, …)` lists of varying length make the set open-ended. */
const PREPARED_STATEMENTS_KEPT = 500;

/**
 * Kysely's SQLite driver calls prepare() for every query; compiling showed as ~16 % of webhook ingest CPU.
 * Memoise it per connection, least recently used out. Safe because the server runs every query to completion
 * with .all()/.run() (it never streams), so one compiled statement per SQL text is never busy twice.
 */
export function reusePreparedStatements(db: Database.Database, kept = PREPARED_STATEMENTS_KEPT): Database.Database {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    let stmt = compiled.get(source);
    if (stmt) compiled.delete(source); // re-inserted below: Map order is recency order
    else stmt = compile(source);
    compiled.set(source, stmt);
    if (compiled.size > kept) compiled.delete(compiled.keys().next().value!);
    return stmt;
  }) as typeof db.prepare;
  return db;
}
