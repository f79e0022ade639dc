// Live latency: a customer message in → the change applied in the local caches of 200 connected desktop
// clients (loopback). The server is the real CLI in a child process on a fresh store (one web chat channel,
// 200 agents who are members of it). Inbound path: a signed WhatsApp Cloud API webhook (X-Hub-Signature-256)
// POSTed to the server; the latency runs from sending the POST to the message being in each client's cache.
// Clients: `fullCores` complete desktop cores (createCore: cache in its worker thread, sync client,
// notification policy), plus real SyncClients each with its own SQLite cache file running the real cache
// operations in this thread (a worker thread per client would put 200 threads on 2 cores). All clients
// share this one process and event loop, which makes the figure pessimistic, not optimistic.
// Baseline: the same fan-out as a bare WebSocket broadcast to 200 sockets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pino from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { openStore } from '../src-server/store/db';
import { Commands, createAgent } from '../src-server/domain/commands';
import { hubSignatureOf } from '../src-server/channels/verify';
import { LiveHub } from '../src-server/live-hub';
import { createSession } from '../src-server/auth/sessions';
import { hashPassword } from '../src-server/auth/passwords';
import { createCore, type Core } from '../src-main/core/index';
import { SyncClient } from '../src-main/core/sync/sync-client';
import { configure, migrate } from '../src-main/core/cache/schema';
import { ops, type CacheOpName } from '../src-main/core/cache/ops';
import type { CacheClient } from '../src-main/core/cache/client';
import { reusePreparedStatements } from '../src-main/core/cache/statement-cache';
import { summarise, type Summary } from './stats';
import { startServerProcess } from './procs';
import { BENCH_PHONE_ID, whatsappTextWebhook } from './whatsapp-webhook';

export interface LiveResults {
  clients: number;
  fullCores: number;
  messages: number;
  latencyMs: Summary;
  /** Per message: time until the LAST of the clients had it. */
  allClientsMs: Summary;
  missed: number;
  baselineMs: Summary;
  inbound: 'signed-whatsapp-webhook';
}

const PASSWORD = 'bench-password-1234';

/** The real cache operations on this thread, behind the CacheClient interface the sync client uses. */
function inThreadCache(file: string): CacheClient & { db: Database.Database } {
  // The same statement cache as the desktop's cache worker (cache-worker.ts), so each operation costs what it costs there.
  const db = reusePreparedStatements(new Database(file));
  configure(db);
  migrate(db);
  return {
    db,
    call: (op: CacheOpName, args: unknown) => {
      try {
        return Promise.resolve((ops[op] as (d: Database.Database, a: unknown) => unknown)(db, args)) as never;
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    close: async () => {
      db.close();
    },
  };
}

const PHONE_ID = BENCH_PHONE_ID;
const APP_SECRET = 'bench-live-app-secret';

async function setUpServer(dir: string, agents: number) {
  const store = await openStore({ dataDir: dir });
  const commands = new Commands(store.db, new LiveHub(), pino({ level: 'silent' }));
  const passwordHash = await hashPassword(PASSWORD);
  const admin = await commands.run((w) => createAgent(w, { email: 'live-admin@threadline.test', name: 'Live Admin', role: 'admin', passwordHash }));
  const adminToken = (await createSession(store.db, admin.id)).token;
  const list: { id: string; email: string; token: string }[] = [];
  for (let i = 0; i < agents; i++) {
    const email = `live${i}@threadline.test`;
    const agent = await commands.run((w) => createAgent(w, { email, name: `Live Agent ${i}`, role: 'agent', passwordHash }));
    const { token } = await createSession(store.db, agent.id);
    list.push({ id: agent.id, email, token });
  }
  await store.close();
  return { adminToken, agents: list };
}

/** The WhatsApp channel and its members, through the admin REST API of the running server. */
async function setUpChannel(url: string, adminToken: string, agentIds: string[]): Promise<string> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` };
  const res = await fetch(`${url}/api/v1/channels`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ type: 'whatsapp', name: 'Live WhatsApp', config: { phoneNumberId: PHONE_ID, accessToken: 'x', appSecret: APP_SECRET, verifyToken: 'v', apiBaseUrl: 'http://127.0.0.1:9/v23.0' } }),
  });
  if (!res.ok) throw new Error(`creating the WhatsApp channel: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (const agentId of agentIds) {
    const m = await fetch(`${url}/api/v1/channels/${id}/members/${agentId}`, { method: 'PUT', headers: { authorization: `Bearer ${adminToken}` } });
    if (!m.ok) throw new Error(`adding a member: ${m.status} ${await m.text()}`);
  }
  return id;
}

function webhookBody(i: number, text: string): string {
  return whatsappTextWebhook({ waId: String(6281200000000 + (i % 25)), id: `wamid.live.${Date.now()}.${i}`, text });
}

async function bareBroadcast(clients: number, rounds: number): Promise<number[]> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < clients; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((r) => ws.once('open', r));
    sockets.push(ws);
  }
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const all = sockets.map((ws) => new Promise<void>((res) => ws.once('message', () => (samples.push(performance.now() - t0), res()))));
    for (const c of wss.clients) c.send(JSON.stringify({ r }));
    await Promise.all(all);
  }
  for (const ws of sockets) ws.close();
  await new Promise((r) => wss.close(r));
  return samples;
}

