// One CSAT sender per channel type (docs/csat.md §Channels). Each answers sent / skipped (with the reason) /
// failed (with the vendor's words); the service never retries a survey, so none is ever sent twice.
import type { Selectable } from 'kysely';
import { csatPayload, CSAT_LABELS, CSAT_MAX, CSAT_MIN, type CsatChannelConfig } from '../../src-shared/csat';
import { whatsappReplyRule } from '../../src-shared/reply-window';
import type { EmailConfig, TelegramConfig, WhatsAppConfig } from '../channels/config-schemas';
import { transportOf, classifySmtpError } from '../channels/email/adapter';
import { apiOf, classifyTelegramError } from '../channels/telegram/adapter';
import { postWhatsAppMessage } from '../channels/whatsapp/adapter';
import { webchatIdentitiesOf } from '../channels/webchat/identity';
import type { ChannelRuntime } from '../channels/runtime';
import type { ChannelsTable } from '../store/schema';
import { currentContactOf, type SendResult, type SurveyRow } from './store';
import type { WidgetServerMessage } from '../../src-shared/widget-protocol';

export interface SendContext {
  survey: SurveyRow;
  channel: Selectable<ChannelsTable>;
  /** The channel's plain config (secrets opened, defaults applied). */
  config: Record<string, unknown>;
  csat: CsatChannelConfig;
  question: string;
  rt: ChannelRuntime;
  publicUrl: string;
  /** Live widget sockets (web chat). */
  toWidgets(channelId: string, identities: readonly string[], msg: WidgetServerMessage): number;
  signal: AbortSignal;
}

export type Sender = (c: SendContext) => Promise<SendResult>;

const scores = (): number[] => Array.from({ length: CSAT_MAX - CSAT_MIN + 1 }, (_, i) => CSAT_MAX - i);

async function identitiesOf(c: SendContext, type: string): Promise<string[]> {
  const rows = await c.rt.db.selectFrom('contact_identities').select('value').where('contact_id', '=', await currentContactOf(c.rt.db, c.survey)).where('channel_type', '=', type).orderBy('created_at').execute();
  return rows.map((r) => r.value);
}

/** A survey is never sent again (docs/csat.md), so a vendor error the reply queue would retry is final here too. */
const failed = (outcome: { kind: string; reason?: string }): SendResult => {
  const reason = outcome.reason ?? 'The channel refused the survey.';
  return { kind: 'failed', reason: outcome.kind === 'retry' ? `${reason.replace(/;\s*retrying( later)?\.$/, '.')} The survey is not sent again.` : reason };
};

/** Web chat: the store is the delivery. Shown live to open widgets, and on the visitor's next hello. */
const webchat: Sender = async (c) => {
  const identities = await webchatIdentitiesOf(c.rt.db, await currentContactOf(c.rt.db, c.survey));
  c.toWidgets(c.channel.id, identities, { type: 'csat', survey: { token: c.survey.token, question: c.question, score: null, comment: null } });
  return { kind: 'sent' };
};

/**
 * WhatsApp: inside the 24-hour window an interactive LIST with five rows (reply buttons allow only three, and we
 * keep the full 1–5 scale); outside it the configured approved template, whose quick-reply buttons get our
 * payloads; without one the survey is skipped.
 */
