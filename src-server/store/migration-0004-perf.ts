// 0004_perf: what the supervisor's response-time metrics read instead of scanning every message.
// conversation_stats holds, per conversation, when the first agent reply came and when it was resolved,
// with the durations precomputed (ms) and indexed per channel, so percentiles are index walks.
// Kept up to date by domain/commands.ts (sendMessage, updateConversation); backfilled here from
// the existing messages (in JS, so the migration stays dialect-neutral).
import type { Kysely, Migration } from 'kysely';

interface BackfillDb {
  conversations: { id: string; channel_id: string; status: string; created_at: string; updated_at: string };
  messages: { conversation_id: string; direction: string; created_at: string };
  conversation_stats: {
    conversation_id: string;
    channel_id: string;
    created_at: string;
    first_response_at: string | null;
    first_response_ms: number | null;
    resolved_at: string | null;
    resolution_ms: number | null;
  };
}

export const perfMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conversation_stats')
      .addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('first_response_at', 'text')
      .addColumn('first_response_ms', 'bigint')
      .addColumn('resolved_at', 'text')
      .addColumn('resolution_ms', 'bigint')
      .execute();
    await db.schema.createIndex('conversation_stats_first_response').on('conversation_stats').columns(['channel_id', 'first_response_ms']).execute();
    await db.schema.createIndex('conversation_stats_resolution').on('conversation_stats').columns(['channel_id', 'resolution_ms']).execute();

    // Backfill: first outbound message per conversation; resolved conversations resolved at their last update
    // (the best record there is before this migration).
    const q = db as unknown as Kysely<BackfillDb>;
    const first = new Map<string, string>();
    const firstRows = await q
      .selectFrom('messages')
      .select(['conversation_id', (eb) => eb.fn.min<string>('created_at').as('at')])
      .where('direction', '=', 'outbound')
      .groupBy('conversation_id')
      .execute();
    for (const r of firstRows) first.set(r.conversation_id, r.at);
    const convs = await q.selectFrom('conversations').select(['id', 'channel_id', 'status', 'created_at', 'updated_at']).execute();
    const rows = convs.map((c) => statsRow(c.id, c.channel_id, c.created_at, first.get(c.id) ?? null, c.status === 'resolved' ? c.updated_at : null));
    for (let i = 0; i < rows.length; i += 500) await q.insertInto('conversation_stats').values(rows.slice(i, i + 500)).execute();
  },
};

export function statsRow(conversationId: string, channelId: string, createdAt: string, firstResponseAt: string | null, resolvedAt: string | null) {
  return {
    conversation_id: conversationId,
    channel_id: channelId,
    created_at: createdAt,
    first_response_at: firstResponseAt,
    first_response_ms: msBetween(createdAt, firstResponseAt),
    resolved_at: resolvedAt,
    resolution_ms: msBetween(createdAt, resolvedAt),
  };
}

export function msBetween(from: string, to: string | null): number | null {
  if (to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}
