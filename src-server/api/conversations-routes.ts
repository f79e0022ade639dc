// /api/v1/conversations and /api/v1/conversations/:id/messages. Conversations in channels the
// agent may not see are never listed and answer 404.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConversationStatus, MAX_MESSAGE_CHARS, Priority } from '../../src-shared/domain';
import { conversationOf, loadConversationRow, messageOf } from '../domain/entities';
import { notFound } from '../domain/errors';
import { canSeeChannel, seesAllChannels, type Actor } from '../domain/visibility';
import type { Db } from '../store/db';
import { decodeCursor, ListQuery, pageOf } from './pagination';
import { HttpError, parse } from './http-errors';
import { actorOf, type ServerContext } from './context';

const IdParams = z.object({ id: z.string().max(64) });
const ConversationQuery = ListQuery.extend({
  status: ConversationStatus.optional(),
  channelId: z.string().max(64).optional(),
  /** An agent id, or `none` for unassigned conversations. */
  assigneeId: z.string().max(64).optional(),
  contactId: z.string().max(64).optional(),
});
const ConversationPatchBody = z
  .object({ status: ConversationStatus, assigneeId: z.string().max(64).nullable(), priority: Priority })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
const NewMessageBody = z.object({
  // Empty only with a file (attachmentIds); the command refuses an empty message otherwise.
  text: z.string().trim().max(MAX_MESSAGE_CHARS),
  attachmentIds: z.array(z.string().min(1).max(64)).max(1).optional(),
  channelId: z.string().max(64).optional(),
  private: z.boolean().default(false),
});

async function visibleConversation(db: Db, actor: Actor, id: string) {
  const row = await loadConversationRow(db, id);
  if (!row || !(await canSeeChannel(db, actor, row.channel_id))) throw notFound('conversation');
  return row;
}

export function conversationRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/conversations', async (req) => {
    const actor = actorOf(req);
    const q = parse(ConversationQuery, req.query);
    const after = decodeCursor(q.cursor, 2);
    let query = ctx.db.selectFrom('conversations').selectAll().orderBy('last_message_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
    if (!seesAllChannels(actor.role)) {
      query = query.where('channel_id', 'in', ctx.db.selectFrom('channel_members').select('channel_id').where('agent_id', '=', actor.id));
    }
    if (q.status) query = query.where('status', '=', q.status);
    if (q.channelId) query = query.where('channel_id', '=', q.channelId);
    if (q.contactId) query = query.where('contact_id', '=', q.contactId);
    if (q.assigneeId === 'none') query = query.where('assignee_id', 'is', null);
    else if (q.assigneeId) query = query.where('assignee_id', '=', q.assigneeId);
    if (after) {
      const [at, id] = after as [string, string];
      query = query.where((eb) => eb.or([eb('last_message_at', '<', at), eb.and([eb('last_message_at', '=', at), eb('id', '<', id)])]));
    }
    return pageOf(await query.execute(), q.limit, conversationOf, (r) => [r.last_message_at, r.id]);
  });

  app.get('/api/v1/conversations/:id', async (req) => {
    const { id } = parse(IdParams, req.params);
    return conversationOf(await visibleConversation(ctx.db, actorOf(req), id));
  });

  app.patch('/api/v1/conversations/:id', async (req) => {
    const { id } = parse(IdParams, req.params);
    return ctx.commands.updateConversation(actorOf(req), id, parse(ConversationPatchBody, req.body));
  });

  app.get('/api/v1/conversations/:id/messages', async (req) => {
    const { id } = parse(IdParams, req.params);
    await visibleConversation(ctx.db, actorOf(req), id);
    const q = parse(ListQuery, req.query);
    const after = decodeCursor(q.cursor, 2);
    let query = ctx.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).orderBy('created_at').orderBy('id').limit(q.limit + 1);
    if (after) {
      const [at, mid] = after as [string, string];
      query = query.where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', mid)])]));
    }
    return pageOf(await query.execute(), q.limit, messageOf, (r) => [r.created_at, r.id]);
  });

  app.post('/api/v1/conversations/:id/messages', async (req, reply) => {
    const { id } = parse(IdParams, req.params);
    const text = (req.body as { text?: unknown } | null)?.text;
    if (typeof text === 'string' && text.length > MAX_MESSAGE_CHARS) {
      throw new HttpError(413, 'payload_too_large', `message text is longer than ${MAX_MESSAGE_CHARS} characters`);
    }
    const body = parse(NewMessageBody, req.body);
    const message = await ctx.commands.sendMessage(actorOf(req), { conversationId: id, text: body.text, private: body.private, channelId: body.channelId, ...(body.attachmentIds ? { attachmentIds: body.attachmentIds } : {}) });
    return reply.code(201).send(message);
  });
}
