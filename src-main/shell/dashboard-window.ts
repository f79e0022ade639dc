// The supervisor's dashboard as a window of its own (issue 8, docs/metrics.md "Dashboard window"): the same
// secure options, preload and IPC router as the main window (it joins the WindowRegistry, so the router accepts
// its calls and every core event reaches it), loaded from app://threadline/dashboard. One instance: opening it
// again focuses it. Only for supervisors and admins; it closes itself when the signed-in role stops allowing it.
import type { Role } from '../../src-shared/domain';
import type { IpcEvent } from '../../src-shared/ipc';
import type { WindowRegistry } from './ipc-router';
import type { BrowserWindowCtor, WindowPort } from './ports';
import { DASHBOARD_URL, secureWindowOptions } from './security';
import { revealWindow } from './window';

export const canOpenDashboard = (role: Role | null | undefined): boolean => role === 'supervisor' || role === 'admin';

export interface DashboardWindowOptions {
  preloadPath: string;
  iconPath?: string;
  windows: WindowRegistry;
  /** The signed-in agent's role now (the shell follows 'session' events). */
  role: () => Role | null;
}

export interface DashboardWindowController {
  /** Opens or focuses the window; false (and nothing opens) unless the role allows it. */
  open(): boolean;
  /** The window while it is open. */
  current(): WindowPort | null;
  /** Follow session changes: a sign-out or another agent without the role closes the window. */
  onEvent(event: IpcEvent): void;
  close(): void;
}

export function createDashboardWindow(BrowserWindow: BrowserWindowCtor, opts: DashboardWindowOptions): DashboardWindowController {
  let win: WindowPort | null = null;
  const alive = () => (win && !win.isDestroyed() ? win : null);

  return {
    open() {
      if (!canOpenDashboard(opts.role())) return false;
      const existing = alive();
      if (existing) {
        revealWindow(existing);
        return true;
      }
      const created = new BrowserWindow({ ...secureWindowOptions(opts.preloadPath, opts.iconPath), title: 'Threadline — Supervisor dashboard', width: 1200, height: 860 });
      win = created;
      opts.windows.add(created);
      created.on('ready-to-show', () => created.show());
      // A real close (unlike the main window, which hides): the next open builds a fresh one.
      created.on('closed', () => {
        if (win === created) win = null;
      });
      void created.loadURL(DASHBOARD_URL).catch((err: unknown) => console.error('[shell] dashboard failed to load:', err));
      return true;
    },
    current: alive,
    onEvent(event) {
      if (event.type === 'session' && !canOpenDashboard(event.state.agent?.role)) alive()?.close();
    },
    close() {
      alive()?.close();
    },
  };
}
