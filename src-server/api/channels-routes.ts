// /api/v1/channels: list/get what the agent may see; create, patch, membership (admin).
// Secrets in a channel's config are stored but never returned.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { ChannelType } from '../../src-shared/domain';
import { parseConfig } from '../domain/channel-config';
import { configSchemaOf } from '../channels/config-schemas';
import { mergeConfig } from '../channels/secrets';
import { channelOf } from '../domain/entities';
import { notFound } from '../domain/errors';
import { canSeeChannel, seesAllChannels } from '../domain/visibility';
import { decodeCursor, ListQuery, pageOf } from './pagination';
import { parse } from './http-errors';
import { actorOf, requireRole, type ServerContext } from './context';
import { syncTemplatesSoon } from './media-routes';

const Config = z.record(z.string(), z.unknown());
const NewChannelBody = z.object({ type: ChannelType, name: z.string().trim().min(1).max(200), config: Config.default({}) });
const ChannelPatchBody = z
  .object({ name: z.string().trim().min(1).max(200), config: Config })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
const IdParams = z.object({ id: z.string().max(64) });
const MemberParams = z.object({ id: z.string().max(64), agentId: z.string().max(64) });

/** Validates one channel type's config; 400 with the field's path when it does not fit. */
function parseChannelConfig(type: ChannelType, config: Record<string, unknown>): Record<string, unknown> {
  return { ...parse(configSchemaOf(type), config) } as Record<string, unknown>;
}

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
    // Each type's config is validated (vendor base URLs defaulted); secrets are sealed before they are stored.
    const config = parseChannelConfig(body.type, body.config);
    if (body.type === 'webchat' && config.secret === undefined) config.secret = randomBytes(32).toString('hex');
    const channel = await ctx.commands.createChannel({ ...body, config: ctx.channels.secrets.seal(config) });
    await ctx.channels.restartReceiver(channel.id);
    if (body.type === 'whatsapp') syncTemplatesSoon(ctx, channel.id);
    return reply.code(201).send(channel);
  });

  app.patch('/api/v1/channels/:id', { preHandler: requireRole('admin') }, async (req) => {
    const { id } = parse(IdParams, req.params);
    const patch = parse(ChannelPatchBody, req.body);
    const row = await ctx.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('channel');
    let config: Record<string, unknown> | undefined;
    if (patch.config) {
      // Merged key by key (nested too), so a patch without a secret keeps it; then the whole result is validated.
      const merged = mergeConfig(ctx.channels.secrets.open(parseConfig(row.config)), patch.config);
      config = ctx.channels.secrets.seal(parseChannelConfig(row.type as ChannelType, merged));
    }
    const channel = await ctx.commands.updateChannel(id, { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(config ? { config } : {}) });
    if (config) await ctx.channels.restartReceiver(id);
    if (config && row.type === 'whatsapp') syncTemplatesSoon(ctx, id);
    return channel;
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
