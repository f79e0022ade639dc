// App lifecycle: single instance, deep links, then on 'ready' the core, the IPC router, the window,
// the tray and notifications; on quit the core is closed before the process exits.
import { parseDeepLink } from '../../src-shared/ipc';
import type { IpcEvent, MainWindowLink, WindowHandlers } from '../../src-shared/ipc';
import type { Role } from '../../src-shared/domain';
import { canOpenDashboard, createDashboardWindow, type DashboardWindowController } from './dashboard-window';
import { createAppProtocolHandler, registerAppScheme, type AttachmentBackend } from './app-protocol';
import { DEEP_LINK_SCHEME, deepLinkFromArgv } from './deep-link';
import { installIpcRouter, sendEvent, WindowRegistry } from './ipc-router';
import { createNotifier } from './notifications';
import type { CoreLike, CreateCore, ElectronPorts, WindowPort } from './ports';
import { APP_SCHEME, hardenWebContents, permissionCheckHandler, permissionRequestHandler } from './security';
import { countUnread, createCoalescedCounter, createTray } from './tray';
import type { TrayController } from './tray';
import { createMainWindow, revealWindow } from './window';
import { startShellUpdater, trackDraftSaves } from './updater';
import type { Updater, UpdaterFactory } from './updater';
import { startIdleReporter, type IdlePort } from './idle';

export const APP_ID = 'dev.threadline.app';

export interface ShellOptions {
  createCore: CreateCore;
  preloadPath: string;
  rendererDir: string;
  trayIconPath: string;
  iconPath?: string;
  /** process.argv of this launch: a deep link in it is opened once the window is up. */
  argv: readonly string[];
  platform: NodeJS.Platform;
  /** Unpackaged runs must name the interpreter and script for the OS to relaunch us on a link. */
  protocolClient?: { path: string; args: string[] };
  unreadDelayMs?: number;
  /** Auto-update (main.ts binds electron-updater and the managed update policy); none in tests by default. */
  createUpdater?: UpdaterFactory;
  /** Managed configuration: OS notifications off by policy. */
  notificationsEnabled?: boolean;
  /** OS idle time for automatic away (main.ts: powerMonitor); none = the renderer's page idle only. */
  idle?: IdlePort;
  idleIntervalMs?: number;
  /** Shown once as OS notifications after start (e.g. managed-configuration problems). */
  notices?: Array<{ title: string; body: string }>;
  /** Told whenever the signed-in role starts or stops allowing the dashboard (main.ts rebuilds the app menu). */
  onDashboardAccess?: (allowed: boolean) => void;
}

export interface ShellRuntime {
  core: CoreLike;
  window: WindowPort;
  windows: WindowRegistry;
  tray: TrayController;
  openConversation(conversationId: string): void;
  /** The supervisor dashboard window (menu, tray, header button); false when the role does not allow it. */
  openDashboard(): boolean;
  dashboard: DashboardWindowController;
  updater: Updater | null;
}

export interface ShellHandle {
  /** False when another instance holds the lock: this one forwards its argv and quits. */
  primary: boolean;
  ready: Promise<ShellRuntime | null>;
}

