// One customer, one thread (issue 4, docs/identity.md): which contact an inbound message belongs to, automatic
// merges on verified identifiers, merge suggestions for weaker matches, manual merge / exact unmerge with an
// audit trail, profile edits, and continuity (which conversation a message joins). Runs inside the command
// transaction (ChangeWriter), so every step is atomic with the message that caused it; the runner takes the write
// lock first, so two first messages from one new customer at the same instant are serialised: one contact.
import type { ChannelType } from '../../src-shared/domain';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import { normaliseEmail, normaliseIdentity, phoneOfWhatsappId, phonesInText, timeZoneOfPhone } from '../../src-shared/identity';
import type { ChangeWriter } from '../domain/change-log';
import { foldStats, unfoldStats, type FoldedStats } from '../domain/conversation-stats';
import { conversationOf, loadContact, loadConversationRow, contactChannelIds, messageOf } from '../domain/entities';
import { conflict, invalid, notFound } from '../domain/errors';
import { prepared } from '../store/prepared';

type W = ChangeWriter;

/** Continuity settings (createServer options → configureContinuity). */
export interface ContinuityConfig {
  /** A message from any of the contact's identities joins their open conversation, whatever the channel. */
  enabled: boolean;
  /** …and a conversation resolved less than this long ago is reopened instead of a new one started (0 = never). */
  reopenWindowMs: number;
}
const continuity: ContinuityConfig = { enabled: true, reopenWindowMs: 0 };
export function configureContinuity(c: Partial<ContinuityConfig>): void {
  if (c.enabled !== undefined) continuity.enabled = c.enabled;
  if (c.reopenWindowMs !== undefined) continuity.reopenWindowMs = Math.max(0, c.reopenWindowMs);
}
export function continuityConfig(): Readonly<ContinuityConfig> {
  return { ...continuity };
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────
export async function audit(w: W, contactId: string, kind: string, actorId: string | null, data: unknown, at = nowIso()): Promise<void> {
  await w.trx.insertInto('contact_audit').values({ id: uuidv7(), contact_id: contactId, kind, actor_id: actorId, data: JSON.stringify(data), created_at: at }).execute();
}

const identityOwner = prepared((q, arg: (k: 'channelType' | 'value') => string) =>
  q.selectFrom('contact_identities').select('contact_id').where('channel_type', '=', arg('channelType')).where('value', '=', arg('value')),
);

async function ownerOf(w: W, channelType: string, value: string): Promise<string | undefined> {
  return (await identityOwner.first(w.trx, { channelType, value }))?.contact_id;
}

async function addIdentity(w: W, contactId: string, channelType: string, value: string, verified: boolean, source: string, at: string): Promise<void> {
  await w.trx.insertInto('contact_identities').values({ channel_type: channelType, value, contact_id: contactId, created_at: at, verified: verified ? 1 : 0, source }).execute();
  if (channelType === 'phone') {
    // Time zone inferred from the phone's region when the profile has none.
    const tz = timeZoneOfPhone(value);
    if (tz) await w.trx.updateTable('contacts').set({ time_zone: tz }).where('id', '=', contactId).where('time_zone', 'is', null).execute();
  }
}

export async function emitContactEverywhere(w: W, contactId: string, extraScopes: readonly string[] = []): Promise<void> {
  const contact = await loadContact(w.trx, contactId);
  if (!contact) return;
  const scopes = [...new Set([...(await contactChannelIds(w.trx, contactId)), ...extraScopes])];
  if (scopes.length) await w.put('contact', contactId, scopes, contact);
}

/** The value stored for an inbound identity: normalised, or the raw value when a channel sends something unexpected. */
export function storedIdentityValue(channelType: string, raw: string): string {
  return normaliseIdentity(channelType, raw) ?? raw.trim();
}

interface Key {
  channelType: string;
  value: string;
  /** Proven by the channel (auto-merge allowed) or merely claimed (suggestion only). */
  verified: boolean;
  source: string;
}

/** phoneOfWhatsappId is pure but parses with libphonenumber (a few % of webhook CPU): remembered per wa_id, bounded. */
const phoneByWaId = new Map<string, string | null>();
const PHONES_KEPT = 10_000;
function memoPhoneOfWhatsappId(waId: string): string | null {
  let phone = phoneByWaId.get(waId);
  if (phone === undefined) {
    phone = phoneOfWhatsappId(waId);
    if (phoneByWaId.size >= PHONES_KEPT) phoneByWaId.delete(phoneByWaId.keys().next().value!);
    phoneByWaId.set(waId, phone);
  }
  return phone;
}

/** The cross-channel keys one inbound message proves or claims, besides its channel identity. */
function derivedKeys(channelType: ChannelType, value: string, profile: { email?: string }): Key[] {
  const keys: Key[] = [];
  if (channelType === 'whatsapp') {
    // A WhatsApp number is proven by WhatsApp (the account was registered with an SMS code to it).
    const phone = memoPhoneOfWhatsappId(value);
    if (phone) keys.push({ channelType: 'phone', value: phone, verified: true, source: 'whatsapp' });
  }
  if (channelType === 'webchat' && profile.email) {
    const email = normaliseEmail(profile.email);
    // A user verified by the host site's HMAC: the host vouches for the e-mail it passes. An anonymous visitor's
    // e-mail is a claim (anyone can type any address into a pre-chat form).
    if (email) keys.push({ channelType: 'email', value: email, verified: value.startsWith('user:'), source: value.startsWith('user:') ? 'webchat-verified' : 'webchat-visitor' });
  }
  return keys;
}

// ── inbound: find or create the contact ──────────────────────────────────────────────────────
export interface InboundIdentityInput {
  channelType: ChannelType;
  value: string;
  profile: { name?: string; email?: string };
  /** Text of the message: phone numbers in it (an e-mail signature) become merge suggestions. */
  text?: string;
  /** Default region for numbers written without a country code (channel config `defaultRegion`). */
  region?: string;
}

/**
 * The contact for an inbound identity. Creates one (with the identity and the keys it proves) when none is known;
 * merges automatically when a verified key belongs to another contact; records suggestions for claimed keys.
 * `out.changed`: whether the contact entity (row, identities) was written — false for a known customer writing again.
 */
export async function resolveInboundContact(w: W, input: InboundIdentityInput, now: string, out: { changed: boolean } = { changed: false }): Promise<string> {
  const value = storedIdentityValue(input.channelType, input.value);
  let contactId = await ownerOf(w, input.channelType, value);
  const keys = derivedKeys(input.channelType, value, input.profile);
  if (!contactId) {
    // A verified key already known (e.g. the phone a CRM or an earlier WhatsApp number proved): the new identity
    // joins that contact instead of making a second one.
    for (const k of keys.filter((k) => k.verified)) {
      const owner = await ownerOf(w, k.channelType, k.value);
      if (owner) {
        contactId = owner;
        out.changed = true;
        await addIdentity(w, owner, input.channelType, value, true, `inbound:${input.channelType}`, now);
        await audit(w, owner, 'identity_linked', null, { channelType: input.channelType, value, via: k }, now);
        break;
      }
    }
  }
  if (!contactId) {
    contactId = uuidv7();
    out.changed = true;
    const name = input.profile.name?.trim() || `Visitor ${contactId.slice(-4).toUpperCase()}`;
    await w.trx.insertInto('contacts').values({ id: contactId, name, email: input.profile.email?.trim() || null, is_demo: 0, created_at: now, updated_at: now }).execute();
    await addIdentity(w, contactId, input.channelType, value, true, `inbound:${input.channelType}`, now);
  }
  for (const k of keys) {
    const owner = await ownerOf(w, k.channelType, k.value);
    if (!owner) {
      if (k.verified) {
        out.changed = true;
        await addIdentity(w, contactId, k.channelType, k.value, true, k.source, now);
      }
      continue;
    }
    if (owner === contactId) continue;
    if (k.verified) {
      out.changed = true;
      // Two contacts proven to be one person: merge automatically (the older one survives).
      const [survivor, other] = await olderFirst(w, owner, contactId);
      await mergeContacts(w, null, survivor, other, `verified ${k.channelType} (${k.source})`);
      contactId = survivor;
    } else {
      await suggestMerge(w, owner, contactId, `same ${k.channelType} ${k.value} (${k.source})`, now);
    }
  }
  // Weaker still: a phone number written in the message (an e-mail signature) that another contact has.
  if (input.text && input.channelType !== 'whatsapp') {
    for (const phone of phonesInText(input.text, input.region).slice(0, 5)) {
      const owner = await ownerOf(w, 'phone', phone);
      if (owner && owner !== contactId) await suggestMerge(w, owner, contactId, `phone ${phone} written in a message`, now);
    }
  }
  return contactId;
}

async function olderFirst(w: W, a: string, b: string): Promise<[string, string]> {
  const rows = await w.trx.selectFrom('contacts').select(['id', 'created_at']).where('id', 'in', [a, b]).execute();
  const ca = rows.find((r) => r.id === a)?.created_at ?? '';
  const cb = rows.find((r) => r.id === b)?.created_at ?? '';
  return ca <= cb ? [a, b] : [b, a];
}

// ── suggestions ─────────────────────────────────────────────────────────────────────────────
export async function suggestMerge(w: W, contactId: string, otherId: string, reason: string, now = nowIso()): Promise<void> {
  const [a, b] = contactId < otherId ? [contactId, otherId] : [otherId, contactId];
  const existing = await w.trx.selectFrom('merge_suggestions').select('id').where('contact_id', '=', a).where('other_id', '=', b).executeTakeFirst();
  if (existing) return; // one suggestion per pair; a dismissed one is not raised again
  await w.trx.insertInto('merge_suggestions').values({ id: uuidv7(), contact_id: a, other_id: b, reason, state: 'open', created_at: now, decided_at: null, decided_by: null }).execute();
  await audit(w, a, 'merge_suggested', null, { otherId: b, reason }, now);
  await audit(w, b, 'merge_suggested', null, { otherId: a, reason }, now);
}

export async function decideSuggestion(w: W, actorId: string, contactId: string, suggestionId: string, accept: boolean): Promise<{ survivorId: string | null }> {
  const s = await w.trx.selectFrom('merge_suggestions').selectAll().where('id', '=', suggestionId).executeTakeFirst();
  if (!s || (s.contact_id !== contactId && s.other_id !== contactId)) throw notFound('merge suggestion');
  if (s.state !== 'open') return { survivorId: null };
  const now = nowIso();
  await w.trx.updateTable('merge_suggestions').set({ state: accept ? 'accepted' : 'dismissed', decided_at: now, decided_by: actorId }).where('id', '=', s.id).execute();
  if (!accept) {
    await audit(w, contactId, 'merge_dismissed', actorId, { suggestionId: s.id, otherId: s.contact_id === contactId ? s.other_id : s.contact_id }, now);
    return { survivorId: null };
  }
  // The contact the agent is looking at survives.
  const otherId = s.contact_id === contactId ? s.other_id : s.contact_id;
  await mergeContacts(w, actorId, contactId, otherId, `suggestion accepted: ${s.reason}`);
  return { survivorId: contactId };
}

// ── merge / unmerge ─────────────────────────────────────────────────────────────────────────
interface Moved {
  identities: { channel_type: string; value: string }[];
  conversations: string[];
  /** Messages folded into the survivor's open thread: where each came from. */
  messages: { id: string; from: string }[];
  /** Conversations emptied by the fold: their state before it. */
  folded: { id: string; status: string; last_message_at: string; last_message_preview: string; last_inbound_at: string | null }[];
  /** Their metrics facts (docs/metrics.md), taken out of the report while folded (absent in merges made before 0012). */
  foldedStats?: FoldedStats[];
  /** Survivor profile fields filled from the merged contact: their previous values. */
  filled: Record<string, string | null>;
}

const PROFILE_FIELDS = ['email', 'tier', 'language', 'time_zone', 'notes'] as const;

/** Merges `otherId` into `survivorId`; returns the merge id. Everything moved is recorded so unmerge is exact. */
export async function mergeContacts(w: W, actorId: string | null, survivorId: string, otherId: string, reason: string): Promise<string> {
  if (survivorId === otherId) throw invalid('a contact cannot be merged with itself');
  const survivor = await w.trx.selectFrom('contacts').selectAll().where('id', '=', survivorId).executeTakeFirst();
  const other = await w.trx.selectFrom('contacts').selectAll().where('id', '=', otherId).executeTakeFirst();
  if (!survivor || survivor.merged_into) throw notFound('contact');
  if (!other) throw notFound('contact');
  if (other.merged_into) throw conflict('that contact was already merged into another');
  const now = nowIso();
  const otherScopes = await contactChannelIds(w.trx, otherId);
  const moved: Moved = { identities: [], conversations: [], messages: [], folded: [], filled: {} };

  moved.identities = await w.trx.selectFrom('contact_identities').select(['channel_type', 'value']).where('contact_id', '=', otherId).execute();
  await w.trx.updateTable('contact_identities').set({ contact_id: survivorId }).where('contact_id', '=', otherId).execute();

  const otherConvs = await w.trx.selectFrom('conversations').selectAll().where('contact_id', '=', otherId).orderBy('created_at').execute();
  moved.conversations = otherConvs.map((c) => c.id);
  await w.trx.updateTable('conversations').set({ contact_id: survivorId, updated_at: now }).where('contact_id', '=', otherId).execute();

  // One thread: the merged contact's open conversations fold into the survivor's open one (each message keeps
  // its channel); the emptied conversations are resolved. Unmerge moves the messages back.
  const target = await w.trx
    .selectFrom('conversations')
    .selectAll()
    .where('contact_id', '=', survivorId)
    .where('status', 'in', ['open', 'pending'])
    .where('id', 'not in', moved.conversations.length ? moved.conversations : [''])
    .orderBy('last_message_at', 'desc')
    .executeTakeFirst();
  if (target) {
    for (const c of otherConvs.filter((c) => c.status === 'open' || c.status === 'pending')) {
      const msgs = await w.trx.selectFrom('messages').select('id').where('conversation_id', '=', c.id).execute();
      moved.messages.push(...msgs.map((m) => ({ id: m.id, from: c.id })));
      moved.folded.push({ id: c.id, status: c.status, last_message_at: c.last_message_at, last_message_preview: c.last_message_preview, last_inbound_at: c.last_inbound_at });
      await w.trx.updateTable('messages').set({ conversation_id: target.id }).where('conversation_id', '=', c.id).execute();
      const stats = await foldStats(w, c.id, target.id);
      if (stats) (moved.foldedStats ??= []).push(stats);
      await w.trx.updateTable('conversations').set({ status: 'resolved', updated_at: now }).where('id', '=', c.id).execute();
      await w.slaHook?.(w, c.id, { type: 'status', from: c.status as 'open', to: 'resolved' });
    }
    if (moved.messages.length) await refreshConversationSummary(w, target.id, now);
  }

  const fill: Record<string, string> = {};
  for (const f of PROFILE_FIELDS) {
    if (!survivor[f] && other[f]) {
      moved.filled[f] = survivor[f] ?? null;
      fill[f] = other[f]!;
    }
  }
  if (Object.keys(fill).length) await w.trx.updateTable('contacts').set({ ...fill, updated_at: now }).where('id', '=', survivorId).execute();
  await w.trx.updateTable('contacts').set({ merged_into: survivorId, updated_at: now }).where('id', '=', otherId).execute();

  const mergeId = uuidv7();
  await w.trx.insertInto('contact_merges').values({ id: mergeId, survivor_id: survivorId, merged_id: otherId, moved: JSON.stringify(moved), reason, actor_id: actorId, created_at: now, undone_at: null }).execute();
  await w.trx.updateTable('merge_suggestions').set({ state: 'accepted', decided_at: now, decided_by: actorId }).where('state', '=', 'open').where((eb) => eb.or([eb.and([eb('contact_id', '=', survivorId), eb('other_id', '=', otherId)]), eb.and([eb('contact_id', '=', otherId), eb('other_id', '=', survivorId)])])).execute();
  await audit(w, survivorId, 'merged', actorId, { mergeId, otherId, otherName: other.name, reason, identities: moved.identities.length, conversations: moved.conversations.length }, now);
  await audit(w, otherId, 'merged_into', actorId, { mergeId, survivorId, reason }, now);

  await emitMoved(w, moved.conversations, moved.messages.map((m) => m.id), target?.id);
  await emitContactEverywhere(w, survivorId);
  await emitContactEverywhere(w, otherId, otherScopes);
  return mergeId;
}

/** Undoes one merge: the identities and conversations (and folded messages) that came from the other contact go back. */
export async function unmergeContacts(w: W, actorId: string, survivorId: string, mergeId: string): Promise<{ restoredId: string }> {
  const m = await w.trx.selectFrom('contact_merges').selectAll().where('id', '=', mergeId).executeTakeFirst();
  if (!m || m.survivor_id !== survivorId) throw notFound('merge');
  if (m.undone_at) throw conflict('this merge was already undone');
  const moved = JSON.parse(m.moved) as Moved;
  const now = nowIso();
  const survivorScopes = await contactChannelIds(w.trx, survivorId);

  for (const i of moved.identities) {
    await w.trx.updateTable('contact_identities').set({ contact_id: m.merged_id }).where('channel_type', '=', i.channel_type).where('value', '=', i.value).where('contact_id', '=', survivorId).execute();
  }
  for (const msg of moved.messages) {
    await w.trx.updateTable('messages').set({ conversation_id: msg.from }).where('id', '=', msg.id).execute();
  }
  if (moved.conversations.length) {
    await w.trx.updateTable('conversations').set({ contact_id: m.merged_id, updated_at: now }).where('id', 'in', moved.conversations).where('contact_id', '=', survivorId).execute();
  }
  const touchedTargets = new Set<string>();
  for (const stats of moved.foldedStats ?? []) await unfoldStats(w, stats);
  for (const f of moved.folded) {
    const current = await loadConversationRow(w.trx, f.id);
    await w.trx.updateTable('conversations').set({ status: f.status, last_message_at: f.last_message_at, last_message_preview: f.last_message_preview, last_inbound_at: f.last_inbound_at, updated_at: now }).where('id', '=', f.id).execute();
    if (current && current.status !== f.status) await w.slaHook?.(w, f.id, { type: 'status', from: current.status as 'resolved', to: f.status as 'open' });
  }
  if (moved.messages.length) {
    // The survivor's thread the messages had been folded into: its summary without them.
    const targets = await w.trx.selectFrom('conversations').select('id').where('contact_id', '=', survivorId).where('status', 'in', ['open', 'pending']).execute();
    for (const t of targets) {
      await refreshConversationSummary(w, t.id, now);
      touchedTargets.add(t.id);
    }
  }
  if (Object.keys(moved.filled).length) await w.trx.updateTable('contacts').set({ ...moved.filled, updated_at: now }).where('id', '=', survivorId).execute();
  await w.trx.updateTable('contacts').set({ merged_into: null, updated_at: now }).where('id', '=', m.merged_id).execute();
  await w.trx.updateTable('contact_merges').set({ undone_at: now }).where('id', '=', m.id).execute();
  await audit(w, survivorId, 'unmerged', actorId, { mergeId, restoredId: m.merged_id }, now);
  await audit(w, m.merged_id, 'unmerged_from', actorId, { mergeId, survivorId }, now);

  await emitMoved(w, moved.conversations, moved.messages.map((x) => x.id), undefined);
  for (const t of touchedTargets) await emitConversationRow(w, t);
  await emitContactEverywhere(w, survivorId, survivorScopes);
  await emitContactEverywhere(w, m.merged_id);
  return { restoredId: m.merged_id };
}

async function refreshConversationSummary(w: W, conversationId: string, now: string): Promise<void> {
  const last = await w.trx.selectFrom('messages').select(['created_at', 'text']).where('conversation_id', '=', conversationId).where('direction', '!=', 'note').orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  const lastAny = await w.trx.selectFrom('messages').select('created_at').where('conversation_id', '=', conversationId).orderBy('created_at', 'desc').executeTakeFirst();
  const lastIn = await w.trx.selectFrom('messages').select('created_at').where('conversation_id', '=', conversationId).where('direction', '=', 'inbound').orderBy('created_at', 'desc').executeTakeFirst();
  if (!lastAny) return;
  await w.trx
    .updateTable('conversations')
    .set({ last_message_at: lastAny.created_at, last_message_preview: last ? last.text.replace(/\s+/g, ' ').trim().slice(0, 140) : '', last_inbound_at: lastIn?.created_at ?? null, updated_at: now })
    .where('id', '=', conversationId)
    .execute();
}

async function emitConversationRow(w: W, id: string): Promise<void> {
  const row = await loadConversationRow(w.trx, id);
  if (row) await w.put('conversation', id, [row.channel_id], conversationOf(row));
}

async function emitMoved(w: W, conversationIds: readonly string[], messageIds: readonly string[], target: string | undefined): Promise<void> {
  for (const id of conversationIds) await emitConversationRow(w, id);
  if (target) await emitConversationRow(w, target);
  for (const id of messageIds) {
    const row = await w.trx.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) continue;
    // Clients that saw it under its old conversation's scope get it under the new one (put scopes by conversation).
    await w.put('message', id, [row.channel_id], messageOf(row));
  }
}

