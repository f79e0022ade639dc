// The supervisor dashboard window in the Electron shell (issue 8): opened from the IPC call, the tray and the app
// menu only for supervisors and admins; one instance; the same security baseline as the main window; its calls
// accepted by the router; every core event reaches it; its drill-down lands in the main window.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src-shared/domain';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/ipc';
import type { IpcEvent, SessionState } from '../../src-shared/ipc';
import { startShell } from '../../src-main/shell/app';
import { createAppProtocolHandler } from '../../src-main/shell/app-protocol';
import { appMenuTemplate, DASHBOARD_ACCELERATOR } from '../../src-main/shell/app-menu';
import { createFakeElectron, invokeEvent } from './shell-electron-fakes';
import { createTestCore } from './shell-test-core';

const MAIN_URL = 'app://threadline/index.html';
const DASH_URL = 'app://threadline/dashboard';

const agentOf = (role: Agent['role']): Agent => ({ id: `a-${role}`, email: `${role}@example.test`, name: `The ${role}`, role, channelIds: [] });
const sessionOf = (agent: Agent | null): SessionState => ({ serverUrl: 'http://127.0.0.1:1', agent, connection: agent ? 'online' : 'signed-out', pendingMutations: 0, lastSyncedAt: null });

async function started(role: Agent['role'] | null) {
  const fx = createFakeElectron('/home/sup/.config/Threadline');
  const core = createTestCore();
  const initial = sessionOf(role ? agentOf(role) : null);
  core.handlers['session.state'] = async () => initial;
  const access: boolean[] = [];
  const handle = startShell(fx.ports, {
    createCore: async () => core,
    preloadPath: '/app/dist/preload/preload.cjs',
    rendererDir: '/app/dist/renderer',
    trayIconPath: '/app/resources/tray.png',
    argv: [],
    platform: 'linux',
    unreadDelayMs: 10,
    onDashboardAccess: (allowed) => access.push(allowed),
  });
  fx.app.readyResolve();
  const runtime = (await handle.ready)!;
  const main = fx.windows[0]!;
  main.webContents.finishLoad();
  const eventsOf = (w: (typeof fx.windows)[number]) => w.webContents.sent.filter((s) => s.channel === IPC_EVENT_CHANNEL).map((s) => s.args[0] as IpcEvent);
  const invoke = (w: (typeof fx.windows)[number], url: string, method: string, args: unknown) => fx.ipcMain.invoke(IPC_INVOKE_CHANNEL, invokeEvent(w.webContents, url), method, args);
  const trayLabels = () => (fx.trays[0]!.menu?.template ?? []).map((i) => i.label).filter(Boolean);
  return { fx, core, runtime, main, access, eventsOf, invoke, trayLabels };
}

