// Electron's security checklist, as code: URL policies, locked-down web preferences, navigation and
// window-open guards, and the permission handlers. Applied to every WebContents the app creates.
import type { BrowserWindowConstructorOptions } from 'electron';
import { DASHBOARD_PATH } from '../../src-shared/ipc';
import type { AppPort, PermissionCheckHandler, PermissionRequestHandler, SessionPort, ShellPort, WebContentsPort } from './ports';

export const APP_SCHEME = 'app';
export const APP_HOST = 'threadline';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;
/** The supervisor dashboard window: the same renderer, which picks the dashboard app by this path. */
export const DASHBOARD_URL = `${APP_ORIGIN}${DASHBOARD_PATH}`;

/** Links a user clicks may leave the app only with these schemes. */
const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
/** The only permission the renderer may hold. */
const ALLOWED_PERMISSIONS = new Set(['notifications']);

function tryParse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for our own renderer origin, app://threadline/… */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  const u = tryParse(url);
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
}

/**
 * The normalised URL to hand to shell.openExternal, or null when it must not leave the app.
 * Credentials in http(s) URLs are refused: `https://bank.com@evil.example` is a phishing shape.
 */
export function externalUrl(url: string): string | null {
  const u = tryParse(url);
  if (!u || !EXTERNAL_PROTOCOLS.has(u.protocol)) return null;
  if (u.protocol !== 'mailto:' && (!u.hostname || u.username || u.password)) return null;
  return u.href;
}

export function secureWindowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Threadline',
    show: false,
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

async function openOutside(shell: ShellPort, url: string): Promise<void> {
  const safe = externalUrl(url);
  if (!safe) return;
  try {
    await shell.openExternal(safe);
  } catch (err) {
    console.warn('[shell] openExternal failed:', (err as Error).message);
  }
}

/** Navigation stays inside app://threadline; window.open never creates a window; no <webview>. */
export function hardenWebContents(contents: WebContentsPort, shell: ShellPort): void {
  const guard = (event: { preventDefault(): void; url: string }) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    void openOutside(shell, event.url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openOutside(shell, url);
    return { action: 'deny' };
  });
}

export const permissionRequestHandler: PermissionRequestHandler = (_contents, permission, callback, details) => {
  callback(ALLOWED_PERMISSIONS.has(permission) && isAppUrl(details?.requestingUrl));
};

export const permissionCheckHandler: PermissionCheckHandler = (_contents, permission, requestingOrigin) =>
  ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingOrigin);

/** Install the guards app-wide: every WebContents ever created gets them, not just our window. */
export function installSecurity(app: AppPort, session: SessionPort, shell: ShellPort): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));
  session.setPermissionRequestHandler(permissionRequestHandler);
  session.setPermissionCheckHandler(permissionCheckHandler);
}
