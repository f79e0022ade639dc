// Query keys, and which of them a core 'changed' event makes stale. The renderer never polls:
// these invalidations are the only way data refreshes.
import type { ConversationStatus } from '../../src-shared/domain';
import type { InboxView } from '../../src-shared/ipc';
import type { EntityName } from '../../src-shared/sync';

export interface InboxFilter {
  view: InboxView;
  status: ConversationStatus | null;
  channelId: string | null;
  /** SLA order and filter; absent = most recent, everything. */
  sort?: 'recent' | 'due';
  atRisk?: boolean;
}

export const queryKeys = {
  session: ['session'] as const,
  inboxAll: ['inbox'] as const,
  inbox: (f: InboxFilter) => ['inbox', f.view, f.status, f.channelId, f.sort ?? 'recent', f.atRisk ?? false] as const,
  conversationAll: ['conversation'] as const,
  conversation: (id: string) => ['conversation', id] as const,
  channels: ['channels'] as const,
  agents: ['agents'] as const,
  /** Every agent's presence (inbox header, transfer dialog). */
  presence: ['presence'] as const,
  /** Supervisor dashboard: live numbers (GET /api/v1/metrics/live through the core). */
  dashboard: ['dashboard'] as const,
  /** Supervisor reports (metrics.report / trend / drill); invalidated with the dashboard, refetches throttled there. */
  reports: ['reports'] as const,
};

export type QueryKeyPrefix = readonly unknown[];

/** What an inbox row shows: conversation fields, its contact's name, channel, assignee, unread. */
const inboxEntities: ReadonlySet<EntityName> = new Set(['conversation', 'message', 'contact', 'readMark', 'channel', 'agent', 'slaEvent', 'presence']);
/** What an open conversation shows: the above plus the agent's draft. */
const conversationEntities: ReadonlySet<EntityName> = new Set(['conversation', 'message', 'contact', 'readMark', 'channel', 'agent', 'draft', 'slaEvent', 'routingEvent']);
/** What the dashboard's live numbers depend on: queues, presence and load, routing, SLA states. */
const dashboardEntities: ReadonlySet<EntityName> = new Set(['conversation', 'presence', 'routingEvent', 'slaEvent', 'agent', 'channel']);
/** Changes that can touch conversations the event does not name (a contact renamed, a channel renamed). */
const sharedEntities: ReadonlySet<EntityName> = new Set(['contact', 'channel', 'agent', 'presence']);

export function invalidationsFor(change: { entities: readonly EntityName[]; conversationIds: readonly string[] }): QueryKeyPrefix[] {
  const keys: QueryKeyPrefix[] = [];
  const has = (set: ReadonlySet<EntityName>) => change.entities.some((e) => set.has(e));
  if (has(inboxEntities)) keys.push(queryKeys.inboxAll);
  if (has(sharedEntities)) {
    keys.push(queryKeys.conversationAll);
  } else if (has(conversationEntities)) {
    for (const id of new Set(change.conversationIds)) keys.push(queryKeys.conversation(id));
  }
  if (change.entities.includes('channel')) keys.push(queryKeys.channels);
  if (change.entities.includes('agent')) keys.push(queryKeys.agents);
  if (change.entities.includes('presence') || change.entities.includes('agent')) keys.push(queryKeys.presence);
  if (change.entities.some((e) => dashboardEntities.has(e))) keys.push(queryKeys.dashboard, queryKeys.reports);
  return keys;
}
