// Supervisor metrics (issue 8): the REST query shapes and the answers of GET /api/v1/metrics/*.
// Definitions in docs/metrics.md. Shared by the server (src-server/metrics/), the core (ipc) and the dashboard.
import { z } from 'zod';

const IsoTime = z.iso.datetime({ offset: true });

export const MetricsGroupBy = z.enum(['channel', 'agent', 'team', 'priority']);
export type MetricsGroupBy = z.infer<typeof MetricsGroupBy>;

export const ResponseTimesQuery = z
  .object({
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    groupBy: MetricsGroupBy.default('channel'),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
export type ResponseTimesQuery = z.infer<typeof ResponseTimesQuery>;

export const DurationStats = z.object({
  /** Conversations with a value (replied to / resolved). */
  count: z.number().int().nonnegative(),
  medianMs: z.number().nullable(),
  p90Ms: z.number().nullable(),
});
export type DurationStats = z.infer<typeof DurationStats>;

export const ResponseTimesRow = z.object({
  /** Channel, agent or team id, or the priority; null = unassigned / no team. */
  key: z.string().nullable(),
  label: z.string(),
  conversations: z.number().int().nonnegative(),
  firstResponse: DurationStats,
  resolution: DurationStats,
});
export type ResponseTimesRow = z.infer<typeof ResponseTimesRow>;

export const ResponseTimesReport = z.object({ groupBy: MetricsGroupBy, from: z.string().nullable(), to: z.string().nullable(), rows: z.array(ResponseTimesRow) });
export type ResponseTimesReport = z.infer<typeof ResponseTimesReport>;

export const LiveChannelQueue = z.object({
  channelId: z.string(),
  channelName: z.string(),
  channelType: z.string(),
  /** Open conversations nobody is assigned to. */
  waiting: z.number().int().nonnegative(),
  /** Longest of those waits in ms (now − queued, else created), null when none waits. */
  longestWaitMs: z.number().nullable(),
  /** Oldest waiting conversation's queue time (ISO), null when none waits. */
  oldestWaitingSince: z.string().nullable(),
});
export type LiveChannelQueue = z.infer<typeof LiveChannelQueue>;

export const LiveAgent = z.object({
  agentId: z.string(),
  name: z.string(),
  role: z.string(),
  /** Effective presence (online / away / offline). */
  presence: z.string(),
  /** Open conversations assigned to the agent (what routing counts against capacity). */
  load: z.number().int().nonnegative(),
  /** Total capacity: the agent's '*' capacity, else the routing default. */
  capacity: z.number().int().nonnegative(),
  /** Open or pending conversations assigned to the agent. */
  current: z.number().int().nonnegative(),
});
export type LiveAgent = z.infer<typeof LiveAgent>;

export const LiveMetrics = z.object({
  at: z.string(),
  channels: z.array(LiveChannelQueue),
  agents: z.array(LiveAgent),
  sla: z.object({ atRisk: z.number().int(), breached: z.number().int(), atRiskIds: z.array(z.string()), breachedIds: z.array(z.string()) }),
});
export type LiveMetrics = z.infer<typeof LiveMetrics>;

/** Renderer ⇄ core: the dashboard's calls (the core calls the REST API with the session token; agents get forbidden). */
export const metricsIpcContract = {
  'metrics.live': { args: z.object({}).strict(), result: LiveMetrics },
  'metrics.responseTimes': {
    args: z.object({ from: IsoTime.optional(), to: IsoTime.optional(), groupBy: MetricsGroupBy.default('channel') }).strict(),
    result: ResponseTimesReport,
  },
} as const;
