// Tray icon with the unread count. The count is recomputed from the core's own inbox query, and
// recomputation is coalesced: a burst of 'changed' events costs one query, not one per event.
import type { IpcHandlers } from '../../src-shared/ipc';
import type { MenuPort, TrayCtor, TrayPort } from './ports';

export function trayLabel(unread: number): string {
  return unread > 0 ? `Threadline — ${unread} unread` : 'Threadline';
}

export const DASHBOARD_MENU_LABEL = 'Supervisor dashboard';

export interface TrayController {
  readonly tray: TrayPort;
  setUnread(count: number): void;
  /** Supervisors and admins get "Supervisor dashboard" in the menu; others do not see it. */
  setDashboardAllowed(allowed: boolean): void;
  destroy(): void;
}

export function createTray(
  deps: { Tray: TrayCtor; Menu: MenuPort },
  opts: { iconPath: string; onOpen: () => void; onQuit: () => void; onDashboard?: () => void },
): TrayController {
  const tray = new deps.Tray(opts.iconPath);
  let dashboardAllowed: boolean | null = null;
  const setDashboardAllowed = (allowed: boolean) => {
    if (allowed === dashboardAllowed) return;
    dashboardAllowed = allowed;
    const onDashboard = opts.onDashboard;
    tray.setContextMenu(
      deps.Menu.buildFromTemplate([
        { label: 'Open', click: () => opts.onOpen() },
        ...(allowed && onDashboard ? [{ label: DASHBOARD_MENU_LABEL, click: () => onDashboard() }] : []),
        { type: 'separator' },
        { label: 'Quit', click: () => opts.onQuit() },
      ]),
    );
  };
  setDashboardAllowed(false);
  tray.on('click', () => opts.onOpen());
  let shown = -1;
  const setUnread = (count: number) => {
    if (count === shown) return;
    shown = count;
    tray.setToolTip(trayLabel(count));
    // macOS shows the title beside the icon in the menu bar: keep it to the number.
    tray.setTitle(count > 0 ? String(count) : '');
  };
  setUnread(0);
  return { tray, setUnread, setDashboardAllowed, destroy: () => tray.destroy() };
}

/** Unread open conversations the agent can see, paging through the core's inbox query. */
export async function countUnread(handlers: IpcHandlers): Promise<number> {
  const limit = 500;
  let unread = 0;
  for (let offset = 0; offset < 10_000; offset += limit) {
    const page = await handlers['inbox.list']({ view: 'all', status: 'open', limit, offset });
    unread += page.items.filter((row) => row.unread).length;
    if (page.items.length < limit || offset + limit >= page.total) break;
  }
  return unread;
}

/**
 * Runs `count` at most once per `delayMs` however often `schedule` is called, and never two at
 * once; a schedule() that lands during a count triggers exactly one more run after it.
 */
export function createCoalescedCounter(count: () => Promise<number>, onCount: (n: number) => void, delayMs = 250) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  let closed = false;

  const run = async () => {
    timer = null;
    running = true;
    try {
      onCount(await count());
    } catch (err) {
      // Signed out or the cache is closing: keep the last count rather than show a wrong zero.
      console.warn('[shell] unread count failed:', (err as Error).message);
    } finally {
      running = false;
      if (again && !closed) {
        again = false;
        schedule();
      }
    }
  };
  function schedule(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(() => void run(), delayMs);
  }
  return {
    schedule,
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
