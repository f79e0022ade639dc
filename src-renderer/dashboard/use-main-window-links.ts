// The main window's side of the dashboard's drill-down (window-links.ts): links arrive as the shell's events under
// Electron ('navigate' is handled with the deep links in core-events.ts; 'showInbox' here) and as BroadcastChannel
// messages under the browser host. Either way the main window shows the conversation or the filtered inbox.
import { useEffect } from 'react';
import { MAIN_WINDOW_CHANNEL, type MainWindowLink } from '../../src-shared/ipc';
import { useBridge } from '../state/bridge-context';
import { useUi } from '../state/ui-store';
import { parseMainWindowLink } from './window-links';

export function applyMainWindowLink(link: MainWindowLink): void {
  const ui = useUi.getState();
  if (link.kind === 'conversation') {
    ui.open(link.conversationId);
    return;
  }
  ui.setView(link.view);
  ui.setStatus(link.status);
  ui.setChannel(link.channelId);
  ui.setAtRisk(link.atRisk);
}

export function useMainWindowLinks(): void {
  const bridge = useBridge();
  useEffect(() => {
    const offEvent = bridge.onEvent((event) => {
      if (event.type === 'showInbox') applyMainWindowLink({ kind: 'inbox', view: event.view, status: event.status, channelId: event.channelId, atRisk: event.atRisk });
    });
    if (bridge.transport !== 'websocket' || typeof BroadcastChannel === 'undefined') return offEvent;
    // Same origin only (BroadcastChannel's rule), i.e. our own dashboard tab; the message is validated all the same.
    const channel = new BroadcastChannel(MAIN_WINDOW_CHANNEL);
    channel.onmessage = (e: MessageEvent) => {
      const link = parseMainWindowLink(e.data);
      if (!link) return;
      applyMainWindowLink(link);
      window.focus();
    };
    return () => {
      offEvent();
      channel.close();
    };
  }, [bridge]);
}
