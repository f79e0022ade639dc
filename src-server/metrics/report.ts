// The supervisor's report, trend and drill-down (GET /api/v1/metrics/report|trend|conversations; definitions in
// docs/metrics.md). Everything is read from the facts kept at write time on conversation_stats (0004_perf +
// 0012_metrics): ONE scan of the range per query, grouped in SQL, with each group's durations gathered as a
// comma list (group_concat) and ranked here (nearest rank), so no per-conversation row crosses into JavaScript.
// SQLite SQL (group_concat, substr on ISO text); on PostgreSQL it would be string_agg.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { priorities } from '../../src-shared/domain';
import type { DrillItem, DrillMetric, DrillQuery, MetricsClock, Rate, Report, ReportGroupBy, ReportQuery, ReportRow, Trend, TrendPoint, TrendQuery } from '../../src-shared/metrics';
import { invalid } from '../domain/errors';
import type { DB } from '../store/schema';
import { labelsOf } from '../store/migration-0012-metrics';
import { durationStatsOf, parseDurations, type Durations } from './durations';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Group key per grouping (constant SQL, never user input); each has a covering index (0012_metrics), so a whole-store
 * report streams one index in key order. Labels are grouped by the conversation's label SET (few distinct sets),
 * then each set's numbers are added to each of its labels here — exact, and still one scan.
 */
const KEY: Record<ReportGroupBy, string> = { channel: 's.channel_id', agent: 's.assignee_id', team: 's.team_id', priority: 's.priority', label: 's.labels' };

interface Acc {
  created: number;
  resolved: number;
  inbound: number;
  outbound: number;
  first: Durations;
  next: Durations;
  resolution: Durations;
  fcrFailed: number;
  fcrHit: number;
  fcrPending: number;
  fcrPendingMissed: number;
  reopenOf: number;
  reopened: number;
  slaOf: number;
  slaMet: number;
  csatSent: number;
  csatResponses: number;
  csatSum: number;
  csatSatisfied: number;
}

const emptyAcc = (): Acc => ({ created: 0, resolved: 0, inbound: 0, outbound: 0, first: [], next: [], resolution: [], fcrFailed: 0, fcrHit: 0, fcrPending: 0, fcrPendingMissed: 0, reopenOf: 0, reopened: 0, slaOf: 0, slaMet: 0, csatSent: 0, csatResponses: 0, csatSum: 0, csatSatisfied: 0 });

function addInto(into: Acc, a: Acc): void {
  for (const k of Object.keys(into) as (keyof Acc)[]) {
    const v = into[k];
    if (Array.isArray(v)) v.push(...(a[k] as Durations));
    else (into[k] as number) = v + (a[k] as number);
  }
}

function parseList(s: string | null | undefined, into: Durations): void {
  if (s) into.push(parseDurations(s));
}

const rate = (of: number, n: number): Rate => ({ of, n, rate: of === 0 ? null : n / of });

function rowOf(key: string | null, label: string, a: Acc): ReportRow {
  return {
    key,
    label,
    volume: { created: a.created, resolved: a.resolved, inbound: a.inbound, outbound: a.outbound },
    firstResponse: durationStatsOf(a.first),
    nextResponse: durationStatsOf(a.next),
    resolution: durationStatsOf(a.resolution),
    fcr: { ...rate(a.fcrFailed + a.fcrHit, a.fcrHit), pending: a.fcrPending, pendingMissed: a.fcrPendingMissed },
    reopen: rate(a.reopenOf, a.reopened),
    slaCompliance: rate(a.slaOf, a.slaMet),
    csat: {
      sent: a.csatSent,
      responses: a.csatResponses,
      average: a.csatResponses ? a.csatSum / a.csatResponses : null,
      satisfied: a.csatResponses ? a.csatSatisfied / a.csatResponses : null,
      responseRate: a.csatSent ? a.csatResponses / a.csatSent : null,
    },
  };
}

interface Range {
  from?: string;
  to?: string;
}

function rangeWhere(col: string, r: Range): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (r.from) parts.push(sql`${sql.raw(col)} >= ${iso(Date.parse(r.from))}`);
  if (r.to) parts.push(sql`${sql.raw(col)} < ${iso(Date.parse(r.to))}`);
  return sql.join(parts, sql` AND `);
}

const durationCols = (clock: MetricsClock) =>
  clock === 'wall'
    ? { first: 's.first_response_ms', next: 's.next_response_list', resolution: 's.resolution_ms' }
    : { first: 'COALESCE(s.first_response_policy_ms, s.first_response_ms)', next: 'COALESCE(s.next_response_policy_list, s.next_response_list)', resolution: 'COALESCE(s.resolution_policy_ms, s.resolution_ms)' };

