// The dashboard's Live tab (docs/metrics.md "Dashboard window"): queues per channel, agents with their current
// conversations, the SLA at-risk and breached lists, and today's response times per channel. Every query is
// refreshed by the sync stream's `changed` events (queries.ts), never by polling. Every number drills down to the
// conversations behind it; a conversation opens in the main window (window-links.ts).
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InboxRow } from '../../src-shared/ipc';
import type { DrillMetric, LiveMetrics, LiveSlaItem } from '../../src-shared/metrics';
import { focusReturner } from '../lib/return-focus';
import { useServerNow } from '../sla/use-server-now';
import { useNow } from '../state/core-events';
import { currentByAgent, dueIn, formatWait, liveSummary, localMidnightIso } from './live-view';
import { useCurrentConversations, useLive, useReportDrill, useToday, useWaiting } from './queries';
import { useShowInMain } from './use-show-in-main';

/** What the drill-down panel lists. */
type Drill = { kind: 'waiting'; channelId: string; channelName: string } | { kind: 'report'; from: string; key: string | null; label: string; metric: DrillMetric };

/** One conversation as the drill-down lists show it. */
interface ConversationRef {
  conversationId: string;
  contactName: string;
  channelName: string;
  assigneeName: string | null;
  status: string;
}

const fromInbox = (r: InboxRow): ConversationRef => ({ conversationId: r.conversation.id, contactName: r.contactName, channelName: r.channelName, assigneeName: r.assigneeName, status: r.conversation.status });

/** A contact name that opens its conversation in the main window. */
function OpenConversation({ c }: { c: { conversationId: string; contactName: string } }) {
  const { t } = useTranslation();
  const show = useShowInMain();
  return (
    <button type="button" className="btn-link" aria-label={t('dashboard.openConversation', { name: c.contactName })} onClick={() => show({ kind: 'conversation', conversationId: c.conversationId })}>
      {c.contactName}
    </button>
  );
}

