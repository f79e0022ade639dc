// Supervisor metrics: first-response and resolution time per channel over every conversation of the
// generated server store, through src-server/metrics/response-times.ts (Kysely, the server's own store).
// Baselines: a bare better-sqlite3 count of conversations per channel, and (once) the same first-response
// figure derived directly from the messages table, which is what the query would cost without conversation_stats.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStore } from '../src-server/store/db';
import { responseTimesByChannel } from '../src-server/metrics/response-times';
import { summarise, type Summary } from './stats';
import type { GeneratedData } from './generate';

export interface MetricsResults {
  conversations: number;
  channels: number;
  queryMs: Summary;
  baselineCountMs: Summary;
  fromMessagesMs: number;
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
    db.close();
    return {
      conversations: first.reduce((a, c) => a + c.conversations, 0),
      channels: first.length,
      queryMs: summarise(samples),
      baselineCountMs: summarise(base),
      fromMessagesMs,
    };
  } finally {
    await store.close();
  }
}
