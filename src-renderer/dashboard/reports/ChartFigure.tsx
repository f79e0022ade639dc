// One chart of the Reports tab: a titled <figure> whose plot is an image to assistive technology (role="img" with a
// spoken summary) and whose numbers are always reachable as a real table behind a "Show data table" toggle.
// An empty chart keeps its height and says so instead of drawing empty axes.
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ChartFigureProps {
  title: string;
  /** The role="img" label: what the chart shows, in a sentence. */
  summary: string;
  empty: boolean;
  /** Extra controls in the figure's head (e.g. what the volume chart stacks by). */
  tools?: ReactNode;
  /** Shown under the plot (e.g. "only the 20 biggest groups are drawn"). */
  note?: string;
  /** The chart itself (recharts); rendered only when not empty. */
  children: ReactNode;
  /** The data table (with its own caption). */
  table: ReactNode;
  /** Initial state of the toggle (tests render both states). */
  defaultShowTable?: boolean;
}

export function ChartFigure({ title, summary, empty, tools, note, children, table, defaultShowTable = false }: ChartFigureProps) {
  const { t } = useTranslation();
  const [showTable, setShowTable] = useState(defaultShowTable);
  const titleId = useId();
  const tableId = useId();
  return (
    <figure className="report-chart" aria-labelledby={titleId}>
      <div className="report-chart-head">
        <figcaption id={titleId}>{title}</figcaption>
        {tools}
      </div>
      {empty ? (
        <p className="report-chart-empty">{t('reports.chart.empty')}</p>
      ) : (
        <div className="report-chart-plot" role="img" aria-label={summary}>
          {children}
        </div>
      )}
      {note && <p className="muted small">{note}</p>}
      <button type="button" className="btn btn-small" aria-expanded={showTable} aria-controls={tableId} onClick={() => setShowTable((v) => !v)}>
        {showTable ? t('reports.chart.hideTable') : t('reports.chart.showTable')}
      </button>
      <div id={tableId} className="report-chart-table" hidden={!showTable}>
        {table}
      </div>
    </figure>
  );
}
