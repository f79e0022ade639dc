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

/** /metrics/live also lists the SLA conversations themselves (the dashboard's at-risk and breached lists). */
export const LiveSlaItem = z.object({
  conversationId: z.string(),
  contactName: z.string(),
  channelName: z.string(),
  assigneeName: z.string().nullable(),
  state: z.enum(['warning', 'breached']),
  /** Next SLA due time (ISO) or null. */
  dueAt: z.string().nullable(),
});
export type LiveSlaItem = z.infer<typeof LiveSlaItem>;

export const LiveMetrics = z.object({
  at: z.string(),
  channels: z.array(LiveChannelQueue),
  agents: z.array(LiveAgent),
  sla: z.object({
    atRisk: z.number().int(),
    breached: z.number().int(),
    atRiskIds: z.array(z.string()),
    breachedIds: z.array(z.string()),
    /** The same conversations with what the lists show, most urgent first. */
    items: z.array(LiveSlaItem),
  }),
});
export type LiveMetrics = z.infer<typeof LiveMetrics>;

// ── Reports (issue 8, second part): every metric per group, trend, drill-down ─────────────────────────────
// One endpoint answers the whole table a supervisor reads: GET /api/v1/metrics/report. Definitions in docs/metrics.md.

/** `label` = the conversation's labels (query type); a conversation with two labels counts in both rows. */
export const ReportGroupBy = z.enum(['channel', 'agent', 'team', 'label', 'priority']);
export type ReportGroupBy = z.infer<typeof ReportGroupBy>;

/** `business`: durations in the business hours of the conversation's SLA policy where it counts them (else wall clock). */
export const MetricsClock = z.enum(['business', 'wall']);
export type MetricsClock = z.infer<typeof MetricsClock>;

