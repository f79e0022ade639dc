// What route modules get from the app, and request-level auth helpers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { Role } from '../../src-shared/domain';
import type { Clock } from '../../src-shared/sla';
import type { Db } from '../store/db';
import type { Commands } from '../domain/commands';
import type { LiveHub } from '../live-hub';
import type { ChannelRuntime } from '../channels/runtime';
import type { LoginRateLimiter } from '../auth/rate-limit';
import { authenticate, tokenFrom, type AuthContext } from '../auth/sessions';
import type { Actor } from '../domain/visibility';
import { HttpError } from './http-errors';

export interface ServerContext {
  db: Db;
  commands: Commands;
  hub: LiveHub;
  log: FastifyBaseLogger;
  loginLimiter: LoginRateLimiter;
  publicUrl(): string;
  /** Built widget bundle served at /widget.js. */
  widgetFile: string;
  /** The server's clock for SLA times and welcome.serverTime (scaled under THREADLINE_CLOCK_SCALE); default system. */
  clock?: Clock;
  /** Channel adapters, secrets and the delivery queue (channels/runtime.ts). */
  channels: ChannelRuntime;
  /** Routing presence (src-server/routing/router.ts): the sync socket's `presence` frame sets the agent's status. */
  router?: { setStatus(agentId: string, status: 'online' | 'away' | 'offline'): Promise<unknown> };
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

/** onRequest hook: a valid bearer token or 401 (before the body is even read). */
export function requireAuth(ctx: ServerContext) {
  return async (req: FastifyRequest) => {
    const auth = await authenticate(ctx.db, tokenFrom(req.headers, req.query));
    if (!auth) throw new HttpError(401, 'unauthorized', 'missing, expired or revoked token', { 'www-authenticate': 'Bearer' });
    req.auth = auth;
  };
}

export function requireRole(...roles: Role[]) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    if (!req.auth || !roles.includes(req.auth.agent.role)) throw new HttpError(403, 'forbidden', `requires role ${roles.join(' or ')}`);
  };
}

export function actorOf(req: FastifyRequest): Actor {
  if (!req.auth) throw new HttpError(401, 'unauthorized', 'not signed in');
  const { id, name, role } = req.auth.agent;
  return { id, name, role };
}