describe('dashboard window', () => {
  it('opens for a supervisor from the main window: secure options, app://threadline/dashboard, hardened, shown when ready', async () => {
    const { fx, main, invoke, access, trayLabels } = await started('supervisor');
    expect(access).toEqual([true]);
    expect(trayLabels()).toEqual(['Open', 'Supervisor dashboard', 'Quit']);

    expect(await invoke(main, MAIN_URL, 'window.openDashboard', {})).toEqual({ ok: true, value: null });
    expect(fx.windows).toHaveLength(2);
    const dash = fx.windows[1]!;
    expect(dash.loadedUrl).toBe(DASH_URL);
    expect(dash.options.webPreferences).toMatchObject({ preload: '/app/dist/preload/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(dash.options.title).toContain('Supervisor dashboard');
    // The app-wide guards ran on its contents too: window.open is denied, navigation away is refused.
    expect(dash.webContents.openWindow('https://example.com/')).toEqual({ action: 'deny' });
    expect(dash.webContents.navigate('https://evil.example/').defaultPrevented).toBe(true);
    expect(dash.webContents.navigate(MAIN_URL).defaultPrevented).toBe(false);
    expect(dash.visible).toBe(false);
    dash.emit('ready-to-show');
    expect(dash.visible).toBe(true);
  });

  it('is one instance: opening again (IPC, tray, runtime) focuses it; after a close the next open builds a new one', async () => {
    const { fx, main, invoke, runtime } = await started('admin');
    await invoke(main, MAIN_URL, 'window.openDashboard', {});
    const dash = fx.windows[1]!;
    dash.minimized = true;
    fx.trays[0]!.clickMenuItem('Supervisor dashboard');
    expect(runtime.openDashboard()).toBe(true);
    expect(fx.windows).toHaveLength(2);
    expect(dash.calls).toEqual(['restore', 'show', 'focus', 'show', 'focus']);

    dash.userClose();
    expect(dash.destroyed).toBe(true); // a real close, unlike the main window's hide
    expect(runtime.windows.has(dash.webContents.id)).toBe(false);
    expect(await invoke(dash, DASH_URL, 'session.state', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    fx.trays[0]!.clickMenuItem('Supervisor dashboard');
    expect(fx.windows).toHaveLength(3);
    expect(fx.windows[2]!.loadedUrl).toBe(DASH_URL);
  });

  it('is refused to agents and to nobody signed in: no window, no tray item', async () => {
    for (const role of ['agent', null] as const) {
      const { fx, main, invoke, access, trayLabels, runtime } = await started(role);
      expect(access).toEqual([false]);
      expect(trayLabels()).toEqual(['Open', 'Quit']);
      expect(await invoke(main, MAIN_URL, 'window.openDashboard', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(runtime.openDashboard()).toBe(false);
      expect(fx.windows).toHaveLength(1);
    }
  });

  it('follows the session: a supervisor signing in gets it, signing out closes the window and removes the item', async () => {
    const { fx, core, main, invoke, access, trayLabels } = await started(null);
    core.emit({ type: 'session', state: sessionOf(agentOf('supervisor')) });
    expect(access).toEqual([false, true]);
    expect(trayLabels()).toContain('Supervisor dashboard');
    await invoke(main, MAIN_URL, 'window.openDashboard', {});
    const dash = fx.windows[1]!;
    // Another event for the same role changes nothing.
    core.emit({ type: 'session', state: sessionOf(agentOf('supervisor')) });
    expect(access).toEqual([false, true]);
    expect(dash.destroyed).toBe(false);

    core.emit({ type: 'session', state: sessionOf(null) });
    expect(dash.destroyed).toBe(true);
    expect(dash.calls).toContain('close');
    expect(access).toEqual([false, true, false]);
    expect(trayLabels()).toEqual(['Open', 'Quit']);
  });

  it("the router serves the dashboard window's calls and every core event reaches both windows", async () => {
    const { fx, core, main, invoke, eventsOf } = await started('supervisor');
    await invoke(main, MAIN_URL, 'window.openDashboard', {});
    const dash = fx.windows[1]!;
    dash.webContents.finishLoad();
    expect(await invoke(dash, DASH_URL, 'session.state', {})).toMatchObject({ ok: true, value: { agent: { role: 'supervisor' } } });
    // A subframe or another origin in that window is still refused.
    expect(await fx.ipcMain.invoke(IPC_INVOKE_CHANNEL, invokeEvent(dash.webContents, DASH_URL, { subframe: true }), 'session.state', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke(dash, 'https://evil.example/dashboard', 'session.state', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const changed: IpcEvent = { type: 'changed', entities: ['conversation'], conversationIds: ['c1'] };
    core.emit(changed);
    expect(eventsOf(dash)).toEqual([changed]);
    expect(eventsOf(main)).toEqual([changed]);
  });

  it("drill-down: a conversation opens in the main window like a deep link; inbox filters go to the main window only", async () => {
    const { fx, main, invoke, eventsOf } = await started('supervisor');
    await invoke(main, MAIN_URL, 'window.openDashboard', {});
    const dash = fx.windows[1]!;
    main.userClose(); // hidden behind the tray
    main.calls.length = 0;

    expect(await invoke(dash, DASH_URL, 'window.showInMain', { kind: 'conversation', conversationId: 'c2' })).toEqual({ ok: true, value: null });
    expect(main.visible).toBe(true);
    expect(main.calls).toEqual(['show', 'focus']);
    expect(eventsOf(main)).toEqual([{ type: 'navigate', conversationId: 'c2' }]);

    await invoke(dash, DASH_URL, 'window.showInMain', { kind: 'inbox', view: 'unassigned', status: 'open', channelId: 'ch-1', atRisk: false });
    expect(eventsOf(main).at(-1)).toEqual({ type: 'showInbox', view: 'unassigned', status: 'open', channelId: 'ch-1', atRisk: false });
    expect(eventsOf(dash)).toEqual([]);

    // Malformed links never reach the shell's handler.
    expect(await invoke(dash, DASH_URL, 'window.showInMain', { kind: 'conversation', conversationId: '' })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(await invoke(dash, DASH_URL, 'window.showInMain', { kind: 'settings' })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(eventsOf(main)).toHaveLength(2);
  });
});

describe('dashboard entry points', () => {
  it('the app menu has View → Supervisor dashboard (CmdOrCtrl+Shift+D) only when given the action', () => {
    let opened = 0;
    const actions = { exportDiagnostics: () => undefined, openLogs: () => undefined };
    const withIt = appMenuTemplate('linux', { ...actions, openDashboard: () => opened++ });
    const view = withIt.find((m) => m.label === 'View')!;
    const item = view.submenu!.find((i) => i.label === 'Supervisor dashboard')!;
    expect(item.accelerator).toBe(DASHBOARD_ACCELERATOR);
    expect(DASHBOARD_ACCELERATOR).toBe('CmdOrCtrl+Shift+D');
    item.click!();
    expect(opened).toBe(1);
    // The standard View items stay.
    expect(view.submenu!.map((i) => i.role).filter(Boolean)).toEqual(['reload', 'forceReload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    const without = appMenuTemplate('linux', actions);
    expect(without.some((m) => m.role === 'viewMenu')).toBe(true);
    expect(JSON.stringify(without)).not.toContain('Supervisor dashboard');
  });

  it('app://threadline/dashboard serves the renderer with the CSP; nothing else under it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'threadline-dash-renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    const handler = createAppProtocolHandler(dir);
    const res = await handler(new Request(DASH_URL));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('id="root"');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await handler(new Request('app://threadline/dashboard/../../etc/passwd'))).status).not.toBe(200);
    expect((await handler(new Request('app://threadline/dashboards'))).status).toBe(404);
  });
});
