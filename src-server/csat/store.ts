// CSAT surveys in the store (docs/csat.md). Everything here runs inside a ChangeWriter transaction of the single
// write path: the survey row is created when the conversation is resolved (commands.ts updateConversation), the
// sender records how the send went, and the channels record the customer's answer. The conversation row carries
// a JSON summary (`csat`) that syncs to the desktops with the conversation. An answer never reopens anything and
// is never a message.
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { CsatChannelConfig, type ConversationCsat, type CsatState } from '../../src-shared/csat';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { ChangeWriter } from '../domain/change-log';
import { parseConfig } from '../domain/channel-config';
import { conversationOf } from '../domain/entities';
import type { Q } from '../domain/entities';
import type { ConversationsTable, CsatSurveysTable } from '../store/schema';

export type SurveyRow = Selectable<CsatSurveysTable>;

/** detail of a queued survey whose send has started (committed before the vendor is called). */
export const SENDING = 'sending';
export const IN_DOUBT_DETAIL = 'The server stopped while this survey was being sent; it was not sent again (that could send it twice).';

export const newToken = (): string => randomBytes(16).toString('base64url');

/** The channel's CSAT settings; disabled when absent or malformed. */
export function csatConfigOf(configJson: string): CsatChannelConfig {
  const parsed = CsatChannelConfig.safeParse(parseConfig(configJson).csat ?? {});
  return parsed.success ? parsed.data : { enabled: false };
}

export function summaryOf(row: SurveyRow): ConversationCsat {
  return {
    state: row.state as CsatState,
    channelId: row.channel_id,
    channelType: row.channel_type,
    score: row.score,
    comment: row.comment,
    detail: row.detail === SENDING ? null : row.detail,
    sentAt: row.sent_at,
    answeredAt: row.answered_at,
  };
}

/** Writes the survey's summary onto its conversation and puts the conversation in the change log. */
async function publish(w: ChangeWriter, survey: SurveyRow): Promise<void> {
  await w.trx.updateTable('conversations').set({ csat: JSON.stringify(summaryOf(survey)) }).where('id', '=', survey.conversation_id).execute();
  const conv = await w.trx.selectFrom('conversations').selectAll().where('id', '=', survey.conversation_id).executeTakeFirst();
  if (conv) await w.put('conversation', conv.id, [conv.channel_id], conversationOf(conv));
}

/**
 * Called by updateConversation when a conversation becomes resolved (same transaction). Creates the survey when
 * the customer's channel has CSAT enabled and the conversation never had one; the sender sends it after commit.
 * The survey channel is the channel of the customer's last inbound message (their own channel), else the
 * conversation's; that channel's settings decide.
 */
export async function queueSurveyOnResolve(w: ChangeWriter, conv: Selectable<ConversationsTable>, agentId: string | null): Promise<boolean> {
  const existing = await w.trx.selectFrom('csat_surveys').select('id').where('conversation_id', '=', conv.id).executeTakeFirst();
  if (existing) return false; // one survey per conversation, ever: a reopen + resolve sends nothing new
  const last = await w.trx
    .selectFrom('messages')
    .select('channel_id')
    .where('conversation_id', '=', conv.id)
    .where('direction', '=', 'inbound')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const channel = await w.trx.selectFrom('channels').select(['id', 'type', 'config']).where('id', '=', last?.channel_id ?? conv.channel_id).executeTakeFirst();
  if (!channel || !csatConfigOf(channel.config).enabled) return false;
  const row: SurveyRow = {
    id: uuidv7(),
    conversation_id: conv.id,
    contact_id: conv.contact_id,
    channel_id: channel.id,
    channel_type: channel.type,
    agent_id: agentId,
    token: newToken(),
    state: 'sent',
    detail: null,
    score: null,
    comment: null,
    sent_at: null,
    answered_at: null,
    created_at: nowIso(),
  };
  // The unique key on conversation_id holds even against a concurrent resolve on another node.
  const ins = await w.trx.insertInto('csat_surveys').values(row).onConflict((oc) => oc.column('conversation_id').doNothing()).executeTakeFirst();
  if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  await w.trx.updateTable('conversations').set({ csat: JSON.stringify(summaryOf(row)) }).where('id', '=', conv.id).execute();
  w.csatQueued = true;
  return true;
}

