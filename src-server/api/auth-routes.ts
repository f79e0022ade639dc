// POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dummyPasswordHash, verifyPassword } from '../auth/passwords';
import { createSession, revokeSession } from '../auth/sessions';
import { loadAgent } from '../domain/entities';
import { HttpError, parse } from './http-errors';
import { requireAuth, type ServerContext } from './context';

const LoginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1000) });

export function authRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/auth/login', async (req) => {
    const body = parse(LoginBody, req.body);
    const email = body.email.trim().toLowerCase();
    const wait = ctx.loginLimiter.retryAfter(email, req.ip);
    if (wait > 0) throw new HttpError(429, 'rate_limited', `too many failed sign-ins; try again in ${wait} s`, { 'retry-after': String(wait) });

    const row = await ctx.db.selectFrom('agents').select(['id', 'password_hash', 'disabled']).where('email', '=', email).executeTakeFirst();
    // Unknown emails still pay for one hash, so response time does not reveal which emails exist.
    const ok = await verifyPassword(body.password, row?.password_hash ?? (await dummyPasswordHash()));
    if (!row || !ok || row.disabled) {
      ctx.loginLimiter.fail(email, req.ip);
      throw new HttpError(401, 'invalid_credentials', 'wrong email or password');
    }
    ctx.loginLimiter.succeed(email, req.ip);
    const session = await createSession(ctx.db, row.id);
    const { disabled: _d, ...agent } = (await loadAgent(ctx.db, row.id))!;
    return { token: session.token, agent, expiresAt: session.expiresAt };
  });

  app.register(async (scoped) => {
    scoped.addHook('onRequest', requireAuth(ctx));
    scoped.post('/api/v1/auth/logout', async (req, reply) => {
      await revokeSession(ctx.db, req.auth!.sessionId);
      ctx.hub.closeSession(req.auth!.sessionId);
      return reply.code(204).send();
    });
    scoped.get('/api/v1/auth/me', async (req) => {
      const { disabled: _d, ...agent } = (await loadAgent(ctx.db, req.auth!.agent.id))!;
      return { agent };
    });
  });
}
