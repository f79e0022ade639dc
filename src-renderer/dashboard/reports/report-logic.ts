// Pure logic of the Reports tab (no React, no DOM): ranges from the controls, human durations and rates, CSV file
// names, chart series and their spoken summaries, and the refetch throttle. Tested in tests/unit/renderer-reports*.
import type { DrillMetric, Rate, Report, ReportGroupBy, ReportRow, Trend } from '../../../src-shared/metrics';

/** i18next's `t`, narrowed to what these helpers need (so tests can pass a fixed one). */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

// ── time range ──────────────────────────────────────────────────────────────────────────────────────────────

export type RangePreset = 'today' | 'last7' | 'last30' | 'custom';
export const rangePresets: readonly RangePreset[] = ['today', 'last7', 'last30', 'custom'];

/** YYYY-MM-DD of a local date (what <input type="date"> holds). */
export function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function parseLocalDate(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return localDate(d) === s ? d : null;
}

const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

export type ResolvedRange = { ok: true; from: string; to: string } | { ok: false; error: 'reports.badRange' };

/**
 * The report range as ISO instants: whole local days, `to` exclusive (the server counts from ≤ created < to).
 * Today = since local midnight; last N days = today and the N−1 days before; custom = both dates inclusive.
 */
export function rangeFor(preset: RangePreset, now: Date, custom: { from: string; to: string }): ResolvedRange {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const span = (first: Date, lastInclusive: Date): ResolvedRange => ({ ok: true, from: first.toISOString(), to: addDays(lastInclusive, 1).toISOString() });
  switch (preset) {
    case 'today':
      return span(today, today);
    case 'last7':
      return span(addDays(today, -6), today);
    case 'last30':
      return span(addDays(today, -29), today);
    case 'custom': {
      const from = parseLocalDate(custom.from);
      const to = parseLocalDate(custom.to);
      if (!from || !to || to < from) return { ok: false, error: 'reports.badRange' };
      return span(from, to);
    }
  }
}

/** Hourly buckets for up to three days, daily beyond (a month of hours is unreadable). */
export function trendInterval(from: string, to: string): 'hour' | 'day' {
  return Date.parse(to) - Date.parse(from) <= 3 * 86_400_000 ? 'hour' : 'day';
}

// ── numbers for people ─────────────────────────────────────────────────────────────────────────────────────

export type DurationPart = { n: number; unit: 'd' | 'h' | 'min' | 's' };

/** Two most significant units, rounded down: 65 min → 1 h 5 min; 26 h → 1 d 2 h; 75 s → 1 min 15 s; 30 s → 30 s. */
export function durationParts(ms: number): DurationPart[] {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts: DurationPart[] =
    d > 0
      ? [{ n: d, unit: 'd' }, { n: h, unit: 'h' }]
      : h > 0
        ? [{ n: h, unit: 'h' }, { n: m, unit: 'min' }]
        : m > 0
          ? [{ n: m, unit: 'min' }, { n: sec, unit: 's' }]
          : [{ n: sec, unit: 's' }];
  // "2 h" rather than "2 h 0 min".
  return parts.length > 1 && parts[1]!.n === 0 ? [parts[0]!] : parts;
}

export function formatDuration(ms: number | null, t: Translate): string | null {
  if (ms === null) return null;
  return durationParts(ms)
    .map((p) => t(`reports.duration.${p.unit}`, { n: p.n }))
    .join(' ');
}