/**
 * FCR conditions for window W (ms) at `cutoff` = now − W (ISO): see docs/metrics.md. Only a conversation whose window
 * has elapsed is decided, hit or missed alike: counting early misses before early hits are known would bias a
 * recent range toward misses. A pending conversation that already missed is reported as such, but not in the rate.
 */
function fcrSql(windowMs: number, cutoff: string) {
  const broke = sql`s.fcr_break_ms IS NOT NULL AND s.fcr_break_ms <= ${windowMs}`;
  const decided = sql`s.first_resolved_at IS NOT NULL AND s.first_resolved_at <= ${cutoff}`;
  const pending = sql`s.first_resolved_at IS NOT NULL AND s.first_resolved_at > ${cutoff}`;
  return {
    failed: sql`${decided} AND ${broke}`,
    hit: sql`${decided} AND NOT (${broke})`,
    pending,
    pendingMissed: sql`${pending} AND ${broke}`,
  };
}

interface AggRow {
  k: string | null;
  created: number;
  resolved: number;
  inbound: number | null;
  outbound: number | null;
  fr: string | null;
  nr: string | null;
  rs: string | null;
  fcr_failed: number | null;
  fcr_hit: number | null;
  fcr_pending: number | null;
  fcr_pending_missed: number | null;
  reopen_of: number;
  reopened: number | null;
  sla_of: number | null;
  sla_met: number | null;
}

interface CsatRow {
  k: string | null;
  sent: number;
  responses: number;
  score_sum: number | null;
  satisfied: number | null;
}

/** Accumulators per key (for labels: per label set, JSON). */
async function aggregate(db: Kysely<DB>, groupBy: ReportGroupBy, q: Range & { clock: MetricsClock; windowMs: number; now: number }): Promise<Map<string | null, Acc>> {
  const key = sql.raw(KEY[groupBy]);
  const d = durationCols(q.clock);
  const fcr = fcrSql(q.windowMs, iso(q.now - q.windowMs));
  const where = rangeWhere('s.created_at', q);
  const rows = await sql<AggRow>`
    SELECT ${key} AS k,
      COUNT(*) AS created,
      COUNT(s.resolved_at) AS resolved,
      SUM(s.inbound_count) AS inbound,
      SUM(s.outbound_count) AS outbound,
      group_concat(${sql.raw(d.first)}) AS fr,
      group_concat(${sql.raw(d.next)}) AS nr,
      group_concat(${sql.raw(d.resolution)}) AS rs,
      SUM(CASE WHEN ${fcr.failed} THEN 1 ELSE 0 END) AS fcr_failed,
      SUM(CASE WHEN ${fcr.hit} THEN 1 ELSE 0 END) AS fcr_hit,
      SUM(CASE WHEN ${fcr.pending} THEN 1 ELSE 0 END) AS fcr_pending,
      SUM(CASE WHEN ${fcr.pendingMissed} THEN 1 ELSE 0 END) AS fcr_pending_missed,
      COUNT(s.first_resolved_at) AS reopen_of,
      SUM(CASE WHEN s.reopen_count > 0 THEN 1 ELSE 0 END) AS reopened,
      SUM(CASE WHEN s.has_sla = 1 AND (s.resolved_at IS NOT NULL OR s.sla_breached = 1) THEN 1 ELSE 0 END) AS sla_of,
      SUM(CASE WHEN s.has_sla = 1 AND s.resolved_at IS NOT NULL AND s.sla_breached = 0 THEN 1 ELSE 0 END) AS sla_met
    FROM conversation_stats s
    WHERE ${where}
    GROUP BY ${key}`.execute(db);
  const out = new Map<string | null, Acc>();
  for (const r of rows.rows) {
    const a = emptyAcc();
    a.created = Number(r.created);
    a.resolved = Number(r.resolved);
    a.inbound = Number(r.inbound ?? 0);
    a.outbound = Number(r.outbound ?? 0);
    parseList(r.fr, a.first);
    parseList(r.nr, a.next);
    parseList(r.rs, a.resolution);
    a.fcrFailed = Number(r.fcr_failed ?? 0);
    a.fcrHit = Number(r.fcr_hit ?? 0);
    a.fcrPending = Number(r.fcr_pending ?? 0);
    a.fcrPendingMissed = Number(r.fcr_pending_missed ?? 0);
    a.reopenOf = Number(r.reopen_of);
    a.reopened = Number(r.reopened ?? 0);
    a.slaOf = Number(r.sla_of ?? 0);
    a.slaMet = Number(r.sla_met ?? 0);
    if (a.created > 0) out.set(r.k ?? null, a);
  }
  // The surveys drive (CROSS JOIN keeps SQLite from scanning every conversation to probe the surveys).
  const csat = await sql<CsatRow>`
    SELECT ${key} AS k, COUNT(cs.sent_at) AS sent, COUNT(cs.score) AS responses, SUM(cs.score) AS score_sum,
      SUM(CASE WHEN cs.score >= 4 THEN 1 ELSE 0 END) AS satisfied
    FROM csat_surveys cs CROSS JOIN conversation_stats s
    WHERE s.conversation_id = cs.conversation_id AND ${where}
    GROUP BY ${key}`.execute(db);
  for (const r of csat.rows) {
    const k = r.k ?? null;
    let a = out.get(k);
    if (!a) out.set(k, (a = emptyAcc()));
    a.csatSent = Number(r.sent);
    a.csatResponses = Number(r.responses);
    a.csatSum = Number(r.score_sum ?? 0);
    a.csatSatisfied = Number(r.satisfied ?? 0);
  }
  return out;
}

