// The webhook ingest speed-ups keep behaviour (docs/performance.md "Ingest"): a batched change-log write gives
// the rows, order and data that writing each at once gives; a prepared query runs the builder's SQL with the
// call's values; ids made in one millisecond rise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src-server/store/db';
import { ChangeWriter, readCounter } from '../../src-server/domain/change-log';
import { prepared } from '../../src-server/store/prepared';
import { uuidv7 } from '../../src-shared/ids';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-ingest-'));
  dirs.push(dir);
  const store = await openStore({ dataDir: dir });
  stores.push(store);
  return store;
}

/** The same writes, each in its own transaction as the runner does them. */
async function writeAll(store: Store, batched: boolean) {
  const run = (fn: (w: ChangeWriter) => Promise<void>) =>
    store.db.transaction().execute(async (trx) => {
      const w = new ChangeWriter(trx);
      if (batched) w.batch();
      await fn(w);
      if (batched) await w.flush();
      return w;
    });
  await run(async (w) => {
    await w.put('contact', 'c1', ['ch1', 'ch2'], { v: 1 });
    await w.put('conversation', 'v1', ['ch1'], { channelId: 'ch1', v: 1 });
    await w.put('contact', 'c1', ['ch1'], { v: 2 }); // overwritten in the same transaction: its last write counts
    await w.del('draft', 'd1', ['agent:a']);
  });
  const last = await run(async (w) => {
    // A message is synced in its conversation's scope, whatever scope is passed (known from the put above or read).
    await w.put('message', 'm1', ['elsewhere'], { conversationId: 'v1', v: 1 });
    await w.put('conversation', 'v1', ['ch1'], { channelId: 'ch1', v: 2 });
  });
  const rows = await store.db.selectFrom('change_log').selectAll().orderBy('seq').execute();
  return { rows: rows.map((r) => [r.entity, r.entity_id, r.scope, r.op, r.data]), seqs: rows.map((r) => Number(r.seq)), last, head: await readCounter(store.db, 'change_seq') };
}

describe('webhook ingest paths', () => {
  it('a batched change-log write leaves the rows and order that writing each row at once leaves', async () => {
    const a = await open();
    await a.db.insertInto('contacts').values({ id: 'k', name: 'K', email: null, is_demo: 0, created_at: 'x', updated_at: 'x' }).execute();
    await a.db.insertInto('channels').values({ id: 'ch1', type: 'webchat', name: 'W', config: '{}', created_at: 'x', updated_at: 'x' }).execute();
    await a.db
      .insertInto('conversations')
      .values({ id: 'v1', contact_id: 'k', channel_id: 'ch1', status: 'open', assignee_id: null, subject: null, last_message_at: 'x', last_message_preview: '', last_inbound_at: null, is_demo: 0, created_at: 'x', updated_at: 'x' })
      .execute();
    const b = await open();
    await b.db.insertInto('contacts').values({ id: 'k', name: 'K', email: null, is_demo: 0, created_at: 'x', updated_at: 'x' }).execute();
    await b.db.insertInto('channels').values({ id: 'ch1', type: 'webchat', name: 'W', config: '{}', created_at: 'x', updated_at: 'x' }).execute();
    await b.db
      .insertInto('conversations')
      .values({ id: 'v1', contact_id: 'k', channel_id: 'ch1', status: 'open', assignee_id: null, subject: null, last_message_at: 'x', last_message_preview: '', last_inbound_at: null, is_demo: 0, created_at: 'x', updated_at: 'x' })
      .execute();

    const one = await writeAll(a, false);
    const batched = await writeAll(b, true);
    expect(batched.rows).toEqual(one.rows);
    expect(batched.rows.map((r) => r.slice(0, 3))).toEqual([
      ['contact', 'c1', 'ch2'],
      ['contact', 'c1', 'ch1'],
      ['draft', 'd1', 'agent:a'],
      ['message', 'm1', 'ch1'],
      ['conversation', 'v1', 'ch1'],
    ]);
    // Seqs rise with the rows; a batch takes one per row it writes (none burnt on a version overwritten inside it):
    // 4 rows, then 2 (v1 moves from seq 2 to 6).
    expect(batched.seqs).toEqual([1, 3, 4, 5, 6]);
    expect(batched.head).toBe(6);
    expect(batched.last.lastSeq).toBe(6);
    expect(one.seqs).toEqual([2, 4, 5, 6, 7]);
    expect([...batched.last.scopes].sort()).toEqual(['ch1']);
    expect(one.last.lastSeq).toBe(one.head);
  });

  it('a prepared query runs the SQL the builder gives, with each call’s values', async () => {
    const store = await open();
    await store.db.insertInto('contacts').values([
      { id: 'a', name: 'Ana', email: null, is_demo: 0, created_at: 'x', updated_at: 'x' },
      { id: 'b', name: 'Budi', email: 'b@x.io', is_demo: 0, created_at: 'x', updated_at: 'x' },
    ]).execute();
    const byId = prepared((q, arg: (k: 'id') => string) => q.selectFrom('contacts').select(['id', 'name', 'email']).where('id', '=', arg('id')).where('is_demo', '=', 0));
    expect(await byId.first(store.db, { id: 'b' })).toEqual({ id: 'b', name: 'Budi', email: 'b@x.io' });
    expect(await byId.first(store.db, { id: 'a' })).toEqual({ id: 'a', name: 'Ana', email: null });
    expect(await byId.rows(store.db, { id: 'nobody' })).toEqual([]);
    const rename = prepared((q, arg: (k: 'id' | 'name') => string) => q.updateTable('contacts').set({ name: arg('name') }).where('id', '=', arg('id')));
    expect(await store.db.transaction().execute((trx) => rename.run(trx, { id: 'a', name: 'Ana Maria' }))).toBe(1);
    expect(await rename.run(store.db, { id: 'nobody', name: 'x' })).toBe(0);
    expect((await byId.first(store.db, { id: 'a' }))?.name).toBe('Ana Maria');
  });

  it('ids made in the same millisecond rise; an earlier time gives a valid id of that time', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const past = uuidv7(Date.parse('2024-01-01T00:00:00Z'));
    expect(past).toMatch(/^018cc251-f400-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
