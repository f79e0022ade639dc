// The narrow slice of Electron the shell uses, as structural interfaces.
// main.ts passes the real `electron` module objects in, so the compiler checks that Electron
// satisfies these shapes; tests pass small recording fakes of the same shapes (Electron has no
// binary here). Parameter shapes reuse Electron's own documented types wherever they are data.
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  HandlerDetails,
  Menu,
  MenuItemConstructorOptions,
  NotificationConstructorOptions,
  WindowOpenHandlerResponse,
} from 'electron';
import type { IpcEvent, IpcHandlers } from '../../src-shared/ipc';

/** What the shell needs from the desktop core (src-main/core createCore). */
export interface CoreLike {
  handlers: IpcHandlers;
  /** Attachments (served at app://threadline/attachments/…): the real core has both; test cores may not. */
  fetchAttachment?(id: string): Promise<Response>;
  uploadAttachment?(a: { conversationId: string; name: string; contentType: string; bytes: Uint8Array }): Promise<Response>;
  onEvent(listener: (event: IpcEvent) => void): () => void;
  close(): Promise<void> | void;
}
export type CreateCore = (opts: { dataDir: string }) => CoreLike | Promise<CoreLike>;

export interface PreventableEvent {
  preventDefault(): void;
}

export interface WebContentsPort {
  readonly id: number;
  on(event: 'will-navigate', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  isLoading(): boolean;
  /** Used by "restart now" to ask the renderer to save its draft (updater.ts createDraftSaver). */
  executeJavaScript?(code: string, userGesture?: boolean): Promise<unknown>;
}

export interface WindowPort {
  readonly webContents: WebContentsPort;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  hide(): void;
  /** Like the close button ('close', then 'closed'); the main window turns it into a hide. */
  close(): void;
  on(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}
export type BrowserWindowCtor = new (options: BrowserWindowConstructorOptions) => WindowPort;

/** The parts of Electron's IpcMainInvokeEvent the router trusts. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}
export interface IpcMainPort {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface ProtocolPort {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl?: string },
) => void;
export type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string) => boolean;
export interface SessionPort {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void;
}

export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

export interface TrayPort {
  setToolTip(toolTip: string): void;
  setTitle(title: string): void;
  /** The menu is whatever Menu.buildFromTemplate returned: an opaque handle to us. */
  setContextMenu(menu: Menu): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}
export type TrayCtor = new (image: string) => TrayPort;
export interface MenuPort {
  buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
}

export interface NotificationPort {
  show(): void;
  close(): void;
  on(event: 'click', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}
export interface NotificationCtor {
  new (options: NotificationConstructorOptions): NotificationPort;
  isSupported(): boolean;
}

export interface AppPort {
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
  on(event: 'open-url', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsPort) => void): unknown;
  whenReady(): Promise<void>;
  getPath(name: 'userData'): string;
  requestSingleInstanceLock(): boolean;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  setAppUserModelId(id: string): void;
  quit(): void;
}

/** Everything the shell takes from Electron, injected. */
export interface ElectronPorts {
  app: AppPort;
  BrowserWindow: BrowserWindowCtor;
  ipcMain: IpcMainPort;
  protocol: ProtocolPort;
  session: { defaultSession: SessionPort };
  shell: ShellPort;
  Tray: TrayCtor;
  Menu: MenuPort;
  Notification: NotificationCtor;
}