/** Label-set groups → one group per label (a set with two labels adds to both) and 'no label' (null). */
function byLabel(sets: Map<string | null, Acc>): Map<string | null, Acc> {
  const out = new Map<string | null, Acc>();
  for (const [set, a] of sets) {
    const labels = labelsOf(set);
    for (const label of labels.length ? labels : [null]) {
      let g = out.get(label);
      if (!g) out.set(label, (g = emptyAcc()));
      addInto(g, a);
    }
  }
  return out;
}

const PRIORITY_ORDER = [...priorities].reverse();
const NULL_LABEL: Record<ReportGroupBy, string> = { channel: '—', agent: 'Unassigned', team: 'No team', priority: '—', label: 'No label' };

/** The rows a grouping shows, in order: every channel / enabled agent / team / priority (zero rows too), every label used. */
async function rowLabels(db: Kysely<DB>, groupBy: ReportGroupBy, keys: Iterable<string | null>): Promise<Map<string | null, string>> {
  const labels = new Map<string | null, string>();
  const present = [...keys];
  if (groupBy === 'channel') {
    for (const c of await db.selectFrom('channels').select(['id', 'name']).orderBy('name').orderBy('id').execute()) labels.set(c.id, c.name);
  } else if (groupBy === 'agent') {
    for (const a of await db.selectFrom('agents').select(['id', 'name']).where('disabled', '=', 0).orderBy('name').orderBy('id').execute()) labels.set(a.id, a.name);
    const missing = present.filter((k): k is string => k !== null && !labels.has(k));
    if (missing.length) for (const a of await db.selectFrom('agents').select(['id', 'name']).where('id', 'in', missing).orderBy('name').execute()) labels.set(a.id, a.name);
  } else if (groupBy === 'team') {
    for (const t of await db.selectFrom('teams').select(['id', 'name']).orderBy('name').orderBy('id').execute()) labels.set(t.id, t.name);
  } else if (groupBy === 'priority') {
    for (const p of PRIORITY_ORDER) labels.set(p, p);
  } else {
    for (const k of present.filter((k): k is string => k !== null).sort()) labels.set(k, k);
  }
  for (const k of present) if (k !== null && !labels.has(k)) labels.set(k, k);
  if (present.includes(null)) labels.set(null, NULL_LABEL[groupBy]);
  return labels;
}

export interface ReportOptions {
  now: number;
}

export async function buildReport(db: Kysely<DB>, q: Omit<ReportQuery, 'format'>, opts: ReportOptions): Promise<Report> {
  const common = { from: q.from, to: q.to, clock: q.clock, windowMs: q.fcrWindowDays * DAY, now: opts.now };
  const raw = await aggregate(db, q.groupBy, common);
  const groups = q.groupBy === 'label' ? byLabel(raw) : raw;
  const labels = await rowLabels(db, q.groupBy, groups.keys());
  const rows = [...labels].map(([key, label]) => rowOf(key, label, groups.get(key) ?? emptyAcc()));
  // Every conversation once: the raw groups partition the range (for labels: the label SETS, not the overlapping rows).
  const totalAcc = emptyAcc();
  for (const a of raw.values()) addInto(totalAcc, a);
  return { groupBy: q.groupBy, clock: q.clock, fcrWindowDays: q.fcrWindowDays, from: q.from ?? null, to: q.to ?? null, rows, total: rowOf(null, 'Total', totalAcc) };
}

