// The supervisor's dashboard numbers (docs/metrics.md) over the server's REST metrics API with the session token,
// like admin-settings.ts. Online only; the server refuses agents (403 → CoreError 'forbidden'); answers validated.
import type { IpcHandlers, IpcParsedArgs } from '../../src-shared/ipc';
import { DrillResult, LiveMetrics, Report, ResponseTimesReport, Trend, type metricsIpcContract } from '../../src-shared/metrics';
import { AdminClient, type AdminSession } from './admin-settings';
import { CoreError } from './session';

export type MetricsHandlers = Pick<IpcHandlers, keyof typeof metricsIpcContract>;

type ReportArgs = Omit<IpcParsedArgs<'metrics.report'>, 'kind'>;
type DrillArgs = Omit<IpcParsedArgs<'metrics.drill'>, 'kind'>;

/** Query string of the report (and CSV) endpoint; unset range ends are left out (= unbounded). */
export function reportQuery(a: ReportArgs, format: 'json' | 'csv'): URLSearchParams {
  const q = new URLSearchParams({ groupBy: a.groupBy, clock: a.clock, fcrWindowDays: String(a.fcrWindowDays), format });
  if (a.from) q.set('from', a.from);
  if (a.to) q.set('to', a.to);
  return q;
}

/** Query string of the drill-down endpoint: a null row key is `none` on the wire, no key = every row. */
export function drillQuery(a: DrillArgs, format: 'json' | 'csv'): URLSearchParams {
  const q = new URLSearchParams({ groupBy: a.groupBy, metric: a.metric, fcrWindowDays: String(a.fcrWindowDays), format });
  if (a.from) q.set('from', a.from);
  if (a.to) q.set('to', a.to);
  if (a.key !== undefined) q.set('key', a.key ?? 'none');
  return q;
}

/** A CSV answer as text, failures mapped like AdminClient.request (which only speaks JSON). */
async function fetchCsv(session: AdminSession, path: string): Promise<string> {
  const s = session();
  if (!s) throw new CoreError('signed_out', 'Sign in first.');
  let res: Response;
  try {
    res = await fetch(`${s.serverUrl}${path}`, { headers: { authorization: `Bearer ${s.token}` }, signal: AbortSignal.timeout(60_000) });
  } catch {
    throw new CoreError('network', 'Cannot reach the server: reports need a connection.');
  }
  const body = await res.text();
  if (!res.ok) {
    let e: { code?: unknown; message?: unknown } | undefined;
    try {
      e = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    } catch {
      e = undefined;
    }
    throw new CoreError(typeof e?.code === 'string' ? e.code : res.status === 403 ? 'forbidden' : 'failed', typeof e?.message === 'string' ? e.message : `The server refused the request (HTTP ${res.status})`);
  }
  if (!/^text\/csv\b/i.test(res.headers.get('content-type') ?? '')) throw new CoreError('bad_response', 'The server did not answer with CSV');
  return body;
}

export function metricsHandlers(session: AdminSession): MetricsHandlers {
  const api = new AdminClient(session);
  return {
    'metrics.live': () => api.request('GET', '/api/v1/metrics/live', undefined, LiveMetrics),
    'metrics.responseTimes': (args) => {
      const q = new URLSearchParams({ groupBy: args.groupBy });
      if (args.from) q.set('from', args.from);
      if (args.to) q.set('to', args.to);
      return api.request('GET', `/api/v1/metrics/response-times?${q}`, undefined, ResponseTimesReport);
    },
    'metrics.report': (args) => api.request('GET', `/api/v1/metrics/report?${reportQuery(args, 'json')}`, undefined, Report),
    'metrics.trend': (args) => {
      const q = new URLSearchParams({ from: args.from, to: args.to, interval: args.interval, clock: args.clock });
      return api.request('GET', `/api/v1/metrics/trend?${q}`, undefined, Trend);
    },
    'metrics.drill': (args) => api.request('GET', `/api/v1/metrics/conversations?${drillQuery(args, 'json')}`, undefined, DrillResult),
    'metrics.exportCsv': (args) =>
      args.kind === 'report' ? fetchCsv(session, `/api/v1/metrics/report?${reportQuery(args, 'csv')}`) : fetchCsv(session, `/api/v1/metrics/conversations?${drillQuery(args, 'csv')}`),
  };
}
