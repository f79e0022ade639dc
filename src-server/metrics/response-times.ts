// First-response and resolution times per channel, for supervisors (issue 8 builds its metrics API on this).
// Definitions:
//   first response time = first agent reply (outbound message, not a note) − conversation created;
//   resolution time     = resolved − conversation created, for conversations currently resolved
//                         (reopening clears it; the next resolve sets it again).
// Read from conversation_stats (0004_perf), where both durations are precomputed and indexed per channel:
// a percentile is one index walk (LIMIT 1 OFFSET k), so the query stays fast over hundreds of thousands of
// conversations. Percentiles are nearest-rank. Optional time range on the conversation's creation time.
import type { Kysely } from 'kysely';
import type { ChannelType } from '../../src-shared/domain';
import type { DB } from '../store/schema';

export interface DurationStats {
  /** Conversations with a value (replied to / resolved). */
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface ChannelResponseTimes {
  channelId: string;
  channelName: string;
  channelType: ChannelType;
  conversations: number;
  firstResponse: DurationStats;
  resolution: DurationStats;
}

export interface ResponseTimesQuery {
  /** ISO time: conversations created at or after. */
  from?: string;
  /** ISO time: conversations created before. */
  to?: string;
  /** Only these channels (default: all). */
  channelIds?: readonly string[];
}

type Column = 'first_response_ms' | 'resolution_ms';

export async function responseTimesByChannel(db: Kysely<DB>, query: ResponseTimesQuery = {}): Promise<ChannelResponseTimes[]> {
  let channels = db.selectFrom('channels').select(['id', 'name', 'type']).orderBy('name').orderBy('id');
  if (query.channelIds) {
    if (query.channelIds.length === 0) return [];
    channels = channels.where('id', 'in', [...query.channelIds]);
  }
  const rows = await channels.execute();

  const base = (channelId: string) => {
    let q = db.selectFrom('conversation_stats').where('channel_id', '=', channelId);
    if (query.from) q = q.where('created_at', '>=', query.from);
    if (query.to) q = q.where('created_at', '<', query.to);
    return q;
  };
  const nth = async (channelId: string, column: Column, k: number): Promise<number> => {
    const row = await base(channelId).select(column).where(column, 'is not', null).orderBy(column).limit(1).offset(k).executeTakeFirstOrThrow();
    return Number(row[column]);
  };
  const stats = async (channelId: string, column: Column): Promise<DurationStats> => {
    const { n } = await base(channelId).select((eb) => eb.fn.count<number>(column).as('n')).executeTakeFirstOrThrow();
    const count = Number(n);
    if (count === 0) return { count, medianMs: null, p90Ms: null };
    const rank = (p: number) => Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1));
    return { count, medianMs: await nth(channelId, column, rank(50)), p90Ms: await nth(channelId, column, rank(90)) };
  };

  const out: ChannelResponseTimes[] = [];
  for (const ch of rows) {
    const { n } = await base(ch.id).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out.push({
      channelId: ch.id,
      channelName: ch.name,
      channelType: ch.type as ChannelType,
      conversations: Number(n),
      firstResponse: await stats(ch.id, 'first_response_ms'),
      resolution: await stats(ch.id, 'resolution_ms'),
    });
  }
  return out;
}
