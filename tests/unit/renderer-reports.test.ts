// The Reports tab (src-renderer/dashboard/reports/*) without a browser: the pure logic (ranges, human durations and
// rates, drill counts, CSV file names, chart series and summaries, the refetch throttle) and the markup rendered with
// react-dom/server from a fixed Report (the metrics table's caption, scopes and drill buttons, the charts' data-table
// toggle, empty charts, the drill-down list). One file: the fixture lives here (tsconfig splits renderer tests by name).
import i18next from 'i18next';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { initReactI18next } from 'react-i18next';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChartFigure } from '../../src-renderer/dashboard/reports/ChartFigure';
import { DrillTable } from '../../src-renderer/dashboard/reports/DrillDown';
import { FcrCsatChart, FirstResponseChart, VolumeChart } from '../../src-renderer/dashboard/reports/ReportCharts';
import { ReportTable } from '../../src-renderer/dashboard/reports/ReportTable';
import {
  bucketLabel,
  drillCount,
  drillFileName,
  durationAxis,
  durationParts,
  formatAverage,
  formatDuration,
  formatPercent,
  groupData,
  groupSummary,
  localDate,
  rangeFor,
  rateText,
  refetchDelay,
  reportFileName,
  topGroups,
  trendData,
  trendInterval,
  trendSummary,
  type Translate,
} from '../../src-renderer/dashboard/reports/report-logic';
import { throttled } from '../../src-renderer/dashboard/reports/use-reports';
import { en } from '../../src-renderer/i18n/en';
import { Report, type DrillItem, type ReportRow, type Trend } from '../../src-shared/metrics';

const MIN = 60_000;
const HOUR = 60 * MIN;

// ── fixture: numbers chosen so every cell is distinguishable ──
function row(key: string | null, label: string, over: { created?: number } = {}): ReportRow {
  return {
    key,
    label,
    volume: { created: over.created ?? 0, resolved: 0, inbound: 0, outbound: 0 },
    firstResponse: { count: 0, medianMs: null, p90Ms: null },
    nextResponse: { count: 0, medianMs: null, p90Ms: null },
    resolution: { count: 0, medianMs: null, p90Ms: null },
    fcr: { of: 0, n: 0, rate: null, pending: 0, pendingMissed: 0 },
    reopen: { of: 0, n: 0, rate: null },
    slaCompliance: { of: 0, n: 0, rate: null },
    csat: { sent: 0, responses: 0, average: null, satisfied: null, responseRate: null },
  };
}

const email: ReportRow = {
  key: 'ch-email',
  label: 'Email',
  volume: { created: 10, resolved: 8, inbound: 30, outbound: 25 },
  firstResponse: { count: 9, medianMs: 12.5 * MIN, p90Ms: 65 * MIN },
  nextResponse: { count: 20, medianMs: 75_000, p90Ms: 2 * HOUR },
  resolution: { count: 8, medianMs: 26 * HOUR, p90Ms: 3 * 24 * HOUR },
  fcr: { of: 4, n: 3, rate: 0.75, pending: 2, pendingMissed: 1 },
  reopen: { of: 8, n: 1, rate: 0.125 },
  slaCompliance: { of: 5, n: 4, rate: 0.8 },
  csat: { sent: 5, responses: 2, average: 3.5, satisfied: 0.5, responseRate: 0.4 },
};

const webchat: ReportRow = {
  ...row('ch-web', 'Web chat', { created: 3 }),
  firstResponse: { count: 3, medianMs: MIN, p90Ms: 2 * MIN },
};

/** A null-key row (as grouping by team gives "No team"), with nothing in it. */
const none = row(null, 'No team');

const fixtureReport: Report = {
  groupBy: 'channel',
  clock: 'business',
  fcrWindowDays: 7,
  from: '2026-11-20T00:00:00.000Z',
  to: '2026-11-27T00:00:00.000Z',
  rows: [email, webchat, none],
  total: {
    ...email,
    key: null,
    label: 'All',
    volume: { created: 13, resolved: 8, inbound: 33, outbound: 28 },
    firstResponse: { count: 12, medianMs: 5 * MIN, p90Ms: 65 * MIN },
  },
};

