// Routing configuration and state (docs/routing.md): /api/v1/teams, /api/v1/routing-rules, /api/v1/escalation-rules,
// /api/v1/agents/:id/routing (skills, capacity), /api/v1/presence, and a conversation's routing events and queue position.
// Admins write the configuration; admins and supervisors read it; agents get 403 (they set only their own presence).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EscalationRuleInput, PresenceStatus } from '../../src-shared/routing';
import type { RoutingEvent } from '../../src-shared/routing';
import type { Router } from '../routing/router';
import {
  AgentRoutingInput,
  RoutingRuleCreate,
  TeamInput,
  createEscalationRule,
  createRule,
  createTeam,
  deleteEscalationRule,
  deleteRule,
  deleteTeam,
  getAgentRouting,
  getEscalationRule,
  getRule,
  getTeam,
  listEscalationRules,
  listRules,
  listTeams,
  updateAgentRouting,
  updateEscalationRule,
  updateRule,
  updateTeam,
} from '../routing/store';
import { canSeeChannel } from '../domain/visibility';
import { HttpError, parse } from './http-errors';
import { actorOf, requireRole, type ServerContext } from './context';

const IdParams = z.object({ id: z.string().max(64) });
const Patch = z.record(z.string(), z.unknown()).refine((p) => Object.keys(p).length > 0, 'nothing to change');
const known = (shape: Record<string, unknown>) => Patch.refine((p) => Object.keys(p).every((k) => k in shape), 'unknown field');

export function routingRoutes(app: FastifyInstance, ctx: ServerContext, router: Router): void {
  const read = { preHandler: requireRole('admin', 'supervisor') };
  const write = { preHandler: requireRole('admin') };
  // Configuration changed: capacity or eligibility may have grown.
  const changed = async <T>(v: T): Promise<T> => {
    await router.drain();
    return v;
  };

  app.get('/api/v1/teams', read, async () => ({ items: await listTeams(ctx.db) }));
  app.get('/api/v1/teams/:id', read, async (req) => getTeam(ctx.db, parse(IdParams, req.params).id));
  app.post('/api/v1/teams', write, async (req, reply) => reply.code(201).send(await changed(await createTeam(ctx.db, parse(TeamInput, req.body)))));
  app.patch('/api/v1/teams/:id', write, async (req) => changed(await updateTeam(ctx.db, parse(IdParams, req.params).id, parse(known(TeamInput.shape), req.body ?? {}))));
  app.delete('/api/v1/teams/:id', write, async (req, reply) => {
    await deleteTeam(ctx.db, parse(IdParams, req.params).id);
    return reply.code(204).send();
  });

  app.get('/api/v1/routing-rules', read, async () => ({ items: await listRules(ctx.db) }));
  app.get('/api/v1/routing-rules/:id', read, async (req) => getRule(ctx.db, parse(IdParams, req.params).id));
  app.post('/api/v1/routing-rules', write, async (req, reply) => reply.code(201).send(await createRule(ctx.db, parse(RoutingRuleCreate, req.body))));
  app.patch('/api/v1/routing-rules/:id', write, async (req) => updateRule(ctx.db, parse(IdParams, req.params).id, parse(known(RoutingRuleCreate.shape), req.body ?? {})));
  app.delete('/api/v1/routing-rules/:id', write, async (req, reply) => {
    await deleteRule(ctx.db, parse(IdParams, req.params).id);
    return reply.code(204).send();
  });

  app.get('/api/v1/escalation-rules', read, async () => ({ items: await listEscalationRules(ctx.db) }));
  app.get('/api/v1/escalation-rules/:id', read, async (req) => getEscalationRule(ctx.db, parse(IdParams, req.params).id));
  app.post('/api/v1/escalation-rules', write, async (req, reply) => reply.code(201).send(await createEscalationRule(ctx.db, parse(EscalationRuleInput, req.body))));
  app.patch('/api/v1/escalation-rules/:id', write, async (req) =>
    updateEscalationRule(ctx.db, parse(IdParams, req.params).id, parse(known({ name: 1, enabled: 1, match: 1, triggers: 1, actions: 1 }), req.body ?? {})),
  );
  app.delete('/api/v1/escalation-rules/:id', write, async (req, reply) => {
    await deleteEscalationRule(ctx.db, parse(IdParams, req.params).id);
    return reply.code(204).send();
  });

  app.get('/api/v1/agents/:id/routing', async (req) => {
    const { id } = parse(IdParams, req.params);
    const me = actorOf(req);
    if (me.role === 'agent' && me.id !== id) throw new HttpError(403, 'forbidden', 'agents see only their own routing settings');
    return getAgentRouting(ctx.db, id);
  });
  app.patch('/api/v1/agents/:id/routing', write, async (req) => changed(await updateAgentRouting(ctx.db, parse(IdParams, req.params).id, parse(AgentRoutingInput, req.body ?? {}))));

  app.get('/api/v1/presence', async () => ({ items: await router.presence() }));
  app.put('/api/v1/presence', async (req) => router.setStatus(actorOf(req).id, parse(z.object({ status: PresenceStatus }).strict(), req.body).status));

  const visibleConversation = async (req: Parameters<typeof actorOf>[0]) => {
    const { id } = parse(IdParams, req.params);
    const row = await ctx.db.selectFrom('conversations').select(['id', 'channel_id']).where('id', '=', id).executeTakeFirst();
    if (!row || !(await canSeeChannel(ctx.db, actorOf(req), row.channel_id))) throw new HttpError(404, 'not_found', 'conversation not found');
    return row;
  };
  app.get('/api/v1/conversations/:id/routing-events', async (req) => {
    const row = await visibleConversation(req);
    const rows = await ctx.db.selectFrom('routing_events').select('data').where('conversation_id', '=', row.id).orderBy('seq').execute();
    return { items: rows.map((r) => JSON.parse(r.data) as RoutingEvent) };
  });
  app.get('/api/v1/conversations/:id/queue-position', async (req) => {
    const row = await visibleConversation(req);
    return { position: await router.queuePosition(row.id) };
  });
}
