// Everything the core pushes lands here: data invalidations, session changes, typing, navigation,
// rejected mutations and notifications.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcEvent, SessionState } from '../../src-shared/ipc';
import { useBridge } from './bridge-context';
import { invalidationsFor, queryKeys } from './query-keys';
import { useUi } from './ui-store';

/**
 * `notices: false` for the supervisor dashboard's window: it shares the core's events with the main window, which
 * alone shows conversation notifications and refused-change toasts (the browser host would otherwise show each
 * notification twice, once from each tab; the dashboard makes no synced changes of its own).
 */
export function useCoreEvents({ notices = true }: { notices?: boolean } = {}): void {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const { t } = useTranslation();

  useEffect(() => {
    const ui = useUi.getState;

    function showNotification(event: Extract<IpcEvent, { type: 'notify' }>): void {
      // Under Electron the shell shows OS notifications itself; the browser host relies on us.
      if (bridge.transport !== 'websocket') return;
      const n = event.notification;
      // The agent is already looking at it.
      if (ui().openId === n.conversationId && document.visibilityState === 'visible') return;
      const body = n.count > 1 ? t('notify.more', { body: n.body, count: n.count - 1 }) : n.body;
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
        const shown = new Notification(n.title, { body, tag: n.conversationId });
        shown.onclick = () => {
          window.focus();
          ui().open(n.conversationId);
          shown.close();
        };
        return;
      }
      ui().pushNotice({ title: n.title, body, conversationId: n.conversationId });
    }

    function handle(event: IpcEvent): void {
      switch (event.type) {
        case 'changed':
          for (const queryKey of invalidationsFor(event)) void queryClient.invalidateQueries({ queryKey });
          return;
        case 'session': {
          const previous = queryClient.getQueryData<SessionState>(queryKeys.session);
          queryClient.setQueryData(queryKeys.session, event.state);
          if (previous?.agent?.id !== event.state.agent?.id) {
            // Another agent (or nobody) now: nothing cached for the previous one may show.
            queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.session[0] });
            ui().reset();
          }
          return;
        }
        case 'typing':
          ui().setTyping(event.conversationId, event.who, event.name, event.on);
          return;
        case 'navigate':
          ui().open(event.conversationId);
          return;
        case 'rejected':
          if (notices) ui().pushToast(t('toast.rejected', { action: t(`mutation.${event.mutation}`, { defaultValue: event.mutation }), message: event.message }));
          return;
        case 'notify':
          if (notices) showNotification(event);
          return;
      }
    }

    let wasDown = false;
    const offEvent = bridge.onEvent(handle);
    const offLink = bridge.onLinkStatus((status) => {
      if (status !== 'open') {
        wasDown = true;
      } else if (wasDown) {
        // Events may have been missed while the link was down: re-read what is on screen.
        wasDown = false;
        void queryClient.invalidateQueries();
      }
    });
    return () => {
      offEvent();
      offLink();
    };
  }, [bridge, queryClient, t, notices]);
}

/** A re-render clock for relative times and typing expiry; it touches no data. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, setNow]);
  return now;
}