// ── trend ──────────────────────────────────────────────────────────────────────────────────────────────────────
/** At most this many buckets per answer (a year of hours). */
export const MAX_BUCKETS = 24 * 366;

export async function buildTrend(db: Kysely<DB>, q: TrendQuery & { clock?: MetricsClock }): Promise<Trend> {
  const from = Date.parse(q.from);
  const to = Date.parse(q.to);
  const step = q.interval === 'hour' ? 3_600_000 : DAY;
  const first = Math.floor(from / step) * step;
  if ((to - first) / step > MAX_BUCKETS) throw invalid(`too many ${q.interval} buckets (at most ${MAX_BUCKETS}): narrow the range or use a longer interval`);
  const n = q.interval === 'hour' ? 13 : 10;
  const bucketStart = (b: string) => (q.interval === 'hour' ? `${b}:00:00.000Z` : `${b}T00:00:00.000Z`);
  const points = new Map<string, TrendPoint & { values: Durations }>();
  for (let t = first; t < to; t += step) points.set(iso(t), { start: iso(t), created: 0, resolved: 0, firstResponseMedianMs: null, csatAverage: null, createdByChannel: {}, values: [] });
  const fr = durationCols(q.clock ?? 'business').first;

  const created = await sql<{ b: string; ch: string; n: number; fr: string | null }>`
    SELECT substr(s.created_at, 1, ${n}) AS b, s.channel_id AS ch, COUNT(*) AS n, group_concat(${sql.raw(fr)}) AS fr
    FROM conversation_stats s WHERE ${rangeWhere('s.created_at', q)} GROUP BY b, ch`.execute(db);
  for (const r of created.rows) {
    const p = points.get(bucketStart(r.b));
    if (!p) continue;
    p.created += Number(r.n);
    p.createdByChannel[r.ch] = (p.createdByChannel[r.ch] ?? 0) + Number(r.n);
    parseList(r.fr, p.values);
  }
  const resolved = await sql<{ b: string; n: number }>`
    SELECT substr(s.resolved_at, 1, ${n}) AS b, COUNT(*) AS n FROM conversation_stats s WHERE ${rangeWhere('s.resolved_at', q)} GROUP BY b`.execute(db);
  for (const r of resolved.rows) {
    const p = points.get(bucketStart(r.b));
    if (p) p.resolved += Number(r.n);
  }
  const csat = await sql<{ b: string; avg: number }>`
    SELECT substr(cs.answered_at, 1, ${n}) AS b, AVG(cs.score) AS avg FROM csat_surveys cs
    WHERE cs.score IS NOT NULL AND ${rangeWhere('cs.answered_at', q)} GROUP BY b`.execute(db);
  for (const r of csat.rows) {
    const p = points.get(bucketStart(r.b));
    if (p) p.csatAverage = Number(r.avg);
  }
  return {
    interval: q.interval,
    from: q.from,
    to: q.to,
    points: [...points.values()].map(({ values, ...p }) => ({ ...p, firstResponseMedianMs: durationStatsOf(values).medianMs })),
  };
}

// ── drill-down ─────────────────────────────────────────────────────────────────────────────────────────────────
function metricWhere(metric: DrillMetric, windowMs: number, now: number): RawBuilder<unknown> {
  const fcr = fcrSql(windowMs, iso(now - windowMs));
  switch (metric) {
    case 'created':
      return sql`1 = 1`;
    case 'resolved':
      return sql`s.resolved_at IS NOT NULL`;
    case 'unanswered':
      return sql`s.first_response_at IS NULL`;
    case 'fcr':
      return fcr.hit;
    case 'fcrMissed':
      return fcr.failed;
    case 'fcrPending':
      return fcr.pending;
    case 'reopened':
      return sql`s.reopen_count > 0`;
    case 'slaMet':
      return sql`s.has_sla = 1 AND s.resolved_at IS NOT NULL AND s.sla_breached = 0`;
    case 'slaBreached':
      return sql`s.has_sla = 1 AND s.sla_breached = 1`;
    case 'csatResponses':
      return sql`cs.score IS NOT NULL`;
    case 'csatLow':
      return sql`cs.score IS NOT NULL AND cs.score <= 2`;
  }
}

