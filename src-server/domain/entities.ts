// Row → domain entity (src-shared/domain.ts shapes), and loaders that read one entity in a
// transaction. The change log stores exactly these shapes.
import type { Agent, Channel, Contact, Conversation, Message, Draft, ReadMark, Priority, Role, ChannelType, ConversationStatus, MessageDirection, MessageStatus, MessageAttachment } from '../../src-shared/domain';
import type { Kysely, Selectable } from 'kysely';
import type { DB, AgentsTable, ChannelsTable, ContactsTable, ConversationsTable, MessagesTable } from '../store/schema';
import { parseConfig, publicConfig } from './channel-config';
import { prepared } from '../store/prepared';

export type Q = Kysely<DB>;

export function agentOf(row: Selectable<AgentsTable>, channelIds: string[]): Agent & { disabled: boolean } {
  return { id: row.id, email: row.email, name: row.name, role: row.role as Role, channelIds, disabled: row.disabled === 1 };
}

export function channelOf(row: Selectable<ChannelsTable>): Channel {
  return { id: row.id, type: row.type as ChannelType, name: row.name, config: publicConfig(parseConfig(row.config)) };
}

export function contactOf(row: Selectable<ContactsTable>, identities: { channel_type: string; value: string }[]): Contact & { email: string | null } {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    // `phone` identities (E.164, the cross-channel key) are listed apart: they are not a channel type.
    identities: identities.filter((i) => i.channel_type !== 'phone').map((i) => ({ channelType: i.channel_type as ChannelType, value: i.value })),
    ...(identities.some((i) => i.channel_type === 'phone') ? { phones: identities.filter((i) => i.channel_type === 'phone').map((i) => i.value) } : {}),
    createdAt: row.created_at,
    ...(row.is_demo ? { isDemo: true } : {}),
    ...profileOf(row),
  };
}

function parseJsonOr<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The customer profile columns (0011_identity), omitted while empty so older payloads stay as they were. */
function profileOf(row: Selectable<ContactsTable>): Partial<Contact> {
  const out: Partial<Contact> = {};
  if (row.tier) out.tier = row.tier;
  if (row.language) out.language = row.language;
  if (row.time_zone) out.timeZone = row.time_zone;
  if (row.notes) out.notes = row.notes;
  if (row.merged_into) out.mergedInto = row.merged_into;
  const attributes = parseJsonOr<Record<string, string | number | boolean>>(row.attributes, {});
  if (Object.keys(attributes).length) out.attributes = attributes;
  const tags = parseJsonOr<string[]>(row.tags, []);
  if (tags.length) out.tags = tags;
  return out;
}

export function conversationOf(row: Selectable<ConversationsTable>): Conversation {
  return {
    id: row.id,
    contactId: row.contact_id,
    channelId: row.channel_id,
    status: row.status as ConversationStatus,
    assigneeId: row.assignee_id,
    subject: row.subject,
    lastMessageAt: row.last_message_at,
    lastMessagePreview: row.last_message_preview,
    lastInboundAt: row.last_inbound_at,
    createdAt: row.created_at,
    ...(row.is_demo ? { isDemo: true } : {}),
    ...slaFieldsOf(row),
    ...(row.csat ? { csat: parseJsonOr<Conversation['csat']>(row.csat, null) } : {}),
  };
}

/** SLA columns (0003_sla) as the Conversation's optional SLA fields. */
function slaFieldsOf(row: Selectable<ConversationsTable>): Partial<Conversation> {
  return {
    priority: (row.priority ?? 'normal') as Priority,
    firstResponseDueAt: row.first_response_due_at ?? null,
    nextResponseDueAt: row.next_response_due_at ?? null,
    resolutionDueAt: row.resolution_due_at ?? null,
    slaState: row.sla_state ?? null,
    sla: row.sla ? (JSON.parse(row.sla) as unknown) : null,
  };
}

export function messageOf(row: Selectable<MessagesTable>): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channelId: row.channel_id,
    direction: row.direction as MessageDirection,
    text: row.text,
    status: row.status as MessageStatus,
    authorId: row.author_id,
    authorName: row.author_name,
    createdAt: row.created_at,
    failureReason: row.failure_reason,
    ...(row.attachments ? { attachments: JSON.parse(row.attachments) as MessageAttachment[] } : {}),
    ...(row.has_original ? { hasOriginal: true } : {}),
    ...(row.mentions ? { mentions: JSON.parse(row.mentions) as string[] } : {}),
  };
}

export function draftOf(row: { agent_id: string; conversation_id: string; text: string; updated_at: string }): Draft {
  return { id: `${row.agent_id}:${row.conversation_id}`, agentId: row.agent_id, conversationId: row.conversation_id, text: row.text, updatedAt: row.updated_at };
}

export function readMarkOf(row: { agent_id: string; conversation_id: string; read_at: string }): ReadMark {
  return { id: `${row.agent_id}:${row.conversation_id}`, agentId: row.agent_id, conversationId: row.conversation_id, readAt: row.read_at };
}

// ── loaders ────────────────────────────────────────────────────────────────────────────────
export async function loadAgent(q: Q, id: string) {
  const row = await q.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const members = await q.selectFrom('channel_members').select('channel_id').where('agent_id', '=', id).orderBy('channel_id').execute();
  return agentOf(row, members.map((m) => m.channel_id));
}

export async function loadChannelRow(q: Q, id: string) {
  return q.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function loadContact(q: Q, id: string) {
  const row = await q.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const ids = await q.selectFrom('contact_identities').select(['channel_type', 'value']).where('contact_id', '=', id).orderBy('created_at').orderBy('value').execute();
  return contactOf(row, ids);
}

/** Channels a contact has conversations in: the contact's change-log scopes. */
export async function contactChannelIds(q: Q, contactId: string): Promise<string[]> {
  const rows = await q.selectFrom('conversations').select('channel_id').distinct().where('contact_id', '=', contactId).execute();
  return rows.map((r) => r.channel_id);
}

// Read on every inbound message and most commands: compiled once (store/prepared.ts).
const conversationById = prepared((q, arg: (k: 'id') => string) => q.selectFrom('conversations').selectAll().where('id', '=', arg('id')));
const messageById = prepared((q, arg: (k: 'id') => string) => q.selectFrom('messages').selectAll().where('id', '=', arg('id')));

export async function loadConversationRow(q: Q, id: string) {
  return conversationById.first(q, { id });
}

export async function loadMessageRow(q: Q, id: string) {
  return messageById.first(q, { id });
}
