// Test support for the server tests: a real server on 127.0.0.1 port 0 with its SQLite store in a
// temp dir, a tiny REST client, and WebSocket clients (the `ws` package) for sync and widget.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createServer, type ServerOptions, type ThreadlineServer } from '../../src-server/app';
import type { ClientMessage, ServerMessage, Mutation, Change } from '../../src-shared/sync';
import type { WidgetClientMessage, WidgetServerMessage } from '../../src-shared/widget-protocol';
import { uuidv7, nowIso } from '../../src-shared/ids';

export const ADMIN = { email: 'admin@test.local', password: 'admin-password-1' };

export interface TestServer {
  server: ThreadlineServer;
  dir: string;
  url: string;
  adminToken: string;
  close(): Promise<void>;
}

export function tempDir(prefix = 'threadline-server-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dir = opts.dataDir ?? tempDir();
  const server = await createServer({ dataDir: dir, port: 0, logLevel: 'silent', adminEmail: ADMIN.email, adminPassword: ADMIN.password, ...opts });
  const { token } = await login(server.url, ADMIN.email, ADMIN.password);
  return {
    server,
    dir,
    url: server.url,
    adminToken: token,
    async close() {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

// Response bodies are checked by the assertions themselves; `any` keeps the tests readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api<T = any>(url: string, method: string, pathname: string, token?: string, body?: unknown, rawBody?: string): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + pathname, { method, headers, body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (HTML pages, scripts)
  }
  return { status: res.status, body: parsed as T };
}

export async function login(url: string, email: string, password: string): Promise<{ token: string; agent: { id: string } }> {
  const res = await api<{ token: string; agent: { id: string } }>(url, 'POST', '/api/v1/auth/login', undefined, { email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates an agent (as admin) and signs it in. */
export async function makeAgent(t: TestServer, name: string, role: 'agent' | 'supervisor' | 'admin' = 'agent') {
  const email = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@test.local`;
  const password = `${name}-password-1`;
  const res = await api<{ id: string }>(t.url, 'POST', '/api/v1/agents', t.adminToken, { email, name, role, password });
  if (res.status !== 201) throw new Error(`create agent failed: ${res.status} ${JSON.stringify(res.body)}`);
  const { token } = await login(t.url, email, password);
  return { id: res.body.id, email, password, name, token };
}

export async function makeChannel(t: TestServer, name = 'Website chat', config: Record<string, unknown> = {}) {
  const res = await api<{ id: string }>(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'webchat', name, config });
  if (res.status !== 201) throw new Error(`create channel failed: ${res.status}`);
  return res.body.id;
}

export async function addMember(t: TestServer, channelId: string, agentId: string) {
  const res = await api(t.url, 'PUT', `/api/v1/channels/${channelId}/members/${agentId}`, t.adminToken);
  if (res.status !== 204) throw new Error(`add member failed: ${res.status}`);
}

/** Counts rows straight from the store: "nothing stored" assertions. */
export async function countRows(t: TestServer, table: 'messages' | 'conversations' | 'contacts' | 'drafts' | 'change_log'): Promise<number> {
  const row = await t.server.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ── WebSocket clients ────────────────────────────────────────────────────────────────────────
class FrameQueue<M extends { type: string }> {
  readonly received: M[] = [];
  private waiters: { match: (m: M) => boolean; resolve: (m: M) => void }[] = [];

  push(m: M) {
    this.received.push(m);
    this.flush();
  }

  private flush() {
    for (const w of [...this.waiters]) {
      const idx = this.received.findIndex((m) => w.match(m));
      if (idx >= 0) {
        const [m] = this.received.splice(idx, 1);
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(m!);
      }
    }
  }

  next<T extends M['type']>(type: T, timeoutMs = 5000, match: (m: Extract<M, { type: T }>) => boolean = () => true): Promise<Extract<M, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== waiter);
        reject(new Error(`no ${type} frame within ${timeoutMs} ms; got: ${JSON.stringify(this.received.map((m) => m.type))}`));
      }, timeoutMs);
      const waiter = {
        match: (m: M) => m.type === type && match(m as Extract<M, { type: T }>),
        resolve: (m: M) => {
          clearTimeout(timer);
          resolve(m as Extract<M, { type: T }>);
        },
      };
      this.waiters.push(waiter);
      this.flush();
    });
  }

  /** Frames of a type that arrived and were not consumed yet. */
  pending<T extends M['type']>(type: T): Extract<M, { type: T }>[] {
    return this.received.filter((m) => m.type === type) as Extract<M, { type: T }>[];
  }
}

abstract class TestSocket<In extends { type: string }, Out> {
  readonly frames = new FrameQueue<In>();
  closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as In));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  send(msg: Out) {
    this.ws.send(JSON.stringify(msg));
  }

  sendRaw(raw: string) {
    this.ws.send(raw);
  }

  next<T extends In['type']>(type: T, timeoutMs?: number, match?: (m: Extract<In, { type: T }>) => boolean) {
    return this.frames.next(type, timeoutMs, match);
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

export class SyncClient extends TestSocket<ServerMessage, ClientMessage> {
  private mutationSeq = 0;

  static async connect(url: string, token: string): Promise<SyncClient> {
    return new SyncClient(await open(url.replace(/^http/, 'ws') + '/api/v1/sync', { authorization: `Bearer ${token}` }));
  }

  async hello(clientId: string, cursor = 0, scopeKey: string | null = null, outboxFromSeq?: number) {
    this.send({ type: 'hello', protocol: 1, clientId, cursor, scopeKey, ...(outboxFromSeq ? { outboxFromSeq } : {}) });
    return this.next('welcome');
  }

  /** Pulls until more=false; returns every change and the final cursor. */
  async pullAll(cursor: number, limit?: number): Promise<{ changes: Change[]; cursor: number; batches: number }> {
    const changes: Change[] = [];
    let batches = 0;
    for (;;) {
      this.send({ type: 'pull', cursor, ...(limit ? { limit } : {}) });
      const res = await this.next('changes');
      batches++;
      changes.push(...res.changes);
      cursor = res.cursor;
      if (!res.more) return { changes, cursor, batches };
    }
  }

  mutation(name: Mutation['name'], args: unknown, seq = ++this.mutationSeq): Mutation {
    this.mutationSeq = Math.max(this.mutationSeq, seq);
    return { id: uuidv7(), seq, name, args, createdAt: nowIso() };
  }

  async push(mutations: Mutation[]) {
    this.send({ type: 'push', mutations });
    return this.next('pushResult');
  }
}

export class WidgetClient extends TestSocket<WidgetServerMessage, WidgetClientMessage> {
  static async connect(url: string): Promise<WidgetClient> {
    return new WidgetClient(await open(url.replace(/^http/, 'ws') + '/ws/widget'));
  }

  async hello(identity: Extract<WidgetClientMessage, { type: 'hello' }>['identity']) {
    this.send({ type: 'hello', identity });
    return this.next('welcome');
  }

  async say(text: string, clientMessageId = uuidv7()) {
    this.send({ type: 'message', clientMessageId, text });
    return this.next('ack', 5000, (a) => a.clientMessageId === clientMessageId);
  }
}

export const visitor = () => `v-${uuidv7()}`;
