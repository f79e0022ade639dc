import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationDetail, SessionState } from '../../src-shared/ipc';
import { shortcutFor, moveSelection, targetKind } from '../lib/keyboard';
import { useBridge, useCall } from '../state/bridge-context';
import { queryKeys } from '../state/query-keys';
import { useUi } from '../state/ui-store';
import { REPLY_BOX_ID } from './Composer';
import { ConnectionBanner } from './ConnectionBanner';
import { ConversationPane } from './ConversationView';
import { Inbox } from './Inbox';
import { Notices, Toasts } from './Toasts';
import { DoNotDisturbToggle } from '../sla/DoNotDisturb';
import { canOpenSettings, SettingsDialog } from '../settings/SettingsDialog';
import { PresenceControl } from '../routing/PresenceControl';
import { MyReviewsButton } from '../quality/MyReviews';
import { useMainWindowLinks } from '../dashboard/use-main-window-links';
import { canOpenDashboard, openDashboardWindow } from '../dashboard/window-links';

export function Workspace({ session }: { session: SessionState }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const call = useCall();
  const queryClient = useQueryClient();
  const link = useSyncExternalStore(bridge.onLinkStatus, bridge.linkStatus);
  const [settingsOpen, setSettingsOpen] = useState(false);
  useShortcuts();
  // The dashboard window's drill-down lands here (a conversation or inbox filters).
  useMainWindowLinks();

  function openDashboard() {
    // Its own window (Electron) or tab (browser host); focused when already open.
    openDashboardWindow(bridge, window).catch((err: Error) => useUi.getState().pushToast(t('dashboard.openFailed', { message: err.message })));
  }

  async function signOut() {
    try {
      const state = await call('session.logout', {});
      queryClient.setQueryData(queryKeys.session, state);
    } catch (err) {
      useUi.getState().pushToast(t('header.signOutFailed', { message: (err as Error).message }));
    }
  }

  return (
    <div className="workspace">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <ConnectionBanner session={session} link={link} />
        <div className="topbar-end">
          {bridge.transport === 'websocket' && <NotificationPermissionButton />}
          <PresenceControl />
          <DoNotDisturbToggle session={session} />
          {canOpenDashboard(session.agent?.role) && (
            <button type="button" className="btn btn-quiet" title={t('dashboard.opensWindow')} onClick={openDashboard}>
              {t('dashboard.open')}
            </button>
          )}
          {/* Quality reviews of the agent's own conversations (docs/quality.md). */}
          <MyReviewsButton />
          {canOpenSettings(session.agent?.role) && (
            <button type="button" className="btn btn-quiet" onClick={() => setSettingsOpen(true)}>
              {t('settings.open')}
            </button>
          )}
          <span className="agent-name" title={session.agent?.email}>
            {session.agent?.name}
          </span>
          <button type="button" className="btn btn-quiet" onClick={signOut}>
            {t('header.signOut')}
          </button>
        </div>
      </header>
      <main className="panes">
        <Inbox />
        <ConversationPane />
      </main>
      <Toasts />
      <Notices />
      {settingsOpen && session.agent && <SettingsDialog role={session.agent.role} onClose={() => setSettingsOpen(false)} />}
    </div>
  );
}

function NotificationPermissionButton() {
  const { t } = useTranslation();
  const supported = typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(supported ? Notification.permission : 'denied');
  if (!supported || permission !== 'default') return null;
  return (
    <button type="button" className="btn btn-quiet" onClick={() => void Notification.requestPermission().then(setPermission)}>
      {t('header.enableNotifications')}
    </button>
  );
}

/** j/k/Enter/r/e anywhere in the workspace, except while typing in a field. */
function useShortcuts(): void {
  const call = useCall();
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (e.defaultPrevented) return;
      const action = shortcutFor(e, targetKind(e.target instanceof Element ? (e.target as HTMLElement) : null));
      if (!action) return;
      const ui = useUi.getState();
      switch (action) {
        case 'next':
        case 'previous':
          ui.select(moveSelection(ui.visibleIds, ui.selectedId, action === 'next' ? 1 : -1));
          break;
        case 'open':
          if (!ui.selectedId) return;
          ui.open(ui.selectedId);
          break;
        case 'focusReply': {
          const box = document.getElementById(REPLY_BOX_ID);
          if (!box) return;
          box.focus();
          break;
        }
        case 'resolve': {
          if (!ui.openId) return;
          const detail = queryClient.getQueryData<ConversationDetail>(queryKeys.conversation(ui.openId));
          if (!detail || detail.conversation.status === 'resolved') return;
          call('conversation.setStatus', { conversationId: ui.openId, status: 'resolved' }).catch((err: Error) =>
            ui.pushToast(t('conversation.statusFailed', { message: err.message })),
          );
          break;
        }
      }
      e.preventDefault();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [call, queryClient, t]);
}
