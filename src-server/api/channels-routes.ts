// /api/v1/channels: list/get what the agent may see; create, patch, membership (admin).
// Secrets in a channel's config are stored but never returned.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ChannelType } from '../../src-shared/domain';
import { channelOf } from '../domain/entities';
import { notFound } from '../domain/errors';
import { canSeeChannel, seesAllChannels } from '../domain/visibility';
import { decodeCursor, ListQuery, pageOf } from './pagination';
import { parse } from './http-errors';
import { actorOf, requireRole, type ServerContext } from './context';

const Config = z.record(z.string(), z.unknown());
const NewChannelBody = z.object({ type: ChannelType, name: z.string().trim().min(1).max(200), config: Config.default({}) });
const ChannelPatchBody = z
  .object({ name: z.string().trim().min(1).max(200), config: Config })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
const IdParams = z.object({ id: z.string().max(64) });
const MemberParams = z.object({ id: z.string().max(64), agentId: z.string().max(64) });

export function channelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/channels', async (req) => {
    const actor = actorOf(req);
    const q = parse(ListQuery, req.query);
    const after = decodeCursor(q.cursor, 1);
    let query = ctx.db.selectFrom('channels').selectAll().orderBy('id').limit(q.limit + 1);
    if (after) query = query.where('id', '>', after[0]!);
    if (!seesAllChannels(actor.role)) {
      query = query.where('id', 'in', ctx.db.selectFrom('channel_members').select('channel_id').where('agent_id', '=', actor.id));
    }
    return pageOf(await query.execute(), q.limit, channelOf, (r) => [r.id]);
  });

  app.get('/api/v1/channels/:id', async (req) => {
    const { id } = parse(IdParams, req.params);
    if (!(await canSeeChannel(ctx.db, actorOf(req), id))) throw notFound('channel');
    const row = await ctx.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return channelOf(row);
  });

  app.post('/api/v1/channels', { preHandler: requireRole('admin') }, async (req, reply) => {
    const body = parse(NewChannelBody, req.body);
    return reply.code(201).send(await ctx.commands.createChannel(body));
  });

  app.patch('/api/v1/channels/:id', { preHandler: requireRole('admin') }, async (req) => {
    const { id } = parse(IdParams, req.params);
    return ctx.commands.updateChannel(id, parse(ChannelPatchBody, req.body));
  });

  app.put('/api/v1/channels/:id/members/:agentId', { preHandler: requireRole('admin') }, async (req, reply) => {
    const { id, agentId } = parse(MemberParams, req.params);
    await ctx.commands.setMembership(id, agentId, true);
    return reply.code(204).send();
  });

  app.delete('/api/v1/channels/:id/members/:agentId', { preHandler: requireRole('admin') }, async (req, reply) => {
    const { id, agentId } = parse(MemberParams, req.params);
    await ctx.commands.setMembership(id, agentId, false);
    return reply.code(204).send();
  });
}
