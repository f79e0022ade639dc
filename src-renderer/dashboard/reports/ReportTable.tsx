// The metrics table of the Reports tab: one row per group plus the total row, every metric of a ReportRow. Numbers
// with a drill-down metric are buttons (onDrill); rates show "n of of" to screen readers and "n/of" on screen.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DrillMetric, Rate, Report, ReportRow } from '../../../src-shared/metrics';
import { drillCount, formatAverage, formatDuration, formatPercent, rateText, type DrillTarget, type Translate } from './report-logic';

export interface ReportTableProps {
  report: Report;
  /** The range as shown in the caption (local dates). */
  rangeText: { from: string; to: string };
  onDrill: (target: DrillTarget) => void;
}

interface CellContext {
  row: ReportRow;
  /** undefined = the total row (drill-down over every row). */
  rowKey: string | null | undefined;
  t: Translate;
  locale: string;
  onDrill: (target: DrillTarget) => void;
}

/** A number that opens the conversations behind it; plain text when there are none. */
function DrillButton({ ctx, metric, value, text, count, selfNamed }: { ctx: CellContext; metric: DrillMetric; value: ReactNode; text: string; count: number | null; selfNamed?: boolean }) {
  if (count === 0) return <>{value}</>;
  // Short links ("2 pending") already say what they count; numbers get the metric's name.
  const label = selfNamed ? ctx.t('reports.drillLabelShort', { value: text, group: ctx.row.label }) : ctx.t('reports.drillLabel', { value: text, metric: ctx.t(`reports.metric.${metric}`), group: ctx.row.label });
  return (
    <button
      type="button"
      className="btn-link report-drill"
      aria-label={label}
      onClick={() => ctx.onDrill({ key: ctx.rowKey, rowLabel: ctx.row.label, metric })}
    >
      {value}
    </button>
  );
}

/** "75%" with "3/4" on screen and "3 of 4" for screen readers; "—" when nothing could count. */
function RateValue({ rate, ctx }: { rate: Rate; ctx: CellContext }) {
  const pct = formatPercent(rate.rate, ctx.locale);
  if (pct === null) return <NoData t={ctx.t} />;
  return (
    <>
      {pct}{' '}
      <span className="report-of" aria-hidden="true">
        {rate.n}/{rate.of}
      </span>
      <span className="visually-hidden">({ctx.t('reports.nOf', { n: rate.n, of: rate.of })})</span>
    </>
  );
}

function NoData({ t }: { t: Translate }) {
  return (
    <>
      <span aria-hidden="true">{t('reports.none')}</span>
      <span className="visually-hidden">{t('reports.noData')}</span>
    </>
  );
}

/** A secondary drill link under the main value ("2 pending"), only when there is something behind it. */
function Extra({ ctx, metric }: { ctx: CellContext; metric: 'unanswered' | 'fcrMissed' | 'fcrPending' | 'slaBreached' | 'csatLow' }) {
  const count = drillCount(ctx.row, metric);
  if (count === 0) return null;
  if (metric === 'csatLow' && ctx.row.csat.responses === 0) return null;
  // Pending FCR that already missed is said, though it is not in the rate until its window has passed.
  const missed = metric === 'fcrPending' ? ctx.row.fcr.pendingMissed : 0;
  const text = missed > 0 ? ctx.t('reports.short.fcrPendingMissed', { count, missed }) : ctx.t(`reports.short.${metric}`, { count });
  return (
    <span className="report-extra">
      <DrillButton ctx={ctx} metric={metric} value={text} text={text} count={count} selfNamed />
    </span>
  );
}

function Duration({ ms, t }: { ms: number | null; t: Translate }) {
  const s = formatDuration(ms, t);
  return s === null ? <NoData t={t} /> : <>{s}</>;
}

