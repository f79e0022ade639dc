// The desktop core: local cache + sync client + notification policy behind the IPC handlers of src-shared/ipc.ts.
// Used by the Electron shell and the browser host alike; pure Node, never electron.
import type { Agent } from '../../src-shared/domain';
import type { ConnectionState, IpcEvent, IpcHandlers, SessionState } from '../../src-shared/ipc';
import type { MutationName } from '../../src-shared/sync';
import { openCache, type CacheClient } from './cache/client';
import type { OutboxEntry, Touched } from './cache/ops';
import { CORE_BACKOFF, SyncClient } from './sync/sync-client';
import { Backoff } from '../../src-shared/backoff';
import { candidatesFor, NotificationCoalescer, COALESCE_WINDOW_MS } from './notify/policy';
import { CoreError, login, normaliseServerUrl, revoke } from './session';

export { CoreError } from './session';

export interface CoreOptions {
  dataDir: string;
  /** Shown as the server URL while signed out (the host's --server), so the login form is prefilled. */
  defaultServerUrl?: string;
  /** Coalescing window of notifications (default 2 s). */
  notifyWindowMs?: number;
  /** Reconnect backoff (tests shorten it). */
  backoff?: { baseMs?: number; capMs?: number };
  /** How long session.login waits for the first bootstrap before answering (default 5 s). */
  loginSyncTimeoutMs?: number;
}

export interface Core {
  handlers: IpcHandlers;
  onEvent(listener: (event: IpcEvent) => void): () => void;
  /** Reconnect now / push now (e.g. the OS reports the network is back). */
  retryNow(): void;
  /** Read-only look into the cache, for diagnostics and tests. */
  inspect: {
    outbox(): Promise<OutboxEntry[]>;
    counts(): Promise<Record<string, number>>;
    cache: CacheClient;
  };
  close(): Promise<void>;
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  const cache = await openCache(opts.dataDir);
  const stored = await cache.call('loadSession', {});
  let serverUrl = stored.serverUrl;
  let token = stored.token;
  let agent: Agent | null = stored.agent;
  let connection: ConnectionState = token ? 'connecting' : 'signed-out';
  let sync: SyncClient | null = null;
  let closed = false;
  const listeners = new Set<(e: IpcEvent) => void>();