export async function benchLive(opts: { clients: number; fullCores: number; messages: number }): Promise<LiveResults> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-live-'));
  const setup = await setUpServer(path.join(root, 'server'), opts.clients);
  const server = await startServerProcess(path.join(root, 'server'));
  const cores: Core[] = [];
  const lite: { sync: SyncClient; cache: ReturnType<typeof inThreadCache> }[] = [];
  try {
    const channelId = await setUpChannel(server.url, setup.adminToken, setup.agents.map((a) => a.id));
    // Which client has seen which text, and when.
    const waiting = new Map<string, { t0: number; seen: number[]; done: () => void }>();
    const seen = (text: string) => {
      const w = waiting.get(text);
      if (!w) return;
      w.seen.push(performance.now() - w.t0);
      if (w.seen.length === opts.clients) w.done();
    };

    const mark = new Set<string>();
    for (let i = 0; i < opts.fullCores; i++) {
      const core = await createCore({ dataDir: path.join(root, `core-${i}`), notifyWindowMs: 50 });
      await core.handlers['session.login']({ serverUrl: server.url, email: setup.agents[i]!.email, password: PASSWORD });
      core.onEvent((e) => {
        if (e.type !== 'changed' || !e.entities.includes('message')) return;
        for (const text of waiting.keys()) {
          void core.inspect.cache.call('searchMessages', { query: `"${text.split(' ')[0]}"`, limit: 1 }).then((hits) => {
            if (hits.length && !mark.has(`${i}:${text}`)) {
              mark.add(`${i}:${text}`);
              seen(text);
            }
          });
        }
      });
      cores.push(core);
    }
    const synced: Promise<void>[] = [];
    for (let i = opts.fullCores; i < opts.clients; i++) {
      const cache = inThreadCache(path.join(root, `lite-${i}.sqlite`));
      const agent = setup.agents[i]!;
      const sync = new SyncClient({
        cache,
        serverUrl: server.url,
        token: agent.token,
        meId: () => agent.id,
        events: {
          state() {},
          changed(_t, fresh) {
            for (const m of fresh?.messages ?? []) seen(m.message.text);
          },
          rejected() {},
          typing() {},
          agent() {},
          outbox() {},
          unauthorized() {},
        },
      });
      synced.push(sync.whenSynced(120_000));
      sync.start();
      lite.push({ sync, cache });
    }
    await Promise.all(synced);

    const post = async (raw: string) => {
      const res = await fetch(`${server.url}/webhooks/whatsapp/${channelId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(APP_SECRET, raw) },
        body: raw,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    };
    const all: number[] = [];
    const lastPerMessage: number[] = [];
    let missed = 0;
    for (let i = 0; i < opts.messages; i++) {
      const text = `lat${i}x${Date.now().toString(36)} where is my parcel?`;
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 15_000);
        waiting.set(text, { t0: performance.now(), seen: [], done: () => (clearTimeout(timer), resolve()) });
      });
      const body = webhookBody(i, text);
      waiting.get(text)!.t0 = performance.now();
      await post(body);
      await done;
      const w = waiting.get(text)!;
      waiting.delete(text);
      missed += opts.clients - w.seen.length;
      all.push(...w.seen);
      lastPerMessage.push(Math.max(...w.seen));
      await new Promise((r) => setTimeout(r, 50));
    }
    const baseline = await bareBroadcast(opts.clients, opts.messages);
    return {
      clients: opts.clients,
      fullCores: opts.fullCores,
      messages: opts.messages,
      latencyMs: summarise(all),
      allClientsMs: summarise(lastPerMessage),
      missed,
      baselineMs: summarise(baseline),
      inbound: 'signed-whatsapp-webhook',
    };
  } finally {
    for (const l of lite) await l.sync.stop();
    for (const l of lite) await l.cache.close();
    for (const c of cores) await c.close();
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
