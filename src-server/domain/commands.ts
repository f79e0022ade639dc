// The ONE place that writes domain entities. Every write — REST, sync mutation, widget — runs
// here in one transaction that also upserts the change log; after commit the live hub pokes the
// clients that can see the change and channel adapters get the agent's replies.
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { advanceStatus, type ChannelType, type ConversationStatus, type Priority, type Message, type MessageStatus, type Role } from '../../src-shared/domain';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { Db } from '../store/db';
import type { LiveHub } from '../live-hub';
import { AGENTS_SCOPE, agentScope, type ChangeWriter, type SlaHook } from './change-log';
import {
  channelOf,
  contactChannelIds,
  conversationOf,
  draftOf,
  loadAgent,
  loadChannelRow,
  loadContact,
  loadConversationRow,
  loadMessageRow,
  messageOf,
  readMarkOf,
} from './entities';
import { conflict, DomainError, invalid, notFound } from './errors';
import { canSeeChannel, syncScopes, type Actor } from './visibility';
import { parseConfig } from './channel-config';
import { assertReplyAllowed } from '../channels/reply-rules';
import { enqueueDelivery, requeueDelivery } from '../channels/delivery-store';
import { attachUploads } from '../channels/outbound-media';
import { FactsWriter, recomputeNextContact, recordInbound, recordReply, recordStatus, recordTransfer, syncConversationFacts } from './conversation-stats';
import { continuationMetaFor, continuingConversation, replyChannelFor, resolveInboundContact } from '../identity/service';
import { newToken, queueSurveyOnResolve, summaryOf, type SurveyRow } from '../csat/store';
import { prepared } from '../store/prepared';

export const PREVIEW_CHARS = 140;

// The inbound path's queries, compiled once (store/prepared.ts).
const writeLock = prepared((q) => q.updateTable('counters').set((eb) => ({ value: eb('value', '+', 0) })).where('name', '=', 'change_seq'));
const messageByExternalId = prepared((q, arg: (k: 'channelId' | 'externalId') => string) =>
  q.selectFrom('messages').selectAll().where('channel_id', '=', arg('channelId')).where('external_id', '=', arg('externalId')),
);
const contactProfile = prepared((q, arg: (k: 'id') => string) => q.selectFrom('contacts').select(['name', 'email']).where('id', '=', arg('id')));
const insertInbound = prepared((q, arg: (k: 'id' | 'conversationId' | 'channelId' | 'text' | 'authorName' | 'externalId' | 'now' | 'meta') => string) =>
  q.insertInto('messages').values({
    id: arg('id'),
    conversation_id: arg('conversationId'),
    channel_id: arg('channelId'),
    direction: 'inbound',
    text: arg('text'),
    status: 'received',
    author_id: null,
    author_name: arg('authorName'),
    external_id: arg('externalId'),
    failure_reason: null,
    created_at: arg('now'),
    updated_at: arg('now'),
    meta: arg('meta'), // null unless the channel gave details (the column's default)
  }),
);
const conversationReceived = prepared((q, arg: (k: 'id' | 'now' | 'preview' | 'status') => string) =>
  q
    .updateTable('conversations')
    .set({ last_message_at: arg('now'), last_message_preview: arg('preview'), last_inbound_at: arg('now'), status: arg('status'), updated_at: arg('now') })
    .where('id', '=', arg('id')),
);

export function previewOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

// ── emitters: write an entity's current version to the change log ───────────────────────────
export async function emitAgent(w: ChangeWriter, id: string): Promise<void> {
  const agent = await loadAgent(w.trx, id);
  if (agent) await w.put('agent', id, [AGENTS_SCOPE], agent);
}

export async function emitChannel(w: ChangeWriter, id: string): Promise<void> {
  const row = await loadChannelRow(w.trx, id);
  if (row) await w.put('channel', id, [id], channelOf(row));
}

export async function emitContact(w: ChangeWriter, id: string): Promise<void> {
  const contact = await loadContact(w.trx, id);
  if (contact) await w.put('contact', id, await contactChannelIds(w.trx, id), contact);
}

export async function emitConversation(w: ChangeWriter, id: string) {
  const row = await loadConversationRow(w.trx, id);
  if (!row) throw notFound('conversation');
  const conversation = conversationOf(row);
  await w.put('conversation', id, [row.channel_id], conversation);
  return conversation;
}

export async function emitMessage(w: ChangeWriter, id: string, scopeChannelId: string): Promise<Message> {
  const row = await loadMessageRow(w.trx, id);
  if (!row) throw notFound('message');
  const message = messageOf(row);
  await w.put('message', id, [scopeChannelId], message);
  return message;
}