/** The conversations behind one number: every match, newest first. `key` undefined = every row; 'none' = the null key. */
export async function drillDown(db: Kysely<DB>, q: Omit<DrillQuery, 'format'>, opts: ReportOptions): Promise<DrillItem[]> {
  const windowMs = q.fcrWindowDays * DAY;
  let keyWhere: RawBuilder<unknown> = sql`1 = 1`;
  if (q.key !== undefined) {
    const k = q.key === 'none' ? null : q.key;
    if (q.groupBy === 'label') {
      keyWhere = k === null ? sql`s.labels IS NULL` : sql`EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = s.conversation_id AND l.label = ${k})`;
    } else {
      const col = sql.raw(KEY[q.groupBy]);
      keyWhere = k === null ? sql`${col} IS NULL` : sql`${col} = ${k}`;
    }
  }
  const rows = await sql<{
    id: string;
    contact_id: string;
    contact_name: string;
    channel_id: string;
    channel_name: string;
    status: string;
    assignee_name: string | null;
    created_at: string;
    resolved_at: string | null;
    score: number | null;
  }>`
    SELECT c.id, c.contact_id, ct.name AS contact_name, c.channel_id, ch.name AS channel_name, c.status, a.name AS assignee_name,
      c.created_at, s.resolved_at, cs.score
    FROM conversation_stats s
    JOIN conversations c ON c.id = s.conversation_id
    JOIN contacts ct ON ct.id = c.contact_id
    JOIN channels ch ON ch.id = c.channel_id
    LEFT JOIN agents a ON a.id = c.assignee_id
    LEFT JOIN csat_surveys cs ON cs.conversation_id = s.conversation_id
    WHERE ${rangeWhere('s.created_at', q)} AND ${keyWhere} AND ${metricWhere(q.metric, windowMs, opts.now)}
    ORDER BY s.created_at DESC, s.conversation_id DESC`.execute(db);
  return rows.rows.map((r) => ({
    conversationId: r.id,
    contactId: r.contact_id,
    contactName: r.contact_name,
    channelId: r.channel_id,
    channelName: r.channel_name,
    status: r.status,
    assigneeName: r.assignee_name ?? null,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at ?? null,
    csatScore: r.score === null ? null : Number(r.score),
  }));
}

// ── CSV ────────────────────────────────────────────────────────────────────────────────────────────────────────
/** RFC 4180 cell; a leading = + - @ tab or CR is prefixed with ' so spreadsheets never run customer text as a formula. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csv = (lines: (string | number | null)[][]) => lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';

const REPORT_HEADER = [
  'group_by', 'key', 'label', 'created', 'resolved', 'inbound', 'outbound',
  'first_response_count', 'first_response_median_ms', 'first_response_p90_ms',
  'next_response_count', 'next_response_median_ms', 'next_response_p90_ms',
  'resolution_count', 'resolution_median_ms', 'resolution_p90_ms',
  'fcr_decided', 'fcr_first_contact', 'fcr_rate', 'fcr_pending', 'fcr_pending_missed',
  'reopen_resolved', 'reopen_reopened', 'reopen_rate',
  'sla_settled', 'sla_met', 'sla_rate',
  'csat_sent', 'csat_responses', 'csat_average', 'csat_satisfied', 'csat_response_rate',
];

function reportLine(groupBy: string, r: ReportRow): (string | number | null)[] {
  return [
    groupBy, r.key, r.label, r.volume.created, r.volume.resolved, r.volume.inbound, r.volume.outbound,
    r.firstResponse.count, r.firstResponse.medianMs, r.firstResponse.p90Ms,
    r.nextResponse.count, r.nextResponse.medianMs, r.nextResponse.p90Ms,
    r.resolution.count, r.resolution.medianMs, r.resolution.p90Ms,
    r.fcr.of, r.fcr.n, r.fcr.rate, r.fcr.pending, r.fcr.pendingMissed,
    r.reopen.of, r.reopen.n, r.reopen.rate,
    r.slaCompliance.of, r.slaCompliance.n, r.slaCompliance.rate,
    r.csat.sent, r.csat.responses, r.csat.average, r.csat.satisfied, r.csat.responseRate,
  ];
}

/** Every row, then the total row (group_by `total`, empty key); durations in ms, rates 0–1. */
export function reportCsv(report: Report): string {
  return csv([REPORT_HEADER, ...report.rows.map((r) => reportLine(report.groupBy, r)), reportLine('total', report.total)]);
}

export function drillCsv(items: DrillItem[]): string {
  return csv([
    ['conversation_id', 'contact_id', 'contact_name', 'channel_id', 'channel_name', 'status', 'assignee_name', 'created_at', 'resolved_at', 'csat_score'],
    ...items.map((i) => [i.conversationId, i.contactId, i.contactName, i.channelId, i.channelName, i.status, i.assigneeName, i.createdAt, i.resolvedAt, i.csatScore]),
  ]);
}