export type SendResult = { kind: 'sent' } | { kind: 'skipped'; reason: string } | { kind: 'failed'; reason: string };

/** The sender's outcome for a survey it claimed (state stays forward: a survey answered meanwhile keeps its answer). */
export async function recordSend(w: ChangeWriter, surveyId: string, result: SendResult): Promise<SurveyRow | undefined> {
  const row = await w.trx.selectFrom('csat_surveys').selectAll().where('id', '=', surveyId).executeTakeFirst();
  if (!row || row.sent_at !== null || row.state !== 'sent') return row;
  const now = nowIso();
  const set =
    result.kind === 'sent'
      ? { state: 'sent', sent_at: now, detail: null }
      : { state: result.kind, detail: result.reason.slice(0, 1000) };
  await w.trx.updateTable('csat_surveys').set(set).where('id', '=', surveyId).execute();
  const updated = (await w.trx.selectFrom('csat_surveys').selectAll().where('id', '=', surveyId).executeTakeFirst())!;
  await publish(w, updated);
  return updated;
}

export type AnswerResult = { kind: 'recorded'; survey: SurveyRow } | { kind: 'unknown' } | { kind: 'closed'; reason: string };

/**
 * The customer's answer: score (and comment, when given; a later answer without one keeps the earlier comment).
 * A second answer updates the same survey. `expect` restricts which channel / contact may answer (a widget
 * session, a webhook of one channel). Escalation (a "CSAT at most N" rule) runs after commit.
 */
export async function recordAnswer(
  w: ChangeWriter,
  token: string,
  answer: { score: number; comment?: string; /** Vendor's answer time (ISO), else now. */ at?: string },
  expect: { channelId?: string; contactIds?: readonly string[] } = {},
): Promise<AnswerResult> {
  const row = await w.trx.selectFrom('csat_surveys').selectAll().where('token', '=', token).executeTakeFirst();
  if (!row) return { kind: 'unknown' };
  if (expect.channelId !== undefined && row.channel_id !== expect.channelId) return { kind: 'unknown' };
  if (expect.contactIds !== undefined && !expect.contactIds.includes(await currentContactOf(w.trx, row))) return { kind: 'unknown' };
  if (row.state === 'skipped') return { kind: 'closed', reason: 'this survey was not sent' };
  // A webhook retried late carries an older answer than the one recorded: keep the newer (nothing changes).
  if (answer.at !== undefined && row.answered_at !== null && answer.at < row.answered_at) return { kind: 'recorded', survey: row };
  const now = answer.at ?? nowIso();
  const comment = answer.comment !== undefined ? answer.comment.trim() || null : row.comment;
  await w.trx
    .updateTable('csat_surveys')
    // A survey marked failed "in doubt" that is answered did reach the customer: the answer is the proof.
    .set({ state: 'answered', score: answer.score, comment, answered_at: now, detail: null, ...(row.sent_at ? {} : { sent_at: row.created_at }) })
    .where('id', '=', row.id)
    .execute();
  const updated = (await w.trx.selectFrom('csat_surveys').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow());
  await publish(w, updated);
  w.routingWork.csat.add(row.conversation_id);
  return { kind: 'recorded', survey: updated };
}

/**
 * The survey's customer as the contacts are merged NOW: its conversation's contact. `contact_id` is the contact at
 * resolve; a merge moves the conversation and the identities to the survivor, so the customer writes (and answers)
 * as the survivor from then on.
 */
export async function currentContactOf(q: Q, survey: Pick<SurveyRow, 'conversation_id' | 'contact_id'>): Promise<string> {
  const conv = await q.selectFrom('conversations').select('contact_id').where('id', '=', survey.conversation_id).executeTakeFirst();
  return conv?.contact_id ?? survey.contact_id;
}

export async function surveyByToken(q: Q, token: string): Promise<SurveyRow | undefined> {
  return q.selectFrom('csat_surveys').selectAll().where('token', '=', token).executeTakeFirst();
}
