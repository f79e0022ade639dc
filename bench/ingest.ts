// Webhook ingest on the embedded default (SQLite): signed WhatsApp Cloud API webhooks (one message each,
// from many customers) POSTed over loopback with a fixed number in flight; each answer (the ack) comes only
// after the message is stored. Baseline: a bare better-sqlite3 insert of the same rows (same pragmas,
// one transaction per row, the same unique key) — the floor the whole pipeline (HTTP, HMAC, zod, contact
// and conversation lookup, change log) is compared with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createServer } from '../src-server/app';
import { hubSignatureOf } from '../src-server/channels/verify';
import { summarise, round, type Summary } from './stats';
import { BENCH_PHONE_ID, whatsappTextWebhook } from './whatsapp-webhook';

const PHONE_ID = BENCH_PHONE_ID;
const APP_SECRET = 'bench-app-secret';
const ADMIN = { email: 'admin@bench.local', password: 'bench-password-1' };

interface IngestRow {
  bench: string;
  what: string;
  figure: number | null;
  unit: string;
  baseline: number | null;
  baselineWhat: string;
  target: string;
  met: boolean | null;
  detail?: unknown;
}

export interface IngestResults {
  messages: number;
  customers: number;
  concurrency: number;
  throughput: number;
  ackMs: Summary;
  sequentialAckMs: Summary;
  bareThroughput: number;
  bareInsertMs: Summary;
  stored: number;
}

function payload(i: number, customers: number, seed: number) {
  const waId = String(6281200000000 + ((i * 7919 + seed) % customers));
  return whatsappTextWebhook({ waId, id: `wamid.bench.${seed}.${i}`, text: `Halo, ini pesan nomor ${i} tentang pesanan saya` });
}

export async function measureIngest(opts: { messages: number; customers: number; concurrency: number; seed: number }): Promise<IngestResults> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-ingest-'));
  const server = await createServer({ dataDir: path.join(dir, 'server'), port: 0, adminEmail: ADMIN.email, adminPassword: ADMIN.password, logLevel: 'silent', channels: { receivers: false } });
  try {
    const { token } = (await (await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as { token: string };
    const ch = (await (
      await fetch(`${server.url}/api/v1/channels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ type: 'whatsapp', name: 'Bench WA', config: { phoneNumberId: PHONE_ID, accessToken: 'x', appSecret: APP_SECRET, verifyToken: 'v', apiBaseUrl: 'http://127.0.0.1:9/v23.0' } }),
      })
    ).json()) as { id: string };
    const url = `${server.url}/webhooks/whatsapp/${ch.id}`;
    const bodies = Array.from({ length: opts.messages }, (_, i) => payload(i, opts.customers, opts.seed));
    const post = async (raw: string): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(APP_SECRET, raw) }, body: raw });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      return performance.now() - t0;
    };

    // Warm-up (JIT, first contacts), not counted.
    for (let i = 0; i < 20; i++) await post(payload(1_000_000 + i, opts.customers, opts.seed));

    const acks: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < bodies.length) acks.push(await post(bodies[next++]!));
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;

    const sequential: number[] = [];
    for (let i = 0; i < Math.min(200, opts.messages); i++) sequential.push(await post(payload(2_000_000 + i, opts.customers, opts.seed)));

    const stored = Number((await server.store.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    // Baseline: the same rows, bare inserts.
    const bare = new Database(path.join(dir, 'bare.sqlite'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = NORMAL');
    bare.exec('CREATE TABLE messages (id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, external_id TEXT, text TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (channel_id, external_id))');
    const insert = bare.prepare('INSERT INTO messages (id, channel_id, external_id, text, created_at) VALUES (?, ?, ?, ?, ?)');
    const inserts: number[] = [];
    const b0 = performance.now();
    for (let i = 0; i < opts.messages; i++) {
      const s = performance.now();
      insert.run(`m${i}`, ch.id, `wamid.bench.${opts.seed}.${i}`, `Halo, ini pesan nomor ${i} tentang pesanan saya`, new Date().toISOString());
      inserts.push(performance.now() - s);
    }
    const bareElapsed = (performance.now() - b0) / 1000;
    bare.close();

    return {
      messages: opts.messages,
      customers: opts.customers,
      concurrency: opts.concurrency,
      throughput: round(opts.messages / elapsed, 0),
      ackMs: summarise(acks),
      sequentialAckMs: summarise(sequential),
      bareThroughput: round(opts.messages / bareElapsed, 0),
      bareInsertMs: summarise(inserts),
      stored,
    };
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Wired into bench/run.ts (`ingest` step). */
export async function benchIngest(opts: { quick: boolean; seed: number }): Promise<IngestRow[]> {
  const r = await measureIngest({ messages: opts.quick ? 500 : 5000, customers: opts.quick ? 50 : 500, concurrency: 16, seed: opts.seed });
  const what = `signed WhatsApp webhooks → stored (HMAC, zod, dedupe, contact + conversation, change log) → 200; ${r.messages.toLocaleString('en')} messages from ${r.customers} customers, ${r.concurrency} in flight`;
  return [
    { bench: 'ingest', what: `${what}: throughput`, figure: r.throughput, unit: 'msg/s', baseline: r.bareThroughput, baselineWhat: 'bare better-sqlite3 insert of the same rows (one transaction each)', target: '≥ 3,000 msg/s', met: r.throughput >= 3000, detail: r },
    { bench: 'ingest', what: `${what}: ack time`, figure: round(r.ackMs.p99, 1), unit: 'ms p99', baseline: round(r.bareInsertMs.p99, 3), baselineWhat: 'bare insert p99', target: 'p99 ack ≤ 50 ms', met: r.ackMs.p99 <= 50 },
    { bench: 'ingest', what: 'same, one request at a time: ack time', figure: round(r.sequentialAckMs.p99, 1), unit: 'ms p99', baseline: null, baselineWhat: '', target: 'p99 ack ≤ 50 ms', met: r.sequentialAckMs.p99 <= 50 },
  ];
}

// `npx tsx bench/ingest.ts [--quick]`: run alone.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const quick = process.argv.includes('--quick');
  benchIngest({ quick, seed: 42 }).then((rows) => console.log(JSON.stringify(rows, null, 2)));
}