// ── continuity: which conversation an inbound message joins ──────────────────────────────────
/**
 * The contact's conversation a message continues, whatever its channel: the newest open/pending one, or one resolved
 * within the reopen window. `sameChannelOnlyNewThread`: a channel with its own threads (e-mail with a new subject)
 * starts a new conversation rather than joining one of the SAME channel; a cross-channel thread is still joined.
 */
const openConversationOf = prepared((q, arg: (k: 'contactId') => string) =>
  q.selectFrom('conversations').selectAll().where('contact_id', '=', arg('contactId')).where('status', 'in', ['open', 'pending']).orderBy('last_message_at', 'desc'),
);

export async function continuingConversation(w: W, contactId: string, channelId: string, newThread: boolean) {
  if (!continuity.enabled) return undefined;
  const open = await openConversationOf.first(w.trx, { contactId });
  if (open && !(newThread && open.channel_id === channelId)) return open;
  if (open) return undefined;
  if (continuity.reopenWindowMs > 0) {
    const since = new Date(Date.now() - continuity.reopenWindowMs).toISOString();
    const recent = await w.trx.selectFrom('conversations').selectAll().where('contact_id', '=', contactId).where('status', '=', 'resolved').where('updated_at', '>=', since).orderBy('updated_at', 'desc').executeTakeFirst();
    if (recent && !(newThread && recent.channel_id === channelId)) return recent;
  }
  return undefined;
}

