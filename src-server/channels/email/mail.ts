// Reading one inbound e-mail: auto-reply and bounce detection, threading keys, the new part of a reply,
// sanitised HTML. Pure functions over mailparser's ParsedMail.
import { createHash } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';

export const MAX_HTML_CHARS = 256 * 1024;

/** Our outbound Message-IDs carry the conversation: <tl.{conversationId}.{messageId}@domain>. */
export function outboundMessageId(conversationId: string, messageId: string, fromAddress: string): string {
  const domain = fromAddress.split('@')[1] ?? 'threadline.local';
  return `<tl.${conversationId}.${messageId}@${domain}>`;
}

const TOKEN = /^<?tl\.([0-9a-f-]{36})\.[0-9a-f-]{36}@/i;
export function conversationTokenOf(messageId: string): string | null {
  return TOKEN.exec(messageId.trim())?.[1] ?? null;
}

export function headerText(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
  return String(v);
}

/** Auto-replies, out-of-office, list mail: never open a conversation, never answered (RFC 3834, common headers). */
export function isAutomatic(mail: ParsedMail): boolean {
  const auto = headerText(mail, 'auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(headerText(mail, 'precedence').trim())) return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || mail.headers.has('list-id')) return true;
  if (/\b(oof|autoreply)\b/i.test(headerText(mail, 'x-auto-response-suppress'))) return true;
  return false;
}

export interface Bounce {
  originalMessageId: string;
  reason: string;
}

/** A delivery status notification (RFC 3464) about one of our messages. */
export function bounceOf(mail: ParsedMail): Bounce | null {
  const ct = headerText(mail, 'content-type').toLowerCase();
  const from = (mail.from?.value[0]?.address ?? '').toLowerCase();
  const isReport = ct.includes('multipart/report') && ct.includes('delivery-status');
  if (!isReport && !/^(mailer-daemon|postmaster)@/.test(from)) return null;
  let originalMessageId: string | null = null;
  let diagnostic = '';
  for (const a of mail.attachments) {
    const body = a.content.toString('utf8');
    if (/delivery-status/i.test(a.contentType)) {
      diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(body)?.[1]?.trim() ?? /^Status:\s*(.+)$/im.exec(body)?.[1]?.trim() ?? diagnostic;
    }
    if (/rfc822/i.test(a.contentType)) originalMessageId = /^Message-ID:\s*(<[^>\s]+>)/im.exec(body)?.[1] ?? originalMessageId;
  }
  // mailparser may inline the report parts into the text.
  originalMessageId ??= /^Message-ID:\s*(<[^>\s]+>)/im.exec(mail.text ?? '')?.[1] ?? null;
  if (!diagnostic) diagnostic = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(mail.text ?? '')?.[1]?.trim() ?? /^Status:\s*(\d\.\d+\.\d+.*)$/im.exec(mail.text ?? '')?.[1]?.trim() ?? '';
  if (!originalMessageId) return null;
  return { originalMessageId, reason: diagnostic ? `The e-mail bounced: ${diagnostic}` : 'The e-mail bounced (the receiving server refused it).' };
}

export function referencesOf(mail: ParsedMail): string[] {
  const refs = mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : mail.references.split(/\s+/);
  return refs.map((r) => r.trim()).filter(Boolean);
}

/** Thread keys, most specific first: In-Reply-To, then References newest first. */
export function threadKeysOf(mail: ParsedMail): string[] {
  const keys = [...(mail.inReplyTo ? mail.inReplyTo.split(/\s+/) : []), ...referencesOf(mail).reverse()];
  return [...new Set(keys.map((k) => k.trim()).filter((k) => /^<[^>]+>$/.test(k)))].slice(0, 50);
}

export function externalIdOf(mail: ParsedMail, source: Buffer): string {
  const id = mail.messageId?.trim();
  if (id) return (id.startsWith('<') ? id : `<${id}>`).slice(0, 998);
  return `sha256:${createHash('sha256').update(source).digest('hex')}`;
}

/** "Re: Fwd: AW: Order 1042" → "order 1042": for the last-resort subject match. */
export function normaliseSubject(subject: string | undefined): string {
  let s = (subject ?? '').trim();
  for (;;) {
    const next = s.replace(/^\s*(re|fw|fwd|aw|wg|sv|vs|antw|tr|rv|r)\s*(\[\d+\])?\s*:\s*/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function firstAddress(a: AddressObject | AddressObject[] | undefined): { address: string; name: string } | null {
  const list = Array.isArray(a) ? a.flatMap((x) => x.value) : (a?.value ?? []);
  const v = list.find((x) => x.address);
  return v?.address ? { address: v.address.trim().toLowerCase(), name: v.name?.trim() ?? '' } : null;
}

/**
 * The new part of a reply: the text above the quoted history ("On … wrote:", "-----Original Message-----",
 * a trailing block of "> " lines) and the signature ("-- "). Falls back to the whole text.
 */
export function newPartOf(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const next = lines[i + 1] ?? '';
    if (
      /^On\b.{0,300}\bwrote:\s*$/.test(l) ||
      (/^On\b/.test(l) && /\bwrote:\s*$/.test(next)) ||
      /^(Am|Le|El|Il|Op|Pada)\b.{0,300}(schrieb|écrit|escribió|scritto|geschreven|menulis).{0,20}:\s*$/.test(l) ||
      /^-{2,}\s*(Original Message|Forwarded message|Pesan Asli)\s*-{2,}/i.test(l) ||
      /^_{20,}\s*$/.test(l) ||
      l === '-- ' ||
      l === '--'
    ) {
      cut = i;
      break;
    }
  }
  let kept = lines.slice(0, cut);
  // A trailing quoted block (bottom-quoting without an attribution line).
  let end = kept.length;
  while (end > 0 && (kept[end - 1]!.startsWith('>') || kept[end - 1]!.trim() === '')) end--;
  if (end < kept.length && kept.slice(end).some((l) => l.startsWith('>'))) kept = kept.slice(0, end);
  const out = kept.join('\n').trim();
  return out || text.trim();
}

/** HTML mail, sanitised: no scripts, styles, forms, event handlers or remote frames; links and images kept. */
export function sanitiseHtml(html: string): string {
  return sanitizeHtml(html.slice(0, MAX_HTML_CHARS * 4), {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center'],
    allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'], td: ['colspan', 'rowspan', 'align'], th: ['colspan', 'rowspan', 'align'], font: ['color'], '*': ['dir', 'lang'] },
    allowedSchemes: ['http', 'https', 'mailto', 'cid'],
    allowedSchemesByTag: { img: ['https', 'cid', 'data'] },
    allowProtocolRelative: false,
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }) },
  }).slice(0, MAX_HTML_CHARS);
}
