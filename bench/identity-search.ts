// `npx tsx bench/identity-search.ts [--scale 1]`: local search latency for the inbox search box (issue 4) over the
// generated cache (scale 1 = 2M messages): ops.searchLocal (sanitised input, 50 newest hits joined to contact and
// channel) through the real cache worker, and in-thread; the baseline is the bare FTS5 MATCH … LIMIT 50.
// Typed text, not FTS syntax: the mix includes words, phrases, prefixes and hyphenated ids ("order-1042").
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openCache } from '../src-main/core/cache/client';
import { ops } from '../src-main/core/cache/ops';
import { ftsQueryOf } from '../src-main/core/cache/fts-query';
import { ensureData } from './generate';
import { SEARCH_QUERIES } from './world';
import { summarise } from './stats';

const argv = process.argv.slice(2);
const scale = Number(argv[argv.indexOf('--scale') + 1] || 1) || 1;
const samples = 300;
const QUERIES = [...SEARCH_QUERIES, 'order-1042', 'refund order', 'TL-88', 'password-reset'];

const data = await ensureData({ seed: 42, scale });
const client = await openCache(data.cacheDir);
const db = new Database(path.join(data.cacheDir, 'cache.sqlite'), { readonly: true });
const messages = (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
const q = (i: number) => QUERIES[i % QUERIES.length]!;
for (const query of QUERIES) await client.call('searchLocal', { query, limit: 50 }); // warm-up
const viaClient: number[] = [];
for (let i = 0; i < samples; i++) {
  const t0 = performance.now();
  await client.call('searchLocal', { query: q(i), limit: 50 });
  viaClient.push(performance.now() - t0);
}
const op: number[] = [];
const hits: Record<string, number> = {};
for (let i = 0; i < samples; i++) {
  const t0 = performance.now();
  const r = ops.searchLocal(db as never, { query: q(i), limit: 50 });
  op.push(performance.now() - t0);
  hits[q(i)] = r.length;
}
const bare = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT 50');
const base: number[] = [];
for (let i = 0; i < samples; i++) {
  const t0 = performance.now();
  bare.all(ftsQueryOf(q(i))!);
  base.push(performance.now() - t0);
}
const round = (s: ReturnType<typeof summarise>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v * 100) / 100]));
console.log(JSON.stringify({ messages, samples, viaCacheWorker: round(summarise(viaClient)), opInThread: round(summarise(op)), bareFts: round(summarise(base)), hits }, null, 2));
await client.close();
db.close();