export function LiveTab() {
  const { t } = useTranslation();
  const live = useLive();
  const [drill, setDrill] = useState<Drill | null>(null);
  const drillHeading = useRef<HTMLHeadingElement>(null);
  const returnFocus = useRef<ReturnType<typeof focusReturner> | null>(null);
  const openDrill = (d: Drill) => {
    returnFocus.current = focusReturner();
    setDrill(d);
    // Move focus to what opened, once it has rendered.
    requestAnimationFrame(() => drillHeading.current?.focus());
  };
  const closeDrill = () => {
    setDrill(null);
    // Back to the number that opened the list (not <body>).
    returnFocus.current?.();
    returnFocus.current = null;
  };

  if (live.isPending) return <p role="status">{t('dashboard.loading')}</p>;
  if (live.isError) return <p role="alert">{t('dashboard.failed', { message: live.error.message })}</p>;
  const data = live.data;
  return (
    <div className="dashboard-live">
      <p className="muted">{t('dashboard.updatedAt', { time: new Date(data.at).toLocaleTimeString() })}</p>
      <SummaryStrip data={data} />
      <div className="dashboard-grid">
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
            {data.channels.map((c) => (
              <tr key={c.channelId}>
                <th scope="row">{c.channelName}</th>
                <td data-testid={`waiting-${c.channelId}`}>
                  {c.waiting > 0 ? (
                    <button type="button" className="btn-link" aria-label={t('dashboard.showWaiting', { count: c.waiting, channel: c.channelName })} onClick={() => openDrill({ kind: 'waiting', channelId: c.channelId, channelName: c.channelName })}>
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
        <AgentsTable agents={data.agents} />
      </div>

      <div className="dashboard-grid">
        <SlaTable state="warning" items={data.sla.items.filter((i) => i.state === 'warning')} />
        <SlaTable state="breached" items={data.sla.items.filter((i) => i.state === 'breached')} />
      </div>

      <TodayTable onDrill={openDrill} />

      {drill && (
        <section className="dashboard-drill" aria-labelledby="dashboard-drill-title">
          <div className="dashboard-head">
            <h2 id="dashboard-drill-title" ref={drillHeading} tabIndex={-1}>
              {drill.kind === 'waiting' ? t('dashboard.drillWaiting', { channel: drill.channelName }) : t(`dashboard.drillMetric.${drill.metric}`, { label: drill.label, defaultValue: drill.label })}
            </h2>
            <button type="button" className="btn btn-quiet" onClick={closeDrill}>
              {t('dashboard.closeDrill')}
            </button>
          </div>
          {drill.kind === 'waiting' ? <WaitingDrill channelId={drill.channelId} /> : <ReportDrill from={drill.from} drillKey={drill.key} metric={drill.metric} />}
        </section>
      )}
    </div>
  );
}

/** Key figures first: waiting, longest wait, agents online, SLA at risk / breached, today's CSAT. */
function SummaryStrip({ data }: { data: LiveMetrics }) {
  const { t, i18n } = useTranslation();
  const sum = liveSummary(data);
  const today = useToday(localMidnightIso(useNow(60_000)));
  const csat = today.data?.total.csat;
  const figures: Array<[string, string]> = [
    [t('dashboard.summary.waiting'), String(sum.waiting)],
    [t('dashboard.summary.longestWait'), formatWait(sum.longestWaitMs) ?? t('dashboard.none')],
    [t('dashboard.summary.online'), t('dashboard.summary.ofAgents', { online: sum.online, agents: sum.agents })],
    [t('dashboard.atRisk'), String(sum.atRisk)],
    [t('dashboard.breached'), String(sum.breached)],
    [
      t('dashboard.summary.csatToday'),
      csat && csat.average !== null ? t('dashboard.summary.csatValue', { average: csat.average.toLocaleString(i18n.language, { maximumFractionDigits: 1 }), count: csat.responses }) : t('dashboard.none'),
    ],
  ];
  return (
    <dl className="dashboard-summary" aria-label={t('dashboard.summary.label')}>
      {figures.map(([term, value]) => (
        <div key={term} className="dashboard-figure">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function AgentsTable({ agents }: { agents: Array<{ agentId: string; name: string; presence: string; load: number; capacity: number; current: number }> }) {
  const { t } = useTranslation();
  const anyCurrent = agents.some((a) => a.current > 0);
  const current = useCurrentConversations(anyCurrent);
  const byAgent = currentByAgent(current.data ?? []);
  return (
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
        {agents.map((a) => {
          const rows = byAgent.get(a.agentId) ?? [];
          return (
            <tr key={a.agentId}>
              <th scope="row">{a.name}</th>
              <td>{t(`routing.presence.${a.presence}`, { defaultValue: a.presence })}</td>
              <td>
                {a.load} / {a.capacity}
              </td>
              <td>
                {a.current === 0 ? (
                  0
                ) : (
                  <details className="dashboard-current">
                    <summary aria-label={t('dashboard.currentOf', { count: a.current, name: a.name })}>{a.current}</summary>
                    {current.isPending ? (
                      <p className="muted">{t('dashboard.loading')}</p>
                    ) : (
                      <ul aria-label={t('dashboard.currentOf', { count: a.current, name: a.name })}>
                        {rows.map((r) => (
                          <li key={r.conversation.id}>
                            <OpenConversation c={{ conversationId: r.conversation.id, contactName: r.contactName }} /> <span className="muted">{r.channelName}</span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </details>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SlaTable({ state, items }: { state: 'warning' | 'breached'; items: LiveSlaItem[] }) {
  const { t } = useTranslation();
  const show = useShowInMain();
  const now = useServerNow();
  const title = state === 'warning' ? t('dashboard.atRisk') : t('dashboard.breached');
  const duration = (p: { unit: 'm' | 'h' | 'd'; n: number; m: number }) => (p.unit === 'h' && p.m > 0 ? t('sla.duration.hm', { h: p.n, m: p.m }) : t(`sla.duration.${p.unit}`, { n: p.n }));
  return (
    <div className="dashboard-sla">
      <table className="dashboard-table" aria-label={title}>
        <caption>
          {title} ({items.length})
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.contact')}</th>
            <th scope="col">{t('dashboard.channel')}</th>
            <th scope="col">{t('dashboard.assignee')}</th>
            <th scope="col">{t('dashboard.due')}</th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                {t('dashboard.noneListed')}
              </td>
            </tr>
          )}
          {items.map((i) => {
            const due = dueIn(i.dueAt, now);
            return (
              <tr key={i.conversationId}>
                <th scope="row">
                  <OpenConversation c={i} />
                </th>
                <td>{i.channelName}</td>
                <td>{i.assigneeName ?? t('dashboard.unassigned')}</td>
                <td>{due ? (due.past ? t('dashboard.dueAgo', { time: duration(due.parts) }) : t('dashboard.dueIn', { time: duration(due.parts) })) : t('dashboard.none')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {items.length > 0 && (
        <button type="button" className="btn btn-quiet" onClick={() => show({ kind: 'inbox', view: 'all', status: null, channelId: null, atRisk: true })}>
          {t('dashboard.showAtRiskInInbox')}
        </button>
      )}
    </div>
  );
}

function TodayTable({ onDrill }: { onDrill: (d: Drill) => void }) {
  const { t } = useTranslation();
  // Re-evaluated each minute so the day rolls over at midnight; the data itself refreshes only on events.
  const from = localMidnightIso(useNow(60_000));
  const today = useToday(from);
  const stat = (s: { medianMs: number | null; p90Ms: number | null }) => `${formatWait(s.medianMs) ?? t('dashboard.none')} / ${formatWait(s.p90Ms) ?? t('dashboard.none')}`;
  const count = (n: number, key: string | null, label: string, metric: DrillMetric, name: string) =>
    n === 0 ? (
      0
    ) : (
      <button type="button" className="btn-link" aria-label={t(`dashboard.drillMetric.${metric}`, { label: name })} onClick={() => onDrill({ kind: 'report', from, key, label, metric })}>
        {n}
      </button>
    );
  return (
    <table className="dashboard-table" aria-label={t('dashboard.today')}>
      <caption>{t('dashboard.today')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('dashboard.channel')}</th>
          <th scope="col">{t('dashboard.created')}</th>
          <th scope="col">{t('dashboard.resolved')}</th>
          <th scope="col">{t('dashboard.firstResponse')}</th>
          <th scope="col">{t('dashboard.nextResponse')}</th>
          <th scope="col">{t('dashboard.resolution')}</th>
        </tr>
      </thead>
      <tbody>
        {today.isPending && (
          <tr>
            <td colSpan={6}>{t('dashboard.loading')}</td>
          </tr>
        )}
        {today.isError && (
          <tr>
            <td colSpan={6} role="alert">
              {t('dashboard.failed', { message: today.error.message })}
            </td>
          </tr>
        )}
        {today.data?.rows.map((r) => (
          <tr key={r.key ?? 'none'}>
            <th scope="row">{r.label}</th>
            <td>{count(r.volume.created, r.key, r.label, 'created', r.label)}</td>
            <td>{count(r.volume.resolved, r.key, r.label, 'resolved', r.label)}</td>
            <td>{stat(r.firstResponse)}</td>
            <td>{stat(r.nextResponse)}</td>
            <td>{stat(r.resolution)}</td>
          </tr>
        ))}
        {today.data && today.data.rows.length === 0 && (
          <tr>
            <td colSpan={6} className="muted">
              {t('dashboard.noneToday')}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function ConversationList({ rows, label }: { rows: ConversationRef[]; label: string }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="muted">{t('dashboard.noneListed')}</p>;
  return (
    <table className="dashboard-table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">{t('dashboard.contact')}</th>
          <th scope="col">{t('dashboard.channel')}</th>
          <th scope="col">{t('dashboard.assignee')}</th>
          <th scope="col">{t('dashboard.status')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.conversationId}>
            <th scope="row">
              <OpenConversation c={r} />
            </th>
            <td>{r.channelName}</td>
            <td>{r.assigneeName ?? t('dashboard.unassigned')}</td>
            <td>{t(`conversationStatus.${r.status}`, { defaultValue: r.status })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WaitingDrill({ channelId }: { channelId: string }) {
  const { t } = useTranslation();
  const show = useShowInMain();
  const waiting = useWaiting(channelId);
  if (waiting.isPending) return <p role="status">{t('dashboard.loading')}</p>;
  if (waiting.isError) return <p role="alert">{t('dashboard.failed', { message: waiting.error.message })}</p>;
  return (
    <>
      <ConversationList rows={waiting.data.map(fromInbox)} label={t('dashboard.drillList')} />
      <button type="button" className="btn btn-quiet" onClick={() => show({ kind: 'inbox', view: 'unassigned', status: 'open', channelId, atRisk: false })}>
        {t('dashboard.showInInbox')}
      </button>
    </>
  );
}

function ReportDrill({ from, drillKey, metric }: { from: string; drillKey: string | null; metric: DrillMetric }) {
  const { t } = useTranslation();
  const drill = useReportDrill(from, drillKey, metric);
  if (drill.isPending) return <p role="status">{t('dashboard.loading')}</p>;
  if (drill.isError) return <p role="alert">{t('dashboard.failed', { message: drill.error.message })}</p>;
  return <ConversationList rows={drill.data.items} label={t('dashboard.drillList')} />;
}
