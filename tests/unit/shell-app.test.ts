import { describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/ipc';
import type { IpcEvent } from '../../src-shared/ipc';
import { startShell } from '../../src-main/shell/app';
import type { ShellOptions } from '../../src-main/shell/app';
import { deepLinkFromArgv } from '../../src-main/shell/deep-link';
import { createFakeElectron, FakeEvent, invokeEvent } from './shell-electron-fakes';
import { createTestCore } from './shell-test-core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function started(opts: Partial<ShellOptions> = {}, { loaded = true } = {}) {
  const fx = createFakeElectron('/home/agent/.config/Threadline');
  const core = createTestCore();
  const coreOpts: Array<{ dataDir: string }> = [];
  const handle = startShell(fx.ports, {
    createCore: async (o) => (coreOpts.push(o), core),
    preloadPath: '/app/dist/preload/preload.cjs',
    rendererDir: '/app/dist/renderer',
    trayIconPath: '/app/resources/tray.png',
    argv: ['/opt/Threadline/threadline'],
    platform: 'linux',
    unreadDelayMs: 10,
    ...opts,
  });
  const schemesBeforeReady = [...fx.protocol.privileged];
  fx.app.readyResolve();
  const runtime = (await handle.ready)!;
  const win = fx.windows[0]!;
  if (loaded) win.webContents.finishLoad();
  const events = () => win.webContents.sent.filter((s) => s.channel === IPC_EVENT_CHANNEL).map((s) => s.args[0] as IpcEvent);
  return { fx, core, handle, runtime, win, events, coreOpts, schemesBeforeReady };
}

