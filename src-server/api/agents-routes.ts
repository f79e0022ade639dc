// /api/v1/agents: list (any signed-in agent: names for assignment), create/patch (admin).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Role } from '../../src-shared/domain';
import { hashPassword } from '../auth/passwords';
import { agentOf, loadAgent } from '../domain/entities';
import { conflict, notFound } from '../domain/errors';
import { decodeCursor, ListQuery, pageOf } from './pagination';
import { parse } from './http-errors';
import { requireRole, type ServerContext } from './context';

const NewAgentBody = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().trim().min(1).max(200),
  role: Role,
  password: z.string().min(8).max(1000),
});
const AgentPatchBody = z
  .object({ name: z.string().trim().min(1).max(200), role: Role, password: z.string().min(8).max(1000), disabled: z.boolean() })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

export function agentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/agents', async (req) => {
    const q = parse(ListQuery, req.query);
    const after = decodeCursor(q.cursor, 1);
    let query = ctx.db.selectFrom('agents').selectAll().orderBy('id').limit(q.limit + 1);
    if (after) query = query.where('id', '>', after[0]!);
    const rows = await query.execute();
    const members = rows.length
      ? await ctx.db.selectFrom('channel_members').select(['agent_id', 'channel_id']).where('agent_id', 'in', rows.map((r) => r.id)).orderBy('channel_id').execute()
      : [];
    return pageOf(
      rows,
      q.limit,
      (r) => agentOf(r, members.filter((m) => m.agent_id === r.id).map((m) => m.channel_id)),
      (r) => [r.id],
    );
  });

  app.get('/api/v1/agents/:id', async (req) => {
    const { id } = parse(z.object({ id: z.string().max(64) }), req.params);
    const agent = await loadAgent(ctx.db, id);
    if (!agent) throw notFound('agent');
    return agent;
  });

  app.post('/api/v1/agents', { preHandler: requireRole('admin') }, async (req, reply) => {
    const body = parse(NewAgentBody, req.body);
    const agent = await ctx.commands.createAgent({ email: body.email, name: body.name, role: body.role, passwordHash: await hashPassword(body.password) });
    return reply.code(201).send(agent);
  });

  app.patch('/api/v1/agents/:id', { preHandler: requireRole('admin') }, async (req) => {
    const { id } = parse(z.object({ id: z.string().max(64) }), req.params);
    const body = parse(AgentPatchBody, req.body);
    // An admin cannot lock themselves out (and the workspace with them).
    if (id === req.auth!.agent.id && ((body.role && body.role !== 'admin') || body.disabled)) throw conflict('you cannot demote or disable yourself');
    const agent = await ctx.commands.updateAgent(id, {
      name: body.name,
      role: body.role,
      disabled: body.disabled,
      passwordHash: body.password ? await hashPassword(body.password) : undefined,
    });
    if (body.disabled) ctx.hub.closeAgent(id);
    return agent;
  });
}