export function formatPercent(rate: number | null, locale: string): string | null {
  if (rate === null) return null;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

export function formatAverage(avg: number | null, locale: string): string | null {
  if (avg === null) return null;
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(avg);
}

/** "75% (3 of 4)" for labels and CSV-free summaries; null when nothing could count. */
export function rateText(r: Rate, locale: string, t: Translate): string | null {
  const pct = formatPercent(r.rate, locale);
  return pct === null ? null : `${pct} (${t('reports.nOf', { n: r.n, of: r.of })})`;
}

// ── drill-down ─────────────────────────────────────────────────────────────────────────────────────────────

/** A number in the table the supervisor can open: which row (undefined = the total row) and which metric. */
export interface DrillTarget {
  key: string | null | undefined;
  rowLabel: string;
  metric: DrillMetric;
}

/** How many conversations a drill-down of the row should list (what the button says), or null when unknown. */
export function drillCount(row: ReportRow, metric: DrillMetric): number | null {
  switch (metric) {
    case 'created':
      return row.volume.created;
    case 'resolved':
      return row.volume.resolved;
    case 'unanswered':
      return Math.max(0, row.volume.created - row.firstResponse.count);
    case 'fcr':
      return row.fcr.n;
    case 'fcrMissed':
      return row.fcr.of - row.fcr.n;
    case 'fcrPending':
      return row.fcr.pending;
    case 'reopened':
      return row.reopen.n;
    case 'slaMet':
      return row.slaCompliance.n;
    case 'slaBreached':
      return row.slaCompliance.of - row.slaCompliance.n;
    case 'csatResponses':
      return row.csat.responses;
    case 'csatLow':
      return null;
  }
}

// ── files ─────────────────────────────────────────────────────────────────────────────────────────────────

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'none';

/** The inclusive local dates of a range (the `to` instant is exclusive). */
function rangeDates(from: string, to: string): string {
  const last = new Date(Date.parse(to) - 1);
  return `${localDate(new Date(from))}-to-${localDate(last)}`;
}

/** threadline-report-by-channel-2026-11-20-to-2026-11-26.csv */
export function reportFileName(groupBy: ReportGroupBy, from: string, to: string): string {
  return `threadline-report-by-${groupBy}-${rangeDates(from, to)}.csv`;
}

/** threadline-conversations-fcr-channel-email-2026-11-20-to-2026-11-26.csv (the total row: …-fcr-all-…). */
export function drillFileName(target: DrillTarget, groupBy: ReportGroupBy, from: string, to: string): string {
  const row = target.key === undefined ? 'all' : `${groupBy}-${slug(target.rowLabel)}`;
  return `threadline-conversations-${target.metric}-${row}-${rangeDates(from, to)}.csv`;
}

// ── charts ────────────────────────────────────────────────────────────────────────────────────────────────

/** Colour-blind-safe (Okabe–Ito), readable on light and dark backgrounds. */
export const chartColors = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#999999', '#F0E442'] as const;

/** At most this many groups are drawn (the biggest by volume); the data table lists every row. */
export const MAX_CHART_GROUPS = 20;

export function topGroups(rows: readonly ReportRow[], max = MAX_CHART_GROUPS): ReportRow[] {
  if (rows.length <= max) return [...rows];
  return [...rows].sort((a, b) => b.volume.created - a.volume.created).slice(0, max);
}

export type TrendMode = 'status' | 'channel';
export interface Series {
  /** Property of each data row (s0, s1, …: channel ids are not safe as recharts paths). */
  dataKey: string;
  name: string;
  color: string;
}
export interface TrendData {
  rows: Record<string, string | number>[];
  series: Series[];
  /** Sum per series, in series order (the summary and the table's total). */
  totals: number[];
}

/** A trend bucket's label. Day buckets are UTC days (docs/metrics.md "Trend"): named by their UTC date, which west of
 * UTC is not the local date of their first instant (00:00Z is the evening before). Hours read in local time. */
export function bucketLabel(iso: string, interval: 'hour' | 'day', locale: string, multiDay: boolean): string {
  const d = new Date(iso);
  if (interval === 'day') return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
  return new Intl.DateTimeFormat(locale, multiDay ? { weekday: 'short', hour: '2-digit', minute: '2-digit' } : { hour: '2-digit', minute: '2-digit' }).format(d);
}

/** Volume over time: created vs resolved per bucket, or created stacked by channel (channels by total, largest first). */
export function trendData(trend: Trend, mode: TrendMode, channelNames: ReadonlyMap<string, string>, t: Translate, locale: string): TrendData {
  const multiDay = Date.parse(trend.to) - Date.parse(trend.from) > 86_400_000;
  const label = (start: string) => bucketLabel(start, trend.interval, locale, multiDay);
  if (mode === 'status') {
    const series: Series[] = [
      { dataKey: 's0', name: t('reports.created'), color: chartColors[0] },
      // Resolutions that happened in the bucket (any creation time): not the table's "resolved" of conversations created in the range.
      { dataKey: 's1', name: t('reports.chart.resolvedInPeriod'), color: chartColors[1] },
    ];
    const rows = trend.points.map((p) => ({ label: label(p.start), start: p.start, s0: p.created, s1: p.resolved }));
    return { rows, series, totals: [sum(trend.points.map((p) => p.created)), sum(trend.points.map((p) => p.resolved))] };
  }
  const byChannel = new Map<string, number>();
  for (const p of trend.points) for (const [id, n] of Object.entries(p.createdByChannel)) byChannel.set(id, (byChannel.get(id) ?? 0) + n);
  const ids = [...byChannel.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
  const series = ids.map((id, i) => ({ dataKey: `s${i}`, name: channelNames.get(id) ?? id, color: chartColors[i % chartColors.length]! }));
  const rows = trend.points.map((p) => {
    const row: Record<string, string | number> = { label: label(p.start), start: p.start };
    ids.forEach((id, i) => (row[`s${i}`] = p.createdByChannel[id] ?? 0));
    return row;
  });
  return { rows, series, totals: ids.map((id) => byChannel.get(id) ?? 0) };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export interface GroupDatum {
  label: string;
  firstResponseMs: number | null;
  /** Percentages 0–100 for the chart; null = nothing decided / no responses. */
  fcrPct: number | null;
  satisfiedPct: number | null;
  csatAverage: number | null;
}

export function groupData(report: Report): GroupDatum[] {
  const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);
  return topGroups(report.rows).map((r) => ({
    label: r.label,
    firstResponseMs: r.firstResponse.medianMs,
    fcrPct: pct(r.fcr.rate),
    satisfiedPct: pct(r.csat.satisfied),
    csatAverage: r.csat.average,
  }));
}

/** The duration axis' unit: the largest of s / min / h / d that the biggest value reaches (never "0.0025 minutes"). */
export function durationAxis(maxMs: number): { unit: 's' | 'min' | 'h' | 'd'; divisor: number } {
  if (maxMs >= 2 * 86_400_000) return { unit: 'd', divisor: 86_400_000 };
  if (maxMs >= 2 * 3_600_000) return { unit: 'h', divisor: 3_600_000 };
  if (maxMs >= 2 * 60_000) return { unit: 'min', divisor: 60_000 };
  return { unit: 's', divisor: 1000 };
}

/** Spoken summary of the volume chart (its role="img" label). */
export function trendSummary(data: TrendData, title: string, t: Translate): string {
  if (data.rows.length === 0 || data.totals.every((n) => n === 0)) return t('reports.chart.emptySummary', { title });
  const parts = data.series.map((s, i) => `${s.name} ${data.totals[i]}`).join(', ');
  return t('reports.chart.trendSummary', { title, buckets: data.rows.length, parts });
}

/** Spoken summary of a per-group chart: the best and worst group of the plotted value. */
export function groupSummary(data: GroupDatum[], title: string, pick: (d: GroupDatum) => number | null, show: (d: GroupDatum) => string, lowerIsBetter: boolean, t: Translate): string {
  const withValue = data.filter((d) => pick(d) !== null);
  if (withValue.length === 0) return t('reports.chart.emptySummary', { title });
  const sorted = [...withValue].sort((a, b) => (pick(a)! - pick(b)!) * (lowerIsBetter ? 1 : -1));
  const best = sorted[0]!;
  const worst = sorted[sorted.length - 1]!;
  if (withValue.length === 1) return t('reports.chart.groupSummaryOne', { title, group: best.label, value: show(best) });
  return t('reports.chart.groupSummary', { title, count: withValue.length, best: best.label, bestValue: show(best), worst: worst.label, worstValue: show(worst) });
}

// ── refresh ───────────────────────────────────────────────────────────────────────────────────────────────

/** Reports are historical: sync events refetch them at most this often. */
export const REFRESH_GAP_MS = 5_000;

/** How long to wait before fetching again, given when the previous fetch of the same query started. */
export function refetchDelay(lastStartedAt: number | undefined, now: number, gapMs = REFRESH_GAP_MS): number {
  if (lastStartedAt === undefined) return 0;
  return Math.max(0, lastStartedAt + gapMs - now);
}