/** The conversation, if the actor may see it; otherwise not_found (never reveal it exists). */
export async function visibleConversation(w: ChangeWriter, actor: Actor, conversationId: string) {
  const row = await loadConversationRow(w.trx, conversationId);
  if (!row || !(await canSeeChannel(w.trx, actor, row.channel_id))) throw notFound('conversation');
  return row;
}

// ── agents & channels ────────────────────────────────────────────────────────────────────────
export interface NewAgent {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

export async function createAgent(w: ChangeWriter, input: NewAgent) {
  const email = input.email.trim().toLowerCase();
  const taken = await w.trx.selectFrom('agents').select('id').where('email', '=', email).executeTakeFirst();
  if (taken) throw conflict('an agent with this email exists');
  const id = uuidv7();
  const now = nowIso();
  await w.trx
    .insertInto('agents')
    .values({ id, email, name: input.name, role: input.role, password_hash: input.passwordHash, disabled: 0, created_at: now, updated_at: now })
    .execute();
  await emitAgent(w, id);
  return (await loadAgent(w.trx, id))!;
}

export interface AgentPatch {
  name?: string;
  role?: Role;
  passwordHash?: string;
  disabled?: boolean;
}

export async function updateAgent(w: ChangeWriter, id: string, patch: AgentPatch) {
  const row = await w.trx.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('agent');
  await w.trx
    .updateTable('agents')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      updated_at: nowIso(),
    })
    .where('id', '=', id)
    .execute();
  if (patch.passwordHash !== undefined || patch.disabled) {
    // A new password or a disabled account ends every existing session.
    await w.trx.updateTable('sessions').set({ revoked_at: nowIso() }).where('agent_id', '=', id).where('revoked_at', 'is', null).execute();
  }
  if (patch.role !== undefined || patch.disabled !== undefined) w.scopeRefresh.add(id);
  await emitAgent(w, id);
  return (await loadAgent(w.trx, id))!;
}

export interface NewChannel {
  type: ChannelType;
  name: string;
  config: Record<string, unknown>;
}

export async function createChannel(w: ChangeWriter, input: NewChannel) {
  const id = uuidv7();
  const now = nowIso();
  const config = { ...input.config };
  // Web chat needs a secret for host-site identity verification (HMAC of the user id).
  if (input.type === 'webchat' && config.secret === undefined) config.secret = randomBytes(32).toString('hex');
  await w.trx.insertInto('channels').values({ id, type: input.type, name: input.name, config: JSON.stringify(config), created_at: now, updated_at: now }).execute();
  w.scopeRefresh.add('all');
  await emitChannel(w, id);
  return channelOf((await loadChannelRow(w.trx, id))!);
}

