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
