// Live fan-out inside one server process: pokes to sync sockets whose scopes saw a change,
// agent replies and typing to widget sockets, customer typing to agents.
// (Several server nodes will relay these over PostgreSQL LISTEN/NOTIFY later.)
import type { ServerMessage } from '../src-shared/sync';
import type { WidgetServerMessage } from '../src-shared/widget-protocol';
import type { Message, Conversation } from '../src-shared/domain';
import type { SyncScopes } from './domain/visibility';

export interface SyncPeer {
  agentId: string;
  sessionId: string;
  /** Null until the client's hello. */
  scopes: Set<string> | null;
  scopeKey: string | null;
  send(msg: ServerMessage): void;
  close(code: number, reason: string): void;
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

  /** After a commit: poke every client that can see one of the changed scopes. */
  changed(scopes: Iterable<string>, cursor: number): void {
    const changed = new Set(scopes);
    if (changed.size === 0) return;
    for (const observe of this.observers) observe();
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
