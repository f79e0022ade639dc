// Store side of the delivery queue, used inside command transactions (no adapter imports here).
import type { Transaction } from 'kysely';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { DB } from '../store/schema';

/** The marker of a job that was `sending` when its server stopped: it may or may not have reached the vendor. */
export const IN_DOUBT = 'in_doubt';

/** One job per outbound message, in the same transaction as the message (so a stored reply is always queued). */
export async function enqueueDelivery(trx: Transaction<DB>, messageId: string, channelId: string): Promise<string> {
  const now = nowIso();
  const id = uuidv7();
  await trx
    .insertInto('delivery_jobs')
    .values({ id, message_id: messageId, channel_id: channelId, state: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, last_error: null, created_at: now, updated_at: now })
    .execute();
  return id;
}

/** An agent's explicit retry of a failed message: a fresh job (new idempotency key), due now. */
export async function requeueDelivery(trx: Transaction<DB>, messageId: string, channelId: string): Promise<string> {
  await trx.deleteFrom('delivery_jobs').where('message_id', '=', messageId).execute();
  return enqueueDelivery(trx, messageId, channelId);
}
