// The central server: Fastify app + store + live hub. `createServer` opens (and migrates) the
// store in opts.dataDir, creates the first admin on first start, and listens.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBodyParser } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { openStore, type Store } from './store/db';
import { LiveHub } from './live-hub';
import { Commands } from './domain/commands';
import { LoginRateLimiter } from './auth/rate-limit';
import { generatePassword, hashPassword } from './auth/passwords';
import { installErrorHandlers } from './api/http-errors';
import { requireAuth, type ServerContext } from './api/context';
import { authRoutes } from './api/auth-routes';
import { agentRoutes } from './api/agents-routes';
import { channelRoutes } from './api/channels-routes';
import { contactRoutes } from './api/contacts-routes';
import { identityRoutes } from './api/identity-routes';
import { configureContinuity } from './identity/service';
import { conversationRoutes } from './api/conversations-routes';
import { syncRoutes } from './sync/socket';
import { changeLogReader } from './sync/live-changes';
import { readCounter } from './domain/change-log';
import { webchatPageRoutes } from './channels/webchat/pages';
import { webchatSocketRoutes } from './channels/webchat/socket';
import { slaRoutes } from './api/sla-routes';
import { SlaEngine } from './sla/engine';
import { SlaScheduler } from './sla/scheduler';
import { systemClock, type Clock } from '../src-shared/sla';
import { ChannelRuntime } from './channels/runtime';
import { deliveryRoutes } from './api/delivery-routes';
import { mediaRoutes } from './api/media-routes';
import { uploadRoutes } from './api/upload-routes';
import { Router } from './routing/router';
import { QueueFrames } from './routing/queue-frames';
import { collabRoutes } from './api/collab-routes';
import { routingRoutes } from './api/routing-routes';
import { metricsRoutes } from './api/metrics-routes';
import { csatApiRoutes, csatPageRoutes } from './api/csat-routes';
import { CsatService, type CsatOptions } from './csat/service';
import { qualityRoutes } from './api/quality-routes';
import type { DeliveryOptions } from './channels/delivery';
import type { MediaOptions } from './channels/media';

export interface ServerOptions {
  dataDir: string;
  /** 0 = any free port. Default 4820. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The URL customers and channels reach this server at. Default http://localhost:PORT. */
  publicUrl?: string;
  /** First administrator, used only when the store has no agents yet. */
  adminEmail?: string;
  /** Generated (and reported in `initialAdmin`) when not given. */
  adminPassword?: string;
  /** pino level; 'silent' in tests. Default $THREADLINE_LOG_LEVEL or 'warn'. */
  logLevel?: string;
  /** The built widget bundle served at /widget.js. Default dist/widget/widget.js in the repo. */
  widgetFile?: string;
  /** Login throttle: failures per email+IP within the window (default 5 per 15 min). */
  loginRateLimit?: { max: number; windowMs: number };
  /** The SLA clock (default: the system clock). Tests pass a manual clock; the CLI a scaled one (THREADLINE_CLOCK_SCALE). */
  clock?: Clock;
  /** Routing (docs/routing.md): presence grace period after the app disconnects, background tick period (0 = none; tests tick by hand). */
  routing?: { graceMs?: number; tickMs?: number };
  /** Continuity (docs/identity.md): join the contact's open thread across channels; reopen one resolved within this window. */
  continuity?: { enabled?: boolean; reopenWindowMinutes?: number };
  /** Channel adapters: delivery queue timing (tests shorten it), and whether pollers (Telegram, IMAP) start. */
  channels?: { delivery?: Partial<DeliveryOptions>; receivers?: boolean; media?: Partial<MediaOptions> };
  /** CSAT sender timing (docs/csat.md). */
  csat?: Partial<CsatOptions>;
}

