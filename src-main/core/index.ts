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
import { clockFromEnv, type Clock } from '../../src-shared/sla';
import { SlaWatcher } from './sla/watcher';
import { fetchAttachment, listTemplates, messageOriginal, sendTemplate } from './channel-media';
import { uploadAttachment } from './outbound-media';
import { saveChannel } from './admin-channels';
import { adminHandlers } from './admin-settings';
import { metricsHandlers } from './metrics';
import { qualityHandlers } from './quality';
import { identityHandlers } from './identity';
import { PresenceController } from './presence';
import { collabHandlers, collabNotifications, mentionsFor, withPresence } from './collab';

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
  /** The clock SLA countdowns run on (default: THREADLINE_CLOCK_SCALE from the environment, else the system clock). */
  clock?: Clock;
  /** Coalescing window of SLA notifications and the SLA watcher's check interval (real ms; tests shorten them). */
  sla?: { windowMs?: number; intervalMs?: number };
}

export interface Core {
  handlers: IpcHandlers;
  /** An attachment's bytes from the server with the agent's token (served by the browser host at /attachments/:id). */
  fetchAttachment(id: string): Promise<Response>;
  /** Outbound media: a file's bytes uploaded to the server for a reply (online only); answers JSON (UploadedFile or {error}). */
  uploadAttachment(a: { conversationId: string; name: string; contentType: string; bytes: Uint8Array }): Promise<Response>;
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

  // Routing presence: sent over the sync socket, resent after every reconnect (docs/routing.md).
  const presence = new PresenceController((status) => sync?.sendPresence(status));
  const coalescer = new NotificationCoalescer((notification) => emit({ type: 'notify', notification }), opts.notifyWindowMs ?? COALESCE_WINDOW_MS);

  // SLA: the server's time = our clock + the offset measured at welcome; the watcher notifies before and on breach.
  const clock = opts.clock ?? clockFromEnv(process.env);
  const clockOrigin = Date.now();
  let serverOffsetMs = 0;
  // Do not disturb survives restarts (the cache's session meta).
  let doNotDisturb = stored.doNotDisturb === true;
  const serverNow = () => clock.now() + serverOffsetMs;
  const slaWatcher = new SlaWatcher({
    cache,
    serverNow,
    me: () => (token ? agent : null),
    doNotDisturb: () => doNotDisturb,
    emit: (notification) => emit({ type: 'notify', notification }),
    windowMs: opts.sla?.windowMs,
    intervalMs: opts.sla?.intervalMs ?? Math.max(100, Math.min(1000, Math.round(1000 / clock.scale))),
  });
  await slaWatcher.init();
  slaWatcher.start();

