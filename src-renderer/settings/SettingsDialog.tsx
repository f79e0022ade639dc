// The Settings area (admins; supervisors read): one dialog with a tab per section. Keyboard: arrow keys, Home and
// End move between tabs (roving tabindex); Escape closes.
import { useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../src-shared/domain';
import { ChannelSettingsPanel } from '../components/ChannelSettings';
import { tabIndexAfterKey } from '../lib/keyboard';
import { useModal } from '../lib/use-modal';
import { AgentsPanel } from './AgentsPanel';
import { TeamsPanel } from './TeamsPanel';
import { EscalationPanel, RoutingRulesPanel } from './RulesPanels';
import { BusinessHoursPanel, SlaPoliciesPanel } from './SlaPanels';

export const settingsSections = ['channels', 'agents', 'teams', 'routingRules', 'escalation', 'sla', 'hours'] as const;
export type SettingsSection = (typeof settingsSections)[number];

/** Who opens Settings: admins (everything) and supervisors (read-only). Agents never see it. */
export const canOpenSettings = (role: Role | undefined): boolean => role === 'admin' || role === 'supervisor';

export function SettingsDialog({ role, onClose }: { role: Role; onClose: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const base = useId();
  const [section, setSection] = useState<SettingsSection>('channels');
  const ref = useModal(onClose);
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});
  const readOnly = role !== 'admin';

  function onTabKey(e: ReactKeyboardEvent) {
    const next = tabIndexAfterKey(e.key, settingsSections.indexOf(section), settingsSections.length, 'both');
    if (next < 0) return;
    e.preventDefault();
    const s = settingsSections[next]!;
    setSection(s);
    tabs.current[s]?.focus();
  }

  const tabId = (s: SettingsSection) => `${base}-tab-${s}`;
  const panelId = `${base}-panel`;
  return (
    <div className="modal-backdrop">
      <div ref={ref} className="modal modal-wide" role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}>
        <header className="modal-header">
          <h2 id={titleId}>{t('settings.title')}</h2>
          <button type="button" className="btn btn-quiet" onClick={onClose}>
            {t('settings.close')}
          </button>
        </header>
        {readOnly && <p className="small muted">{t('admin.readOnly')}</p>}
        <div role="tablist" aria-label={t('settings.sections')} className="tabs settings-tabs">
          {settingsSections.map((s) => (
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
              aria-controls={panelId}
              tabIndex={section === s ? 0 : -1}
              onClick={() => setSection(s)}
              onKeyDown={onTabKey}
            >
              {t(`settings.section.${s}`)}
            </button>
          ))}
        </div>
        <div id={panelId} role="tabpanel" aria-labelledby={tabId(section)} className="settings-panel">
          {section === 'channels' && <ChannelSettingsPanel readOnly={readOnly} />}
          {section === 'agents' && <AgentsPanel readOnly={readOnly} />}
          {section === 'teams' && <TeamsPanel readOnly={readOnly} />}
          {section === 'routingRules' && <RoutingRulesPanel readOnly={readOnly} />}
          {section === 'escalation' && <EscalationPanel readOnly={readOnly} />}
          {section === 'sla' && <SlaPoliciesPanel readOnly={readOnly} />}
          {section === 'hours' && <BusinessHoursPanel readOnly={readOnly} />}
        </div>
      </div>
    </div>
  );
}
