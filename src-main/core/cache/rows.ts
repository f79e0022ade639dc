// Row ⇄ entity mapping helpers shared by the cache operations.
import type { Agent, Channel, ChannelType, Contact, Conversation } from '../../../src-shared/domain';
import type { InboxRow } from '../../../src-shared/ipc';

export function parse<T>(json: string): T {
  return JSON.parse(json) as T;
}

/** Placeholders so a view still renders when a referenced row has not been pulled yet. */
export function contactOrPlaceholder(json: string | null | undefined, conv: Conversation): Contact {
  return json ? parse<Contact>(json) : { id: conv.contactId, name: 'Unknown contact', identities: [], createdAt: conv.createdAt };
}

export function channelOrPlaceholder(json: string | null | undefined, channelId: string): Channel {
  return json ? parse<Channel>(json) : { id: channelId, type: 'webchat' as ChannelType, name: '', config: {} };
}

export function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}

/** One inbox query row (conversation JSON joined with its contact, channel, assignee and read mark). */
export interface InboxSqlRow {
  data: string;
  contact: string | null;
  channel: string | null;
  assignee: string | null;
  unread: number;
}

export function toInboxRow(r: InboxSqlRow): InboxRow {
  const conversation = parse<Conversation>(r.data);
  const channel = channelOrPlaceholder(r.channel, conversation.channelId);
  return {
    conversation,
    contactName: contactOrPlaceholder(r.contact, conversation).name,
    channelType: channel.type,
    channelName: channel.name,
    assigneeName: r.assignee ? parse<Agent>(r.assignee).name : null,
    unread: r.unread === 1,
  };
}