export function startShell(electron: ElectronPorts, opts: ShellOptions): ShellHandle {
  const { app } = electron;
  registerAppScheme(electron.protocol);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { primary: false, ready: Promise.resolve(null) };
  }
  if (opts.protocolClient) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, opts.protocolClient.path, opts.protocolClient.args);
  else app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  // Windows shows toasts only for an app with a user model id matching its shortcut.
  if (opts.platform === 'win32') app.setAppUserModelId(APP_ID);

  let runtime: ShellRuntime | null = null;
  let pendingConversation = deepLinkFromArgv(opts.argv);
  let quitting = false;
  let closing = false;
  let closed = false;
  const teardown: Array<() => void> = [];

  const openConversation = (conversationId: string) => {
    if (!runtime) {
      pendingConversation = conversationId;
      return;
    }
    revealWindow(runtime.window);
    // Until the renderer has loaded it has no listener: hold the link for did-finish-load.
    // Only the main window navigates (the dashboard window shows no conversations).
    if (runtime.window.webContents.isLoading()) pendingConversation = conversationId;
    else sendEvent(runtime.window, { type: 'navigate', conversationId });
  };

  /** The dashboard's drill-down: a conversation (like a deep link) or inbox filters, shown in the main window. */
  const showInMain = (link: MainWindowLink) => {
    if (link.kind === 'conversation') return openConversation(link.conversationId);
    if (!runtime) return;
    revealWindow(runtime.window);
    sendEvent(runtime.window, { type: 'showInbox', view: link.view, status: link.status, channelId: link.channelId, atRisk: link.atRisk });
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, electron.shell));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = parseDeepLink(url);
    if (link) openConversation(link.conversationId);
  });
  app.on('second-instance', (_event, argv) => {
    const conversationId = deepLinkFromArgv(argv);
    if (conversationId) openConversation(conversationId);
    else if (runtime) revealWindow(runtime.window);
  });
  app.on('activate', () => {
    if (runtime) revealWindow(runtime.window);
  });
  app.on('window-all-closed', () => {
    if (opts.platform !== 'darwin') app.quit();
  });

  const ready = app.whenReady().then(async (): Promise<ShellRuntime> => {
    const session = electron.session.defaultSession;
    session.setPermissionRequestHandler(permissionRequestHandler);
    session.setPermissionCheckHandler(permissionCheckHandler);
    let attachments: AttachmentBackend | null = null;
    electron.protocol.handle(APP_SCHEME, createAppProtocolHandler(opts.rendererDir, () => attachments));

    const core = await opts.createCore({ dataDir: app.getPath('userData') });
    if (core.fetchAttachment && core.uploadAttachment) attachments = { fetchAttachment: (id) => core.fetchAttachment!(id), uploadAttachment: (a) => core.uploadAttachment!(a) };
    const windows = new WindowRegistry();
    // The signed-in role decides whether the dashboard may open; 'session' events keep it current.
    let role: Role | null = null;
    const dashboard = createDashboardWindow(electron.BrowserWindow, { preloadPath: opts.preloadPath, iconPath: opts.iconPath, windows, role: () => role });
    const windowHandlers: WindowHandlers = {
      'window.openDashboard': async () => {
        if (!dashboard.open()) throw Object.assign(new Error('The dashboard is for supervisors and administrators.'), { code: 'forbidden' });
        return null;
      },
      'window.showInMain': async (link) => (showInMain(link), null),
    };
    // draft.save calls are counted so "restart now" can wait for the last one.
    const drafts = trackDraftSaves(core.handlers);
    teardown.push(installIpcRouter(electron.ipcMain, { ...drafts.handlers, ...windowHandlers }, windows));

    const window = createMainWindow(electron.BrowserWindow, { preloadPath: opts.preloadPath, iconPath: opts.iconPath, isQuitting: () => quitting });
    windows.add(window);
    window.webContents.on('did-finish-load', () => {
      if (!pendingConversation) return;
      const conversationId = pendingConversation;
      pendingConversation = null;
      sendEvent(window, { type: 'navigate', conversationId });
    });

    const tray = createTray(electron, { iconPath: opts.trayIconPath, onOpen: () => revealWindow(window), onQuit: () => app.quit(), onDashboard: () => dashboard.open() });
    let dashboardAllowed: boolean | null = null;
    const setRole = (next: Role | null) => {
      role = next;
      const allowed = canOpenDashboard(next);
      if (allowed === dashboardAllowed) return;
      dashboardAllowed = allowed;
      tray.setDashboardAllowed(allowed);
      opts.onDashboardAccess?.(allowed);
    };
    setRole(await core.handlers['session.state']({}).then((s) => s.agent?.role ?? null, () => null));
    teardown.push(() => tray.destroy());
    const unread = createCoalescedCounter(() => countUnread(core.handlers), (n) => tray.setUnread(n), opts.unreadDelayMs);
    teardown.push(() => unread.close());
    const notifier = createNotifier(electron.Notification, { iconPath: opts.iconPath, openConversation });

    teardown.push(
      core.onEvent((event: IpcEvent) => {
        if (event.type === 'session') setRole(event.state.agent?.role ?? null);
        dashboard.onEvent(event);
        windows.broadcast(event);
        if (event.type === 'notify' && opts.notificationsEnabled !== false) notifier.show(event.notification);
        if (event.type === 'changed' || event.type === 'session') unread.schedule();
      }),
    );
    unread.schedule();
    if (opts.idle) teardown.push(startIdleReporter(opts.idle, (seconds) => core.handlers['presence.idle']({ seconds }), opts.idleIntervalMs));

    for (const notice of opts.notices ?? []) {
      if (electron.Notification.isSupported()) new electron.Notification(notice).show();
    }
    const updater = opts.createUpdater
      ? startShellUpdater(opts.createUpdater, {
          Notification: electron.Notification,
          pages: () => windows.live().map((w) => w.webContents),
          settled: drafts.settled,
          iconPath: opts.iconPath,
        })
      : null;
    if (updater) teardown.push(() => updater.stop());

    runtime = { core, window, windows, tray, openConversation, openDashboard: () => dashboard.open(), dashboard, updater };
    return runtime;
  });

  // Electron does not wait for promises in before-quit: hold the quit, close the core, quit again.
  app.on('before-quit', (event) => {
    quitting = true;
    if (closed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    // If ready has not finished yet, wait for it, so a core being opened is not left open.
    void ready
      .catch(() => null)
      .then(async (rt) => {
        for (const undo of teardown.splice(0).reverse()) undo();
        await rt?.core.close();
      })
      .catch((err: unknown) => console.error('[shell] core close failed:', err))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  return { primary: true, ready };
}
