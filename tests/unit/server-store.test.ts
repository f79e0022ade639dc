// The server store on a real SQLite file: migrations from empty, pragmas, and the change log's
// one-row-per-entity-and-scope upsert with a single rising sequence.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src-server/store/db';
import { migrations } from '../../src-server/store/migrations';
import { ChangeWriter, pruneTombstones, readCounter } from '../../src-server/domain/change-log';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open(dir?: string) {
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-store-'));
  if (!dir) dirs.push(d);
  const store = await openStore({ dataDir: d });
  stores.push(store);
  return { store, dir: d };
}

describe('server store', () => {
  it('migrates an empty data dir to the latest version, once', async () => {
    const { store, dir } = await open();
    expect(store.applied).toEqual(Object.keys(migrations).sort());
    expect(fs.existsSync(path.join(dir, 'threadline.sqlite'))).toBe(true);

    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(store.db);
    const names = tables.rows.map((r) => r.name);
    for (const t of ['agents', 'sessions', 'channels', 'channel_members', 'contacts', 'contact_identities', 'conversations', 'messages', 'drafts', 'read_marks', 'client_mutations', 'change_log', 'kysely_migration']) {
      expect(names).toContain(t);
    }
    const recorded = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
    expect(recorded.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());

    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    expect(journal.rows[0]?.journal_mode).toBe('wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(store.db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);

    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const again = await open(dir);
    expect(again.store.applied).toEqual([]);
  });

  it('keeps one change-log row per entity and scope, each write with a new rising seq', async () => {
    const { store } = await open();
    const write = (fn: (w: ChangeWriter) => Promise<void>) => store.db.transaction().execute((trx) => fn(new ChangeWriter(trx)));
    await write((w) => w.put('contact', 'c1', ['ch1', 'ch2'], { v: 1 }));
    await write((w) => w.put('message', 'm1', ['ch1'], { v: 1 }));
    await write((w) => w.put('contact', 'c1', ['ch1'], { v: 2 }));

    const rows = await store.db.selectFrom('change_log').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => [r.entity, r.entity_id, r.scope, Number(r.seq), r.data])).toEqual([
      ['contact', 'c1', 'ch2', 2, '{"v":1}'],
      ['message', 'm1', 'ch1', 3, '{"v":1}'],
      ['contact', 'c1', 'ch1', 4, '{"v":2}'],
    ]);
    expect(await readCounter(store.db, 'change_seq')).toBe(4);

    await write((w) => w.del('message', 'm1', ['ch1']));
    const tomb = await store.db.selectFrom('change_log').selectAll().where('entity_id', '=', 'm1').execute();
    expect(tomb).toHaveLength(1);
    expect(tomb[0]).toMatchObject({ op: 'del', data: null, seq: 5 });
  });

  it('rolls back change-log rows with the transaction', async () => {
    const { store } = await open();
    await expect(
      store.db.transaction().execute(async (trx) => {
        await new ChangeWriter(trx).put('agent', 'a1', ['*'], {});
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.db.selectFrom('change_log').selectAll().execute()).toEqual([]);
    expect(await readCounter(store.db, 'change_seq')).toBe(0);
  });

  it('pruning tombstones raises min_cursor', async () => {
    const { store } = await open();
    await store.db.transaction().execute(async (trx) => {
      const w = new ChangeWriter(trx);
      await w.put('draft', 'd1', ['agent:x'], {});
      await w.del('draft', 'd1', ['agent:x']);
      await w.put('draft', 'd2', ['agent:x'], {});
    });
    const removed = await store.db.transaction().execute((trx) => pruneTombstones(trx, 2));
    expect(removed).toBe(1);
    expect(await readCounter(store.db, 'min_cursor')).toBe(2);
    expect((await store.db.selectFrom('change_log').select('entity_id').execute()).map((r) => r.entity_id)).toEqual(['d2']);
  });
});