const whatsapp: Sender = async (c) => {
  const config = c.config as WhatsAppConfig;
  const to = (await identitiesOf(c, 'whatsapp'))[0];
  if (!to) return { kind: 'skipped', reason: 'The customer has no WhatsApp number to send to.' };
  const last = await c.rt.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select((eb) => eb.fn.max('messages.created_at').as('at'))
    .where('conversations.contact_id', '=', await currentContactOf(c.rt.db, c.survey))
    .where('messages.channel_id', '=', c.channel.id)
    .where('messages.direction', '=', 'inbound')
    .executeTakeFirst();
  const inWindow = whatsappReplyRule((last?.at as string | null | undefined) ?? null, new Date()).allowed;
  let body: Record<string, unknown>;
  if (inWindow) {
    body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: c.question.slice(0, 1024) },
        action: {
          button: 'Rate',
          sections: [{ title: 'Your rating', rows: scores().map((s) => ({ id: csatPayload(c.survey.token, s), title: `${s} – ${CSAT_LABELS[s]}` })) }],
        },
      },
    };
  } else if (c.csat.whatsappTemplate) {
    const t = c.csat.whatsappTemplate;
    body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      type: 'template',
      template: {
        name: t.name,
        language: { code: t.language },
        components: t.buttonScores.map((s, i) => ({ type: 'button', sub_type: 'quick_reply', index: String(i), parameters: [{ type: 'payload', payload: csatPayload(c.survey.token, s) }] })),
      },
    };
  } else {
    return { kind: 'skipped', reason: 'Outside WhatsApp’s 24-hour window and no approved CSAT template is configured for this channel.' };
  }
  const outcome = await postWhatsAppMessage(config, body, c.signal);
  return outcome.kind === 'sent' ? { kind: 'sent' } : failed(outcome);
};

/** Telegram: the question with an inline keyboard 1–5; the customer's tap arrives as a callback_query. */
const telegram: Sender = async (c) => {
  const chatId = (await identitiesOf(c, 'telegram'))[0];
  if (!chatId) return { kind: 'skipped', reason: 'The customer has no Telegram chat to send to.' };
  try {
    const keys = [...scores()].reverse().map((s) => ({ text: `${s} ★`, callback_data: csatPayload(c.survey.token, s) }));
    await apiOf(c.config as TelegramConfig).sendMessage(chatId, c.question, { reply_markup: { inline_keyboard: [keys] } }, c.signal as unknown as Parameters<ReturnType<typeof apiOf>['sendMessage']>[3]);
    return { kind: 'sent' };
  } catch (err) {
    return failed(classifyTelegramError(err));
  }
};

export function ratingUrl(publicUrl: string, token: string, score?: number): string {
  return `${publicUrl}/csat/${encodeURIComponent(token)}${score !== undefined ? `?score=${score}` : ''}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** E-mail: one link per score to the rating page (GET shows it, only POST records: mail scanners open links). */
const email: Sender = async (c) => {
  const config = c.config as EmailConfig;
  const to = (await identitiesOf(c, 'email'))[0];
  if (!to) return { kind: 'skipped', reason: 'The customer has no e-mail address to send to.' };
  const conv = await c.rt.db.selectFrom('conversations').select('subject').where('id', '=', c.survey.conversation_id).executeTakeFirst();
  const links = scores().map((s) => ({ s, url: ratingUrl(c.publicUrl, c.survey.token, s) }));
  const text = [c.question, '', ...links.map((l) => `${l.s} – ${CSAT_LABELS[l.s]}: ${l.url}`), '', 'Thank you for your feedback.'].join('\n');
  const html = [
    `<p>${escapeHtml(c.question)}</p>`,
    '<ul>',
    ...links.map((l) => `<li><a href="${escapeHtml(l.url)}">${l.s} – ${escapeHtml(CSAT_LABELS[l.s]!)}</a></li>`),
    '</ul>',
    '<p>Thank you for your feedback.</p>',
  ].join('\n');
  try {
    await transportOf(c.channel.id, config).sendMail({
      from: config.fromName ? { name: config.fromName, address: config.fromAddress } : config.fromAddress,
      to,
      subject: conv?.subject ? `How did we do? (${conv.subject})` : 'How did we do?',
      text,
      html,
      messageId: `<csat.${c.survey.id}@${config.fromAddress.split('@')[1] ?? 'threadline.local'}>`,
      // Automatic mail (RFC 3834): auto-responders must not answer it.
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    return { kind: 'sent' };
  } catch (err) {
    return failed(classifySmtpError(err));
  }
};

export const senders: Partial<Record<string, Sender>> = { webchat, whatsapp, telegram, email };
