// The dashboard's "Reports" tab (issue 8, docs/metrics.md "Reports tab"): report controls, the metrics table with
// drill-down, charts with data tables, CSV export. Data from the server's metrics API through the core; refreshed
// when the controls change and, throttled, on sync `changed` events (use-reports.ts). The dashboard window renders
// it and wires `openConversation` to the main window.
import { lazy, Suspense, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { focusReturner } from '../../lib/return-focus';
import { useCall } from '../../state/bridge-context';
import { useChannels } from '../../state/queries';
import { DrillDown } from './DrillDown';
import { saveTextFile } from './download';
import { initialControls, ReportControls, type ReportControlsValue } from './ReportControls';
import { drillFileName, rangeFor, reportFileName, trendInterval, type DrillTarget } from './report-logic';
import { ReportTable } from './ReportTable';
import { useReport, useTrend, type ReportParams } from './use-reports';

// recharts is big: its chunk loads when the Reports tab first shows, not with the agent's inbox.
const ReportChartsGrid = lazy(() => import('./ReportCharts'));

export interface ReportsProps {
  /** Open a conversation (in the main window). */
  openConversation: (conversationId: string) => void;
}

export function Reports({ openConversation }: ReportsProps) {
  const { t, i18n } = useTranslation();
  const call = useCall();
  const [controls, setControls] = useState<ReportControlsValue>(() => initialControls(new Date()));
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [exporting, setExporting] = useState<'report' | 'drill' | null>(null);
  const [exportMessage, setExportMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // The drill-down takes focus when it opens; closing it gives focus back to the number that opened it.
  const returnFocus = useRef<ReturnType<typeof focusReturner> | null>(null);
  const openDrill = (d: DrillTarget) => {
    returnFocus.current = focusReturner();
    setDrill(d);
  };
  const closeDrill = () => {
    setDrill(null);
    returnFocus.current?.();
    returnFocus.current = null;
  };

  // Whole local days, computed when the range controls change (a stable query key, not a moving "now").
  const range = useMemo(() => rangeFor(controls.preset, new Date(), { from: controls.customFrom, to: controls.customTo }), [controls.preset, controls.customFrom, controls.customTo]);
  const params: ReportParams | null = range.ok ? { from: range.from, to: range.to, groupBy: controls.groupBy, clock: controls.clock, fcrWindowDays: controls.fcrWindowDays } : null;
  const report = useReport(params);
  const trend = useTrend(range.ok ? { from: range.from, to: range.to, interval: trendInterval(range.from, range.to), clock: controls.clock } : null);
  const channels = useChannels();
  const channelNames = useMemo(() => new Map((channels.data ?? []).map((c) => [c.id, c.name])), [channels.data]);

  const dateFmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  const rangeText = range.ok ? { from: dateFmt.format(new Date(range.from)), to: dateFmt.format(new Date(Date.parse(range.to) - 1)) } : null;

  function update(patch: Partial<ReportControlsValue>) {
    setControls((c) => ({ ...c, ...patch }));
    // A drill-down belongs to the numbers it came from.
    setDrill(null);
    setExportMessage(null);
  }

  async function exportCsv(target: DrillTarget | null) {
    if (!params) return;
    setExporting(target ? 'drill' : 'report');
    setExportMessage(null);
    try {
      // A drill-down list has no clock (it lists conversations, not durations).
      const { clock: _clock, ...drillBase } = params;
      const csv = target ? await call('metrics.exportCsv', { kind: 'drill', ...drillBase, key: target.key, metric: target.metric }) : await call('metrics.exportCsv', { kind: 'report', ...params });
      const file = target ? drillFileName(target, params.groupBy, params.from, params.to) : reportFileName(params.groupBy, params.from, params.to);
      saveTextFile(file, csv);
      setExportMessage({ ok: true, text: t('reports.exported', { file }) });
    } catch (err) {
      setExportMessage({ ok: false, text: t('reports.exportFailed', { message: (err as Error).message }) });
    } finally {
      setExporting(null);
    }
  }

  return (
    <section className="reports" aria-labelledby="reports-title">
      <div className="reports-head">
        <h2 id="reports-title">{t('reports.title')}</h2>
        <button type="button" className="btn btn-small" disabled={!report.data || exporting !== null} onClick={() => void exportCsv(null)}>
          {exporting === 'report' ? t('reports.exporting') : t('reports.exportCsv')}
        </button>
        <span role="status" className={exportMessage && !exportMessage.ok ? 'report-error' : 'muted'}>
          {exportMessage?.text ?? (report.isFetching && report.data ? t('reports.updating') : '')}
        </span>
      </div>
      <ReportControls value={controls} onChange={update} rangeError={range.ok ? null : t(range.error)} />
      {params && report.isPending && <p role="status">{t('reports.loading')}</p>}
      {report.isError && <p role="alert">{t('reports.failed', { message: report.error.message })}</p>}
      {report.data && rangeText && (
        <>
          <ReportTable report={report.data} rangeText={rangeText} onDrill={(d) => !report.isPlaceholderData && openDrill(d)} />
          {drill && params && <DrillDown params={params} target={drill} onClose={closeDrill} onExport={(d) => void exportCsv(d)} exporting={exporting === 'drill'} openConversation={openConversation} />}
          <Suspense fallback={<p role="status">{t('reports.chart.loading')}</p>}>
            <ReportChartsGrid report={report.data} trend={trend.data} channelNames={channelNames} />
          </Suspense>
        </>
      )}
    </section>
  );
}