export async function updateChannel(w: ChangeWriter, id: string, patch: { name?: string; config?: Record<string, unknown> }) {
  const row = await loadChannelRow(w.trx, id);
  if (!row) throw notFound('channel');
  // Config is merged key by key, so a PATCH without the secret keeps it.
  const config = patch.config ? { ...parseConfig(row.config), ...patch.config } : undefined;
  await w.trx
    .updateTable('channels')
    .set({ ...(patch.name !== undefined ? { name: patch.name } : {}), ...(config ? { config: JSON.stringify(config) } : {}), updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  await emitChannel(w, id);
  return channelOf((await loadChannelRow(w.trx, id))!);
}

export async function setMembership(w: ChangeWriter, channelId: string, agentId: string, member: boolean): Promise<void> {
  if (!(await loadChannelRow(w.trx, channelId))) throw notFound('channel');
  if (!(await w.trx.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst())) throw notFound('agent');
  const existing = await w.trx.selectFrom('channel_members').select('agent_id').where('channel_id', '=', channelId).where('agent_id', '=', agentId).executeTakeFirst();
  if (member === !!existing) return;
  if (member) await w.trx.insertInto('channel_members').values({ channel_id: channelId, agent_id: agentId, created_at: nowIso() }).execute();
  else await w.trx.deleteFrom('channel_members').where('channel_id', '=', channelId).where('agent_id', '=', agentId).execute();
  w.scopeRefresh.add(agentId);
  await emitAgent(w, agentId);
}

// ── agent actions (also the sync mutations) ─────────────────────────────────────────────────
export interface SendMessageInput {
  messageId?: string;
  conversationId: string;
  text: string;
  private?: boolean;
  channelId?: string;
  /** A WhatsApp template message (issue 3): allowed outside the 24-hour window; `text` is the rendered body. */
  template?: { name: string; language: string; components: unknown[] };
  /** Private notes only (docs/routing.md §Handoff): agent ids @mentioned; each must be an active agent who can see the channel. */
  mentions?: string[];
  /** Files the agent uploaded for this reply (POST /api/v1/conversations/:id/attachments); text may then be empty. */
  attachmentIds?: string[];
}

export async function sendMessage(w: ChangeWriter, actor: Actor, input: SendMessageInput): Promise<Message> {
  const conv = await visibleConversation(w, actor, input.conversationId);
  // Issue 4: the reply may go out on another of the customer's channels (the agent's choice in the composer).
  const replyChannelId = await replyChannelFor(w, (c) => canSeeChannel(w.trx, actor, c), conv, input.channelId, !!input.private);
  const text = input.text.trim();
  const attachmentIds = input.attachmentIds ?? [];
  if (!text && attachmentIds.length === 0) throw invalid('message text is empty');
  if (input.template && attachmentIds.length > 0) throw invalid('a template message cannot carry files');
  const id = input.messageId ?? uuidv7();
  const isNote = !!input.private;
  // @mentions: notes only; the author is never mentioned; every id an active agent who can see this channel.
  const mentions = [...new Set(input.mentions ?? [])].filter((m) => m !== actor.id);
  if (mentions.length > 0) {
    if (!isNote) throw invalid('mentions are allowed in private notes only');
    const rows = await w.trx.selectFrom('agents').select(['id', 'name', 'role', 'disabled']).where('id', 'in', mentions).execute();
    for (const m of mentions) {
      const a = rows.find((r) => r.id === m);
      if (!a || a.disabled || !(await canSeeChannel(w.trx, { id: a.id, name: a.name, role: a.role as Role }, conv.channel_id))) {
        throw invalid('a mentioned agent is not a member of this conversation’s channel');
      }
    }
  }

  const existing = await loadMessageRow(w.trx, id);
  if (existing) {
    // The same client message arriving again (e.g. over REST after a lost answer) is not a second message.
    if (existing.author_id === actor.id && existing.conversation_id === conv.id && existing.text === text) return messageOf(existing);
    throw conflict('a message with this id already exists');
  }

  const channel = (await loadChannelRow(w.trx, replyChannelId))!;
  // Channel rules where the agent types (WhatsApp's 24-hour window): refused before anything is stored.
  if (input.template && (isNote || channel.type !== 'whatsapp')) throw invalid('templates are sent on WhatsApp conversations only');
  if (!isNote && !input.template) await assertReplyAllowed(w.trx, channel.type, channel.id, conv.contact_id);
  // Web chat delivery is the store itself (the widget reads it live or on reconnect): `sent` once stored.
  // Channels without an adapter yet keep the reply `queued` for their delivery queue.
  const status: MessageStatus = isNote || channel.type === 'webchat' ? 'sent' : 'queued';
  const now = nowIso();
  const continuation = isNote || input.template ? null : await continuationMetaFor(w, conv.id, channel.type, replyChannelId);
  await w.trx
    .insertInto('messages')
    .values({
      id,
      conversation_id: conv.id,
      channel_id: replyChannelId,
      direction: isNote ? 'note' : 'outbound',
      text,
      status,
      author_id: actor.id,
      author_name: actor.name,
      external_id: null,
      failure_reason: null,
      created_at: now,
      updated_at: now,
      ...(input.template ? { meta: JSON.stringify({ kind: 'template', template: input.template }) } : continuation ? { meta: continuation } : {}),
      ...(mentions.length > 0 ? { mentions: JSON.stringify(mentions) } : {}),
    })
    .execute();
  // Outbound media: the agent's uploads become this message's attachments (refused before the commit if not theirs).
  const file = await attachUploads(w.trx, { messageId: id, conversationId: conv.id, channelId: replyChannelId, channelType: channel.type, agentId: actor.id, ids: attachmentIds, isNote });
  await w.trx
    .updateTable('conversations')
    .set({ last_message_at: now, ...(isNote ? {} : { last_message_preview: previewOf(text || `[${file?.name ?? 'file'}]`) }), updated_at: now })
    .where('id', '=', conv.id)
    .execute();
  if (!isNote) await recordReply(w.trx, conv, now, actor.id);
  if (!isNote) await w.slaHook?.(w, conv.id, { type: 'reply' });
  // Vendor channels: a durable delivery job in the same transaction (channels/delivery.ts sends it).
  if (status === 'queued') await enqueueDelivery(w.trx, id, replyChannelId);
  await deleteDraft(w, actor.id, conv.id);
  const message = await emitMessage(w, id, conv.channel_id);
  const conversation = await emitConversation(w, conv.id);
  if (!isNote) w.outbound.push({ message, conversation });
  return message;
}

/** An agent retries a failed outbound message: back to `queued` with a fresh delivery job (new idempotency key). */
export async function retryMessage(w: ChangeWriter, actor: Actor, input: { conversationId: string; messageId: string }): Promise<Message> {
  const conv = await visibleConversation(w, actor, input.conversationId);
  const row = await loadMessageRow(w.trx, input.messageId);
  if (!row || row.conversation_id !== conv.id || row.direction !== 'outbound') throw notFound('message');
  if (row.status !== 'failed') {
    // Already retried (the same mutation again, or by a colleague): nothing to do.
    if (row.status === 'queued' || row.status === 'sent' || row.status === 'delivered' || row.status === 'read') return messageOf(row);
    throw invalid('only a failed message can be retried');
  }
  const channel = (await loadChannelRow(w.trx, row.channel_id))!;
  // A WhatsApp template may be sent outside the 24-hour window: its retry too.
  if (!row.meta?.startsWith('{"kind":"template"')) await assertReplyAllowed(w.trx, channel.type, channel.id, conv.contact_id);
  // The one backward move of a status: an agent's explicit retry of a failed message.
  await w.trx.updateTable('messages').set({ status: 'queued', failure_reason: null, updated_at: nowIso() }).where('id', '=', row.id).execute();
  await requeueDelivery(w.trx, row.id, row.channel_id);
  const message = await emitMessage(w, row.id, conv.channel_id);
  w.outbound.push({ message, conversation: conversationOf(conv) });
  return message;
}

export async function updateConversation(w: ChangeWriter, actor: Actor, id: string, patch: { status?: ConversationStatus; assigneeId?: string | null; priority?: Priority }) {
  const conv = await visibleConversation(w, actor, id);
  if (patch.assigneeId) {
    const assignee = await w.trx.selectFrom('agents').select(['id', 'name', 'role', 'disabled']).where('id', '=', patch.assigneeId).executeTakeFirst();
    if (!assignee || assignee.disabled) throw invalid('assignee is not an active agent');
    if (!(await canSeeChannel(w.trx, { id: assignee.id, name: assignee.name, role: assignee.role as Role }, conv.channel_id))) {
      throw invalid('assignee is not a member of this conversation’s channel');
    }
  }
  const status = patch.status ?? conv.status;
  const assigneeId = patch.assigneeId !== undefined ? patch.assigneeId : conv.assignee_id;
  const priority = patch.priority ?? conv.priority;
  if (status === conv.status && assigneeId === conv.assignee_id && priority === conv.priority) return conversationOf(conv);
  const changedAt = nowIso();
  await w.trx.updateTable('conversations').set({ status, assignee_id: assigneeId, priority, updated_at: changedAt }).where('id', '=', id).execute();
  if (status !== conv.status) await recordStatus(w.trx, conv, status, changedAt);
  if (status !== conv.status) await w.slaHook?.(w, id, { type: 'status', from: conv.status, to: status });
  if (priority !== conv.priority) await w.slaHook?.(w, id, { type: 'priority' });
  // Routing (after commit): a reopened conversation is routed again; a resolved/handed-back one frees capacity.
  if (conv.status === 'resolved' && status === 'open' && assigneeId === null) w.routingWork.route.add(id);
  if (conv.assignee_id !== null && (assigneeId !== conv.assignee_id || (conv.status === 'open' && status !== 'open'))) w.routingWork.drain = true;
  // CSAT (docs/csat.md): resolving queues the one survey of this conversation; the sender sends it after commit.
  if (status === 'resolved' && conv.status !== 'resolved') await queueSurveyOnResolve(w, conv, assigneeId);
  return emitConversation(w, id);
}

async function deleteDraft(w: ChangeWriter, agentId: string, conversationId: string) {
  const res = await w.trx.deleteFrom('drafts').where('agent_id', '=', agentId).where('conversation_id', '=', conversationId).executeTakeFirst();
  if (Number(res.numDeletedRows) > 0) await w.del('draft', `${agentId}:${conversationId}`, [agentScope(agentId)]);
}

/** Saves the agent's draft; an empty (or blank) text deletes it. */
export async function saveDraft(w: ChangeWriter, actor: Actor, conversationId: string, text: string): Promise<void> {
  await visibleConversation(w, actor, conversationId);
  if (text.trim() === '') return deleteDraft(w, actor.id, conversationId);
  const row = { agent_id: actor.id, conversation_id: conversationId, text, updated_at: nowIso() };
  await w.trx
    .insertInto('drafts')
    .values(row)
    .onConflict((oc) => oc.columns(['agent_id', 'conversation_id']).doUpdateSet({ text: row.text, updated_at: row.updated_at }))
    .execute();
  await w.put('draft', `${actor.id}:${conversationId}`, [agentScope(actor.id)], draftOf(row));
}

/** Read marks only move forward, so a late markRead from another device does not resurrect unread. */
export async function markRead(w: ChangeWriter, actor: Actor, conversationId: string, readAt: string): Promise<void> {
  await visibleConversation(w, actor, conversationId);
  const current = await w.trx.selectFrom('read_marks').select('read_at').where('agent_id', '=', actor.id).where('conversation_id', '=', conversationId).executeTakeFirst();
  if (current && current.read_at >= readAt) return;
  const row = { agent_id: actor.id, conversation_id: conversationId, read_at: readAt };
  await w.trx
    .insertInto('read_marks')
    .values(row)
    .onConflict((oc) => oc.columns(['agent_id', 'conversation_id']).doUpdateSet({ read_at: readAt }))
    .execute();
  await w.put('readMark', `${actor.id}:${conversationId}`, [agentScope(actor.id)], readMarkOf(row));
}

// ── inbound (channels) ─────────────────────────────────────────────────────────────────────
export interface InboundInput {
  channelId: string;
  identity: { channelType: ChannelType; value: string };
  profile: { name?: string; email?: string };
  /** The channel's id for this message: the dedupe key. */
  externalId: string;
  text: string;
  /** Channel details (JSON) stored with the message (messages.meta). */
  meta?: string;
  /**
   * Channels with threads (e-mail): continue this conversation (when it is the contact's, in this channel,
   * and not resolved), or start a new one with `subject` instead of joining the contact's open conversation.
   */
  thread?: { conversationId?: string; newThread?: boolean; subject?: string };
}

export interface InboundResult {
  duplicate: boolean;
  message: Message;
  contactId: string;
  conversationId: string;
}

/** Finds the contact for an identity (no write). */
export async function contactIdByIdentity(q: ChangeWriter['trx'] | Db, channelType: string, value: string): Promise<string | undefined> {
  const row = await q.selectFrom('contact_identities').select('contact_id').where('channel_type', '=', channelType).where('value', '=', value).executeTakeFirst();
  return row?.contact_id;
}

export async function receiveInbound(w: ChangeWriter, input: InboundInput): Promise<InboundResult> {
  const dup = await messageByExternalId.first(w.trx, { channelId: input.channelId, externalId: input.externalId });
  if (dup) {
    const conv = (await loadConversationRow(w.trx, dup.conversation_id))!;
    return { duplicate: true, message: messageOf(dup), contactId: conv.contact_id, conversationId: conv.id };
  }
  const now = nowIso();
  // Issue 4: identities normalised; verified keys auto-merge, claimed ones become suggestions (identity/service.ts).
  const resolved = { changed: false };
  const contactId = await resolveInboundContact(w, { channelType: input.identity.channelType, value: input.identity.value, profile: input.profile, text: input.text }, now, resolved);
  const profile = await applyProfile(w, contactId, input.profile);
  // The contact's change-log rows already hold this version in every scope unless this message changed it (new
  // contact, identity, merge, profile) or gave it a conversation in a new channel (a new scope): else not re-written.
  let contactChanged = resolved.changed || profile.changed;

  let conv = input.thread?.conversationId
    ? await w.trx
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', input.thread.conversationId)
        .where('contact_id', '=', contactId)
        .where('channel_id', '=', input.channelId)
        .where('status', 'in', ['open', 'pending'])
        .executeTakeFirst()
    : undefined;
  // Continuity (issue 4): the contact's open thread on ANY channel (or one resolved within the reopen window).
  if (!conv) conv = await continuingConversation(w, contactId, input.channelId, !!input.thread?.newThread);
  if (conv && conv.status === 'resolved') {
    await w.trx.updateTable('conversations').set({ status: 'open', updated_at: now }).where('id', '=', conv.id).execute();
    await recordStatus(w.trx, conv, 'open', now);
    await w.slaHook?.(w, conv.id, { type: 'status', from: 'resolved', to: 'open' });
    w.routingWork.route.add(conv.id);
    conv = (await loadConversationRow(w.trx, conv.id))!;
  }
  if (!conv && !input.thread?.newThread) {
    conv = await w.trx
      .selectFrom('conversations')
      .selectAll()
      .where('contact_id', '=', contactId)
      .where('channel_id', '=', input.channelId)
      .where('status', 'in', ['open', 'pending'])
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }
  if (!conv) {
    const id = uuidv7();
    await w.trx
      .insertInto('conversations')
      .values({
        id,
        contact_id: contactId,
        channel_id: input.channelId,
        status: 'open',
        assignee_id: null,
        subject: input.thread?.subject?.slice(0, 500) ?? null,
        last_message_at: now,
        last_message_preview: '',
        last_inbound_at: null,
        is_demo: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    conv = (await loadConversationRow(w.trx, id))!;
    w.routingWork.route.add(id);
    contactChanged = true;
  }
  w.routingWork.inbound.add(conv.id);
  const id = uuidv7();
  await insertInbound.run(w.trx, { id, conversationId: conv.id, channelId: input.channelId, text: input.text, authorName: profile.name, externalId: input.externalId, now, meta: input.meta ?? null });
  await recordInbound(w.trx, conv, contactId, now);
  // A customer writing again puts a conversation waiting on them back in the queue.
  await conversationReceived.run(w.trx, { id: conv.id, now, preview: previewOf(input.text), status: conv.status === 'pending' ? 'open' : conv.status });
  await w.slaHook?.(w, conv.id, { type: 'inbound', fromStatus: conv.status });
  if (contactChanged) await emitContact(w, contactId);
  await emitConversation(w, conv.id);
  const message = await emitMessage(w, id, conv.channel_id);
  return { duplicate: false, message, contactId, conversationId: conv.id };
}

/** Updates name/email when the channel tells us something new. */
export async function updateContactProfile(w: ChangeWriter, contactId: string, profile: InboundInput['profile'], opts = { emit: true }): Promise<void> {
  const r = await applyProfile(w, contactId, profile);
  if (r.changed && opts.emit) await emitContact(w, contactId);
}

/** Writes what is new in the profile; returns the contact's name as it now is and whether anything was written. */
async function applyProfile(w: ChangeWriter, contactId: string, profile: InboundInput['profile']): Promise<{ name: string; changed: boolean }> {
  const row = await contactProfile.first(w.trx, { id: contactId });
  if (!row) throw notFound('contact');
  const name = profile.name?.trim();
  const email = profile.email?.trim();
  const set = { ...(name && name !== row.name ? { name } : {}), ...(email && email !== row.email ? { email } : {}) };
  if (Object.keys(set).length === 0) return { name: row.name, changed: false };
  await w.trx.updateTable('contacts').set({ ...set, updated_at: nowIso() }).where('id', '=', contactId).execute();
  return { name: set.name ?? row.name, changed: true };
}

/**
 * The customer's device showed these agent messages: status → delivered (forward only).
 * Only messages of this contact's conversations in this channel are touched.
 */
export async function markDelivered(w: ChangeWriter, channelId: string, contactId: string, messageIds: readonly string[]): Promise<Message[]> {
  if (messageIds.length === 0) return [];
  const rows = await w.trx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.status', 'conversations.channel_id as conv_channel'])
    .where('messages.id', 'in', [...new Set(messageIds)])
    .where('messages.direction', '=', 'outbound')
    .where('conversations.channel_id', '=', channelId)
    .where('conversations.contact_id', '=', contactId)
    .execute();
  const changed: Message[] = [];
  for (const row of rows) {
    const next = advanceStatus(row.status as MessageStatus, 'delivered');
    if (next === row.status) continue;
    await w.trx.updateTable('messages').set({ status: next, updated_at: nowIso() }).where('id', '=', row.id).execute();
    changed.push(await emitMessage(w, row.id, row.conv_channel));
  }
  return changed;
}

// ── seeding (demo workspace, tests) ──────────────────────────────────────────────────────
export interface SeedConversation {
  channelId: string;
  contact: { name: string; email?: string; identity: { channelType: ChannelType; value: string } };
  status: ConversationStatus;
  assigneeId: string | null;
  isDemo: boolean;
  messages: { direction: 'inbound' | 'outbound' | 'note'; text: string; at: string; author?: { id: string; name: string }; status?: MessageStatus }[];
  /** Default normal / none (labels as the routing rules set them). */
  priority?: Priority;
  labels?: string[];
  /** Past status changes and transfers, replayed in time order with the messages (metrics facts only). A `resolved` seed without a final resolve event is resolved at its last message. */
  events?: { at: string; kind: 'resolved' | 'reopened' | 'transferred' }[];
  /** Its CSAT survey, sent (and answered when a score is given), stored as src-server/csat/store records one. */
  csat?: { sentAt: string; score?: number; comment?: string; answeredAt?: string };
}

/** Writes a whole conversation with past timestamps (the demo workspace). */
export async function seedConversation(w: ChangeWriter, input: SeedConversation): Promise<string> {
  const first = input.messages[0]?.at ?? nowIso();
  let contactId = await contactIdByIdentity(w.trx, input.contact.identity.channelType, input.contact.identity.value);
  if (!contactId) {
    contactId = uuidv7();
    await w.trx
      .insertInto('contacts')
      .values({ id: contactId, name: input.contact.name, email: input.contact.email ?? null, is_demo: input.isDemo ? 1 : 0, created_at: first, updated_at: first })
      .execute();
    await w.trx.insertInto('contact_identities').values({ channel_type: input.contact.identity.channelType, value: input.contact.identity.value, contact_id: contactId, created_at: first }).execute();
  }
  const conversationId = uuidv7();
  const last = input.messages.at(-1)?.at ?? first;
  const lastEvent = input.events?.at(-1)?.at;
  const updated = lastEvent && lastEvent > last ? lastEvent : last;
  const lastPublic = [...input.messages].reverse().find((m) => m.direction !== 'note');
  const lastInbound = [...input.messages].reverse().find((m) => m.direction === 'inbound');
  await w.trx
    .insertInto('conversations')
    .values({
      id: conversationId,
      contact_id: contactId,
      channel_id: input.channelId,
      status: input.status,
      assignee_id: input.assigneeId,
      subject: null,
      last_message_at: last,
      last_message_preview: lastPublic ? previewOf(lastPublic.text) : '',
      last_inbound_at: lastInbound?.at ?? null,
      is_demo: input.isDemo ? 1 : 0,
      ...(input.priority ? { priority: input.priority } : {}),
      labels: input.labels?.length ? JSON.stringify(input.labels) : null,
      created_at: first,
      updated_at: updated,
    })
    .execute();
  for (const m of input.messages) {
    const id = uuidv7(Date.parse(m.at));
    await w.trx
      .insertInto('messages')
      .values({
        id,
        conversation_id: conversationId,
        channel_id: input.channelId,
        direction: m.direction,
        text: m.text,
        status: m.status ?? (m.direction === 'inbound' ? 'received' : 'delivered'),
        author_id: m.author?.id ?? null,
        author_name: m.author?.name ?? input.contact.name,
        external_id: m.direction === 'inbound' ? `seed:${id}` : null,
        failure_reason: null,
        created_at: m.at,
        updated_at: m.at,
      })
      .execute();
    await emitMessage(w, id, input.channelId);
  }
  // Metrics facts (docs/metrics.md) as if the messages had arrived live; the seed's status is reached at the end.
  const ref = { id: conversationId, channel_id: input.channelId, created_at: first, sla: null };
  await w.trx.insertInto('conversation_stats').values({ conversation_id: conversationId, channel_id: input.channelId, created_at: first, first_response_at: null, first_response_ms: null, resolved_at: null, resolution_ms: null, contact_id: contactId }).execute();
  const steps = [...input.messages.map((m) => ({ at: m.at, m })), ...(input.events ?? []).map((e) => ({ at: e.at, e }))].sort((a, b) => a.at.localeCompare(b.at));
  let resolved = false;
  for (const step of steps) {
    if ('m' in step) {
      if (step.m.direction === 'inbound') await recordInbound(w.trx, ref, contactId, step.at);
      else if (step.m.direction === 'outbound') await recordReply(w.trx, ref, step.at, step.m.author?.id ?? null);
    } else if (step.e.kind === 'transferred') await recordTransfer(w.trx, ref, step.at);
    else {
      resolved = step.e.kind === 'resolved';
      await recordStatus(w.trx, ref, resolved ? 'resolved' : 'open', step.at);
    }
  }
  if (input.status === 'resolved' && !resolved) await recordStatus(w.trx, ref, 'resolved', last);
  await recomputeNextContact(w.trx, contactId); // seeds may come in any time order
  if (input.csat) {
    const c = input.csat;
    const channel = await w.trx.selectFrom('channels').select('type').where('id', '=', input.channelId).executeTakeFirstOrThrow();
    const survey: SurveyRow = {
      id: uuidv7(Date.parse(c.sentAt)),
      conversation_id: conversationId,
      contact_id: contactId,
      channel_id: input.channelId,
      channel_type: channel.type,
      agent_id: input.assigneeId,
      token: newToken(),
      state: c.score === undefined ? 'sent' : 'answered',
      detail: null,
      score: c.score ?? null,
      comment: c.comment ?? null,
      sent_at: c.sentAt,
      answered_at: c.score === undefined ? null : (c.answeredAt ?? c.sentAt),
      created_at: c.sentAt,
    };
    await w.trx.insertInto('csat_surveys').values(survey).execute();
    await w.trx.updateTable('conversations').set({ csat: JSON.stringify(summaryOf(survey)) }).where('id', '=', conversationId).execute();
  }
  await emitContact(w, contactId);
  await emitConversation(w, conversationId);
  return conversationId;
}

// ── the runner ─────────────────────────────────────────────────────────────────────────────
export class Commands {
  constructor(
    readonly db: Db,
    readonly hub: LiveHub,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The SLA engine's hook, given to every writer (createServer sets it). */
  slaHook: SlaHook | null = null;

  /** The router (src-server/routing/router.ts; createServer sets it): routes, escalates and drains queues after commit. */
  router: {
    afterCommit(work: ChangeWriter['routingWork']): Promise<void>;
    /** Routes inside the caller's transaction (a transfer to a team: src-server/routing/collab.ts). */
    routeIn?(w: ChangeWriter, conversationId: string, opts: { kind?: 'reassigned' | 'overflow' | 'transferred'; why?: string; notify?: string[]; by?: { agentId: string; noteId: string | null } }): Promise<{ agentId: string | null }>;
  } | null = null;

  /** The CSAT sender (src-server/csat/service.ts; createServer sets it): kicked after a survey was queued. */
  csat: { kick(): void } | null = null;

  /** One transaction; after commit: scope refresh, pokes, outbound hand-off, routing. */
  async run<T>(fn: (w: ChangeWriter) => Promise<T>): Promise<T> {
    let writer: ChangeWriter | undefined;
    const result = await this.db.transaction().execute(async (trx) => {
      // Write first: on SQLite this takes the write lock with a fresh snapshot before anything is read (like BEGIN
      // IMMEDIATE), so a second server process on the same file waits (busy_timeout) instead of failing with
      // "database is locked" when a read transaction tries to upgrade. Every command writes the change log anyway.
      await writeLock.run(trx, {});
      const facts = new FactsWriter(trx).batch();
      writer = facts;
      writer.slaHook = this.slaHook;
      const out = await fn(writer);
      // Metrics facts (docs/metrics.md): the written conversations' group keys, transfers, SLA flags, same transaction.
      await syncConversationFacts(trx, facts.conversationsWritten);
      // The change-log rows of the whole command in one go (ChangeWriter.batch), still before commit.
      await facts.flush();
      return out;
    });
    const w = writer!;
    try {
      if (w.scopeRefresh.size > 0) {
        const compute = async (agentId: string) => {
          const agent = await this.db.selectFrom('agents').select(['id', 'name', 'role', 'disabled']).where('id', '=', agentId).executeTakeFirst();
          return agent && !agent.disabled ? syncScopes(this.db, { id: agent.id, name: agent.name, role: agent.role as Role }) : null;
        };
        if (w.scopeRefresh.has('all')) await this.hub.refreshScopes(compute);
        else for (const agentId of w.scopeRefresh) await this.hub.refreshScopes(compute, agentId);
      }
      this.hub.changed(w.scopes, w.lastSeq);
      for (const { message, conversation } of w.outbound) this.hub.emitOutbound(message, conversation);
    } catch (err) {
      // The write is committed; a failed live notification only delays clients until their next pull.
      this.log.error({ err }, 'after-commit notification failed');
    }
    if (w.csatQueued) this.csat?.kick();
    const work = w.routingWork;
    if (this.router && (work.route.size > 0 || work.inbound.size > 0 || work.drain || work.csat.size > 0)) {
      try {
        await this.router.afterCommit(work);
      } catch (err) {
        // Committed anyway; the router's periodic tick drains what is left in the queues.
        this.log.error({ err }, 'routing after commit failed');
      }
    }
    return result;
  }

  createAgent = (input: NewAgent) => this.run((w) => createAgent(w, input));
  updateAgent = (id: string, patch: AgentPatch) => this.run((w) => updateAgent(w, id, patch));
  createChannel = (input: NewChannel) => this.run((w) => createChannel(w, input));
  updateChannel = (id: string, patch: { name?: string; config?: Record<string, unknown> }) => this.run((w) => updateChannel(w, id, patch));
  setMembership = (channelId: string, agentId: string, member: boolean) => this.run((w) => setMembership(w, channelId, agentId, member));
  sendMessage = (actor: Actor, input: SendMessageInput) => this.run((w) => sendMessage(w, actor, input));
  retryMessage = (actor: Actor, input: { conversationId: string; messageId: string }) => this.run((w) => retryMessage(w, actor, input));
  updateConversation = (actor: Actor, id: string, patch: { status?: ConversationStatus; assigneeId?: string | null; priority?: Priority }) =>
    this.run((w) => updateConversation(w, actor, id, patch));
  saveDraft = (actor: Actor, conversationId: string, text: string) => this.run((w) => saveDraft(w, actor, conversationId, text));
  markRead = (actor: Actor, conversationId: string, readAt: string) => this.run((w) => markRead(w, actor, conversationId, readAt));
  receiveInbound = (input: InboundInput) => this.run((w) => receiveInbound(w, input));
  markDelivered = (channelId: string, contactId: string, ids: readonly string[]) => this.run((w) => markDelivered(w, channelId, contactId, ids));
  updateContactProfile = (contactId: string, profile: InboundInput['profile']) => this.run((w) => updateContactProfile(w, contactId, profile));
  seedConversation = (input: SeedConversation) => this.run((w) => seedConversation(w, input));
}

export { DomainError };
