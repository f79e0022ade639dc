// Live fan-out inside one server process: pokes to sync sockets whose scopes saw a change (with the
// changes inline when small: src-shared/sync.ts §3), agent replies and typing to widget sockets,
// customer typing to agents.
// (Several server nodes will relay these over PostgreSQL LISTEN/NOTIFY later.)
import { POKE_INLINE_MAX_BYTES, POKE_INLINE_MAX_ROWS, type ServerMessage } from '../src-shared/sync';
import type { WidgetServerMessage } from '../src-shared/widget-protocol';
import type { Message, Conversation } from '../src-shared/domain';
import type { SyncScopes } from './domain/visibility';
import type { ChangeLogReader, LogRange, LogRow } from './sync/live-changes';

export interface SyncPeer {
  agentId: string;
  sessionId: string;
  /** Null until the client's hello. */
  scopes: Set<string> | null;
  scopeKey: string | null;
  send(msg: ServerMessage): void;
  /** A frame already serialised (inline pokes: built once per group of clients with the same view). */
  sendRaw?(frame: string): void;
  close(code: number, reason: string): void;
  /**
   * What this server knows the client holds (inline pokes): `cursor` = the cursor its last `changes`
   * (more=false) or inline poke ended at; `clear` ≥ cursor = no row visible to it was written in
   * (cursor, clear]. Null while unknown (before the first pull, while a pull is being answered).
   */
  live?: { cursor: number; clear: number } | null;
}

export interface WidgetPeer {
  channelId: string;
  /** The webchat identity values of this visitor (`visitor:…` or `user:…`). */
  identity: string;
  send(msg: WidgetServerMessage): void;
}

export type OutboundListener = (message: Message, conversation: Conversation) => void;

/** Close code telling a sync client its visible scopes changed: reconnect, and hello will reset. */
export const SCOPE_CHANGED_CLOSE = 4000;
export const SESSION_ENDED_CLOSE = 4001;

export class LiveHub {
  private readonly syncPeers = new Set<SyncPeer>();
  private readonly widgetPeers = new Map<string, Set<WidgetPeer>>();
  private readonly outbound: OutboundListener[] = [];

  /** Told when an agent's sync socket opens (+1) or closes (-1): presence (src-server/routing/router.ts). */
  onSyncPeer: ((agentId: string, delta: 1 | -1) => void) | null = null;

  addSync(peer: SyncPeer): void {
    if (this.syncPeers.has(peer)) return;
    this.syncPeers.add(peer);
    this.onSyncPeer?.(peer.agentId, 1);
  }

  removeSync(peer: SyncPeer): void {
    if (this.syncPeers.delete(peer)) this.onSyncPeer?.(peer.agentId, -1);
  }

  syncPeerCount(): number {
    return this.syncPeers.size;
  }

  /** Told after every commit and when a widget connects (src-server/routing/queue-frames.ts: queue positions). */
  readonly observers: (() => void)[] = [];

  private log: { reader: ChangeLogReader; onError: (err: unknown) => void } | null = null;
  /** The log position through which connected clients have been told (the `from` of the next fan-out). */
  private told = 0;
  /** The highest committed seq announced by changed(). */
  private target = 0;
  private fanningOut = false;

  /**
   * Turns on inline pokes: fan-outs read the log through `reader`. `head` = the change_seq at start
   * (before this process commits anything), so the first fan-out's range holds every later row.
   */
  attachChangeLog(reader: ChangeLogReader, head: number, onError: (err: unknown) => void): void {
    this.log = { reader, onError };
    this.told = this.target = head;
  }

  /** After a commit: poke every client that can see one of the changed scopes. */
  changed(scopes: Iterable<string>, cursor: number): void {
    const changed = new Set(scopes);
    if (changed.size === 0) return;
    for (const observe of this.observers) observe();
    if (this.log) {
      // Commits may announce themselves out of order (awaits after commit); the fan-out reads up to the
      // head, so a late announcement below `told` is already covered.
      this.target = Math.max(this.target, cursor);
      if (!this.fanningOut) void this.fanOut().catch((err: unknown) => this.log?.onError(err));
      return;
    }
    for (const peer of this.syncPeers) {
      if (!peer.scopes) continue;
      for (const scope of changed) {
        if (peer.scopes.has(scope)) {
          peer.send({ type: 'poke', cursor });
          break;
        }
      }
    }
  }

