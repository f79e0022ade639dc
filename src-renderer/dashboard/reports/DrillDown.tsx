// The conversations behind one number of the report (GET /api/v1/metrics/conversations through 'metrics.drill'):
// a table with an Open button per conversation (the dashboard window hands the id to the main window) and a CSV
// export of the whole list. The heading takes focus when the list opens, so keyboard users land on it.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DrillItem, ReportGroupBy } from '../../../src-shared/metrics';
import { absoluteTime } from '../../lib/format';
import type { DrillTarget } from './report-logic';
import { useDrill, type ReportParams } from './use-reports';

/** Rows rendered at first (and per "Show more"): the list itself is uncapped, and so is its CSV. */
export const DRILL_PAGE = 200;

export interface DrillDownProps {
  params: ReportParams;
  target: DrillTarget;
  onClose: () => void;
  onExport: (target: DrillTarget) => void;
  exporting: boolean;
  openConversation: (conversationId: string) => void;
}

export function DrillDown({ params, target, onClose, onExport, exporting, openConversation }: DrillDownProps) {
  const { t } = useTranslation();
  const drill = useDrill({ ...params, key: target.key, metric: target.metric });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [target]);
  const title = t('reports.drill.title', { group: target.rowLabel, metric: t(`reports.metric.${target.metric}`) });
  return (
    <section className="report-drill-panel" aria-labelledby="report-drill-title">
      <div className="report-drill-head">
        <h3 id="report-drill-title" ref={heading} tabIndex={-1}>
          {title}
        </h3>
        {drill.data && <span className="muted">{t('reports.drill.count', { count: drill.data.items.length })}</span>}
        <button type="button" className="btn btn-small" disabled={exporting || !drill.data} onClick={() => onExport(target)}>
          {exporting ? t('reports.exporting') : t('reports.exportCsv')}
        </button>
        <button type="button" className="btn btn-small btn-quiet" onClick={onClose}>
          {t('reports.drill.close')}
        </button>
      </div>
      {drill.isPending && <p role="status">{t('reports.drill.loading')}</p>}
      {drill.isError && <p role="alert">{t('reports.drill.failed', { message: drill.error.message })}</p>}
      {drill.data && <DrillTable items={drill.data.items} caption={title} groupBy={params.groupBy} openConversation={openConversation} />}
    </section>
  );
}

export function DrillTable({ items, caption, openConversation }: { items: DrillItem[]; caption: string; groupBy?: ReportGroupBy; openConversation: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const [shown, setShown] = useState(DRILL_PAGE);
  if (items.length === 0) return <p>{t('reports.drill.empty')}</p>;
  const time = (iso: string | null) => (iso ? absoluteTime(iso, i18n.language) : t('reports.none'));
  return (
    <>
      <table className="report-data-table report-drill-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reports.drill.contact')}</th>
            <th scope="col">{t('reports.drill.channel')}</th>
            <th scope="col">{t('reports.drill.status')}</th>
            <th scope="col">{t('reports.drill.assignee')}</th>
            <th scope="col">{t('reports.drill.created')}</th>
            <th scope="col">{t('reports.drill.resolved')}</th>
            <th scope="col">{t('reports.drill.csat')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('reports.drill.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, shown).map((c) => (
            <tr key={c.conversationId}>
              <th scope="row">{c.contactName}</th>
              <td>{c.channelName}</td>
              <td>{t(`conversationStatus.${c.status}`, { defaultValue: c.status })}</td>
              <td>{c.assigneeName ?? t('reports.drill.unassigned')}</td>
              <td>{time(c.createdAt)}</td>
              <td>{time(c.resolvedAt)}</td>
              <td>{c.csatScore ?? t('reports.none')}</td>
              <td>
                <button type="button" className="btn btn-small" aria-label={t('reports.drill.openLabel', { contact: c.contactName })} onClick={() => openConversation(c.conversationId)}>
                  {t('reports.drill.open')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length > shown && (
        <button type="button" className="btn btn-small" onClick={() => setShown((n) => n + DRILL_PAGE)}>
          {t('reports.drill.showMore', { count: Math.min(DRILL_PAGE, items.length - shown) })}
        </button>
      )}
    </>
  );
}
