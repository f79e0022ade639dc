// Opens the server store: the dialect (embedded SQLite by default), Kysely, and migrations.
import { Kysely } from 'kysely';
import type { DB } from './schema';
import type { StoreDialect } from './dialect';
import { openSqliteDialect } from './sqlite';
import { migrateToLatest } from './migrations';

export type Db = Kysely<DB>;

export interface Store {
  db: Db;
  dialect: StoreDialect;
  /** Migrations applied by this open (empty when already at the latest version). */
  applied: string[];
  close(): Promise<void>;
}

export async function openStore(opts: { dataDir: string }): Promise<Store> {
  const dialect = openSqliteDialect(opts.dataDir);
  const db = new Kysely<DB>({ dialect: dialect.dialect });
  try {
    const applied = await migrateToLatest(db as unknown as Kysely<unknown>);
    return { db, dialect, applied, close: () => db.destroy() };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}
