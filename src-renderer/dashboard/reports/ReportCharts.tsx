// The Reports tab's charts (recharts): volume over time, first-response median per group, FCR and CSAT per group.
// Each sits in a ChartFigure (role="img" summary + data-table toggle). recharts' own keyboard layer is off: the plot
// is an image to assistive technology and the data table is the accessible way to read the numbers.
// The default export is the charts grid, loaded lazily by Reports.tsx so recharts stays out of the main bundle.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { Report, Trend } from '../../../src-shared/metrics';
import { ChartFigure } from './ChartFigure';
import { chartColors, durationAxis, formatAverage, formatDuration, formatPercent, groupData, groupSummary, MAX_CHART_GROUPS, trendData, trendSummary, type GroupDatum, type TrendMode } from './report-logic';

const tick = { fill: 'currentColor', fontSize: 12 };
const plotStyle = { width: '100%', height: 260 };

export function VolumeChart({ trend, channelNames }: { trend: Trend | undefined; channelNames: ReadonlyMap<string, string> }) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<TrendMode>('status');
  const title = t('reports.chart.volume');
  const data = trend ? trendData(trend, mode, channelNames, t, i18n.language) : { rows: [], series: [], totals: [] };
  const empty = data.totals.every((n) => n === 0);
  const modeId = 'report-volume-mode';
  const tools = (
    <label className="report-inline-field" htmlFor={modeId}>
      {t('reports.chart.volumeMode')}{' '}
      <select id={modeId} value={mode} onChange={(e) => setMode(e.target.value as TrendMode)}>
        <option value="status">{t('reports.chart.volumeModeOption.status')}</option>
        <option value="channel">{t('reports.chart.volumeModeOption.channel')}</option>
      </select>
    </label>
  );
  const table = (
    <table className="report-data-table">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{t('reports.chart.period')}</th>
          {data.series.map((s) => (
            <th scope="col" key={s.dataKey}>
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.rows.map((r) => (
          <tr key={String(r.start)}>
            <th scope="row">{r.label}</th>
            {data.series.map((s) => (
              <td key={s.dataKey}>{r[s.dataKey]}</td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('reports.total')}</th>
          {data.totals.map((n, i) => (
            <td key={data.series[i]!.dataKey}>{n}</td>
          ))}
        </tr>
      </tfoot>
    </table>
  );
  return (
    <ChartFigure title={title} summary={trendSummary(data, title, t)} empty={empty} tools={tools} table={table}>
      <BarChart data={data.rows} responsive style={plotStyle} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={tick} minTickGap={8} />
        <YAxis allowDecimals={false} tick={tick} width={40} />
        <Tooltip />
        <Legend />
        {data.series.map((s) => (
          <Bar key={s.dataKey} dataKey={s.dataKey} name={s.name} fill={s.color} stackId={mode === 'channel' ? 'created' : undefined} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFigure>
  );
}

/** Horizontal bars, one per group: long group names fit on the category axis, the height follows the group count. */
function groupChartHeight(n: number): number {
  return Math.max(140, 48 + n * 30);
}

function GroupTableHead({ groupLabel, columns }: { groupLabel: string; columns: string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">{groupLabel}</th>
        {columns.map((c) => (
          <th scope="col" key={c}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function FirstResponseChart({ report }: { report: Report }) {
  const { t } = useTranslation();
  const group = t(`reports.group.${report.groupBy}`);
  const title = t('reports.chart.firstResponse', { group: group.toLowerCase() });
  const all = report.rows.map((r) => ({ label: r.label, ms: r.firstResponse.medianMs }));
  const data = groupData(report);
  const show = (d: GroupDatum) => formatDuration(d.firstResponseMs, t) ?? t('reports.none');
  const table = (
    <table className="report-data-table">
      <caption>{title}</caption>
      <GroupTableHead groupLabel={group} columns={[t('reports.col.median')]} />
      <tbody>
        {all.map((r, i) => (
          <tr key={`${r.label}-${i}`}>
            <th scope="row">{r.label}</th>
            <td>{formatDuration(r.ms, t) ?? t('reports.none')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  const plotted = data.filter((d) => d.firstResponseMs !== null);
  const axis = durationAxis(Math.max(0, ...plotted.map((d) => d.firstResponseMs!)));
  const bars = data.map((d) => ({ ...d, value: d.firstResponseMs === null ? null : Math.round((d.firstResponseMs / axis.divisor) * 100) / 100 }));
  return (
    <ChartFigure
      title={title}
      summary={groupSummary(data, title, (d) => d.firstResponseMs, show, true, t)}
      empty={plotted.length === 0}
      note={report.rows.length > MAX_CHART_GROUPS ? t('reports.chart.topGroups', { count: MAX_CHART_GROUPS }) : undefined}
      table={table}
    >
      <BarChart data={bars} layout="vertical" responsive style={{ width: '100%', height: groupChartHeight(data.length) }} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" tick={tick} allowDecimals={false} tickFormatter={(v: number) => t(`reports.duration.${axis.unit}`, { n: v })} />
        <YAxis type="category" dataKey="label" tick={tick} width={130} />
        <Tooltip formatter={(_v, _n, item) => show(item.payload as GroupDatum)} />
        <Bar dataKey="value" name={t('reports.col.median')} fill={chartColors[0]} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}

export function FcrCsatChart({ report }: { report: Report }) {
  const { t, i18n } = useTranslation();
  const group = t(`reports.group.${report.groupBy}`);
  const title = t('reports.chart.fcrCsat', { group: group.toLowerCase() });
  const data = groupData(report);
  const pct = (v: number | null) => (v === null ? t('reports.none') : `${v}%`);
  const table = (
    <table className="report-data-table">
      <caption>{title}</caption>
      <GroupTableHead groupLabel={group} columns={[t('reports.chart.fcrPct'), t('reports.chart.satisfiedPct'), t('reports.chart.csatAverage')]} />
      <tbody>
        {report.rows.map((r, i) => (
          <tr key={`${r.label}-${i}`}>
            <th scope="row">{r.label}</th>
            <td>{formatPercent(r.fcr.rate, i18n.language) ?? t('reports.none')}</td>
            <td>{formatPercent(r.csat.satisfied, i18n.language) ?? t('reports.none')}</td>
            <td>{formatAverage(r.csat.average, i18n.language) ?? t('reports.none')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  const empty = data.every((d) => d.fcrPct === null && d.satisfiedPct === null);
  const fcrSummary = groupSummary(data, t('reports.chart.fcrPct'), (d) => d.fcrPct, (d) => pct(d.fcrPct), false, t);
  const csatSummary = groupSummary(data, t('reports.chart.satisfiedPct'), (d) => d.satisfiedPct, (d) => pct(d.satisfiedPct), false, t);
  return (
    <ChartFigure
      title={title}
      summary={`${title}. ${fcrSummary} ${csatSummary}`}
      empty={empty}
      note={report.rows.length > MAX_CHART_GROUPS ? t('reports.chart.topGroups', { count: MAX_CHART_GROUPS }) : undefined}
      table={table}
    >
      <BarChart data={data} layout="vertical" responsive style={{ width: '100%', height: groupChartHeight(data.length) * 1.4 }} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" domain={[0, 100]} tick={tick} unit="%" />
        <YAxis type="category" dataKey="label" tick={tick} width={130} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? `${v}%` : t('reports.none'))} />
        <Legend />
        <Bar dataKey="fcrPct" name={t('reports.chart.fcrPct')} fill={chartColors[2]} isAnimationActive={false} />
        <Bar dataKey="satisfiedPct" name={t('reports.chart.satisfiedPct')} fill={chartColors[1]} isAnimationActive={false} />
      </BarChart>
    </ChartFigure>
  );
}

export default function ReportChartsGrid({ report, trend, channelNames }: { report: Report; trend: Trend | undefined; channelNames: ReadonlyMap<string, string> }) {
  return (
    <div className="report-charts">
      <VolumeChart trend={trend} channelNames={channelNames} />
      <FirstResponseChart report={report} />
      <FcrCsatChart report={report} />
    </div>
  );
}