export const ReportQuery = z
  .object({
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    groupBy: ReportGroupBy.default('channel'),
    clock: MetricsClock.default('business'),
    /** First-contact resolution window in days (default 7, 1–90). */
    fcrWindowDays: z.coerce.number().int().min(1).max(90).default(7),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

export const Rate = z.object({
  /** Denominator (what could count). */
  of: z.number().int().nonnegative(),
  /** Numerator. */
  n: z.number().int().nonnegative(),
  /** n / of, 0–1; null when of = 0. */
  rate: z.number().nullable(),
});
export type Rate = z.infer<typeof Rate>;

export const ReportRow = z.object({
  /** Channel / agent / team id, label, or priority; null = unassigned / no team / no label. */
  key: z.string().nullable(),
  label: z.string(),
  volume: z.object({
    /** Conversations created in the range. */
    created: z.number().int().nonnegative(),
    /** Of those, resolved now. */
    resolved: z.number().int().nonnegative(),
    /** Customer messages / agent replies (not notes) in those conversations. */
    inbound: z.number().int().nonnegative(),
    outbound: z.number().int().nonnegative(),
  }),
  firstResponse: DurationStats,
  /** Every agent reply that answers customer messages after an earlier agent reply: reply − first unanswered message. */
  nextResponse: DurationStats,
  resolution: DurationStats,
  /**
   * of = resolved with the window elapsed since the first resolution (decided), n = resolved at first contact.
   * pending = resolved, window not elapsed (counted in neither, so a recent range is not biased toward misses);
   * pendingMissed = of those, already missed (transferred, reopened or contacted again so far).
   */
  fcr: Rate.extend({ pending: z.number().int().nonnegative(), pendingMissed: z.number().int().nonnegative() }),
  /** of = resolved at least once, n = reopened at least once. */
  reopen: Rate,
  /** of = conversations with an SLA policy whose targets are settled (resolved or breached), n = met (no breach). */
  slaCompliance: Rate,
  csat: z.object({
    sent: z.number().int().nonnegative(),
    responses: z.number().int().nonnegative(),
    /** Mean score 1–5, null when no responses. */
    average: z.number().nullable(),
    /** Share of responses scoring 4 or 5 (null when none). */
    satisfied: z.number().nullable(),
    /** responses / sent (null when none sent). */
    responseRate: z.number().nullable(),
  }),
});
export type ReportRow = z.infer<typeof ReportRow>;

export const Report = z.object({
  groupBy: ReportGroupBy,
  clock: MetricsClock,
  fcrWindowDays: z.number().int(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  rows: z.array(ReportRow),
  /** Every conversation in the range once (not the sum of rows: label rows overlap). */
  total: ReportRow,
});
export type Report = z.infer<typeof Report>;

/** GET /api/v1/metrics/trend: volumes per time bucket for charts. Buckets start at `from` (UTC hour / day boundaries). */
export const TrendQuery = z
  .object({
    from: IsoTime,
    to: IsoTime,
    interval: z.enum(['hour', 'day']).default('day'),
    /** The clock of firstResponseMedianMs (as in the report). */
    clock: MetricsClock.default('business'),
  })
  .strict()
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
export type TrendQuery = z.infer<typeof TrendQuery>;

export const TrendPoint = z.object({
  /** Bucket start (ISO). */
  start: z.string(),
  created: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  /** Median first response of the conversations created in the bucket (clock as in the query), null if none. */
  firstResponseMedianMs: z.number().nullable(),
  csatAverage: z.number().nullable(),
  /** created per channel id. */
  createdByChannel: z.record(z.string(), z.number().int().nonnegative()),
});
export type TrendPoint = z.infer<typeof TrendPoint>;
export const Trend = z.object({ interval: z.enum(['hour', 'day']), from: z.string(), to: z.string(), points: z.array(TrendPoint) });
export type Trend = z.infer<typeof Trend>;

/** What a drill-down can ask for: the conversations behind one number of a report row. */
export const DrillMetric = z.enum(['created', 'resolved', 'unanswered', 'fcr', 'fcrMissed', 'fcrPending', 'reopened', 'slaMet', 'slaBreached', 'csatResponses', 'csatLow']);
export type DrillMetric = z.infer<typeof DrillMetric>;

/** GET /api/v1/metrics/conversations: same range/grouping as the report, plus the row key (omit for the total) and the metric. */
export const DrillQuery = z
  .object({
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    groupBy: ReportGroupBy.default('channel'),
    /** The row's key; `none` = the null key (unassigned / no team / no label); omitted = every row. */
    key: z.string().min(1).max(200).optional(),
    metric: DrillMetric,
    fcrWindowDays: z.coerce.number().int().min(1).max(90).default(7),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
export type DrillQuery = z.infer<typeof DrillQuery>;

export const DrillItem = z.object({
  conversationId: z.string(),
  contactId: z.string(),
  contactName: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  status: z.string(),
  assigneeName: z.string().nullable(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  csatScore: z.number().nullable(),
});
export type DrillItem = z.infer<typeof DrillItem>;
/** Every matching conversation (no cap; newest first). */
export const DrillResult = z.object({ metric: DrillMetric, items: z.array(DrillItem) });
export type DrillResult = z.infer<typeof DrillResult>;

// ── Renderer ⇄ core ──────────────────────────────────────────────────────────────────────────────────────────
// Below the shapes it uses. The ipc args mirror the REST queries without `format` (CSV goes through exportCsv).

const ReportArgs = z
  .object({
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    groupBy: ReportGroupBy.default('channel'),
    clock: MetricsClock.default('business'),
    fcrWindowDays: z.number().int().min(1).max(90).default(7),
  })
  .strict();

const DrillArgs = z
  .object({
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    groupBy: ReportGroupBy.default('channel'),
    /** The row's key; null = the null-key row (sent as `none`); omitted = the total row. */
    key: z.string().min(1).max(200).nullable().optional(),
    metric: DrillMetric,
    fcrWindowDays: z.number().int().min(1).max(90).default(7),
  })
  .strict();

/** The dashboard's calls (the core calls the REST API with the session token; agents get forbidden). */
export const metricsIpcContract = {
  'metrics.live': { args: z.object({}).strict(), result: LiveMetrics },
  'metrics.responseTimes': {
    args: z.object({ from: IsoTime.optional(), to: IsoTime.optional(), groupBy: MetricsGroupBy.default('channel') }).strict(),
    result: ResponseTimesReport,
  },
  /** GET /api/v1/metrics/report. */
  'metrics.report': { args: ReportArgs, result: Report },
  /** GET /api/v1/metrics/trend. */
  'metrics.trend': { args: z.object({ from: IsoTime, to: IsoTime, interval: z.enum(['hour', 'day']).default('day'), clock: MetricsClock.default('business') }).strict(), result: Trend },
  /** GET /api/v1/metrics/conversations: the conversations behind one number. */
  'metrics.drill': { args: DrillArgs, result: DrillResult },
  /** The report or a drill-down list as the server's CSV text (every row, no cap); the renderer saves it. */
  'metrics.exportCsv': {
    args: z.discriminatedUnion('kind', [ReportArgs.extend({ kind: z.literal('report') }), DrillArgs.extend({ kind: z.literal('drill') })]),
    result: z.string(),
  },
} as const;
