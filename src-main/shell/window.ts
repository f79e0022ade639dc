// The main window: secure options, loaded from app://threadline, hidden (not destroyed) on close so
// the tray and notifications keep working; it is really closed only when the app quits.
import { RENDERER_URL, secureWindowOptions } from './security';
import type { BrowserWindowCtor, WindowPort } from './ports';

export interface MainWindowOptions {
  preloadPath: string;
  iconPath?: string;
  /** Asked on 'close': true while the app is quitting, so the window may really close. */
  isQuitting: () => boolean;
}

export function createMainWindow(BrowserWindow: BrowserWindowCtor, opts: MainWindowOptions): WindowPort {
  const win = new BrowserWindow(secureWindowOptions(opts.preloadPath, opts.iconPath));
  win.on('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (opts.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
  void win.loadURL(RENDERER_URL).catch((err: unknown) => console.error('[shell] renderer failed to load:', err));
  return win;
}

export function revealWindow(win: WindowPort): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
