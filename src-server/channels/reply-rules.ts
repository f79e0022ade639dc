// Channel rules enforced where the agent types (DESIGN.md §Channels 7). Pure: the server checks them
// before storing a reply, and the desktop core computes the same rule for the composer.
import type { Transaction } from 'kysely';
import { whatsappReplyRule } from '../../src-shared/reply-window';
import type { DB } from '../store/schema';
import { invalid } from '../domain/errors';

export async function lastInboundAt(trx: Transaction<DB>, channelId: string, contactId: string): Promise<string | null> {
  // The customer's last message ON THIS CHANNEL (issue 4: a thread may hold messages of several channels, so the
  // conversation's last_inbound_at may be an e-mail's, which does not open WhatsApp's window).
  const row = await trx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select((eb) => eb.fn.max('messages.created_at').as('at'))
    .where('conversations.contact_id', '=', contactId)
    .where('messages.channel_id', '=', channelId)
    .where('messages.direction', '=', 'inbound')
    .executeTakeFirst();
  return (row?.at as string | null | undefined) ?? null;
}

/** Throws `invalid` (with the words the agent sees) when the channel refuses a free-form reply now. */
export async function assertReplyAllowed(trx: Transaction<DB>, channelType: string, channelId: string, contactId: string): Promise<void> {
  if (channelType !== 'whatsapp') return;
  const rule = whatsappReplyRule(await lastInboundAt(trx, channelId, contactId), new Date());
  if (!rule.allowed) throw invalid(rule.reason ?? 'a reply is not allowed now');
}