  const emit = (event: IpcEvent) => {
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        console.error('[core] event listener failed', err);
      }
    }
  };
  const emitChanged = (t: Touched) => {
    if (t.entities.length) emit({ type: 'changed', entities: t.entities, conversationIds: t.conversationIds });
  };

  const coalescer = new NotificationCoalescer((notification) => emit({ type: 'notify', notification }), opts.notifyWindowMs ?? COALESCE_WINDOW_MS);

  async function sessionState(): Promise<SessionState> {
    const meta = await cache.call('loadSession', {});
    return {
      // Signed out, the URL given at launch (--server) wins, so the login form shows the server just started.
      serverUrl: (token ? serverUrl : (opts.defaultServerUrl ?? serverUrl)) ?? null,
      agent: token ? agent : null,
      connection,
      pendingMutations: await cache.call('outboxCount', {}),
      lastSyncedAt: meta.lastSyncedAt,
    };
  }
  /** Fire-and-forget: a late call racing close() must not surface as an unhandled rejection. */
  const emitSession = async (): Promise<void> => {
    if (closed) return;
    try {
      const state = await sessionState();
      if (!closed) emit({ type: 'session', state });
    } catch (err) {
      if (!closed) console.error('[core] session state failed', err);
    }
  };

  function startSync(): SyncClient {
    const client = new SyncClient({
      cache,
      serverUrl: serverUrl!,
      token: token!,
      meId: () => agent?.id ?? null,
      backoff: new Backoff({ ...CORE_BACKOFF, ...opts.backoff }),
      events: {
        state(s) {
          connection = s;
          void emitSession();
        },
        changed(touched, fresh, live) {
          emitChanged(touched);
          if (live && fresh && agent) coalescer.add(candidatesFor(agent, fresh));
        },
        rejected(r) {
          emit({ type: 'rejected', mutation: r.mutation, conversationId: r.conversationId, code: r.code, message: r.message });
        },
        typing(t) {
          emit({ type: 'typing', ...t });
        },
        agent(a) {
          agent = a;
          void cache.call('setAgent', { agent: a }).catch(() => undefined);
        },
        outbox() {
          void emitSession();
        },
        unauthorized() {
          // The token is dead; the outbox and drafts stay and are pushed after the next sign-in.
          token = null;
          connection = 'signed-out';
          sync = null;
          void cache.call('clearToken', {}).then(emitSession, () => undefined);
        },
      },
    });
    client.start();
    return client;
  }

  async function stopSync(): Promise<void> {
    const s = sync;
    sync = null;
    if (s) await s.stop();
  }

  function requireAgent(): Agent {
    if (!agent) throw new CoreError('signed_out', 'Sign in first');
    return agent;
  }

  /** Optimistic write + outbox row (one cache transaction), then tell the UI and nudge the pusher. */
  async function mutate(name: MutationName, args: Record<string, unknown>) {
    const me = requireAgent();
    const out = await cache.call('mutate', { name, args, me });
    emitChanged(out.touched);
    if (out.seq > 0) {
      sync?.kick();
      void emitSession();
    }
    return out;
  }

  const handlers: IpcHandlers = {
    'session.state': () => sessionState(),

    'session.login': async (a) => {
      const url = normaliseServerUrl(a.serverUrl);
      const res = await login(url, a.email, a.password);
      // Saved first: it refuses a different agent while the previous one's outbox is not empty.
      await cache.call('saveSession', { serverUrl: url, token: res.token, agent: res.agent });
      await stopSync();
      serverUrl = url;
      token = res.token;
      agent = res.agent;
      connection = 'connecting';
      sync = startSync();
      // Answer once the inbox is there (or soon anyway): the first screen after sign-in is not empty.
      await sync.whenSynced(opts.loginSyncTimeoutMs ?? 5000);
      return sessionState();
    },

    'session.logout': async () => {
      await stopSync();
      if (serverUrl && token) void revoke(serverUrl, token);
      token = null;
      connection = 'signed-out';
      await cache.call('clearToken', {});
      const state = await sessionState();
      emit({ type: 'session', state });
      return state;
    },

    'inbox.list': (a) => cache.call('inboxList', { ...a, meId: agent?.id ?? null }),
    'conversation.open': (a) => cache.call('conversationOpen', { id: a.id, meId: agent?.id ?? null }),

    'message.send': async (a) => {
      const out = await mutate('sendMessage', { conversationId: a.conversationId, text: a.text, private: a.private });
      return out.message!;
    },
    'conversation.setStatus': async (a) => {
      await mutate('setStatus', a);
      return null;
    },
    'conversation.assign': async (a) => {
      await mutate('assign', a);
      return null;
    },
    'conversation.markRead': async (a) => {
      await mutate('markRead', a);
      return null;
    },
    'draft.save': async (a) => {
      await mutate('saveDraft', a);
      return { savedAt: new Date().toISOString() };
    },
    'typing.set': async (a) => {
      sync?.sendTyping(a.conversationId, a.on);
      return null;
    },
    'channels.list': () => cache.call('channelsList', {}),
    'agents.list': () => cache.call('agentsList', {}),
  };

  if (token && serverUrl) sync = startSync();

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    retryNow() {
      sync?.kick();
    },
    inspect: {
      outbox: () => cache.call('outboxList', {}),
      counts: () => cache.call('counts', {}),
      cache,
    },
    async close() {
      if (closed) return;
      closed = true;
      coalescer.dispose();
      await stopSync();
      listeners.clear();
      await cache.close();
    },
  };
}
