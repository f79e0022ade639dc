// POST /api/v1/messages/:id/retry: send a failed outbound message again (the same action as the
// `retryMessage` sync mutation). 404 when the agent cannot see it, 400 when it is not failed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../domain/errors';
import { parse } from './http-errors';
import { actorOf, type ServerContext } from './context';

const IdParams = z.object({ id: z.string().max(64) });

export function deliveryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/messages/:id/retry', async (req) => {
    const { id } = parse(IdParams, req.params);
    const row = await ctx.db.selectFrom('messages').select(['conversation_id']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('message');
    return ctx.commands.retryMessage(actorOf(req), { conversationId: row.conversation_id, messageId: id });
  });
}
