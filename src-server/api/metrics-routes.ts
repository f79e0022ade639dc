// /api/v1/metrics/*: the supervisor's numbers (issue 8; definitions in docs/metrics.md). Admins and supervisors
// only — an agent's token gets 403 (the server refuses the data, not just the UI). Queries are zod-validated (400).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ResponseTimesQuery } from '../../src-shared/metrics';
import { liveMetrics, responseTimesCsv, responseTimesReport } from '../metrics/reports';
import { parse } from './http-errors';
import { requireRole, type ServerContext } from './context';

const LiveQuery = z.object({}).strict();

export function metricsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const read = { preHandler: requireRole('admin', 'supervisor') };

  app.get('/api/v1/metrics/response-times', read, async (req, reply) => {
    const q = parse(ResponseTimesQuery, req.query);
    const report = await responseTimesReport(ctx.db, q);
    if (q.format === 'csv') {
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="response-times-by-${q.groupBy}.csv"`)
        .send(responseTimesCsv(report));
    }
    return report;
  });

  app.get('/api/v1/metrics/live', read, async (req) => {
    parse(LiveQuery, req.query);
    return liveMetrics(ctx.db, ctx.clock ? ctx.clock.now() : Date.now());
  });
}
