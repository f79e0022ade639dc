// Handoff over REST (docs/routing.md §Handoff); the desktop app uses the sync mutations `claim` and `transfer`
// (exactly once), these are the same commands for scripts and integrations:
//   POST /api/v1/conversations/:id/claim                      → 200 {conversation} | 409 someone else has it
//   POST /api/v1/conversations/:id/transfer {toAgentId | toTeamId, note?, noteId?} → 200 {conversation}
//   GET  /api/v1/team-directory                                → {items: [{id, name, memberIds}]} (any agent: transfer targets)
// An agent outside the conversation's channel gets 404 (its existence is not revealed); bad input 400, nothing changed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../../src-shared/domain';
import { uuidv7 } from '../../src-shared/ids';
import { conversationOf, loadConversationRow } from '../domain/entities';
import { claim, transfer } from '../routing/collab';
import { actorOf, type ServerContext } from './context';
import { parse } from './http-errors';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const TransferBody = z
  .object({
    toAgentId: z.string().min(1).max(64).optional(),
    toTeamId: z.string().min(1).max(64).optional(),
    note: z.string().trim().max(MAX_MESSAGE_CHARS).optional(),
    noteId: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((a) => (a.toAgentId === undefined) !== (a.toTeamId === undefined), 'name exactly one of toAgentId, toTeamId');

export function collabRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const current = async (id: string) => ({ conversation: conversationOf((await loadConversationRow(ctx.db, id))!) });

  app.post('/api/v1/conversations/:id/claim', async (req) => {
    const { id } = parse(IdParams, req.params);
    const actor = actorOf(req);
    await ctx.commands.run((w) => claim(w, actor, id));
    return current(id);
  });

  app.post('/api/v1/conversations/:id/transfer', async (req) => {
    const { id } = parse(IdParams, req.params);
    const body = parse(TransferBody, req.body ?? {});
    const actor = actorOf(req);
    await ctx.commands.run((w) => transfer(w, actor, { ...body, conversationId: id, noteId: body.noteId ?? uuidv7() }, ctx.commands.router));
    return current(id);
  });

  app.get('/api/v1/team-directory', async () => {
    const teams = await ctx.db.selectFrom('teams').select(['id', 'name']).orderBy('name').execute();
    const members = await ctx.db.selectFrom('team_members').select(['team_id', 'agent_id']).orderBy('agent_id').execute();
    return { items: teams.map((t) => ({ id: t.id, name: t.name, memberIds: members.filter((m) => m.team_id === t.id).map((m) => m.agent_id) })) };
  });
}
