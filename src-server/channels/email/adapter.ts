// E-mail channel: IMAP in (imapflow: IDLE with a polling fallback, a UID checkpoint per mailbox that
// survives restarts, UIDVALIDITY changes handled by a rescan deduplicated on Message-ID), SMTP out
// (nodemailer, pooled) with In-Reply-To / References so the customer's mail client threads the reply.
import type { Selectable } from 'kysely';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelsTable } from '../../store/schema';
import type { ChannelAdapter, MessageMeta, OutboundJob, SendOutcome } from '../adapter';
import { networkOutcome } from '../adapter';
import { EmailConfig } from '../config-schemas';
import { applyStatus, republishMessage } from '../ingest';
import { discardStaged, MAX_ATTACHMENT_BYTES, recordAttachments, stageBytes, stagedPath } from '../media';
import { outboundFiles } from '../outbound-media';
import fs from 'node:fs';
import { receiveInbound } from '../../domain/commands';
import { MAX_MESSAGE_CHARS } from '../../../src-shared/domain';
import type { ChannelRuntime } from '../runtime';
import { bounceOf, conversationTokenOf, externalIdOf, firstAddress, isAutomatic, newPartOf, normaliseSubject, outboundMessageId, referencesOf, sanitiseHtml, threadKeysOf } from './mail';

/** Larger messages are skipped (logged), not downloaded. */
export const MAX_EMAIL_BYTES = 25 * 1024 * 1024;

// ── inbound ─────────────────────────────────────────────────────────────────────────────────
export type MailOutcome = 'stored' | 'duplicate' | 'automatic' | 'bounce' | 'own' | 'unreadable';

