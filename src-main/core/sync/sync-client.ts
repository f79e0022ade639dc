// The sync client: one WebSocket to the server speaking src-shared/sync.ts.
// hello → welcome (reset?) → pull until more=false → live pokes; the outbox is pushed in seq order.
// A poke with inline changes (from, cursor] is applied like a pull result when our cursor is `from`
// and no pull is in flight; otherwise it is a plain poke and we pull.
// Server messages are handled one at a time, in arrival order, so cache writes never interleave.
import WebSocket from 'ws';
import type { Agent } from '../../../src-shared/domain';
import type { ConnectionState } from '../../../src-shared/ipc';
import { SYNC_PATH, SYNC_PROTOCOL_VERSION, ServerMessage, type Change, type ClientMessage, type MutationName, type RejectCode } from '../../../src-shared/sync';
import type { CacheClient } from '../cache/client';
import type { Fresh, Touched } from '../cache/ops';
import { Backoff, type BackoffOptions } from '../../../src-shared/backoff';

/** Many desktops reconnect after a server restart: full jitter spreads them best (AWS architecture blog). */
export const CORE_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 12_000, jitter: 'full' };

export const PUSH_BATCH = 100;
/** Messages indexed for search per cache call after a bootstrap (~0.1 s of the cache worker each). */
export const SEARCH_INDEX_CHUNK = 5000;
const PING_EVERY_MS = 10_000;
/** No frame at all for this long means a half-open connection: drop it and reconnect. */
const SILENCE_LIMIT_MS = 30_000;
/** Close codes after which the token is no good any more (server: session ended / agent disabled). */
const SESSION_ENDED_CODES = new Set([4001, 4401]);
const SCOPE_CHANGED_CODE = 4000;

type Poke = Extract<ServerMessage, { type: 'poke' }>;

export interface Rejection {
  mutation: MutationName;
  conversationId: string | null;
  code: RejectCode;
  message: string;
}

export interface SyncEvents {
  state(state: ConnectionState): void;
  /** live=false for the bootstrap (a pull from cursor 0): the notification policy ignores it. */
  changed(touched: Touched, fresh: Fresh | null, live: boolean): void;
  rejected(r: Rejection): void;
  typing(t: { conversationId: string; who: 'customer' | 'agent'; name: string; on: boolean }): void;
  /** Another agent viewing / replying (collision detection). */
  viewing?(v: { conversationId: string; agentId: string; name: string; on: boolean; replying: boolean }): void;
  agent(agent: Agent): void;
  /** The server's clock at welcome (SLA countdowns correct the local clock by the offset). */
  serverTime?(iso: string): void;
  outbox(): void;
  /** The server refused the token: the session is over, the outbox stays. */
  unauthorized(): void;
}

export interface SyncOptions {
  cache: CacheClient;
  serverUrl: string;
  token: string;
  meId: () => string | null;
  events: SyncEvents;
  backoff?: Backoff;
}