export interface ThreadlineServer {
  url: string;
  port: number;
  publicUrl: string;
  /** The admin created by this start (first start only), with the password if it was generated. */
  initialAdmin: { email: string; password: string; generated: boolean } | null;
  store: Store;
  commands: Commands;
  hub: LiveHub;
  /** SLA engine (clocks on every conversation write) and its scheduler (warnings, breaches, escalation). */
  sla: { engine: SlaEngine; scheduler: SlaScheduler; clock: Clock };
  /** Channel adapters, secrets and the delivery queue. */
  channels: ChannelRuntime;
  /** Routing: rules, queues, presence, escalation (src-server/routing/router.ts). */
  router: Router;
  app: ReturnType<typeof Fastify>;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4820;
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Sync pushes may carry up to 500 mutations of up to 10 000 characters. */
const WS_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function createServer(opts: ServerOptions): Promise<ThreadlineServer> {
  const store = await openStore({ dataDir: opts.dataDir });
  const app = Fastify({
    logger: { level: opts.logLevel ?? process.env.THREADLINE_LOG_LEVEL ?? 'warn' },
    bodyLimit: BODY_LIMIT_BYTES,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const hub = new LiveHub();
  // Inline pokes (src-shared/sync.ts §3): fan-outs read the new change-log rows once for every client.
  hub.attachChangeLog(changeLogReader(store.db), await readCounter(store.db, 'change_seq'), (err) => app.log.error({ err }, 'live fan-out read failed'));
  const commands = new Commands(store.db, hub, app.log);
  const reopenMinutes = opts.continuity?.reopenWindowMinutes ?? Number(process.env.THREADLINE_REOPEN_WINDOW_MINUTES ?? 0);
  configureContinuity({ enabled: opts.continuity?.enabled ?? true, reopenWindowMs: (Number.isFinite(reopenMinutes) ? reopenMinutes : 0) * 60_000 });
  const clock = opts.clock ?? systemClock;
  let slaScheduler: SlaScheduler | null = null;
  const slaEngine = new SlaEngine({ clock, log: app.log, onReschedule: () => slaScheduler?.poke() });
  slaScheduler = new SlaScheduler(commands, slaEngine, clock, app.log);
  commands.slaHook = slaEngine.hook;
  const router = new Router(commands, { clock, log: app.log, ...opts.routing });
  commands.router = router;
  const queueFrames = new QueueFrames(store.db, hub, router, app.log);
  hub.onSyncPeer = (agentId, delta) => void router.connection(agentId, delta).catch((err: unknown) => app.log.error({ err }, 'presence update failed'));
  const channels = new ChannelRuntime(store, commands, app.log, { dataDir: opts.dataDir, ...opts.channels });
  let publicUrl = opts.publicUrl?.replace(/\/+$/, '') ?? '';
  const csat = new CsatService(channels, commands, hub, () => publicUrl, opts.csat);
  const ctx: ServerContext = {
    db: store.db,
    commands,
    hub,
    log: app.log,
    loginLimiter: new LoginRateLimiter(opts.loginRateLimit?.max, opts.loginRateLimit?.windowMs),
    publicUrl: () => publicUrl,
    widgetFile: opts.widgetFile ?? path.join(repoRoot, 'dist', 'widget', 'widget.js'),
    channels,
    clock,
    router,
  };

  try {
    const initialAdmin = await ensureFirstAdmin(commands, opts);

    await app.register(websocket, { options: { maxPayload: WS_MAX_PAYLOAD_BYTES }, preClose: (done) => void closeSocketsGracefully(app).then(() => done()) });
    installErrorHandlers(app);
    acceptEmptyJsonBodies(app);

    app.get('/health', async () => ({ status: 'ok' }));
    authRoutes(app, ctx);
    await app.register(async (api) => {
      api.addHook('onRequest', requireAuth(ctx));
      agentRoutes(api, ctx);
      channelRoutes(api, ctx);
      contactRoutes(api, ctx);
      identityRoutes(api, ctx);
      conversationRoutes(api, ctx);
      slaRoutes(api, ctx);
      deliveryRoutes(api, ctx);
      mediaRoutes(api, ctx);
      await uploadRoutes(api, ctx, ctx.channels.media.opts.maxBytes);
      routingRoutes(api, ctx, router);
      collabRoutes(api, ctx);
      metricsRoutes(api, ctx);
      csatApiRoutes(api, ctx);
      qualityRoutes(api, ctx);
    });
    syncRoutes(app, ctx);
    webchatPageRoutes(app, ctx);
    webchatSocketRoutes(app, ctx);
    await app.register(async (pages) => csatPageRoutes(pages, ctx));
    await channels.registerRoutes(app);
    app.addHook('onClose', async () => csat.stop());
    app.addHook('onClose', async () => channels.stop());

    app.addHook('onClose', async () => slaScheduler?.stop());
    app.addHook('onClose', async () => router.stop());
    app.addHook('onClose', async () => queueFrames.stop());
    const heartbeat = startHeartbeat(app);
    app.addHook('onClose', async () => clearInterval(heartbeat));

    const host = opts.host ?? '127.0.0.1';
    await app.listen({ port: opts.port ?? DEFAULT_PORT, host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULT_PORT);
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    if (!publicUrl) publicUrl = `http://localhost:${port}`;
    await channels.start();
    await csat.start();
    slaScheduler.start();
    router.start();

    let closed = false;
    return {
      url: `http://${urlHost}:${port}`,
      port,
      publicUrl,
      initialAdmin,
      store,
      commands,
      hub,
      channels,
      router,
      sla: { engine: slaEngine, scheduler: slaScheduler, clock },
      app,
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await store.close();
      },
    };
  } catch (err) {
    await app.close().catch(() => undefined);
    await store.close();
    throw err;
  }
}

async function ensureFirstAdmin(commands: Commands, opts: ServerOptions): Promise<ThreadlineServer['initialAdmin']> {
  const any = await commands.db.selectFrom('agents').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const email = (opts.adminEmail ?? 'admin@threadline.local').trim().toLowerCase();
  const generated = !opts.adminPassword;
  const password = opts.adminPassword ?? generatePassword();
  await commands.createAgent({ email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(password) });
  return { email, password, generated };
}

/** On shutdown, tell clients "going away" (1001) so they reconnect with backoff; drop any that do not answer quickly. */
async function closeSocketsGracefully(app: ReturnType<typeof Fastify>): Promise<void> {
  const clients = [...app.websocketServer.clients];
  const closed = clients.map((c) => new Promise<void>((resolve) => (c.readyState === c.CLOSED ? resolve() : c.once('close', () => resolve()))));
  for (const c of clients) c.close(1001, 'server shutting down');
  await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 500))]);
  for (const c of app.websocketServer.clients) c.terminate();
  await new Promise<void>((resolve) => app.websocketServer.close(() => resolve()));
}

/**
 * Clients often send `content-type: application/json` with no body on PUT/DELETE/POST actions
 * (membership, logout): treat that as "no body" instead of an error. Non-empty bodies still go
 * through Fastify's JSON parser (prototype-poisoning checks, 400 on malformed JSON).
 */
function acceptEmptyJsonBodies(app: ReturnType<typeof Fastify>): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  const parser: FastifyBodyParser<string> = (req, body, done) => {
    if (body.trim() === '') return done(null, undefined);
    return parseJson(req, body, done);
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parser);
}

/** Pings every socket; one that did not answer the previous ping is dead (laptop lid closed) and is dropped. */
function startHeartbeat(app: ReturnType<typeof Fastify>): NodeJS.Timeout {
  const alive = new WeakMap<WebSocket, boolean>();
  app.websocketServer.on('connection', (socket: WebSocket) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
  });
  const timer = setInterval(() => {
    for (const client of app.websocketServer.clients) {
      if (alive.get(client) === false) {
        client.terminate();
        continue;
      }
      alive.set(client, false);
      client.ping();
    }
  }, HEARTBEAT_MS);
  timer.unref();
  return timer;
}
