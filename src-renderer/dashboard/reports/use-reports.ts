// Data of the Reports tab through the core's metrics ipc. Query keys start with queryKeys.reports, which the sync
// stream's `changed` events invalidate with the dashboard (query-keys.ts); reports are historical, so a refetch of
// the same query waits until REFRESH_GAP_MS after the previous one started (a burst of events = one refetch, and
// the last event is never lost: react-query cancels the waiting fetch and starts a new one).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { DrillMetric, MetricsClock, ReportGroupBy } from '../../../src-shared/metrics';
import { useCall } from '../../state/bridge-context';
import { queryKeys } from '../../state/query-keys';
import { refetchDelay } from './report-logic';

export interface ReportParams {
  from: string;
  to: string;
  groupBy: ReportGroupBy;
  clock: MetricsClock;
  fcrWindowDays: number;
}

const lastStarted = new Map<string, number>();

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });
}

/** Runs `fetch` no sooner than REFRESH_GAP_MS after the previous run of the same key started. */
export async function throttled<T>(key: readonly unknown[], signal: AbortSignal, fetch: () => Promise<T>): Promise<T> {
  const k = JSON.stringify(key);
  const wait = refetchDelay(lastStarted.get(k), Date.now());
  if (wait > 0) await sleep(wait, signal);
  const now = Date.now();
  // Forget queries whose gap is over (every control change makes a new key).
  for (const [key, at] of lastStarted) if (refetchDelay(at, now) === 0) lastStarted.delete(key);
  lastStarted.set(k, now);
  return fetch();
}

export function useReport(p: ReportParams | null) {
  const call = useCall();
  const queryKey = [...queryKeys.reports, 'report', p] as const;
  return useQuery({
    queryKey,
    enabled: p !== null,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => throttled(queryKey, signal, () => call('metrics.report', p!)),
  });
}

export function useTrend(range: { from: string; to: string; interval: 'hour' | 'day'; clock: MetricsClock } | null) {
  const call = useCall();
  const queryKey = [...queryKeys.reports, 'trend', range] as const;
  return useQuery({
    queryKey,
    enabled: range !== null,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => throttled(queryKey, signal, () => call('metrics.trend', range!)),
  });
}

export interface DrillParams extends ReportParams {
  key: string | null | undefined;
  metric: DrillMetric;
}

export function useDrill(p: DrillParams | null) {
  const call = useCall();
  // `key: undefined` (the total row) vanishes from the JSON query hash: say so apart from any real key.
  const queryKey = [...queryKeys.reports, 'drill', p && { ...p, total: p.key === undefined }] as const;
  return useQuery({
    queryKey,
    enabled: p !== null,
    queryFn: ({ signal }) =>
      throttled(queryKey, signal, () => {
        const { clock: _clock, ...args } = p!;
        return call('metrics.drill', args);
      }),
  });
}
