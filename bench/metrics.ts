// Supervisor metrics: first-response and resolution time per channel over every conversation of the
// generated server store, through src-server/metrics/response-times.ts (Kysely, the server's own store).
// Baselines: a bare better-sqlite3 count of conversations per channel, and (once) the same first-response
// figure derived directly from the messages table, which is what the query would cost without conversation_stats.
// Then the supervisor's full report (src-server/metrics/report.ts: every metric, every row plus the total) per
// groupBy over the whole store, and the daily trend over the whole two years.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStore } from '../src-server/store/db';
import { responseTimesByChannel } from '../src-server/metrics/response-times';
import { buildReport, buildTrend } from '../src-server/metrics/report';
import type { ReportGroupBy } from '../src-shared/metrics';
import { summarise, type Summary } from './stats';
import type { GeneratedData } from './generate';

export interface MetricsResults {
  conversations: number;
  channels: number;
  queryMs: Summary;
  baselineCountMs: Summary;
  fromMessagesMs: number;
  /** GET /metrics/report computation (business clock, W = 7 days, no range = all 200k) per groupBy. */
  reportMs: Record<'channel' | 'agent' | 'label', Summary>;
  reportRows: Record<'channel' | 'agent' | 'label', number>;
  /** GET /metrics/trend, daily, over the whole data set. */
  trendMs: Summary;
  trendPoints: number;
}

const REPORT_GROUPS = ['channel', 'agent', 'label'] as const satisfies readonly ReportGroupBy[];

async function timed(samples: number, fn: () => Promise<unknown>): Promise<Summary> {
  await fn(); // warm (page cache, prepared statements)
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return summarise(out);
}

export async function benchMetrics(data: GeneratedData, opts: { samples: number }): Promise<MetricsResults> {
  const store = await openStore({ dataDir: data.serverDir });
  try {
    const first = await responseTimesByChannel(store.db);
    const samples: number[] = [];
    for (let i = 0; i < opts.samples; i++) {
      const t0 = performance.now();
      await responseTimesByChannel(store.db);
      samples.push(performance.now() - t0);
    }
    const db = new Database(path.join(data.serverDir, 'threadline.sqlite'), { readonly: true });
    const bare = db.prepare('SELECT channel_id, COUNT(*) AS n FROM conversations GROUP BY channel_id');
    const base: number[] = [];
    for (let i = 0; i < opts.samples; i++) {
      const t0 = performance.now();
      bare.all();
      base.push(performance.now() - t0);
    }
    const t0 = performance.now();
    db.prepare(
      `SELECT c.channel_id, COUNT(*) AS n, AVG(julianday(f.at) - julianday(c.created_at)) AS avg_days
       FROM conversations c JOIN (SELECT conversation_id, MIN(created_at) AS at FROM messages WHERE direction = 'outbound' GROUP BY conversation_id) f
         ON f.conversation_id = c.id GROUP BY c.channel_id`,
    ).all();
    const fromMessagesMs = performance.now() - t0;
    const span = db.prepare('SELECT MIN(created_at) AS a, MAX(created_at) AS b FROM conversations').get() as { a: string; b: string };
    db.close();

    const now = Date.parse(span.b) + 86_400_000;
    const reportMs = {} as MetricsResults['reportMs'];
    const reportRows = {} as MetricsResults['reportRows'];
    for (const groupBy of REPORT_GROUPS) {
      const q = { groupBy, clock: 'business' as const, fcrWindowDays: 7 };
      reportRows[groupBy] = (await buildReport(store.db, q, { now })).rows.length;
      reportMs[groupBy] = await timed(opts.samples, () => buildReport(store.db, q, { now }));
      console.log(`  report by ${groupBy}: p95 ${reportMs[groupBy].p95.toFixed(1)} ms, median ${reportMs[groupBy].median.toFixed(1)} ms (${reportRows[groupBy]} rows)`);
    }
    const tq = { from: new Date(Date.parse(span.a)).toISOString(), to: new Date(now).toISOString(), interval: 'day' as const, clock: 'business' as const };
    const trendPoints = (await buildTrend(store.db, tq)).points.length;
    const trendMs = await timed(opts.samples, () => buildTrend(store.db, tq));
    console.log(`  trend (day, ${trendPoints} points): p95 ${trendMs.p95.toFixed(1)} ms, median ${trendMs.median.toFixed(1)} ms`);
    return {
      conversations: first.reduce((a, c) => a + c.conversations, 0),
      channels: first.length,
      queryMs: summarise(samples),
      baselineCountMs: summarise(base),
      fromMessagesMs,
      reportMs,
      reportRows,
      trendMs,
      trendPoints,
    };
  } finally {
    await store.close();
  }
}