/** One raw message from the mailbox → the store. */
export async function handleMail(rt: ChannelRuntime, channelId: string, config: EmailConfig, source: Buffer): Promise<MailOutcome> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(source, { skipImageLinks: true, maxHtmlLengthToParse: 2 * 1024 * 1024 });
  } catch {
    return 'unreadable';
  }
  const bounce = bounceOf(mail);
  if (bounce) {
    // A bounce marks our outbound message failed; it never opens a conversation.
    await rt.commands.run((w) => applyStatus(w, channelId, { kind: 'status', externalId: bounce.originalMessageId, status: 'failed', reason: bounce.reason }));
    return 'bounce';
  }
  if (isAutomatic(mail)) return 'automatic';
  const from = firstAddress(mail.from);
  if (!from) return 'unreadable';
  if (from.address === config.fromAddress.toLowerCase()) return 'own'; // our own mail (a copy in the inbox): no loop
  const externalId = externalIdOf(mail, source);
  const keys = threadKeysOf(mail);
  const subject = mail.subject?.trim() || '(no subject)';
  const full = (mail.text ?? '').trim();
  const text = newPartOf(full) || (mail.html ? '[HTML message]' : '(empty message)');
  const meta: MessageMeta = {
    kind: 'email',
    email: {
      messageId: externalId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      references: referencesOf(mail).slice(-50),
      subject,
      from: from.address,
      ...(mail.html ? { html: sanitiseHtml(mail.html) } : {}),
    },
    ...(full !== text ? { fullText: full.slice(0, MAX_MESSAGE_CHARS * 5) } : {}),
    // The bytes came with the mail: staged in the data directory (vendorId = the staged name) so the media job
    // checks and files them exactly like downloaded media (size limit, type against the bytes).
    attachments: mail.attachments
      .filter((a) => a.contentDisposition === 'attachment' || !a.related)
      .slice(0, 50)
      .map((a) => ({
        kind: a.contentType.startsWith('image/') ? 'image' : 'document',
        vendorId: a.size > MAX_ATTACHMENT_BYTES ? 'oversize' : stageBytes(rt.opts.dataDir, a.content),
        mimeType: a.contentType,
        fileName: a.filename ?? undefined,
        size: a.size,
      })),
  };
  if (meta.attachments?.length === 0) delete meta.attachments;
  const hasOriginal = !!meta.email?.html || meta.fullText !== undefined;
  const r = await rt.commands.run(async (w) => {
    // Threading: 1) a message we know by Message-ID; 2) our conversation token in a referenced id; 3) the subject.
    let conversationId: string | undefined;
    if (keys.length) {
      const known = await w.trx.selectFrom('messages').select(['conversation_id', 'external_id']).where('channel_id', '=', channelId).where('external_id', 'in', keys).execute();
      const byKey = new Map(known.map((k) => [k.external_id, k.conversation_id]));
      conversationId = keys.map((k) => byKey.get(k)).find(Boolean) ?? undefined;
      conversationId ??= keys.map(conversationTokenOf).find((c): c is string => !!c);
    }
    if (!conversationId && /^\s*(re|aw|sv|antw)\s*:/i.test(subject)) {
      const norm = normaliseSubject(subject);
      const candidates = await w.trx
        .selectFrom('conversations')
        .innerJoin('contact_identities', 'contact_identities.contact_id', 'conversations.contact_id')
        .select(['conversations.id', 'conversations.subject'])
        .where('contact_identities.channel_type', '=', 'email')
        .where('contact_identities.value', '=', from.address)
        .where('conversations.channel_id', '=', channelId)
        .where('conversations.status', 'in', ['open', 'pending'])
        .orderBy('conversations.last_message_at', 'desc')
        .execute();
      conversationId = candidates.find((c) => normaliseSubject(c.subject ?? '') === norm)?.id;
    }
    const res = await receiveInbound(w, {
      channelId,
      identity: { channelType: 'email', value: from.address },
      profile: { ...(from.name ? { name: from.name } : {}), email: from.address },
      externalId,
      text: text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS - 1) + '…' : text,
      thread: { conversationId, newThread: true, subject: normaliseSubjectForDisplay(subject) },
    });
    if (!res.duplicate) {
      await w.trx.updateTable('messages').set({ meta: JSON.stringify(meta), has_original: hasOriginal ? 1 : null }).where('id', '=', res.message.id).execute();
      if (meta.attachments?.length) await recordAttachments(w.trx, res.message.id, channelId, meta.attachments);
      if (hasOriginal || meta.attachments?.length) await republishMessage(w, res.message.id, channelId);
    }
    return res;
  }).catch((err: unknown) => {
    discardStaged(rt.opts.dataDir, meta.attachments);
    throw err;
  });
  if (r.duplicate) discardStaged(rt.opts.dataDir, meta.attachments);
  else if (meta.attachments?.length) rt.media.kick();
  return r.duplicate ? 'duplicate' : 'stored';
}

function normaliseSubjectForDisplay(subject: string): string {
  return subject.replace(/^\s*((re|fw|fwd|aw|wg|sv|antw)\s*:\s*)+/i, '').trim() || subject;
}

interface Checkpoint {
  uidValidity: string;
  lastUid: number;
}

