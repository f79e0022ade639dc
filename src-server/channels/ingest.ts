// Persisting normalised inbound events through the single write path (domain/commands.ts).
// Messages: receiveInbound dedupes on the (channel_id, external_id) unique key; a concurrent duplicate
// that loses the race on the key is a duplicate, not an error. Statuses: forward-only (advanceStatus).
import { advanceStatus, MAX_MESSAGE_CHARS, type MessageStatus } from '../../src-shared/domain';
import { nowIso } from '../../src-shared/ids';
import { receiveInbound } from '../domain/commands';
import type { ChangeWriter } from '../domain/change-log';
import { messageOf } from '../domain/entities';
import type { InboundEvent } from './adapter';
import { IN_DOUBT } from './delivery-store';
import type { ChannelRuntime } from './runtime';
import { recordAttachments } from './media';
import { recordAnswer } from '../csat/store';

export interface IngestResult {
  stored: number;
  duplicates: number;
  statuses: number;
  /** CSAT answers recorded (tokens), and ones not matching any survey of this customer on this channel. */
  csat: { recorded: string[]; unknown: string[] };
}

/**
 * Persists one webhook's events in one transaction; resolves once committed (then the webhook may
 * acknowledge). (Group-committing concurrent webhooks into one transaction was tried and measured
 * slower on the embedded store: see docs/channels.md §Measured.)
 */
export async function ingest(rt: ChannelRuntime, channelId: string, events: readonly InboundEvent[]): Promise<IngestResult> {
  if (events.length === 0) return { stored: 0, duplicates: 0, statuses: 0, csat: { recorded: [], unknown: [] } };
  let result: IngestResult;
  try {
    result = await rt.commands.run((w) => writeEvents(w, channelId, events));
  } catch (err) {
    // Another writer stored the same external id between our check and our insert (several server nodes):
    // retry once; the check now sees it as a duplicate.
    if (!rt.store.dialect.isUniqueViolation(err)) throw err;
    result = await rt.commands.run((w) => writeEvents(w, channelId, events));
  }
  // Media recorded: the job downloads it on a later turn of the event loop, after this webhook is answered.
  if (result.stored > 0 && events.some((e) => e.kind === 'message' && e.meta?.attachments?.length)) rt.media.kick();
  return result;
}

async function writeEvents(w: ChangeWriter, channelId: string, events: readonly InboundEvent[]): Promise<IngestResult> {
  const result: IngestResult = { stored: 0, duplicates: 0, statuses: 0, csat: { recorded: [], unknown: [] } };
  for (const ev of events) {
    if (ev.kind === 'csat') {
      // A survey answer: recorded on the survey, never stored as a customer message, never reopens (docs/csat.md).
      const contact = await w.trx.selectFrom('contact_identities').select('contact_id').where('channel_type', '=', ev.identity.channelType).where('value', '=', ev.identity.value).executeTakeFirst();
      const r = contact ? await recordAnswer(w, ev.token, { score: ev.score, at: ev.at }, { channelId, contactIds: [contact.contact_id] }) : { kind: 'unknown' as const };
      (r.kind === 'recorded' ? result.csat.recorded : result.csat.unknown).push(ev.token);
    } else if (ev.kind === 'message') {
      const r = await writeMessage(w, channelId, ev);
      if (r.duplicate) result.duplicates++;
      else result.stored++;
    } else if (await applyStatus(w, channelId, ev)) result.statuses++;
  }
  return result;
}

async function writeMessage(w: ChangeWriter, channelId: string, ev: Extract<InboundEvent, { kind: 'message' }>) {
  const text = ev.text.length > MAX_MESSAGE_CHARS ? ev.text.slice(0, MAX_MESSAGE_CHARS - 1) + '…' : ev.text;
  // The meta is stored with the message's insert (not a second statement); a duplicate writes nothing.
  const r = await receiveInbound(w, { channelId, identity: ev.identity, profile: ev.profile, externalId: ev.externalId, text, ...(ev.meta ? { meta: JSON.stringify(ev.meta) } : {}) });
  if (!r.duplicate && ev.meta) {
    // Media: recorded now, downloaded by the media job after the acknowledgement (channels/media.ts).
    if (ev.meta.attachments?.length) {
      await recordAttachments(w.trx, r.message.id, channelId, ev.meta.attachments);
      await republishMessage(w, r.message.id, channelId);
    }
  }
  return { duplicate: r.duplicate, messageId: r.message.id, conversationId: r.conversationId };
}

/** The message again in the change log, now with its attachment summaries / original flag. */
export async function republishMessage(w: ChangeWriter, messageId: string, channelId: string): Promise<void> {
  const row = (await w.trx.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst())!;
  await w.put('message', messageId, [channelId], messageOf(row));
}

/** One message (e-mail, polling receivers): through the same group commit. */
export async function ingestMessage(rt: ChannelRuntime, channelId: string, ev: Extract<InboundEvent, { kind: 'message' }>): Promise<{ duplicate: boolean }> {
  const r = await ingest(rt, channelId, [ev]);
  return { duplicate: r.duplicates > 0 };
}

/** A vendor's delivery status for one of our outbound messages. Returns whether anything changed. */
export async function applyStatus(w: ChangeWriter, channelId: string, ev: Extract<InboundEvent, { kind: 'status' }>): Promise<boolean> {
  let row = await w.trx.selectFrom('messages').selectAll().where('channel_id', '=', channelId).where('external_id', '=', ev.externalId).where('direction', '=', 'outbound').executeTakeFirst();
  if (!row && ev.ourMessageId) {
    row = await w.trx.selectFrom('messages').selectAll().where('channel_id', '=', channelId).where('id', '=', ev.ourMessageId).where('direction', '=', 'outbound').executeTakeFirst();
  }
  if (!row) return false; // not ours (sent from another tool on the same number), or already gone
  const current = row.status as MessageStatus;
  let next = advanceStatus(current, ev.status);
  let failureReason = row.failure_reason;
  const job = await w.trx.selectFrom('delivery_jobs').select(['id', 'state', 'last_error']).where('message_id', '=', row.id).executeTakeFirst();
  // A send interrupted by a restart was marked failed "in doubt": the vendor's word that it arrived wins.
  if (current === 'failed' && ev.status !== 'failed' && job?.state === 'failed' && job.last_error === IN_DOUBT) {
    next = ev.status;
    failureReason = null;
    await w.trx.updateTable('delivery_jobs').set({ state: 'done', last_error: null, updated_at: nowIso() }).where('id', '=', job.id).execute();
  }
  if (next === 'failed' && current !== 'failed') failureReason = ev.reason ?? 'The channel reported that the message could not be delivered.';
  const externalId = row.external_id ?? ev.externalId;
  if (next === current && failureReason === row.failure_reason && externalId === row.external_id) return false;
  await w.trx.updateTable('messages').set({ status: next, failure_reason: failureReason, external_id: externalId, updated_at: nowIso() }).where('id', '=', row.id).execute();
  const updated = (await w.trx.selectFrom('messages').selectAll().where('id', '=', row.id).executeTakeFirst())!;
  await w.put('message', row.id, [channelId], messageOf(updated));
  return true;
}