// ── replying on another channel ──────────────────────────────────────────────────────────────
/**
 * The channel a reply goes out on: the one the agent chose (it must be visible to them, and the customer must be
 * reachable there: an identity of that channel type), else the conversation's. Notes stay on the conversation's.
 */
export async function replyChannelFor(
  w: W,
  canSee: (channelId: string) => Promise<boolean>,
  conv: { channel_id: string; contact_id: string },
  requested: string | undefined,
  isNote: boolean,
): Promise<string> {
  if (requested === undefined || requested === conv.channel_id || isNote) return conv.channel_id;
  const channel = await w.trx.selectFrom('channels').select(['id', 'type']).where('id', '=', requested).executeTakeFirst();
  if (!channel || !(await canSee(channel.id))) throw notFound('channel');
  const identity = await w.trx.selectFrom('contact_identities').select('value').where('contact_id', '=', conv.contact_id).where('channel_type', '=', channel.type).executeTakeFirst();
  if (!identity) throw invalid(`the customer has no ${channel.type} address: they cannot be reached on this channel`);
  return channel.id;
}

/**
 * An e-mail reply in a thread that did not start by e-mail: a subject and a short quote of the last exchange, so the
 * customer knows what the mail is about (stored in the message meta; the e-mail adapter uses it).
 */