/** A `t` over the real English strings ({{x}} interpolation; plural _one/_other by `count`). */
const tEn: Translate = (key, values = {}) => {
  let node: unknown = en;
  const path = key.split('.');
  const last = path.pop()!;
  for (const p of path) node = (node as Record<string, unknown>)[p];
  const bag = node as Record<string, string>;
  const count = values.count;
  const s = (typeof count === 'number' && bag[`${last}_${count === 1 ? 'one' : 'other'}`]) || bag[last];
  if (typeof s !== 'string') throw new Error(`missing string ${key}`);
  return s.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => String(values[k]));
};

describe('ranges', () => {
  const now = new Date(2026, 10, 26, 15, 30); // 26 Nov 2026, 15:30 local

  it('presets are whole local days with an exclusive end', () => {
    expect(rangeFor('today', now, { from: '', to: '' })).toEqual({ ok: true, from: new Date(2026, 10, 26).toISOString(), to: new Date(2026, 10, 27).toISOString() });
    expect(rangeFor('last7', now, { from: '', to: '' })).toEqual({ ok: true, from: new Date(2026, 10, 20).toISOString(), to: new Date(2026, 10, 27).toISOString() });
    expect(rangeFor('last30', now, { from: '', to: '' })).toEqual({ ok: true, from: new Date(2026, 9, 28).toISOString(), to: new Date(2026, 10, 27).toISOString() });
  });

  it('custom dates are inclusive; a reversed or invalid range is refused with a message key', () => {
    expect(rangeFor('custom', now, { from: '2026-11-01', to: '2026-11-01' })).toEqual({ ok: true, from: new Date(2026, 10, 1).toISOString(), to: new Date(2026, 10, 2).toISOString() });
    expect(rangeFor('custom', now, { from: '2026-11-05', to: '2026-11-01' })).toEqual({ ok: false, error: 'reports.badRange' });
    expect(rangeFor('custom', now, { from: '2026-02-30', to: '2026-03-01' })).toEqual({ ok: false, error: 'reports.badRange' });
    expect(rangeFor('custom', now, { from: '', to: '2026-03-01' })).toEqual({ ok: false, error: 'reports.badRange' });
    expect(localDate(now)).toBe('2026-11-26');
  });

  it('the trend is hourly for up to three days, daily beyond', () => {
    const today = rangeFor('today', now, { from: '', to: '' });
    const week = rangeFor('last7', now, { from: '', to: '' });
    if (!today.ok || !week.ok) throw new Error('unreachable');
    expect(trendInterval(today.from, today.to)).toBe('hour');
    expect(trendInterval(week.from, week.to)).toBe('day');
  });
});

describe('numbers for people', () => {
  it('durations: the two most significant units, no trailing zero unit', () => {
    expect(formatDuration(65 * MIN, tEn)).toBe('1 h 5 min');
    expect(formatDuration(2 * HOUR, tEn)).toBe('2 h');
    expect(formatDuration(26 * HOUR + 59 * MIN, tEn)).toBe('1 d 2 h');
    expect(formatDuration(75_000, tEn)).toBe('1 min 15 s');
    expect(formatDuration(30_500, tEn)).toBe('30 s');
    expect(formatDuration(0, tEn)).toBe('0 s');
    expect(formatDuration(null, tEn)).toBeNull();
    expect(durationParts(3 * 86_400_000)).toEqual([{ n: 3, unit: 'd' }]);
  });

  it('rates as percentages with n of of; null when nothing counts', () => {
    expect(formatPercent(0.75, 'en')).toBe('75%');
    expect(formatPercent(2 / 3, 'en')).toBe('66.7%');
    expect(formatPercent(null, 'en')).toBeNull();
    expect(rateText({ n: 3, of: 4, rate: 0.75 }, 'en', tEn)).toBe('75% (3 of 4)');
    expect(rateText({ n: 0, of: 0, rate: null }, 'en', tEn)).toBeNull();
    expect(formatAverage(4.25, 'en')).toBe('4.3');
    expect(formatAverage(4, 'en')).toBe('4.0');
  });
});

