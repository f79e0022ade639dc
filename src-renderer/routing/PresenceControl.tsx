// The agent's status in the workspace header (Online / Away / Offline), automatic away after page idle in the
// browser host (under Electron the shell reports the OS idle time instead), and the feed of other agents'
// "viewing" signals for collision detection.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { presenceStatuses, type PresenceStatus } from '../../src-shared/routing';
import { useBridge, useCall } from '../state/bridge-context';
import { useUi } from '../state/ui-store';
import { useViewing } from './viewing-store';

/** How often the browser host reports page idle time to the core. */
export const PAGE_IDLE_REPORT_MS = 15_000;

export function PresenceControl() {
  const { t } = useTranslation();
  const call = useCall();
  const bridge = useBridge();
  const id = useId();
  const [state, setState] = useState<{ status: PresenceStatus; auto: boolean }>({ status: 'online', auto: false });

  useEffect(() => {
    let live = true;
    call('presence.get', {}).then((s) => live && setState(s), () => undefined);
    return () => {
      live = false;
    };
  }, [call]);

  // Other agents viewing / replying.
  useEffect(() => bridge.onEvent((e) => (e.type === 'viewing' ? useViewing.getState().apply(e) : undefined)), [bridge]);

  // Browser host: page idle (no input, or the tab hidden) → the core decides when that means away.
  useEffect(() => {
    if (bridge.transport !== 'websocket') return;
    let lastInput = Date.now();
    const onInput = () => {
      const wasIdle = Date.now() - lastInput >= PAGE_IDLE_REPORT_MS;
      lastInput = Date.now();
      if (wasIdle) report();
    };
    const report = () => {
      const seconds = document.visibilityState === 'hidden' ? Math.max(0, (Date.now() - lastInput) / 1000) : (Date.now() - lastInput) / 1000;
      call('presence.idle', { seconds: Math.floor(seconds) }).then(setState, () => undefined);
    };
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'focus'] as const;
    for (const e of events) window.addEventListener(e, onInput, { passive: true });
    document.addEventListener('visibilitychange', onInput);
    const timer = setInterval(report, PAGE_IDLE_REPORT_MS);
    return () => {
      for (const e of events) window.removeEventListener(e, onInput);
      document.removeEventListener('visibilitychange', onInput);
      clearInterval(timer);
    };
  }, [bridge, call]);

  function choose(status: PresenceStatus) {
    call('presence.set', { status }).then(setState, (err: Error) => useUi.getState().pushToast(t('routing.presenceFailed', { message: err.message })));
  }

  return (
    <span className={`field field-inline presence-control presence-${state.status}`}>
      <label htmlFor={id}>{t('routing.status')}</label>
      <select id={id} value={state.status} onChange={(e) => choose(e.target.value as PresenceStatus)}>
        {presenceStatuses.map((s) => (
          <option key={s} value={s}>
            {t(`routing.presence.${s}`)}
          </option>
        ))}
      </select>
      {state.auto && <span className="small muted">{t('routing.autoAway')}</span>}
    </span>
  );
}
