// The supervisor's dashboard (issue 8, docs/metrics.md): live queues per channel, agents' presence and load,
// SLA at-risk and breached counts. Data from the server's metrics API through the core ('metrics.live'); refreshed
// only by the sync stream's `changed` events (query-keys.ts invalidates queryKeys.dashboard), never by polling.
// Shown in place of the inbox panes (browser host and Electron alike); in Electron it is meant to become its own
// BrowserWindow later. Numbers drill down into the inbox, filtered to the conversations behind them.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../src-shared/domain';
import { useCall } from '../state/bridge-context';
import { queryKeys } from '../state/query-keys';
import { useUi } from '../state/ui-store';

export const canOpenDashboard = (role: Role | undefined): boolean => role === 'admin' || role === 'supervisor';

/** 75 s → "1 min 15 s", 2 h 5 min → "2 h 5 min". */
export function formatWait(ms: number | null): string | null {
  if (ms === null) return null;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

function slaCell(n: number, label: string, onClick: () => void) {
  if (n === 0) return n;
  return (
    <button type="button" className="btn-link" aria-label={label} onClick={onClick}>
      {n}
    </button>
  );
}

export function Dashboard({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const live = useQuery({ queryKey: queryKeys.dashboard, queryFn: () => call('metrics.live', {}) });

  function showWaiting(channelId: string) {
    const ui = useUi.getState();
    ui.setView('unassigned');
    ui.setStatus('open');
    ui.setChannel(channelId);
    ui.setAtRisk(false);
    onClose();
  }

  function showAtRisk() {
    const ui = useUi.getState();
    ui.setView('all');
    ui.setStatus(null);
    ui.setChannel(null);
    ui.setAtRisk(true);
    onClose();
  }

  return (
    <section className="dashboard" aria-labelledby="dashboard-title">
      <div className="dashboard-head">
        <h1 id="dashboard-title">{t('dashboard.title')}</h1>
        {live.data && <span className="muted">{t('dashboard.updatedAt', { time: new Date(live.data.at).toLocaleTimeString() })}</span>}
        <button type="button" className="btn btn-quiet" onClick={onClose}>
          {t('dashboard.close')}
        </button>
      </div>
      {live.isPending && <p role="status">{t('dashboard.loading')}</p>}
      {live.isError && <p role="alert">{t('dashboard.failed', { message: live.error.message })}</p>}
      {live.data && (
        <>
          <table className="dashboard-table" aria-label={t('dashboard.queues')}>
            <caption>{t('dashboard.queues')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.channel')}</th>
                <th scope="col">{t('dashboard.waiting')}</th>
                <th scope="col">{t('dashboard.longestWait')}</th>
              </tr>
            </thead>
            <tbody>
              {live.data.channels.map((c) => (
                <tr key={c.channelId}>
                  <th scope="row">{c.channelName}</th>
                  <td data-testid={`waiting-${c.channelId}`}>
                    {c.waiting > 0 ? (
                      <button type="button" className="btn-link" aria-label={t('dashboard.showWaiting', { count: c.waiting, channel: c.channelName })} onClick={() => showWaiting(c.channelId)}>
                        {c.waiting}
                      </button>
                    ) : (
                      c.waiting
                    )}
                  </td>
                  <td>{formatWait(c.longestWaitMs) ?? t('dashboard.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <table className="dashboard-table" aria-label={t('dashboard.agents')}>
            <caption>{t('dashboard.agents')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.agent')}</th>
                <th scope="col">{t('dashboard.presence')}</th>
                <th scope="col">{t('dashboard.load')}</th>
                <th scope="col">{t('dashboard.current')}</th>
              </tr>
            </thead>
            <tbody>
              {live.data.agents.map((a) => (
                <tr key={a.agentId}>
                  <th scope="row">{a.name}</th>
                  <td>{t(`routing.presence.${a.presence}`, { defaultValue: a.presence })}</td>
                  <td>
                    {a.load} / {a.capacity}
                  </td>
                  <td>{a.current}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <table className="dashboard-table" aria-label={t('dashboard.sla')}>
            <caption>{t('dashboard.sla')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.atRisk')}</th>
                <th scope="col">{t('dashboard.breached')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{slaCell(live.data.sla.atRisk, t('dashboard.showAtRisk'), showAtRisk)}</td>
                <td>{slaCell(live.data.sla.breached, t('dashboard.showBreached'), showAtRisk)}</td>
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
