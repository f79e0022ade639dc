// /api/v1/quality/*: the quality review (issue 8, docs/quality.md). The rubric is readable by every signed-in
// agent and written by admins; samples and results are for supervisors and admins; reviews are written by
// supervisors and admins and read by them and — their own conversations only — by the reviewed agent.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DrawInput, ReviewInput, ReviewsQuery, ResultsQuery, RubricInput, WeekId } from '../../src-shared/quality';
import { getRubric, saveRubric } from '../quality/rubric';
import { drawSample, ensurePreviousWeek, getSample, listSamples } from '../quality/sample';
import { getReview, listReviews, saveReview } from '../quality/reviews';
import { qualityResults } from '../quality/results';
import { HttpError, parse } from './http-errors';
import { actorOf, requireRole, type ServerContext } from './context';

const None = z.object({}).strict();
const WeekParams = z.object({ week: WeekId });
const ConversationParams = z.object({ conversationId: z.string().min(1).max(64) });

export function qualityRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const now = () => (ctx.clock ? ctx.clock.now() : Date.now());
  const supervisors = { preHandler: requireRole('admin', 'supervisor') };
  const admins = { preHandler: requireRole('admin') };

  app.get('/api/v1/quality/rubric', async (req) => {
    parse(None, req.query);
    return getRubric(ctx.db);
  });
  app.put('/api/v1/quality/rubric', admins, async (req) => saveRubric(ctx.db, parse(RubricInput, req.body), actorOf(req).id, new Date(now()).toISOString()));

  // Listing samples draws the previous week first if that has not happened yet (stored, so restarts do not matter).
  app.get('/api/v1/quality/samples', supervisors, async (req) => {
    parse(None, req.query);
    await ensurePreviousWeek(ctx.db, now());
    return { items: await listSamples(ctx.db, actorOf(req).id) };
  });
  app.get('/api/v1/quality/samples/:week', supervisors, async (req) => {
    const { week } = parse(WeekParams, req.params);
    const sample = await getSample(ctx.db, week, actorOf(req).id);
    if (!sample) throw new HttpError(404, 'not_found', `no sample drawn for ${week}`);
    return sample;
  });
  app.post('/api/v1/quality/samples', supervisors, async (req, reply) => {
    const { week } = parse(DrawInput, req.body);
    const me = actorOf(req).id;
    const { created } = await drawSample(ctx.db, week, now(), me);
    return reply.code(created ? 201 : 200).send(await getSample(ctx.db, week, me));
  });

  app.get('/api/v1/quality/reviews', async (req) => ({ items: await listReviews(ctx.db, actorOf(req), parse(ReviewsQuery, req.query)) }));
  app.put('/api/v1/quality/reviews/:conversationId', supervisors, async (req, reply) => {
    const { conversationId } = parse(ConversationParams, req.params);
    const input = parse(ReviewInput, req.body);
    const { id, created } = await saveReview(ctx.db, actorOf(req), conversationId, input, new Date(now()).toISOString());
    return reply.code(created ? 201 : 200).send(await getReview(ctx.db, id));
  });

  app.get('/api/v1/quality/results', supervisors, async (req) => {
    const q = parse(ResultsQuery, req.query);
    return qualityResults(ctx.db, q.from, q.to);
  });
}