  async function sessionState(): Promise<SessionState> {
    const meta = await cache.call('loadSession', {});
    return {
      // Signed out, the URL given at launch (--server) wins, so the login form shows the server just started.
      serverUrl: (token ? serverUrl : (opts.defaultServerUrl ?? serverUrl)) ?? null,
      agent: token ? agent : null,
      connection,
      pendingMutations: await cache.call('outboxCount', {}),
      lastSyncedAt: meta.lastSyncedAt,
      // For the renderer's countdowns: the same server time as serverNow(), from Date.now() in the page.
      clock: { originMs: clockOrigin, scale: clock.scale, offsetMs: clock.now() - (clockOrigin + (Date.now() - clockOrigin) * clock.scale) + serverOffsetMs },
      doNotDisturb,
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
          if (s === 'online') presence.resend();
          void emitSession();
        },
        changed(touched, fresh, live) {
          emitChanged(touched);
          if (live && fresh && agent) coalescer.add(candidatesFor(agent, fresh));
          // Mentions, transfers, reassignments: each at most once (docs/routing.md §Handoff).
          if (live && fresh && agent) void collabNotifications(cache, agent, fresh).then((c) => coalescer.add(c), () => undefined);
        },
        rejected(r) {
          emit({ type: 'rejected', mutation: r.mutation, conversationId: r.conversationId, code: r.code, message: r.message });
        },
        typing(t) {
          emit({ type: 'typing', ...t });
        },
        viewing(v) {
          emit({ type: 'viewing', ...v });
        },
        serverTime(iso) {
          const t = Date.parse(iso);
          if (Number.isFinite(t)) serverOffsetMs = t - clock.now();
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

    'inbox.list': async (a) =>
      withPresence(
        cache,
        a.sort === 'due' || a.atRisk
          ? await cache.call('slaInboxList', { ...a, meId: agent?.id ?? null, now: new Date(serverNow()).toISOString() })
          : await cache.call('inboxList', { ...a, meId: agent?.id ?? null }),
      ),
    'session.setDoNotDisturb': async (a) => {
      await cache.call('setDoNotDisturb', { on: a.on });
      doNotDisturb = a.on;
      const state = await sessionState();
      emit({ type: 'session', state });
      return state;
    },
    'conversation.open': (a) => cache.call('conversationOpen', { id: a.id, meId: agent?.id ?? null }),

    'message.send': async (a) => {
      if (!a.text && !a.attachmentIds?.length) throw new CoreError('invalid', 'The message is empty.');
      // @mentions in a private note → agent ids (notified once by their cores; never the author).
      const mentions = a.private && agent ? await mentionsFor(cache, agent, a.conversationId, a.text) : [];
      const out = await mutate('sendMessage', { conversationId: a.conversationId, text: a.text, private: a.private, ...(a.attachmentIds?.length ? { attachmentIds: a.attachmentIds } : {}), ...(mentions.length ? { mentions } : {}), ...(a.channelId ? { channelId: a.channelId } : {}) });
      return out.message!;
    },
    'message.retry': async (a) => {
      await mutate('retryMessage', a);
      return null;
    },
    'conversation.setStatus': async (a) => {
      await mutate('setStatus', a);
      return null;
    },
    'conversation.assign': async (a) => {
      await mutate('assign', a);
      return null;
    },
    'conversation.setPriority': async (a) => {
      await mutate('setPriority', a);
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
    'presence.get': async () => presence.state(),
    'presence.set': async (a) => presence.set(a.status),
    'presence.idle': async (a) => presence.idle(a.seconds),
    'conversation.viewing': async (a) => {
      sync?.sendViewing(a.conversationId, a.on, a.replying);
      return null;
    },
    'channels.list': () => cache.call('channelsList', {}),
    'channels.save': async (a) => {
      const me = requireAgent();
      if (me.role !== 'admin') throw new CoreError('forbidden', 'Only administrators can change channels.');
      if (!serverUrl || !token) throw new CoreError('signed_out', 'Sign in first.');
      return saveChannel(serverUrl, token, a);
    },
    'agents.list': () => cache.call('agentsList', {}),
    // Handoff and collaboration: claim, transfer, presence list, team directory (collab.ts).
    ...collabHandlers({ cache, mutate, server: () => (serverUrl && token ? { serverUrl, token } : null) }),
    // Settings area: REST with the session token; the server answers 403 to agents (and to supervisors' writes).
    ...adminHandlers(() => (serverUrl && token ? { serverUrl, token } : null)),
    ...metricsHandlers(() => (serverUrl && token ? { serverUrl, token } : null)),
    ...qualityHandlers(() => (serverUrl && token ? { serverUrl, token } : null)),
    // One customer, one thread: local search (offline), profile, suggestions, timeline, reply channels (identity.ts).
    ...identityHandlers({ cache, server: () => (serverUrl && token ? { serverUrl, token } : null) }),
    'templates.list': (a) => {
      if (!serverUrl || !token) throw new CoreError('signed_out', 'Sign in first.');
      return listTemplates(serverUrl, token, a.channelId);
    },
    'templates.send': (a) => {
      if (!serverUrl || !token) throw new CoreError('signed_out', 'Sign in first.');
      return sendTemplate(serverUrl, token, a);
    },
    'message.original': (a) => {
      if (!serverUrl || !token) throw new CoreError('signed_out', 'Sign in first.');
      return messageOriginal(serverUrl, token, a.messageId);
    },
  };

  if (token && serverUrl) sync = startSync();

  return {
    handlers,
    fetchAttachment: (id: string) => fetchAttachment(token ? serverUrl : null, token, id),
    uploadAttachment: (a) => uploadAttachment(token ? serverUrl : null, token, a),
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
      slaWatcher.stop();
      await stopSync();
      listeners.clear();
      await cache.close();
    },
  };
}