export async function continuationMetaFor(w: W, conversationId: string, replyChannelType: string, replyChannelId: string): Promise<string | null> {
  if (replyChannelType !== 'email') return null;
  const earlierMail = await w.trx.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('channel_id', '=', replyChannelId).where('direction', '=', 'inbound').executeTakeFirst();
  if (earlierMail) return null; // the e-mail thread exists: normal Re: threading
  const conv = await w.trx.selectFrom('conversations').select('subject').where('id', '=', conversationId).executeTakeFirst();
  const last = await w.trx
    .selectFrom('messages')
    .select(['text', 'direction', 'author_name', 'created_at'])
    .where('conversation_id', '=', conversationId)
    .where('direction', 'in', ['inbound', 'outbound'])
    .orderBy('created_at', 'desc')
    .limit(2)
    .execute();
  const firstInbound = [...last].reverse().find((m) => m.direction === 'inbound')?.text ?? last[0]?.text ?? '';
  const subject = conv?.subject ?? (firstInbound ? `About your message: ${firstInbound.replace(/\s+/g, ' ').slice(0, 60)}` : 'Your conversation with us');
  const quote = last
    .reverse()
    .map((m) => `> ${m.author_name} (${m.created_at.slice(0, 16).replace('T', ' ')} UTC): ${m.text.replace(/\s+/g, ' ').slice(0, 200)}`)
    .join('\n');
  return JSON.stringify({ kind: 'continuation', subject, quote });
}
