// Keeps conversation_stats (0004_perf) in step with the writes that define response times:
// the first agent reply of a conversation, and resolving / reopening it. Runs inside the caller's transaction.
import type { Transaction } from 'kysely';
import type { DB } from '../store/schema';
import { msBetween, statsRow } from '../store/migration-0004-perf';

interface ConvRef {
  id: string;
  channel_id: string;
  created_at: string;
}

async function ensureRow(trx: Transaction<DB>, conv: ConvRef) {
  await trx
    .insertInto('conversation_stats')
    .values(statsRow(conv.id, conv.channel_id, conv.created_at, null, null))
    .onConflict((oc) => oc.column('conversation_id').doNothing())
    .execute();
}

/** An agent reply (not a note) was stored at `at`: the first one sets the first response time. */
export async function recordReply(trx: Transaction<DB>, conv: ConvRef, at: string): Promise<void> {
  await ensureRow(trx, conv);
  await trx
    .updateTable('conversation_stats')
    .set({ first_response_at: at, first_response_ms: msBetween(conv.created_at, at) })
    .where('conversation_id', '=', conv.id)
    .where('first_response_at', 'is', null)
    .execute();
}

/** Status changed: resolving stamps the resolution time; reopening clears it until the next resolve. */
export async function recordStatus(trx: Transaction<DB>, conv: ConvRef, status: string, at: string): Promise<void> {
  await ensureRow(trx, conv);
  const resolved = status === 'resolved';
  await trx
    .updateTable('conversation_stats')
    .set({ resolved_at: resolved ? at : null, resolution_ms: resolved ? msBetween(conv.created_at, at) : null })
    .where('conversation_id', '=', conv.id)
    .execute();
}