  /** One read of the log per round, shared by every client; rounds never overlap, so ranges are contiguous. */
  private async fanOut(): Promise<void> {
    const log = this.log!;
    this.fanningOut = true;
    try {
      while (this.target > this.told) {
        const from = this.told;
        const asked = new Set<string>();
        for (const peer of this.syncPeers) for (const scope of peer.scopes ?? []) asked.add(scope);
        let range: LogRange;
        try {
          range = await log.reader.read(from, [...asked], POKE_INLINE_MAX_ROWS * 2);
        } catch (err) {
          log.onError(err);
          // Unknown what changed: everyone gets a plain poke and pulls.
          this.plainToAll(this.target);
          continue;
        }
        if (range.head <= from) {
          // No progress (cannot happen while seqs only rise): stop rather than spin; clients pull.
          this.plainToAll(this.target);
          continue;
        }
        this.told = range.head;
        try {
          this.deliver(from, range, asked);
        } catch (err) {
          // Some clients may have missed this round: everyone pulls.
          log.onError(err);
          this.plainToAll(range.head);
        }
      }
    } finally {
      this.fanningOut = false;
    }
  }

  /** A plain poke to every client, positions forgotten: they pull. */
  private plainToAll(cursor: number): void {
    this.told = cursor;
    for (const peer of this.syncPeers) {
      if (!peer.scopes) continue;
      peer.live = null;
      peer.send({ type: 'poke', cursor });
    }
  }

  private deliver(from: number, range: LogRange, asked: Set<string>): void {
    const { head } = range;
    const rowFrames = new Map<LogRow, string>();
    const frames = new Map<string, string | null>();
    const plain: ServerMessage = { type: 'poke', cursor: head };
    for (const peer of this.syncPeers) {
      const scopes = peer.scopes;
      if (!scopes) continue;
      const live = peer.live ?? null;
      if (live && live.cursor >= head) continue; // a pull answered after our read already took it further
      let covered = true;
      for (const scope of scopes) if (!asked.has(scope)) covered = false;
      if (!covered) {
        // Its scopes were set after the read started (a new hello): we cannot tell what it sees; it pulls.
        peer.live = null;
        peer.send(plain);
        continue;
      }
      let sees = false;
      for (const scope of range.scopes) if (scopes.has(scope)) sees = true;
      if (!sees) {
        if (live && live.clear >= from) live.clear = head;
        continue;
      }
      if (!live || live.clear < from || range.truncated) {
        peer.send(plain);
        continue;
      }
      // Clients with the same scopes and the same position get the same frame: built once.
      const key = `${peer.scopeKey ?? ''}|${live.cursor}|${live.clear}`;
      let frame = frames.get(key);
      if (frame === undefined) {
        frame = inlineFrame(range.rows, scopes, live, head, rowFrames);
        frames.set(key, frame);
      }
      if (frame === null) {
        peer.send(plain);
        continue;
      }
      if (peer.sendRaw) peer.sendRaw(frame);
      else peer.send(JSON.parse(frame) as ServerMessage);
      live.cursor = live.clear = head;
    }
  }

  /** Recomputes the scopes of connected clients (all, or one agent's) after membership/role/channel changes. */
  async refreshScopes(compute: (agentId: string) => Promise<SyncScopes | null>, agentId?: string): Promise<void> {
    for (const peer of [...this.syncPeers]) {
      if (!peer.scopes || (agentId && peer.agentId !== agentId)) continue;
      const next = await compute(peer.agentId);
      if (!next) {
        peer.close(SESSION_ENDED_CLOSE, 'agent disabled');
        continue;
      }
      if (next.scopeKey !== peer.scopeKey) {
        peer.send({ type: 'error', code: 'scope_changed', message: 'Your visible channels changed; reconnect to resync.' });
        peer.close(SCOPE_CHANGED_CLOSE, 'scope changed');
        continue;
      }
      peer.scopes = new Set(next.scopes);
    }
  }

