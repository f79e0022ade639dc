// The supervisor's dashboard numbers (docs/metrics.md) over the server's REST metrics API with the session token,
// like admin-settings.ts. Online only; the server refuses agents (403 → CoreError 'forbidden'); answers validated.
import type { IpcHandlers } from '../../src-shared/ipc';
import { LiveMetrics, ResponseTimesReport, type metricsIpcContract } from '../../src-shared/metrics';
import { AdminClient, type AdminSession } from './admin-settings';

export type MetricsHandlers = Pick<IpcHandlers, keyof typeof metricsIpcContract>;

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
  };
}
