// The dashboard's queries. Every key starts with 'dashboard' or 'inbox', so the sync stream's `changed` events
// (query-keys.ts invalidationsFor) refresh them: no timers, no polling.
import { useQuery } from '@tanstack/react-query';
import type { InboxRow, IpcArgs } from '../../src-shared/ipc';
import type { DrillMetric } from '../../src-shared/metrics';
import { useCall } from '../state/bridge-context';
import { queryKeys } from '../state/query-keys';

export const dashboardKeys = {
  live: queryKeys.dashboard,
  today: (from: string) => [...queryKeys.dashboard, 'today', from] as const,
  drill: (from: string, key: string | null, metric: DrillMetric) => [...queryKeys.dashboard, 'drill', from, key, metric] as const,
  /** From the local cache: under 'inbox' so conversation changes refresh them like the inbox. */
  current: [...queryKeys.inboxAll, 'dashboard-current'] as const,
  waiting: (channelId: string) => [...queryKeys.inboxAll, 'dashboard-waiting', channelId] as const,
};

const PAGE = 500;

/** Every row of one inbox query, paged (the core caps a page at 500). */
async function allRows(call: ReturnType<typeof useCall>, args: Omit<IpcArgs<'inbox.list'>, 'limit' | 'offset'>): Promise<InboxRow[]> {
  const rows: InboxRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await call('inbox.list', { ...args, limit: PAGE, offset });
    rows.push(...page.items);
    if (page.items.length < PAGE || rows.length >= page.total) return rows;
  }
}

export function useLive() {
  const call = useCall();
  return useQuery({ queryKey: dashboardKeys.live, queryFn: () => call('metrics.live', {}) });
}

/** Today's response times per channel (GET /metrics/report from local midnight, grouped by channel). */
export function useToday(from: string) {
  const call = useCall();
  return useQuery({ queryKey: dashboardKeys.today(from), queryFn: () => call('metrics.report', { from, groupBy: 'channel' }) });
}

/** Open and pending conversations somebody is assigned to (supervisors' caches hold every conversation). */
export function useCurrentConversations(enabled: boolean) {
  const call = useCall();
  return useQuery({
    queryKey: dashboardKeys.current,
    enabled,
    queryFn: async () => [...(await allRows(call, { view: 'all', status: 'open' })), ...(await allRows(call, { view: 'all', status: 'pending' }))].filter((r) => r.conversation.assigneeId),
  });
}

export function useWaiting(channelId: string) {
  const call = useCall();
  return useQuery({ queryKey: dashboardKeys.waiting(channelId), queryFn: () => allRows(call, { view: 'unassigned', status: 'open', channelId }) });
}

export function useReportDrill(from: string, key: string | null, metric: DrillMetric) {
  const call = useCall();
  return useQuery({ queryKey: dashboardKeys.drill(from, key, metric), queryFn: () => call('metrics.drill', { from, groupBy: 'channel', key, metric }) });
}