describe('drill-down and files', () => {
  it('each drill metric counts what its button says', () => {
    const r = fixtureReport.rows[0]!;
    expect(drillCount(r, 'created')).toBe(10);
    expect(drillCount(r, 'resolved')).toBe(8);
    expect(drillCount(r, 'unanswered')).toBe(1);
    expect(drillCount(r, 'fcr')).toBe(3);
    expect(drillCount(r, 'fcrMissed')).toBe(1);
    expect(drillCount(r, 'fcrPending')).toBe(2);
    expect(drillCount(r, 'reopened')).toBe(1);
    expect(drillCount(r, 'slaMet')).toBe(4);
    expect(drillCount(r, 'slaBreached')).toBe(1);
    expect(drillCount(r, 'csatResponses')).toBe(2);
    expect(drillCount(r, 'csatLow')).toBeNull();
  });

  it('file names say what, how grouped and which days (the exclusive end shown as the last day)', () => {
    const from = new Date(2026, 10, 20).toISOString();
    const to = new Date(2026, 10, 27).toISOString();
    expect(reportFileName('channel', from, to)).toBe('threadline-report-by-channel-2026-11-20-to-2026-11-26.csv');
    expect(drillFileName({ key: 'ch-1', rowLabel: 'Website Chat (EN)', metric: 'fcr' }, 'channel', from, to)).toBe('threadline-conversations-fcr-channel-website-chat-en-2026-11-20-to-2026-11-26.csv');
    expect(drillFileName({ key: undefined, rowLabel: 'Total', metric: 'created' }, 'agent', from, to)).toBe('threadline-conversations-created-all-2026-11-20-to-2026-11-26.csv');
    expect(drillFileName({ key: null, rowLabel: '!!!', metric: 'slaBreached' }, 'team', from, to)).toBe('threadline-conversations-slaBreached-team-none-2026-11-20-to-2026-11-26.csv');
  });
});

