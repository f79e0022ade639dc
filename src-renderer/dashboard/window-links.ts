// The dashboard is a window of its own (docs/metrics.md "Dashboard window"). This module is the renderer's
// half of the two links between the windows:
// - main → dashboard: Electron asks the shell ('window.openDashboard'); the browser host opens /dashboard in a
//   tab of its own, handing over the launch secret in the hash (which never reaches a server or a log).
// - dashboard → main: Electron asks the shell ('window.showInMain', which focuses the main window like a
//   threadline:// deep link); the browser host posts the same MainWindowLink on a same-origin BroadcastChannel.
import type { Role } from '../../src-shared/domain';
import { DASHBOARD_PATH, MAIN_WINDOW_CHANNEL, MainWindowLink } from '../../src-shared/ipc';
import { SECRET_STORAGE_KEY } from '../bridge/secret';
import type { RendererBridge } from '../bridge/types';
import { call } from '../state/bridge-context';

/** Which app this page is: the dashboard window (its own route) or the main workspace. */
/** Who may open the dashboard (the server refuses everyone else's metrics anyway). */
export const canOpenDashboard = (role: Role | undefined): boolean => role === 'admin' || role === 'supervisor';

export function isDashboardLocation(loc: { pathname: string }): boolean {
  return loc.pathname === DASHBOARD_PATH || loc.pathname === `${DASHBOARD_PATH}/`;
}

/** Browser host: the dashboard tab's URL, carrying the secret like the host's own start URL does. */
export function dashboardTabUrl(secret: string | null): string {
  return secret ? `${DASHBOARD_PATH}#secret=${encodeURIComponent(secret)}` : DASHBOARD_PATH;
}

/** The window.open target name: one dashboard tab per browser, reused rather than duplicated. */
export const DASHBOARD_TAB_NAME = 'threadline-dashboard';

export interface BrowserWindowLike {
  open(url: string, target: string): { focus(): void; closed: boolean } | null;
  sessionStorage: { getItem(key: string): string | null };
}

let dashboardTab: { focus(): void; closed: boolean } | null = null;

/** The header button: the dashboard in its own window (Electron) or tab (browser host); focused if already open. */
export async function openDashboardWindow(bridge: RendererBridge, win: BrowserWindowLike): Promise<void> {
  if (bridge.transport === 'electron') {
    await call(bridge, 'window.openDashboard', {});
    return;
  }
  if (dashboardTab && !dashboardTab.closed) {
    dashboardTab.focus();
    return;
  }
  dashboardTab = win.open(dashboardTabUrl(win.sessionStorage.getItem(SECRET_STORAGE_KEY)), DASHBOARD_TAB_NAME);
  dashboardTab?.focus();
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
}
export type ChannelFactory = (name: string) => ChannelLike;
const broadcastChannel: ChannelFactory = (name) => new BroadcastChannel(name);

/** From the dashboard: show a conversation or the inbox filters in the main window. */
export async function showInMainWindow(bridge: RendererBridge, link: MainWindowLink, channel: ChannelFactory = broadcastChannel, opener?: { focus(): void } | null): Promise<void> {
  if (bridge.transport === 'electron') {
    await call(bridge, 'window.showInMain', link);
    return;
  }
  const ch = channel(MAIN_WINDOW_CHANNEL);
  ch.postMessage(MainWindowLink.parse(link));
  ch.close();
  // Browsers may refuse to raise another tab; where they allow it, the main tab comes to the front.
  try {
    opener?.focus();
  } catch {
    /* cross-origin or closed: nothing to focus */
  }
}

/** What the main window does with a link: the only accepted shapes are MainWindowLink's (anything else is dropped). */
export function parseMainWindowLink(data: unknown): MainWindowLink | null {
  const parsed = MainWindowLink.safeParse(data);
  return parsed.success ? parsed.data : null;
}