  closeSession(sessionId: string): void {
    for (const peer of [...this.syncPeers]) if (peer.sessionId === sessionId) peer.close(SESSION_ENDED_CLOSE, 'signed out');
  }

  closeAgent(agentId: string): void {
    for (const peer of [...this.syncPeers]) if (peer.agentId === agentId) peer.close(SESSION_ENDED_CLOSE, 'agent disabled');
  }

  /** Typing and other ephemeral frames to every client that can see a channel. */
  toSyncSeeing(channelId: string, msg: ServerMessage, except?: SyncPeer): void {
    for (const peer of this.syncPeers) if (peer !== except && peer.scopes?.has(channelId)) peer.send(msg);
  }

  // ── widget sockets ─────────────────────────────────────────────────────────────────────
  addWidget(peer: WidgetPeer): void {
    const key = widgetKey(peer.channelId, peer.identity);
    let set = this.widgetPeers.get(key);
    if (!set) this.widgetPeers.set(key, (set = new Set()));
    set.add(peer);
    for (const observe of this.observers) observe();
  }

  /** Every connected widget socket. */
  widgets(): WidgetPeer[] {
    return [...this.widgetPeers.values()].flatMap((set) => [...set]);
  }

  removeWidget(peer: WidgetPeer): void {
    const key = widgetKey(peer.channelId, peer.identity);
    const set = this.widgetPeers.get(key);
    set?.delete(peer);
    if (set && set.size === 0) this.widgetPeers.delete(key);
  }

  /** Whether one of these web chat identities has the widget open now (issue 4: reachable channels). */
  widgetOnline(channelId: string, identities: readonly string[]): boolean {
    return identities.some((identity) => (this.widgetPeers.get(widgetKey(channelId, identity))?.size ?? 0) > 0);
  }

  toWidgets(channelId: string, identities: readonly string[], msg: WidgetServerMessage, except?: WidgetPeer): number {
    let sent = 0;
    for (const identity of identities) {
      for (const peer of this.widgetPeers.get(widgetKey(channelId, identity)) ?? []) {
        if (peer === except) continue;
        peer.send(msg);
        sent++;
      }
    }
    return sent;
  }

  // ── outbound hand-off to channel adapters ───────────────────────────────────────────────
  onOutbound(listener: OutboundListener): void {
    this.outbound.push(listener);
  }

  emitOutbound(message: Message, conversation: Conversation): void {
    for (const listener of this.outbound) listener(message, conversation);
  }
}

const widgetKey = (channelId: string, identity: string) => `${channelId}|${identity}`;

/** The inline poke for one client's view, or null when it is too big (the client then pulls). */
function inlineFrame(rows: readonly LogRow[], scopes: Set<string>, live: { cursor: number; clear: number }, head: number, rowFrames: Map<LogRow, string>): string | null {
  const parts: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    // Rows at or below `clear` are ones it holds already (or none visible); like a pull, a row per visible scope.
    if (row.seq <= live.clear || !scopes.has(row.scope)) continue;
    let f = rowFrames.get(row);
    if (f === undefined) {
      f = `{"seq":${row.seq},"entity":${JSON.stringify(row.entity)},"id":${JSON.stringify(row.id)},"op":${JSON.stringify(row.op)},"data":${row.data ?? 'null'}}`;
      rowFrames.set(row, f);
    }
    bytes += f.length;
    parts.push(f);
    if (parts.length > POKE_INLINE_MAX_ROWS || bytes > POKE_INLINE_MAX_BYTES) return null;
  }
  return `{"type":"poke","cursor":${head},"from":${live.cursor},"changes":[${parts.join(',')}]}`;
}