export function syncUrl(serverUrl: string): string {
  // Appended, not resolved, so a server behind a path prefix (https://host/threadline) keeps it.
  const u = new URL(`${serverUrl.replace(/\/+$/, '')}${SYNC_PATH}`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.href;
}

export class SyncClient {
  private ws: WebSocket | null = null;
  private stopped = false;
  private welcomed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  private cursor = 0;
  private pulling = false;
  private pokedTo = 0;
  private bootstrapping = false;
  private indexingBacklog = false;
  private pushing = false;
  private queue: Promise<void> = Promise.resolve();
  private inlineBatch: Poke[] | null = null;
  private syncedWaiters: (() => void)[] = [];
  private readonly backoff: Backoff;

  constructor(private readonly opts: SyncOptions) {
    this.backoff = opts.backoff ?? new Backoff(CORE_BACKOFF);
  }

  start(): void {
    this.opts.events.state('connecting');
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
    await this.queue;
    this.releaseWaiters();
  }

  get online(): boolean {
    return this.welcomed && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Something was written to the outbox, or the user asked to retry: push now, or reconnect now. */
  kick(): void {
    if (this.stopped) return;
    if (this.online) this.enqueue(() => this.push());
    else if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      void this.connect();
    }
  }

  sendTyping(conversationId: string, on: boolean): void {
    if (this.online) this.send({ type: 'typing', conversationId, on });
  }

  /** Routing presence and collision detection frames (ephemeral: dropped while offline; presence is resent on welcome). */
  sendPresence(status: 'online' | 'away' | 'offline'): void {
    if (this.online) this.send({ type: 'presence', status });
  }

  sendViewing(conversationId: string, on: boolean, replying: boolean): void {
    if (this.online) this.send({ type: 'viewing', conversationId, on, replying });
  }

  /** Resolves once the pull after the next welcome has reached the head (or after timeoutMs). */
  whenSynced(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.syncedWaiters.push(done);
    });
  }

  // ── connection ────────────────────────────────────────────────────────────────────────────
  private async loadStart() {
    const meta = await this.opts.cache.call('loadSession', {});
    const outboxFromSeq = await this.opts.cache.call('outboxFirstSeq', {});
    return { meta, outboxFromSeq };
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let meta: Awaited<ReturnType<typeof this.loadStart>>['meta'];
    let outboxFromSeq: Awaited<ReturnType<typeof this.loadStart>>['outboxFromSeq'];
    try {
      ({ meta, outboxFromSeq } = await this.loadStart());
    } catch (err) {
      // A reconnect timer firing while the core shuts down finds the cache closed: nothing to do. Anything else:
      // say so and try again later, never an unhandled rejection.
      if (this.stopped || (err as { code?: unknown }).code === 'closed') return;
      console.error('[sync] could not read the session from the cache', err);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.connect();
      }, this.backoff.next());
      return;
    }
    if (this.stopped) return;
    this.cursor = meta.cursor;
    const ws = new WebSocket(syncUrl(this.opts.serverUrl), { headers: { Authorization: `Bearer ${this.opts.token}` }, handshakeTimeout: 10_000 });
    this.ws = ws;
    let refusedWith = 0;
    ws.on('unexpected-response', (req, res) => {
      refusedWith = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      this.onClosed(ws, refusedWith);
    });
    ws.on('open', () => {
      this.lastHeard = Date.now();
      this.send({ type: 'hello', protocol: SYNC_PROTOCOL_VERSION, clientId: meta.clientId, cursor: meta.cursor, scopeKey: meta.scopeKey, ...(outboxFromSeq ? { outboxFromSeq } : {}) });
      this.pingTimer = setInterval(() => this.heartbeat(ws), PING_EVERY_MS);
    });
    ws.on('message', (raw) => {
      this.lastHeard = Date.now();
      let json: unknown;
      try {
        json = JSON.parse(raw.toString());
      } catch {
        return;
      }
      const msg = ServerMessage.safeParse(json);
      if (!msg.success) return;
      const m = msg.data;
      if (m.type === 'poke' && m.changes) {
        // Inline pokes that arrive while the queue is busy join one batch: one cache transaction for a burst.
        if (this.inlineBatch) return void this.inlineBatch.push(m);
        const batch = [m];
        this.inlineBatch = batch;
        this.enqueue(() => {
          if (this.inlineBatch === batch) this.inlineBatch = null;
          return this.handlePokes(batch);
        });
        return;
      }
      this.inlineBatch = null; // a later poke must not overtake this frame
      this.enqueue(() => this.handle(m));
    });
    ws.on('error', () => this.onClosed(ws, refusedWith));
    ws.on('close', (code) => this.onClosed(ws, SESSION_ENDED_CODES.has(code) ? 401 : code === SCOPE_CHANGED_CODE ? SCOPE_CHANGED_CODE : refusedWith));
  }

  private heartbeat(ws: WebSocket): void {
    if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) ws.terminate();
    else this.send({ type: 'ping', t: Date.now() });
  }

  private onClosed(ws: WebSocket, status: number): void {
    if (this.ws !== ws) return; // already handled for this socket
    this.ws = null;
    this.welcomed = false;
    this.pulling = false;
    this.inlineBatch = null;
    this.pushing = false;
    this.clearTimers();
    ws.removeAllListeners('message');
    ws.on('error', () => undefined);
    if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    if (this.stopped) return;
    if (status === 401) {
      this.stopped = true;
      this.opts.events.unauthorized();
      return;
    }
    this.opts.events.state('offline');
    // Scope changed (e.g. added to a channel): come straight back; the welcome will say reset.
    const delay = status === SCOPE_CHANGED_CODE ? 0 : this.backoff.next();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private send(msg: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((err: unknown) => {
      // A cache failure must not wedge the queue; the next reconnect starts clean.
      if (!this.stopped) console.error('[sync]', err);
    });
  }

  private releaseWaiters(): void {
    const waiters = this.syncedWaiters;
    this.syncedWaiters = [];
    for (const w of waiters) w();
  }

  // ── protocol ──────────────────────────────────────────────────────────────────────────────
  private async handle(msg: ServerMessage): Promise<void> {
    if (this.stopped) return;
    const { cache, events } = this.opts;
    switch (msg.type) {
      case 'welcome': {
        this.backoff.reset();
        events.serverTime?.(msg.serverTime);
        events.agent(msg.agent);
        if (msg.reset) {
          await cache.call('reset', { scopeKey: msg.scopeKey });
          this.cursor = 0;
        } else await cache.call('setScopeKey', { scopeKey: msg.scopeKey });
        // Everything up to lastMutationSeq was handled on the server (a pushResult may have been lost):
        // roll back what it rejected, with the reason, then drop the rest from the outbox.
        if (msg.rejected?.length) {
          const settled = await cache.call('settle', { results: msg.rejected });
          for (const r of settled.rejected) events.rejected(r);
          if (settled.touched.entities.length) events.changed(settled.touched, null, false);
        }
        if ((await cache.call('ackThrough', { seq: msg.lastMutationSeq })) > 0 || msg.rejected?.length) events.outbox();
        this.welcomed = true;
        this.bootstrapping = this.cursor === 0;
        // A bootstrap leaves search indexing for afterwards (indexSearchBacklog), so the pull applies faster.
        // It also builds the conversations' indexes once at the end instead of row by row.
        if (this.bootstrapping) {
          await cache.call('searchBacklogStart', {});
          await cache.call('deferConversationIndexes', {});
        }
        events.state('online');
        this.pull();
        await this.push();
        return;
      }
      case 'changes': {
        // Ask for the next batch before applying this one: the server reads it while the cache writes this one
        // (frames are handled in order, so batches still apply in order; the stored cursor is the applied one).
        if (msg.more) this.send({ type: 'pull', cursor: msg.cursor });
        const result = await cache.call('applyChanges', { changes: msg.changes, cursor: msg.cursor, meId: this.opts.meId(), collectFresh: !this.bootstrapping });
        this.cursor = msg.cursor;
        if (result.entities.length) events.changed(result, result.fresh, !this.bootstrapping);
        if (msg.more) return;
        // Before anyone is told we are synced: the inbox queries need the indexes a bootstrap deferred (a no-op
        // otherwise; also after a bootstrap that a lost connection interrupted and this pull finished).
        await cache.call('restoreDeferredIndexes', {});
        this.pulling = false;
        this.bootstrapping = false;
        this.releaseWaiters();
        if (this.pokedTo > this.cursor) this.pull();
        this.indexSearchBacklog();
        return;
      }
      case 'poke':
        this.pokedTo = Math.max(this.pokedTo, msg.cursor);
        if (msg.changes && msg.from === this.cursor && msg.cursor > this.cursor && !this.pulling && this.welcomed) {
          // Exactly the rows a pull from our cursor would bring (the server checked our position): no round trip.
          try {
            const result = await cache.call('applyChanges', { changes: msg.changes, cursor: msg.cursor, meId: this.opts.meId(), collectFresh: true });
            this.cursor = msg.cursor;
            if (result.entities.length) events.changed(result, result.fresh, true);
            return;
          } catch (err) {
            // Rolled back in the cache: fall through and pull the same rows.
            console.error('[sync] inline changes', err);
          }
        }
        if (msg.cursor > this.cursor && !this.pulling) this.pull();
        return;
      case 'pushResult': {
        const settled = await cache.call('settle', { results: msg.results });
        for (const r of settled.rejected) events.rejected(r);
        if (settled.touched.entities.length) events.changed(settled.touched, null, false);
        await cache.call('ackThrough', { seq: msg.lastMutationSeq });
        // A gap: renumber what is left to follow lastMutationSeq, then resend from there.
        if (msg.stoppedAt) await cache.call('closeGap', { lastSeq: msg.lastMutationSeq });
        this.pushing = false;
        events.outbox();
        await this.push();
        return;
      }
      case 'typing':
        events.typing({ conversationId: msg.conversationId, who: msg.who, name: msg.name, on: msg.on });
        return;
      case 'viewing':
        events.viewing?.({ conversationId: msg.conversationId, agentId: msg.agentId, name: msg.name, on: msg.on, replying: msg.replying });
        return;
      case 'pong':
        return;
      case 'error':
        if (msg.code === 'unauthorized' && this.ws) this.onClosed(this.ws, 401);
        if (msg.code === 'reset_required') {
          // Our cursor is older than the server's log: start over from 0 (outbox and drafts stay).
          const meta = await cache.call('loadSession', {});
          await cache.call('reset', { scopeKey: meta.scopeKey ?? '' });
          this.cursor = 0;
          this.bootstrapping = true;
          this.pull();
        }
        return;
    }
  }

  /** Inline pokes in arrival order: the run that chains from our cursor is applied at once, the rest one by one. */
  private async handlePokes(pokes: Poke[]): Promise<void> {
    if (this.stopped) return;
    const changes: Change[] = [];
    let to = this.cursor;
    let n = 0;
    if (!this.pulling && this.welcomed) {
      for (const p of pokes) {
        if (!p.changes || p.from !== to || p.cursor <= to) break;
        changes.push(...p.changes);
        to = p.cursor;
        n++;
      }
    }
    if (n > 1) {
      this.pokedTo = Math.max(this.pokedTo, to);
      try {
        const result = await this.opts.cache.call('applyChanges', { changes, cursor: to, meId: this.opts.meId(), collectFresh: true });
        this.cursor = to;
        if (result.entities.length) this.opts.events.changed(result, result.fresh, true);
      } catch (err) {
        console.error('[sync] inline changes', err);
        if (!this.pulling) this.pull();
        return;
      }
    } else n = 0;
    for (const p of pokes.slice(n)) await this.handle(p);
  }

  /** Search indexing left by a bootstrap: one chunk per turn of the queue, so live changes go in between. */
  private indexSearchBacklog(): void {
    if (this.indexingBacklog) return;
    this.indexingBacklog = true;
    const step = async (): Promise<void> => {
      let left = 0;
      try {
        left = this.stopped ? 0 : await this.opts.cache.call('indexSearchBacklog', { limit: SEARCH_INDEX_CHUNK });
      } finally {
        if (left === 0) this.indexingBacklog = false;
      }
      if (left > 0) this.enqueue(step);
    };
    this.enqueue(step);
  }

  private pull(): void {
    this.pulling = true;
    this.send({ type: 'pull', cursor: this.cursor });
  }

  /** One batch in flight at a time; the pushResult handler sends the next. */
  private async push(): Promise<void> {
    if (!this.online || this.pushing) return;
    const batch = await this.opts.cache.call('takeBatch', { limit: PUSH_BATCH });
    if (batch.length === 0 || !this.online) return;
    this.pushing = true;
    this.send({ type: 'push', mutations: batch.map((m) => ({ id: m.id, seq: m.seq, name: m.name, args: m.args, createdAt: m.createdAt })) });
  }
}
