// The one IPC entry point into the main process. A call is served only when it comes from the top
// frame of one of our windows showing app://threadline; then dispatchIpc validates it against the
// contract, so nothing malformed reaches the core.
import { dispatchIpc, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, ipcContract } from '../../src-shared/ipc';
import type { IpcEvent, IpcHandlers, IpcResult, WindowHandlers } from '../../src-shared/ipc';
import { isAppUrl } from './security';
import type { InvokeEventLike, IpcMainPort, WindowPort } from './ports';

export const FORBIDDEN: IpcResult<never> = { ok: false, error: { code: 'forbidden', message: 'IPC sender is not a Threadline window' } };

/** The windows whose renderers may call the core. */
export class WindowRegistry {
  private readonly windows = new Set<WindowPort>();

  add(win: WindowPort): void {
    this.windows.add(win);
    win.on('closed', () => this.windows.delete(win));
  }

  has(webContentsId: number): boolean {
    for (const w of this.live()) if (w.webContents.id === webContentsId) return true;
    return false;
  }

  live(): WindowPort[] {
    return [...this.windows].filter((w) => !w.isDestroyed() && !w.webContents.isDestroyed());
  }

  /** Push one event to every renderer (the main window and the dashboard alike). */
  broadcast(event: IpcEvent): void {
    for (const w of this.live()) sendEvent(w, event);
  }
}

/** Push one event to one window's renderer (e.g. 'navigate' to the main window only). */
export function sendEvent(win: WindowPort, event: IpcEvent): void {
  if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event);
}

const unknownMethod = (method: unknown): IpcResult<never> => ({ ok: false, error: { code: 'unknown_method', message: `Unknown method ${String(method)}` } });

export function isTrustedSender(event: InvokeEventLike, windows: WindowRegistry): boolean {
  const frame = event.senderFrame;
  // A null frame means it navigated away or was destroyed mid-call; a parent means a subframe.
  if (!frame || frame.parent) return false;
  return isAppUrl(frame.url) && windows.has(event.sender.id);
}

/** `handlers`: the core's table, plus the shell's own window methods (window.openDashboard, window.showInMain). */
export function installIpcRouter(ipcMain: IpcMainPort, handlers: IpcHandlers & Partial<WindowHandlers>, windows: WindowRegistry): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method, args) => {
    if (!isTrustedSender(event, windows)) return FORBIDDEN;
    // Own keys only: `'toString' in ipcContract` is true, and must not reach the dispatcher.
    if (typeof method !== 'string' || !Object.hasOwn(ipcContract, method)) return unknownMethod(method);
    return dispatchIpc(handlers, method, args);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}
