// Electron entry point (package.json "main": dist-main/shell/main.js). The only file that imports
// the electron runtime: it hands the real modules to startShell, which takes them by interface.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, powerMonitor, protocol, session, shell, Tray } from 'electron';
import log from 'electron-log/main';
import electronUpdater from 'electron-updater';
import { createCore } from '../core/core';
import {
  describeProblems,
  electronProxyConfig,
  loadManagedConfig,
  loadOrCreateInstallId,
  machineConfigPath,
  parsePublisherNames,
  rolloutBucket,
  updatePolicy,
  userConfigPath,
} from '../core/config';
import { diagnosticsFileName, exportDiagnostics } from '../core/diagnostics';
import { startShell } from './app';
import { appMenuTemplate } from './app-menu';
import { configureLogging } from './logging';
import { createUpdater } from './updater';

// Every renderer sandboxed, whatever its webPreferences say.
app.enableSandbox();

// Logs first, so everything after (configuration problems included) lands in the file.
const logging = configureLogging(log, { captureConsole: true });
const configLog = log.scope('config');

// Managed configuration: machine-wide (IT) and per-user files, validated; a bad file is ignored.
const userData = app.getPath('userData');
const managed = loadManagedConfig({ machine: machineConfigPath(process.platform), user: userConfigPath(userData) });
for (const line of describeProblems(managed.problems)) configLog.warn(line);
if (managed.overriddenUserValues.length) configLog.info(`locked by the machine configuration, user values ignored: ${managed.overriddenUserValues.join(', ')}`);
// Only a packaged app may register itself to start at login (unpackaged, it would register electron).
if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: managed.config.startAtLogin });

/** Windows: the publisher electron-builder wrote into resources/app-update.yml (win.publisherName). */
function publisherNames(): string[] {
  try {
    return parsePublisherNames(fs.readFileSync(path.join(process.resourcesPath, 'app-update.yml'), 'utf8'));
  } catch {
    return [];
  }
}

async function exportDiagnosticsInteractively(): Promise<void> {
  const choice = await dialog.showSaveDialog({
    title: 'Export diagnostics',
    defaultPath: path.join(app.getPath('desktop'), diagnosticsFileName()),
    filters: [{ name: 'Zip', extensions: ['zip'] }],
  });
  if (choice.canceled || !choice.filePath) return;
  const { config, sources, locked, problems, files } = managed;
  const result = await exportDiagnostics({
    logDir: logging.logDir,
    config: { effective: config, sources, locked, problems, files },
    versions: {
      app: app.getVersion(),
      electron: process.versions.electron ?? '',
      chrome: process.versions.chrome ?? '',
      node: process.versions.node,
      os: `${os.type()} ${os.release()}`,
      arch: process.arch,
    },
    outFile: choice.filePath,
  });
  log.scope('diagnostics').info(`exported ${result.entries.length} entries to ${result.outFile}`);
  shell.showItemInFolder(result.outFile);
}

// Packaged: the asar root; unpackaged (`electron .`): the repository root. Both hold dist/ and resources/.
const appDir = app.getAppPath();
const unpackagedScript = process.defaultApp ? process.argv[1] : undefined;
const { autoUpdater } = electronUpdater;
autoUpdater.logger = log.scope('updater');

// The application menu; rebuilt when the signed-in role starts or stops allowing the supervisor dashboard.
let openDashboard: (() => void) | undefined;
function setAppMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate(process.platform, {
        exportDiagnostics: () => void exportDiagnosticsInteractively().catch((err: unknown) => log.scope('diagnostics').error(`export failed: ${(err as Error).message}`)),
        openLogs: () => void shell.openPath(logging.logDir),
        openDashboard,
      }),
    ),
  );
}

const handle = startShell(
  { app, BrowserWindow, ipcMain, protocol, session, shell, Tray, Menu, Notification },
  {
    createCore: async (opts) => {
      // Chromium's network stack (renderer, electron-updater) follows the managed proxy.
      await session.defaultSession.setProxy(electronProxyConfig(managed.config.proxy));
      return createCore({ ...opts, defaultServerUrl: managed.config.serverUrl ?? undefined });
    },
    preloadPath: path.join(appDir, 'dist', 'preload', 'preload.cjs'),
    rendererDir: path.join(appDir, 'dist', 'renderer'),
    trayIconPath: path.join(appDir, 'resources', process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
    iconPath: path.join(appDir, 'resources', 'icon.png'),
    argv: process.argv,
    platform: process.platform,
    protocolClient: unpackagedScript ? { path: process.execPath, args: [path.resolve(unpackagedScript)] } : undefined,
    notificationsEnabled: managed.config.notifications.enabled,
    idle: { getSystemIdleTime: () => powerMonitor.getSystemIdleTime() },
    onDashboardAccess: (allowed) => {
      openDashboard = allowed ? () => void handle.ready.then((rt) => rt?.openDashboard()) : undefined;
      setAppMenu();
    },
    notices: managed.problems.length
      ? [{ title: 'Threadline configuration problem', body: `${managed.problems.length} problem(s) in ${[...new Set(managed.problems.map((p) => p.file))].join(', ')}; safe defaults are used. Details are in the log.` }]
      : [],
    // An unpackaged run has no app-update.yml and nothing to update.
    createUpdater: app.isPackaged
      ? (deps) =>
          createUpdater({
            autoUpdater,
            policy: updatePolicy(managed.config),
            rolloutBucket: rolloutBucket(loadOrCreateInstallId(userData)),
            platform: process.platform,
            publisherNames: process.platform === 'win32' ? publisherNames() : [],
            log: log.scope('updater'),
            ...deps,
          })
      : undefined,
  },
);

void app.whenReady().then(() => setAppMenu());

handle.ready.catch((err: unknown) => {
  console.error('[shell] start failed:', err);
  app.exit(1);
});
