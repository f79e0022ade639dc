// Recording fakes of the Electron API objects the shell uses (no Electron binary here). They follow
// Electron's documented shapes and behaviours that the shell relies on: BrowserWindow creation fires
// app 'web-contents-created'; app.quit() emits a preventable 'before-quit'; ipcMain.handle keeps one
// handler per channel; Notification/Tray are event emitters. Our own logic runs for real on top.
import type { BrowserWindowConstructorOptions, CustomScheme, HandlerDetails, Menu, MenuItemConstructorOptions, NotificationConstructorOptions, WindowOpenHandlerResponse } from 'electron';
import type {
  ElectronPorts,
  InvokeEventLike,
  PermissionCheckHandler,
  PermissionRequestHandler,
} from '../../src-main/shell/ports';

type Listener = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextWebContentsId = 1;
export class FakeWebContents extends Emitter {
  readonly id = nextWebContentsId++;
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  loading = true;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isLoading(): boolean {
    return this.loading;
  }
  /** Like Electron: 'will-navigate' with a preventable event carrying the url. */
  navigate(url: string): FakeEvent {
    const event = new FakeEvent(url);
    this.emit('will-navigate', event, url);
    return event;
  }
  openWindow(url: string): WindowOpenHandlerResponse | undefined {
    return this.windowOpenHandler?.({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'default' } });
  }
  finishLoad(): void {
    this.loading = false;
    this.emit('did-finish-load');
  }
}

export class FakeApp extends Emitter {
  readyResolve!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.readyResolve = r));
  hasLock = true;
  quitCalls = 0;
  exited = false;
  readonly protocolClients: Array<{ protocol: string; path?: string; args?: string[] }> = [];
  readonly userModelIds: string[] = [];
  constructor(readonly userData: string) {
    super();
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  getPath(name: 'userData'): string {
    if (name !== 'userData') throw new Error(`unexpected getPath(${String(name)})`);
    return this.userData;
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean {
    this.protocolClients.push({ protocol, path, args });
    return true;
  }
  setAppUserModelId(id: string): void {
    this.userModelIds.push(id);
  }
  /** Electron: 'before-quit' first; a listener may preventDefault() to cancel this quit. */
  quit(): void {
    this.quitCalls++;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exited = true;
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, ...args) from a frame would do. */
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

export class FakeProtocol {
  readonly privileged: CustomScheme[] = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
}

export class FakeSession {
  requestHandler: PermissionRequestHandler | null = null;
  checkHandler: PermissionCheckHandler | null = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.checkHandler = handler;
  }
}

export class FakeShell {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

export type FakeMenu = { template: MenuItemConstructorOptions[] };

export function createFakeElectron(userData = '/fake/userData') {
  const app = new FakeApp(userData);
  const windows: FakeBrowserWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotification[] = [];

  class FakeBrowserWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    readonly calls: string[] = [];
    loadedUrl: string | null = null;
    visible = false;
    minimized = false;
    destroyed = false;
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      windows.push(this);
      app.emit('web-contents-created', new FakeEvent(), this.webContents);
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
    }
    show(): void {
      this.calls.push('show');
      this.visible = true;
    }
    hide(): void {
      this.calls.push('hide');
      this.visible = false;
    }
    focus(): void {
      this.calls.push('focus');
    }
    restore(): void {
      this.calls.push('restore');
      this.minimized = false;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** BrowserWindow.close(): the same as the close button. */
    close(): void {
      this.calls.push('close');
      this.userClose();
    }
    /** Like the user clicking the close button: 'close' is preventable, then 'closed'. */
    userClose(): FakeEvent {
      const event = new FakeEvent();
      this.emit('close', event);
      if (!event.defaultPrevented) {
        this.destroyed = true;
        this.webContents.destroyed = true;
        this.emit('closed');
      }
      return event;
    }
  }

  class FakeTray extends Emitter {
    tooltip = '';
    title = '';
    menu: FakeMenu | null = null;
    readonly history: string[] = [];
    destroyed = false;
    constructor(readonly image: string) {
      super();
      trays.push(this);
    }
    setToolTip(toolTip: string): void {
      this.tooltip = toolTip;
      this.history.push(toolTip);
    }
    setTitle(title: string): void {
      this.title = title;
    }
    setContextMenu(menu: Menu): void {
      this.menu = menu as unknown as FakeMenu;
    }
    destroy(): void {
      this.destroyed = true;
    }
    clickMenuItem(label: string): void {
      const item = this.menu?.template.find((i) => i.label === label);
      if (!item?.click) throw new Error(`no menu item ${label}`);
      (item.click as () => void)();
    }
  }

  class FakeNotification extends Emitter {
    static supported = true;
    static isSupported(): boolean {
      return FakeNotification.supported;
    }
    shown = false;
    constructor(readonly options: NotificationConstructorOptions) {
      super();
      notifications.push(this);
    }
    show(): void {
      this.shown = true;
    }
    close(): void {
      this.emit('close');
    }
  }

  const ipcMain = new FakeIpcMain();
  const protocol = new FakeProtocol();
  const session = new FakeSession();
  const shell = new FakeShell();
  const Menu = { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) as unknown as Menu };

  const ports: ElectronPorts = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    protocol,
    session: { defaultSession: session },
    shell,
    Tray: FakeTray,
    Menu,
    Notification: FakeNotification,
  };
  return { ports, app, ipcMain, protocol, session, shell, windows, trays, notifications, FakeNotification };
}

/** The invoke event Electron would build for a call from `contents`' frame at `url`. */
export function invokeEvent(contents: { id: number }, url: string, opts: { subframe?: boolean } = {}): InvokeEventLike {
  return { sender: { id: contents.id }, senderFrame: { url, parent: opts.subframe ? {} : null } };
}
