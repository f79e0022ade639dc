// /api/v1/metrics/*: the supervisor's numbers (issue 8; definitions in docs/metrics.md). Admins and supervisors
// only — an agent's token gets 403 (the server refuses the data, not just the UI). Queries are zod-validated (400).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { DrillQuery, ReportQuery, ResponseTimesQuery, TrendQuery } from '../../src-shared/metrics';
import { liveMetrics, responseTimesCsv, responseTimesReport } from '../metrics/reports';
import { buildReport, buildTrend, drillCsv, drillDown, reportCsv } from '../metrics/report';
import { parse } from './http-errors';
import { requireRole, type ServerContext } from './context';

const LiveQuery = z.object({}).strict();

function sendCsv(reply: FastifyReply, filename: string, body: string) {
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(body);
}

export function metricsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const read = { preHandler: requireRole('admin', 'supervisor') };
  const now = () => (ctx.clock ? ctx.clock.now() : Date.now());

  app.get('/api/v1/metrics/response-times', read, async (req, reply) => {
    const q = parse(ResponseTimesQuery, req.query);
    const report = await responseTimesReport(ctx.db, q);
    if (q.format === 'csv') return sendCsv(reply, `response-times-by-${q.groupBy}.csv`, responseTimesCsv(report));
    return report;
  });

  app.get('/api/v1/metrics/report', read, async (req, reply) => {
    const { format, ...q } = parse(ReportQuery, req.query);
    const report = await buildReport(ctx.db, q, { now: now() });
    if (format === 'csv') return sendCsv(reply, `report-by-${q.groupBy}.csv`, reportCsv(report));
    return report;
  });

  app.get('/api/v1/metrics/trend', read, async (req) => buildTrend(ctx.db, parse(TrendQuery, req.query)));

  app.get('/api/v1/metrics/conversations', read, async (req, reply) => {
    const { format, ...q } = parse(DrillQuery, req.query);
    const items = await drillDown(ctx.db, q, { now: now() });
    if (format === 'csv') return sendCsv(reply, `conversations-${q.metric}.csv`, drillCsv(items));
    return { metric: q.metric, items };
  });

  app.get('/api/v1/metrics/live', read, async (req) => {
    parse(LiveQuery, req.query);
    return liveMetrics(ctx.db, now());
  });
}
