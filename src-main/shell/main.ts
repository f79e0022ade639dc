// Electron entry point (package.json "main": dist-main/shell/main.js). The only file that imports
// the electron runtime: it hands the real modules to startShell, which takes them by interface.
import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, Notification, protocol, session, shell, Tray } from 'electron';
import { createCore } from '../core/core';
import { startShell } from './app';

// Every renderer sandboxed, whatever its webPreferences say.
app.enableSandbox();

// Packaged: the asar root; unpackaged (`electron .`): the repository root. Both hold dist/ and resources/.
const appDir = app.getAppPath();
const unpackagedScript = process.defaultApp ? process.argv[1] : undefined;

const handle = startShell(
  { app, BrowserWindow, ipcMain, protocol, session, shell, Tray, Menu, Notification },
  {
    createCore,
    preloadPath: path.join(appDir, 'dist', 'preload', 'preload.cjs'),
    rendererDir: path.join(appDir, 'dist', 'renderer'),
    trayIconPath: path.join(appDir, 'resources', process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
    iconPath: path.join(appDir, 'resources', 'icon.png'),
    argv: process.argv,
    platform: process.platform,
    protocolClient: unpackagedScript ? { path: process.execPath, args: [path.resolve(unpackagedScript)] } : undefined,
  },
);

handle.ready.catch((err: unknown) => {
  console.error('[shell] start failed:', err);
  app.exit(1);
});