describe('chart data', () => {
  const trend: Trend = {
    interval: 'day',
    from: '2026-11-20T00:00:00.000Z',
    to: '2026-11-23T00:00:00.000Z',
    points: [
      { start: '2026-11-20T00:00:00.000Z', created: 3, resolved: 1, firstResponseMedianMs: 60_000, csatAverage: null, createdByChannel: { 'ch-a': 2, 'ch-b': 1 } },
      { start: '2026-11-21T00:00:00.000Z', created: 4, resolved: 5, firstResponseMedianMs: null, csatAverage: 4, createdByChannel: { 'ch-b': 4 } },
      { start: '2026-11-22T00:00:00.000Z', created: 0, resolved: 0, firstResponseMedianMs: null, csatAverage: null, createdByChannel: {} },
    ],
  };
  const names = new Map([
    ['ch-a', 'Email'],
    ['ch-b', 'Web chat'],
  ]);

  it('created/resolved series with totals and a spoken summary', () => {
    const d = trendData(trend, 'status', names, tEn, 'en');
    expect(d.series.map((s) => s.name)).toEqual(['Created', 'Resolved in the period']);
    expect(d.rows.map((r) => [r.s0, r.s1])).toEqual([
      [3, 1],
      [4, 5],
      [0, 0],
    ]);
    expect(d.totals).toEqual([7, 6]);
    expect(d.rows[0]!.label).toBe('Nov 20');
    expect(trendSummary(d, 'Conversations over time', tEn)).toBe('Conversations over time, 3 periods. Totals: Created 7, Resolved in the period 6.');
  });

  it('created stacked by channel: channels by total, named, zero-filled', () => {
    const d = trendData(trend, 'channel', names, tEn, 'en');
    expect(d.series.map((s) => s.name)).toEqual(['Web chat', 'Email']);
    expect(d.rows.map((r) => [r.s0, r.s1])).toEqual([
      [1, 2],
      [4, 0],
      [0, 0],
    ]);
    expect(d.totals).toEqual([5, 2]);
  });

  it('an empty trend says so', () => {
    const d = trendData({ ...trend, points: [] }, 'channel', names, tEn, 'en');
    expect(d.series).toEqual([]);
    expect(trendSummary(d, 'Volume', tEn)).toBe('Volume: no data in this range.');
  });

  it('per-group values in chart units, best and worst in the summary', () => {
    const data = groupData(fixtureReport);
    expect(data.map((d) => [d.label, d.firstResponseMs, d.fcrPct, d.satisfiedPct])).toEqual([
      ['Email', 12.5 * MIN, 75, 50],
      ['Web chat', MIN, null, null],
      ['No team', null, null, null],
    ]);
    const show = (d: (typeof data)[number]) => formatDuration(d.firstResponseMs, tEn)!;
    expect(groupSummary(data, 'First response median', (d) => d.firstResponseMs, show, true, tEn)).toBe('First response median, 2 groups: best Web chat 1 min, worst Email 12 min 30 s.');
    expect(groupSummary(data, 'FCR %', (d) => d.fcrPct, (d) => `${d.fcrPct}%`, false, tEn)).toBe('FCR %: Email 75%.');
    expect(groupSummary([], 'FCR %', (d) => d.fcrPct, () => '', false, tEn)).toBe('FCR %: no data in this range.');
  });

  it('the duration axis takes the largest unit the biggest value reaches twice', () => {
    expect(durationAxis(90_000)).toEqual({ unit: 's', divisor: 1000 });
    expect(durationAxis(2 * MIN)).toEqual({ unit: 'min', divisor: MIN });
    expect(durationAxis(5 * HOUR)).toEqual({ unit: 'h', divisor: HOUR });
    expect(durationAxis(3 * 24 * HOUR)).toEqual({ unit: 'd', divisor: 24 * HOUR });
    expect(durationAxis(0)).toEqual({ unit: 's', divisor: 1000 });
  });

  it('draws at most 20 groups, the biggest by volume', () => {
    const rows: ReportRow[] = Array.from({ length: 25 }, (_, i) => row(`k${i}`, `Agent ${i}`, { created: i }));
    const top = topGroups(rows);
    expect(top).toHaveLength(20);
    expect(top[0]!.label).toBe('Agent 24');
    expect(top.some((r) => r.label === 'Agent 4')).toBe(false);
  });

  it('the fixture is a valid Report', () => {
    expect(Report.safeParse(fixtureReport).success).toBe(true);
  });
});

describe('refetch throttle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refetches of one query start at least 5 s apart; other queries are not held back', async () => {
    expect(refetchDelay(undefined, 1000)).toBe(0);
    expect(refetchDelay(1000, 2000)).toBe(4000);
    expect(refetchDelay(1000, 7000)).toBe(0);

    vi.useFakeTimers();
    const fetches: string[] = [];
    const key = ['reports', 'test', Math.random()];
    await throttled(key, new AbortController().signal, async () => fetches.push('first'));
    const second = throttled(key, new AbortController().signal, async () => fetches.push('second'));
    await throttled(['reports', 'other', Math.random()], new AbortController().signal, async () => fetches.push('other'));
    await vi.advanceTimersByTimeAsync(4_900);
    expect(fetches).toEqual(['first', 'other']);
    await vi.advanceTimersByTimeAsync(200);
    await second;
    expect(fetches).toEqual(['first', 'other', 'second']);

    // A waiting refetch that react-query cancels (a newer invalidation) never fetches.
    const ac = new AbortController();
    const cancelled = throttled(key, ac.signal, async () => fetches.push('cancelled'));
    ac.abort(new Error('cancelled'));
    await expect(cancelled).rejects.toThrow('cancelled');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetches).toEqual(['first', 'other', 'second']);
  });
});

// ── markup ──
beforeAll(async () => {
  await i18next.use(initReactI18next).init({ resources: { en: { translation: en } }, lng: 'en', interpolation: { escapeValue: false }, initAsync: false });
});

const text = (html: string) => html.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');
const table = () => renderToStaticMarkup(createElement(ReportTable, { report: fixtureReport, rangeText: { from: 'Nov 20, 2026', to: 'Nov 26, 2026' }, onDrill: () => undefined }));