/** The IMAP receiver of one channel: connect, catch up from the checkpoint, then IDLE (or poll), reconnect on loss. */
export function startEmailReceiver(channelId: string, config: EmailConfig, rt: ChannelRuntime): { stop(): Promise<void>; syncNow(): Promise<void> } {
  const key = `email:imap:${channelId}`;
  let stopped = false;
  let client: ImapFlow | null = null;
  let chain: Promise<void> = Promise.resolve();
  let pollTimer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;

  const load = async (): Promise<Checkpoint | null> => {
    const row = await rt.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as Checkpoint) : null;
  };
  const save = (c: Checkpoint) =>
    rt.db.insertInto('settings').values({ key, value: JSON.stringify(c) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(c) })).execute();

  async function sync(c: ImapFlow): Promise<void> {
    const box = c.mailbox;
    if (!box) return;
    const validity = String(box.uidValidity);
    let cp = await load();
    if (!cp) {
      // First connection: start with mail that arrives from now on (an old mailbox is not imported wholesale).
      cp = { uidValidity: validity, lastUid: Math.max(0, box.uidNext - 1) };
      await save(cp);
    } else if (cp.uidValidity !== validity) {
      // The server renumbered the mailbox: rescan it all. Message-IDs dedupe what we already have: no duplicates, no loss.
      rt.log.warn({ channelId, from: cp.uidValidity, to: validity }, 'IMAP UIDVALIDITY changed; rescanning the mailbox');
      cp = { uidValidity: validity, lastUid: 0 };
      await save(cp);
    }
    // (uidNext is only reported on SELECT: after an EXISTS it is stale, so always ask for UIDs above the checkpoint.)
    if (box.exists === 0) return;
    const found: { uid: number; size: number }[] = [];
    for await (const m of c.fetch(`${cp.lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) if (m.uid > cp.lastUid) found.push({ uid: m.uid, size: m.size ?? 0 });
    found.sort((a, b) => a.uid - b.uid);
    for (const m of found) {
      if (stopped) return;
      if (m.size <= MAX_EMAIL_BYTES) {
        const msg = await c.fetchOne(String(m.uid), { source: true }, { uid: true });
        if (msg && msg.source) {
          const outcome = await handleMail(rt, channelId, config, msg.source);
          if (outcome !== 'stored' && outcome !== 'duplicate') rt.log.info({ channelId, uid: m.uid, outcome }, 'e-mail not stored as a message');
        }
      } else rt.log.warn({ channelId, uid: m.uid, size: m.size }, 'e-mail too large; skipped');
      // Checkpoint after each stored message: a crash re-reads at most one, which the Message-ID dedupes.
      cp = { uidValidity: validity, lastUid: m.uid };
      await save(cp);
    }
  }

  const schedule = () => {
    const c = client;
    if (!c) return;
    chain = chain.then(() => sync(c)).catch((err: unknown) => rt.log.warn({ err, channelId }, 'IMAP sync failed'));
  };

  const loop = (async () => {
    let delay = 1000;
    while (!stopped) {
      const c = new ImapFlow({ host: config.imap.host, port: config.imap.port, secure: config.imap.secure, auth: { user: config.imap.user, pass: config.imap.password }, logger: false, autoIdleDelay: 1000 });
      c.on('error', (err: unknown) => rt.log.warn({ err, channelId }, 'IMAP connection error'));
      try {
        const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
        await c.connect();
        await c.mailboxOpen(config.imap.mailbox);
        client = c;
        delay = 1000;
        schedule();
        // IDLE: the server tells us about new mail ('exists'); the timer is the fallback for servers without IDLE.
        c.on('exists', schedule);
        pollTimer = setInterval(schedule, config.pollSeconds * 1000);
        pollTimer.unref();
        await Promise.race([closed, new Promise<void>((r) => (wake = r))]);
      } catch (err) {
        if (!stopped) rt.log.warn({ err, channelId }, 'IMAP connection failed; retrying');
      } finally {
        if (pollTimer) clearInterval(pollTimer);
        pollTimer = null;
        client = null;
        await chain.catch(() => undefined);
        await c.logout().catch(() => c.close());
      }
      if (stopped) break;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, delay).unref();
      });
      delay = Math.min(delay * 2, 60_000);
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop.catch(() => undefined);
    },
    async syncNow() {
      schedule();
      await chain;
    },
  };
}

// ── outbound ────────────────────────────────────────────────────────────────────────────────
const transports = new Map<string, { version: string; transport: Transporter }>();

export function transportOf(channelId: string, config: EmailConfig): Transporter {
  const version = JSON.stringify(config.smtp);
  const cached = transports.get(channelId);
  if (cached && cached.version === version) return cached.transport;
  cached?.transport.close();
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 3,
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    auth: { user: config.smtp.user, pass: config.smtp.password },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  transports.set(channelId, { version, transport });
  return transport;
}

export function closeEmailTransports(): void {
  for (const t of transports.values()) t.transport.close();
  transports.clear();
}

export function classifySmtpError(err: unknown): SendOutcome {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  if (typeof e.responseCode === 'number') {
    const said = (e.response ?? e.message ?? '').slice(0, 300);
    if (e.code === 'EAUTH') return { kind: 'permanent', reason: `The mail server refused the SMTP login: an administrator must check the channel settings (${said}).` };
    if (e.responseCode >= 400 && e.responseCode < 500) return { kind: 'retry', reason: `The mail server asked to try again later (${said}).` };
    return { kind: 'permanent', reason: `The mail server refused the message (${said}).` };
  }
  if (e.code === 'EAUTH') return { kind: 'permanent', reason: 'The mail server refused the SMTP login: an administrator must check the channel settings.' };
  if (e.code === 'EENVELOPE') return { kind: 'permanent', reason: `The recipient address was refused (${e.message ?? ''}).` };
  return networkOutcome(err, 'the mail server');
}

async function sendEmail(job: OutboundJob): Promise<SendOutcome> {
  const config = job.config as EmailConfig;
  const last = await job.rt.db
    .selectFrom('messages')
    .select(['external_id', 'meta'])
    .where('conversation_id', '=', job.conversation.id)
    // This channel's mail only: a thread may also hold WhatsApp or chat messages (issue 4).
    .where('channel_id', '=', job.channel.id)
    .where('direction', '=', 'inbound')
    .where('external_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const lastMeta = last?.meta ? (JSON.parse(last.meta) as MessageMeta) : null;
  const inReplyTo = last?.external_id?.startsWith('<') ? last.external_id : undefined;
  const references = [...(lastMeta?.email?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])].slice(-20);
  // Issue 4: the first e-mail in a thread that started on another channel carries a subject and a short quote.
  const continuation = job.message.meta?.startsWith('{"kind":"continuation"') ? (JSON.parse(job.message.meta) as { subject: string; quote: string }) : null;
  const base = continuation?.subject ?? job.conversation.subject ?? lastMeta?.email?.subject ?? 'Your message';
  const subject = /^\s*re\s*:/i.test(base) ? base : `Re: ${base}`;
  const messageId = outboundMessageId(job.conversation.id, job.message.id, config.fromAddress);
  const files = await outboundFiles(job.rt.db, job.rt.opts.dataDir, job.message.id);
  if (files.some((f) => !fs.existsSync(f.path))) return { kind: 'permanent', reason: 'The attached file is missing on the server; attach it again.' };
  try {
    await transportOf(job.channel.id, config).sendMail({
      from: config.fromName ? { name: config.fromName, address: config.fromAddress } : config.fromAddress,
      to: job.identities[0],
      subject,
      text: continuation ? `${job.message.text}\n\n${continuation.quote}` : job.message.text,
      // Outbound media: the files go as ordinary MIME attachments.
      ...(files.length ? { attachments: files.map((f) => ({ filename: f.name, path: f.path, contentType: f.mimeType })) } : {}),
      // The same Message-ID on every attempt: a resend after a lost answer is recognisable as the same mail.
      messageId,
      ...(inReplyTo ? { inReplyTo, references } : {}),
      headers: { 'Auto-Submitted': 'no' },
    });
  } catch (err) {
    return classifySmtpError(err);
  }
  return { kind: 'sent', externalId: messageId, meta: { kind: 'email', email: { messageId, ...(inReplyTo ? { inReplyTo } : {}), references, subject } } };
}

export const emailAdapter: ChannelAdapter = {
  type: 'email',
  configSchema: EmailConfig as unknown as ChannelAdapter['configSchema'],
  send: (job) => sendEmail(job),
  /** E-mail attachments were staged when the mail was stored; the media job checks and files them. */
  async fetchMedia(req) {
    const p = stagedPath(req.rt.opts.dataDir, req.vendorId);
    if (!p || !fs.existsSync(p)) return { kind: 'permanent', reason: 'The attachment could not be read from the e-mail.' };
    return { kind: 'ok', body: fs.createReadStream(p), size: fs.statSync(p).size };
  },
  start(row: Selectable<ChannelsTable>, config: Record<string, unknown>, rt: ChannelRuntime) {
    return startEmailReceiver(row.id, config as EmailConfig, rt);
  },
};
