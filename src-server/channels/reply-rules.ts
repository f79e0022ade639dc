// Channel rules enforced where the agent types (DESIGN.md §Channels 7). Pure: the server checks them
// before storing a reply, and the desktop core computes the same rule for the composer.
import type { Transaction } from 'kysely';
import { whatsappReplyRule } from '../../src-shared/reply-window';
import type { DB } from '../store/schema';
import { invalid } from '../domain/errors';

export async function lastInboundAt(trx: Transaction<DB>, channelId: string, contactId: string): Promise<string | null> {
  const row = await trx
    .selectFrom('conversations')
    .select((eb) => eb.fn.max('last_inbound_at').as('at'))
    .where('channel_id', '=', channelId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return (row?.at as string | null | undefined) ?? null;
}

/** Throws `invalid` (with the words the agent sees) when the channel refuses a free-form reply now. */
export async function assertReplyAllowed(trx: Transaction<DB>, channelType: string, channelId: string, contactId: string): Promise<void> {
  if (channelType !== 'whatsapp') return;
  const rule = whatsappReplyRule(await lastInboundAt(trx, channelId, contactId), new Date());
  if (!rule.allowed) throw invalid(rule.reason ?? 'a reply is not allowed now');
}
