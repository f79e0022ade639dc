// The supervisor's dashboard window (issue 8, docs/metrics.md "Dashboard window"): a heading and three sections,
// Live (LiveTab.tsx), Reports (src-renderer/dashboard/reports/) and Quality (src-renderer/quality/), as an ARIA
// tablist with arrow-key navigation. It runs in a window of its own (Electron: a second BrowserWindow; browser
// host: the /dashboard tab); DashboardApp.tsx mounts it there.
import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { tabIndexAfterKey } from '../lib/keyboard';
import { LiveTab } from './LiveTab';
import { QualitySection, ReportsSection } from './sections';

export const dashboardSections = ['live', 'reports', 'quality'] as const;
export type DashboardSection = (typeof dashboardSections)[number];

export function Dashboard() {
  const { t } = useTranslation();
  const [section, setSection] = useState<DashboardSection>('live');
  // A section stays mounted (hidden) once shown: going to Live and back keeps the report's range, grouping and
  // drill-down, and the review half filled in.
  const [shown, setShown] = useState<ReadonlySet<DashboardSection>>(() => new Set(['live']));
  const select = (s: DashboardSection) => {
    setSection(s);
    setShown((prev) => (prev.has(s) ? prev : new Set([...prev, s])));
  };
  const tabs = useRef<Partial<Record<DashboardSection, HTMLButtonElement | null>>>({});

  function onTabKey(e: KeyboardEvent<HTMLButtonElement>) {
    const next = tabIndexAfterKey(e.key, dashboardSections.indexOf(section), dashboardSections.length);
    if (next < 0) return;
    e.preventDefault();
    const s = dashboardSections[next]!;
    select(s);
    tabs.current[s]?.focus();
  }

  const tabId = (s: DashboardSection) => `dashboard-tab-${s}`;
  const panelId = (s: DashboardSection) => `dashboard-panel-${s}`;
  const panels: Record<DashboardSection, () => ReactNode> = { live: () => <LiveTab />, reports: () => <ReportsSection />, quality: () => <QualitySection /> };
  return (
    <main className="dashboard dashboard-window" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">{t('dashboard.title')}</h1>
      <div role="tablist" aria-label={t('dashboard.sections')} className="tabs">
        {dashboardSections.map((s) => (
          <button
            key={s}
            ref={(el) => {
              tabs.current[s] = el;
            }}
            id={tabId(s)}
            type="button"
            role="tab"
            className="tab"
            aria-selected={section === s}
            aria-controls={panelId(s)}
            tabIndex={section === s ? 0 : -1}
            onClick={() => select(s)}
            onKeyDown={onTabKey}
          >
            {t(`dashboard.section.${s}`)}
          </button>
        ))}
      </div>
      {dashboardSections.map((s) => (
        <div key={s} id={panelId(s)} role="tabpanel" aria-labelledby={tabId(s)} className="dashboard-panel" hidden={section !== s}>
          {shown.has(s) && panels[s]()}
        </div>
      ))}
    </main>
  );
}