describe('metrics table', () => {
  it('has a caption, column headers with scopes, one row per group and the total row', () => {
    const html = table();
    expect(html).toContain('<caption>Metrics by channel, Nov 20, 2026 to Nov 26, 2026</caption>');
    expect(html.match(/<th scope="colgroup"/g)).toHaveLength(5);
    // 4 single columns (group, FCR, reopen, SLA) + 11 sub-columns.
    expect(html.match(/<th scope="col"/g)).toHaveLength(15);
    expect(html).toContain('<span class="visually-hidden">First response Median</span>');
    const rows = html.match(/<th scope="row">[^<]*<\/th>/g);
    expect(rows).toEqual(['<th scope="row">Email</th>', '<th scope="row">Web chat</th>', '<th scope="row">No team</th>', '<th scope="row">Total</th>']);
    expect(html).toMatch(/<tfoot><tr class="report-total"><th scope="row">Total<\/th>/);
  });

  it('durations for humans, rates with n/of (spoken "n of of"), no data as a dash spoken "no data"', () => {
    const emailRow = text(table().split('<th scope="row">Email</th>')[1]!.split('</tr>')[0]!);
    expect(emailRow).toContain('|12 min 30 s|'); // first response median
    expect(emailRow).toContain('|1 h 5 min|'); // first response p90
    expect(emailRow).toContain('|1 min 15 s|'); // next response median
    expect(emailRow).toContain('|1 d 2 h|'); // resolution median
    expect(emailRow).toContain('|75% |3/4|(3 of 4)|'); // FCR
    expect(emailRow).toContain('|12.5% |1/8|(1 of 8)|'); // reopen
    expect(emailRow).toContain('|80% |4/5|(4 of 5)|'); // SLA
    expect(emailRow).toContain('|3.5|'); // CSAT average
    expect(emailRow).toContain('|50% |1/2|(1 of 2)|'); // satisfied
    expect(emailRow).toContain('|40% |2/5|(2 of 5)|'); // response rate
    const noneRow = table().split('<th scope="row">No team</th>')[1]!.split('</tr>')[0]!;
    expect(noneRow.match(/<span aria-hidden="true">—<\/span><span class="visually-hidden">no data<\/span>/g)).toHaveLength(12);
  });

  it('every number with a drill metric is a named button; zeros are plain text', () => {
    const html = table();
    const labels = [...html.matchAll(/<button type="button" class="btn-link report-drill" aria-label="([^"]+)"/g)].map((m) => m[1]);
    expect(labels).toEqual(
      expect.arrayContaining([
        '10 created, Email: show the conversations',
        '8 resolved, Email: show the conversations',
        '1 no reply, Email: show the conversations',
        '75% (3 of 4) resolved at first contact, Email: show the conversations',
        '1 missed, Email: show the conversations',
        '2 pending (1 already missed), Email: show the conversations',
        '12.5% (1 of 8) reopened, Email: show the conversations',
        '80% (4 of 5) SLA met, Email: show the conversations',
        '1 breached, Email: show the conversations',
        'low CSAT scores, Email: show the conversations',
        '40% (2 of 5) CSAT answered, Email: show the conversations',
        '3 created, Web chat: show the conversations',
        '13 created, Total: show the conversations',
      ]),
    );
    expect(labels.filter((l) => l!.includes('No team'))).toEqual([]);
    // Web chat: created 3, resolved 0 → only "created" opens a list.
    expect(labels.filter((l) => l!.includes('Web chat'))).toEqual(['3 created, Web chat: show the conversations']);
  });
});

