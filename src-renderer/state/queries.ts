// Server data through react-query. Everything is read from the local core; it stays fresh because the
// core pushes 'changed' events (see useCoreEvents), so queries never go stale on a timer.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { InboxRow } from '../../src-shared/ipc';
import { useCall } from './bridge-context';
import { queryKeys, type InboxFilter } from './query-keys';

export const INBOX_PAGE_SIZE = 200;

export function useSession() {
  const call = useCall();
  return useQuery({ queryKey: queryKeys.session, queryFn: () => call('session.state', {}) });
}

export function useInbox(filter: InboxFilter) {
  const call = useCall();
  return useInfiniteQuery({
    queryKey: queryKeys.inbox(filter),
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      call('inbox.list', {
        view: filter.view,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.channelId ? { channelId: filter.channelId } : {}),
        ...(filter.sort === 'due' ? { sort: 'due' as const } : {}),
        ...(filter.atRisk ? { atRisk: true } : {}),
        limit: INBOX_PAGE_SIZE,
        offset: pageParam,
      }),
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return last.items.length > 0 && loaded < last.total ? loaded : undefined;
    },
    select: (data) => {
      // Rows can shift between pages while they load; show each conversation once.
      const seen = new Set<string>();
      const rows: InboxRow[] = [];
      for (const page of data.pages) {
        for (const row of page.items) {
          if (seen.has(row.conversation.id)) continue;
          seen.add(row.conversation.id);
          rows.push(row);
        }
      }
      return { rows, total: data.pages.at(-1)?.total ?? rows.length };
    },
  });
}

export function useConversation(id: string) {
  const call = useCall();
  return useQuery({
    queryKey: queryKeys.conversation(id),
    queryFn: () => call('conversation.open', { id }),
    // Always re-read on open: the composer is seeded from this answer's draft, which must be current.
    refetchOnMount: 'always',
  });
}

export function useChannels() {
  const call = useCall();
  return useQuery({ queryKey: queryKeys.channels, queryFn: () => call('channels.list', {}) });
}

export function useAgents() {
  const call = useCall();
  return useQuery({ queryKey: queryKeys.agents, queryFn: () => call('agents.list', {}) });
}
