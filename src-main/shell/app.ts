// App lifecycle: single instance, deep links, then on 'ready' the core, the IPC router, the window,
// the tray and notifications; on quit the core is closed before the process exits.
import { parseDeepLink } from '../../src-shared/ipc';
import type { IpcEvent } from '../../src-shared/ipc';
import { createAppProtocolHandler, registerAppScheme, type AttachmentBackend } from './app-protocol';
import { DEEP_LINK_SCHEME, deepLinkFromArgv } from './deep-link';
import { installIpcRouter, WindowRegistry } from './ipc-router';
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
}

export interface ShellRuntime {
  core: CoreLike;
  window: WindowPort;
  windows: WindowRegistry;
  tray: TrayController;
  openConversation(conversationId: string): void;
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
    if (runtime.window.webContents.isLoading()) pendingConversation = conversationId;
    else runtime.windows.broadcast({ type: 'navigate', conversationId });
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
    // draft.save calls are counted so "restart now" can wait for the last one.
    const drafts = trackDraftSaves(core.handlers);
    teardown.push(installIpcRouter(electron.ipcMain, drafts.handlers, windows));

    const window = createMainWindow(electron.BrowserWindow, { preloadPath: opts.preloadPath, iconPath: opts.iconPath, isQuitting: () => quitting });
    windows.add(window);
    window.webContents.on('did-finish-load', () => {
      if (!pendingConversation) return;
      const conversationId = pendingConversation;
      pendingConversation = null;
      windows.broadcast({ type: 'navigate', conversationId });
    });

    const tray = createTray(electron, { iconPath: opts.trayIconPath, onOpen: () => revealWindow(window), onQuit: () => app.quit() });
    teardown.push(() => tray.destroy());
    const unread = createCoalescedCounter(() => countUnread(core.handlers), (n) => tray.setUnread(n), opts.unreadDelayMs);
    teardown.push(() => unread.close());
    const notifier = createNotifier(electron.Notification, { iconPath: opts.iconPath, openConversation });

    teardown.push(
      core.onEvent((event: IpcEvent) => {
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

    runtime = { core, window, windows, tray, openConversation, updater };
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
