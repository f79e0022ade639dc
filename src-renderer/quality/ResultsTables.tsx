// Quality results for a range (docs/quality.md): one table per agent, one per channel, with captions. Each row:
// conversations and reviews counted, Σ score / Σ max as a percentage, and each criterion's mean score.
import { useTranslation } from 'react-i18next';
import type { ResultRow } from '../../src-shared/quality';
import { criterionColumns, formatNumber } from './quality-view';
import { useResults } from './queries';

export function ResultsTables({ from, to }: { from: string; to: string }) {
  const { t } = useTranslation();
  const results = useResults(from, to);
  if (results.isPending) return <p role="status">{t('quality.loading')}</p>;
  if (results.isError) return <p role="alert">{t('quality.failed', { message: results.error.message })}</p>;
  if (results.data.byAgent.length === 0) return <p className="muted">{t('quality.noResults')}</p>;
  return (
    <>
      <ResultsTable caption={t('quality.byAgent')} keyHeader={t('quality.agent')} rows={results.data.byAgent} />
      <ResultsTable caption={t('quality.byChannel')} keyHeader={t('quality.channel')} rows={results.data.byChannel} />
    </>
  );
}

function ResultsTable({ caption, keyHeader, rows }: { caption: string; keyHeader: string; rows: ResultRow[] }) {
  const { t } = useTranslation();
  const columns = criterionColumns(rows);
  return (
    <table className="dashboard-table quality-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyHeader}</th>
          <th scope="col">{t('quality.conversations')}</th>
          <th scope="col">{t('quality.reviews')}</th>
          <th scope="col">{t('quality.scorePercent')}</th>
          {columns.map((c) => (
            <th scope="col" key={c.id}>
              {c.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key ?? 'none'}>
            <th scope="row">{r.key === null ? t('quality.unassigned') : r.label}</th>
            <td>{r.conversations}</td>
            <td>{r.reviews}</td>
            <td>{t('quality.percent', { value: formatNumber(r.percent) })}</td>
            {columns.map((c) => {
              const cr = r.criteria.find((x) => x.id === c.id);
              return <td key={c.id}>{cr ? t('quality.criterionCell', { average: formatNumber(cr.average), max: formatNumber(cr.averageMax), percent: formatNumber(cr.percent) }) : t('quality.none')}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