describe('app lifecycle', () => {
  it('registers the scheme before ready, then creates the core in userData, the secure window, the router and the tray', async () => {
    const { fx, core, win, coreOpts, schemesBeforeReady } = await started();
    expect(schemesBeforeReady.map((s) => s.scheme)).toEqual(['app']);
    expect(coreOpts).toEqual([{ dataDir: '/home/agent/.config/Threadline' }]);
    expect(fx.protocol.handlers.has('app')).toBe(true);
    expect(fx.session.requestHandler).not.toBeNull();
    expect(fx.session.checkHandler).not.toBeNull();
    expect(fx.app.protocolClients).toEqual([{ protocol: 'threadline', path: undefined, args: undefined }]);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/app/dist/preload/preload.cjs' });
    expect(win.loadedUrl).toBe('app://threadline/index.html');
    expect(win.webContents.windowOpenHandler).not.toBeNull();
    expect(fx.trays[0]!.image).toBe('/app/resources/tray.png');
    // The router serves our window's calls against the core.
    const res = await fx.ipcMain.invoke(IPC_INVOKE_CHANNEL, invokeEvent(win.webContents, 'app://threadline/index.html'), 'session.state', {});
    expect(res).toMatchObject({ ok: true, value: { connection: 'online' } });
    expect(core.calls.some((c) => c.method === 'session.state')).toBe(true);
  });

  it('a second instance gets no lock, quits, and builds nothing', async () => {
    const fx = createFakeElectron();
    fx.app.hasLock = false;
    const handle = startShell(fx.ports, { createCore: () => createTestCore(), preloadPath: 'p', rendererDir: 'r', trayIconPath: 't', argv: [], platform: 'linux' });
    expect(handle.primary).toBe(false);
    expect(await handle.ready).toBeNull();
    expect(fx.app.quitCalls).toBe(1);
    expect(fx.windows).toHaveLength(0);
  });

  it('registers the deep-link handler with the interpreter and script when unpackaged, and an app user model id on Windows', async () => {
    const { fx } = await started({ protocolClient: { path: '/usr/bin/electron', args: ['/repo/dist-main/shell/main.js'] }, platform: 'win32' });
    expect(fx.app.protocolClients).toEqual([{ protocol: 'threadline', path: '/usr/bin/electron', args: ['/repo/dist-main/shell/main.js'] }]);
    expect(fx.app.userModelIds).toEqual(['dev.threadline.app']);
  });

  it('forwards core events to the window', async () => {
    const { core, events } = await started();
    const changed: IpcEvent = { type: 'changed', entities: ['message'], conversationIds: ['c1'] };
    core.emit(changed);
    expect(events()).toEqual([changed]);
  });

  it('closes the core before quitting, once', async () => {
    const { fx, core, win } = await started();
    fx.app.quit();
    expect(fx.app.exited).toBe(false); // held while the core closes
    await sleep(5);
    expect(core.closed).toBe(1);
    expect(fx.app.exited).toBe(true);
    expect(fx.app.quitCalls).toBe(2);
    expect(core.listenerCount()).toBe(0);
    expect(fx.ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
    expect(fx.trays[0]!.destroyed).toBe(true);
    // While quitting the window may really close.
    expect(win.userClose().defaultPrevented).toBe(false);
  });

  it('a quit during start-up waits for the core and closes it', async () => {
    const fx = createFakeElectron();
    const core = createTestCore();
    const handle = startShell(fx.ports, { createCore: () => core, preloadPath: 'p', rendererDir: 'r', trayIconPath: 't', argv: [], platform: 'linux' });
    fx.app.quit();
    fx.app.readyResolve();
    await handle.ready;
    await sleep(5);
    expect(core.closed).toBe(1);
    expect(fx.app.exited).toBe(true);
  });
});

describe('notifications', () => {
  it('shows an OS notification for a core notify event; a click focuses the window and navigates', async () => {
    const { core, fx, win, events } = await started();
    win.minimized = true;
    core.emit({ type: 'notify', notification: { title: 'Ana Lima', body: 'Hi, my order #1042 has not arrived', conversationId: 'c2', count: 1 } });
    const note = fx.notifications[0]!;
    expect(note.options).toMatchObject({ title: 'Ana Lima', body: 'Hi, my order #1042 has not arrived' });
    expect(note.shown).toBe(true);
    win.calls.length = 0;
    note.emit('click');
    expect(win.calls).toEqual(['restore', 'show', 'focus']);
    expect(events().at(-1)).toEqual({ type: 'navigate', conversationId: 'c2' });
  });

  it('shows nothing where the OS has no notifications', async () => {
    const { core, fx } = await started();
    fx.FakeNotification.supported = false;
    core.emit({ type: 'notify', notification: { title: 't', body: 'b', conversationId: 'c1', count: 3 } });
    expect(fx.notifications).toHaveLength(0);
  });
});

describe('tray', () => {
  it('shows the unread count, recomputed once for a burst of changes', async () => {
    const { core, fx } = await started();
    await sleep(30);
    const tray = fx.trays[0]!;
    expect(tray.tooltip).toBe('Threadline — 3 unread');
    expect(tray.title).toBe('3');
    const before = core.calls.filter((c) => c.method === 'inbox.list').length;
    core.unread.delete('c1');
    core.unread.delete('c2');
    for (let i = 0; i < 50; i++) core.emit({ type: 'changed', entities: ['readMark'], conversationIds: ['c1'] });
    await sleep(40);
    expect(core.calls.filter((c) => c.method === 'inbox.list').length - before).toBe(1);
    expect(tray.tooltip).toBe('Threadline — 1 unread');
    core.unread.delete('c3');
    core.emit({ type: 'changed', entities: ['readMark'], conversationIds: ['c3'] });
    await sleep(30);
    expect(tray.tooltip).toBe('Threadline');
    expect(tray.title).toBe('');
    expect(tray.history).toEqual(['Threadline', 'Threadline — 3 unread', 'Threadline — 1 unread', 'Threadline']);
  });

  it('Open reveals the hidden window, Quit quits', async () => {
    const { fx, win } = await started();
    win.userClose();
    expect(win.visible).toBe(false);
    fx.trays[0]!.clickMenuItem('Open');
    expect(win.visible).toBe(true);
    fx.trays[0]!.clickMenuItem('Quit');
    expect(fx.app.quitCalls).toBe(1);
  });
});

describe('deep links and single instance', () => {
  it('parses threadline://conversation/<id> from a command line', () => {
    expect(deepLinkFromArgv(['/opt/app', '--flag', 'threadline://conversation/01HZX-abc_9'])).toBe('01HZX-abc_9');
    expect(deepLinkFromArgv(['threadline://conversation/../etc'])).toBeNull();
    expect(deepLinkFromArgv(['threadline://evil/1', 'https://x/conversation/1'])).toBeNull();
    expect(deepLinkFromArgv(['threadline://conversation/' + 'a'.repeat(65)])).toBeNull();
    expect(deepLinkFromArgv([])).toBeNull();
  });

  it('a second instance with a deep link focuses this window and navigates', async () => {
    const { fx, win, events } = await started();
    win.userClose();
    fx.app.emit('second-instance', new FakeEvent(), ['/opt/Threadline/threadline', 'threadline://conversation/c3'], '/home', {});
    expect(win.visible).toBe(true);
    expect(events()).toEqual([{ type: 'navigate', conversationId: 'c3' }]);
  });

  it('a second instance without a valid link only focuses', async () => {
    const { fx, win, events } = await started();
    win.userClose();
    fx.app.emit('second-instance', new FakeEvent(), ['/opt/Threadline/threadline', 'threadline://conversation/<script>'], '/home', {});
    expect(win.visible).toBe(true);
    expect(events()).toEqual([]);
  });

  it("macOS 'open-url' navigates and is marked handled", async () => {
    const { fx, events } = await started({ platform: 'darwin' });
    const ev = new FakeEvent();
    fx.app.emit('open-url', ev, 'threadline://conversation/c1');
    expect(ev.defaultPrevented).toBe(true);
    expect(events()).toEqual([{ type: 'navigate', conversationId: 'c1' }]);
  });

  it('a cold-start link waits for the renderer to load before navigating', async () => {
    const { win, events } = await started({ argv: ['/opt/Threadline/threadline', 'threadline://conversation/c2'] }, { loaded: false });
    expect(events()).toEqual([]);
    win.webContents.finishLoad();
    expect(events()).toEqual([{ type: 'navigate', conversationId: 'c2' }]);
    win.webContents.finishLoad(); // a reload does not navigate again
    expect(events()).toHaveLength(1);
  });
});

describe('automatic away', () => {
  it('reports the OS idle time from the injected port to the core, periodically, and stops on quit', async () => {
    let idle = 10;
    const { core, fx } = await started({ idle: { getSystemIdleTime: () => idle }, idleIntervalMs: 20 });
    const reports = () => core.calls.filter((c) => c.method === 'presence.idle').map((c) => (c.args as { seconds: number }).seconds);
    expect(reports()[0]).toBe(10);
    idle = 400;
    await sleep(60);
    expect(reports()).toContain(400);
    fx.app.quit();
    await sleep(30);
    const n = reports().length;
    await sleep(60);
    expect(reports().length).toBe(n);
  });
});