describe('chart data-table view', () => {
  const figure = (defaultShowTable: boolean, empty = false) =>
    renderToStaticMarkup(
      createElement(ChartFigure, { title: 'Volume', summary: 'Volume, 3 periods.', empty, table: createElement('table', null, createElement('caption', null, 'Volume')), defaultShowTable, children: createElement('svg') }),
    );

  it('collapsed: the toggle says "Show data table", aria-expanded=false, controls the hidden table', () => {
    const html = figure(false);
    const button = /<button type="button" class="btn btn-small" aria-expanded="false" aria-controls="([^"]+)">Show data table<\/button>/.exec(html);
    expect(button).not.toBeNull();
    expect(html).toContain(`<div id="${button![1]}" class="report-chart-table" hidden="">`);
    expect(html).toMatch(/<div class="report-chart-plot" role="img" aria-label="Volume, 3 periods.">/);
    expect(html).toMatch(/<figure class="report-chart" aria-labelledby="([^"]+)"><div class="report-chart-head"><figcaption id="\1">Volume<\/figcaption>/);
  });

  it('expanded: aria-expanded=true, "Hide data table", the table shown', () => {
    const html = figure(true);
    const button = /aria-expanded="true" aria-controls="([^"]+)">Hide data table<\/button>/.exec(html);
    expect(button).not.toBeNull();
    expect(html).toContain(`<div id="${button![1]}" class="report-chart-table"><table><caption>Volume</caption>`);
  });

  it('empty: a message in place of the plot (no role="img"), the toggle stays', () => {
    const html = figure(false, true);
    expect(html).not.toContain('role="img"');
    expect(html).toContain('<p class="report-chart-empty">No data in this range.</p>');
    expect(html).toContain('Show data table');
  });

  it('the real charts render with data and when empty', () => {
    const fr = renderToStaticMarkup(createElement(FirstResponseChart, { report: fixtureReport }));
    expect(fr).toContain('role="img" aria-label="First response median by channel, 2 groups: best Web chat 1 min, worst Email 12 min 30 s."');
    expect(text(fr)).toContain('|Email|12 min 30 s|Web chat|1 min|No team|—|');
    const fc = renderToStaticMarkup(createElement(FcrCsatChart, { report: fixtureReport }));
    expect(text(fc)).toContain('|Email|75%|50%|3.5|');
    const emptyReport = { ...fixtureReport, rows: [row('x', 'Quiet')] };
    expect(renderToStaticMarkup(createElement(FcrCsatChart, { report: emptyReport }))).toContain('No data in this range.');
    expect(renderToStaticMarkup(createElement(FirstResponseChart, { report: emptyReport }))).toContain('No data in this range.');
    const vol = renderToStaticMarkup(createElement(VolumeChart, { trend: undefined, channelNames: new Map() }));
    expect(vol).toContain('No data in this range.');
    expect(vol).toContain('<label class="report-inline-field" for="report-volume-mode">Show <select id="report-volume-mode">');
  });
});

describe('drill-down list', () => {
  const items: DrillItem[] = [
    { conversationId: 'c1', contactId: 'ct1', contactName: '<b>Ana</b>', channelId: 'ch', channelName: 'Email', status: 'resolved', assigneeName: null, createdAt: '2026-11-20T10:00:00.000Z', resolvedAt: '2026-11-20T11:00:00.000Z', csatScore: 5 },
  ];

  it('a row per conversation, customer text escaped, an Open button named after the contact', () => {
    const html = renderToStaticMarkup(createElement(DrillTable, { items, caption: 'Email: created', openConversation: () => undefined }));
    expect(html).toContain('<th scope="row">&lt;b&gt;Ana&lt;/b&gt;</th><td>Email</td><td>Resolved</td><td>Unassigned</td>');
    expect(html).toContain('<td>5</td>');
    expect(html).toContain('aria-label="Open the conversation with &lt;b&gt;Ana&lt;/b&gt;">Open</button>');
    expect(renderToStaticMarkup(createElement(DrillTable, { items: [], caption: 'x', openConversation: () => undefined }))).toBe('<p>No conversations.</p>');
  });
});

describe('trend bucket labels', () => {
  it('a day bucket is named by its UTC date, also west of UTC (where 00:00Z is the evening before)', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(new Date('2026-11-20T00:00:00.000Z').getDate()).toBe(19); // the local date would be the day before
      expect(bucketLabel('2026-11-20T00:00:00.000Z', 'day', 'en-US', false)).toBe('Nov 20');
      expect(bucketLabel('2026-11-26T00:00:00.000Z', 'day', 'en-US', true)).toBe('Nov 26');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});