function Row({ ctx, total }: { ctx: CellContext; total?: boolean }) {
  const { row, t, locale } = ctx;
  const rateRate = (r: Rate) => <RateValue rate={r} ctx={ctx} />;
  const rt = (r: Rate) => rateText(r, locale, t) ?? '';
  const satisfiedN = row.csat.satisfied === null ? 0 : Math.round(row.csat.satisfied * row.csat.responses);
  const responseRate: Rate = { n: row.csat.responses, of: row.csat.sent, rate: row.csat.responseRate };
  return (
    <tr className={total ? 'report-total' : undefined}>
      <th scope="row">{row.label}</th>
      <td>
        <DrillButton ctx={ctx} metric="created" value={row.volume.created} text={String(row.volume.created)} count={row.volume.created} />
      </td>
      <td>
        <DrillButton ctx={ctx} metric="resolved" value={row.volume.resolved} text={String(row.volume.resolved)} count={row.volume.resolved} />
      </td>
      <td>
        <Duration ms={row.firstResponse.medianMs} t={t} />
        <Extra ctx={ctx} metric="unanswered" />
      </td>
      <td>
        <Duration ms={row.firstResponse.p90Ms} t={t} />
      </td>
      <td>
        <Duration ms={row.nextResponse.medianMs} t={t} />
      </td>
      <td>
        <Duration ms={row.nextResponse.p90Ms} t={t} />
      </td>
      <td>
        <Duration ms={row.resolution.medianMs} t={t} />
      </td>
      <td>
        <Duration ms={row.resolution.p90Ms} t={t} />
      </td>
      <td>
        {row.fcr.rate === null ? <NoData t={t} /> : <DrillButton ctx={ctx} metric="fcr" value={rateRate(row.fcr)} text={rt(row.fcr)} count={row.fcr.n} />}
        <Extra ctx={ctx} metric="fcrMissed" />
        <Extra ctx={ctx} metric="fcrPending" />
      </td>
      <td>{row.reopen.rate === null ? <NoData t={t} /> : <DrillButton ctx={ctx} metric="reopened" value={rateRate(row.reopen)} text={rt(row.reopen)} count={row.reopen.n} />}</td>
      <td>
        {row.slaCompliance.rate === null ? <NoData t={t} /> : <DrillButton ctx={ctx} metric="slaMet" value={rateRate(row.slaCompliance)} text={rt(row.slaCompliance)} count={row.slaCompliance.n} />}
        <Extra ctx={ctx} metric="slaBreached" />
      </td>
      <td>
        {formatAverage(row.csat.average, locale) ?? <NoData t={t} />}
        <Extra ctx={ctx} metric="csatLow" />
      </td>
      <td>{row.csat.satisfied === null ? <NoData t={t} /> : rateRate({ n: satisfiedN, of: row.csat.responses, rate: row.csat.satisfied })}</td>
      <td>
        {row.csat.responseRate === null ? (
          <NoData t={t} />
        ) : (
          <DrillButton ctx={ctx} metric="csatResponses" value={rateRate(responseRate)} text={rt(responseRate)} count={row.csat.responses} />
        )}
      </td>
    </tr>
  );
}

/** The column headers: group headers (scope=colgroup) over the sub-columns (scope=col); hidden text names each fully. */
function Head({ groupLabel, t }: { groupLabel: string; t: Translate }) {
  const sub = (visible: string, full: string) => (
    <th scope="col">
      <span aria-hidden="true">{visible}</span>
      <span className="visually-hidden">{full}</span>
    </th>
  );
  const median = t('reports.col.median');
  const p90 = t('reports.col.p90');
  const fr = t('reports.col.firstResponse');
  const nr = t('reports.col.nextResponse');
  const res = t('reports.col.resolution');
  const csat = t('reports.col.csat');
  return (
    <thead>
      <tr>
        <th scope="col" rowSpan={2}>
          {groupLabel}
        </th>
        <th scope="colgroup" colSpan={2}>
          {t('reports.col.volume')}
        </th>
        <th scope="colgroup" colSpan={2}>
          {fr}
        </th>
        <th scope="colgroup" colSpan={2}>
          {nr}
        </th>
        <th scope="colgroup" colSpan={2}>
          {res}
        </th>
        <th scope="col" rowSpan={2}>
          {t('reports.col.fcr')}
        </th>
        <th scope="col" rowSpan={2}>
          {t('reports.col.reopen')}
        </th>
        <th scope="col" rowSpan={2}>
          {t('reports.col.sla')}
        </th>
        <th scope="colgroup" colSpan={3}>
          {csat}
        </th>
      </tr>
      <tr>
        {sub(t('reports.created'), t('reports.created'))}
        {sub(t('reports.resolved'), t('reports.resolved'))}
        {sub(median, `${fr} ${median}`)}
        {sub(p90, `${fr} ${p90}`)}
        {sub(median, `${nr} ${median}`)}
        {sub(p90, `${nr} ${p90}`)}
        {sub(median, `${res} ${median}`)}
        {sub(p90, `${res} ${p90}`)}
        {sub(t('reports.col.average'), `${csat} ${t('reports.col.average')}`)}
        {sub(t('reports.col.satisfied'), `${csat} ${t('reports.col.satisfied')}`)}
        {sub(t('reports.col.responseRate'), `${csat} ${t('reports.col.responseRate')}`)}
      </tr>
    </thead>
  );
}

export function ReportTable({ report, rangeText, onDrill }: ReportTableProps) {
  const { t, i18n } = useTranslation();
  const groupLabel = t(`reports.group.${report.groupBy}`);
  const base = { t, locale: i18n.language, onDrill };
  return (
    // Wide table: its own keyboard-scrollable region rather than a page that scrolls sideways.
    <div className="report-table-wrap" role="region" aria-label={t('reports.tableRegion')} tabIndex={0}>
      <table className="report-table">
        <caption>{t('reports.tableCaption', { group: groupLabel.toLowerCase(), from: rangeText.from, to: rangeText.to })}</caption>
        <colgroup>
          <col />
        </colgroup>
        <colgroup span={2} />
        <colgroup span={2} />
        <colgroup span={2} />
        <colgroup span={2} />
        <colgroup span={3} />
        <colgroup span={3} />
        <Head groupLabel={groupLabel} t={t} />
        <tbody>
          {report.rows.map((row, i) => (
            <Row key={`${row.key ?? '∅'}-${i}`} ctx={{ ...base, row, rowKey: row.key }} />
          ))}
        </tbody>
        <tfoot>
          <Row total ctx={{ ...base, row: { ...report.total, label: t('reports.total') }, rowKey: undefined }} />
        </tfoot>
      </table>
    </div>
  );
}
