// The dashboard window's renderer logic (issue 8): which app a location is, how the header button opens the window
// (Electron IPC or a browser tab carrying the secret), how drill-down reaches the main window, and the Live tab's
// pure display helpers.
import { describe, expect, it } from 'vitest';
import type { InboxRow, IpcResult, MainWindowLink } from '../../src-shared/ipc';
import { MAIN_WINDOW_CHANNEL } from '../../src-shared/ipc';
import type { RendererBridge, Transport } from '../../src-renderer/bridge/types';
import { SECRET_STORAGE_KEY } from '../../src-renderer/bridge/secret';
import { focusReturner } from '../../src-renderer/lib/return-focus';
import { currentByAgent, dueIn, formatWait, liveSummary, localMidnightIso } from '../../src-renderer/dashboard/live-view';
import { DASHBOARD_TAB_NAME, dashboardTabUrl, isDashboardLocation, openDashboardWindow, parseMainWindowLink, showInMainWindow } from '../../src-renderer/dashboard/window-links';

function fakeBridge(transport: Transport, answer: IpcResult<unknown> = { ok: true, value: null }) {
  const calls: Array<{ method: string; args: unknown }> = [];
  const bridge: RendererBridge = {
    transport,
    invoke: (async (method: string, args: unknown) => (calls.push({ method, args }), answer)) as RendererBridge['invoke'],
    onEvent: () => () => undefined,
    linkStatus: () => 'open',
    onLinkStatus: () => () => undefined,
  };
  return { bridge, calls };
}

describe('dashboard window links', () => {
  it('the /dashboard route is the dashboard app; everything else the workspace', () => {
    expect(isDashboardLocation({ pathname: '/dashboard' })).toBe(true);
    expect(isDashboardLocation({ pathname: '/dashboard/' })).toBe(true);
    expect(isDashboardLocation({ pathname: '/' })).toBe(false);
    expect(isDashboardLocation({ pathname: '/index.html' })).toBe(false);
    expect(isDashboardLocation({ pathname: '/dashboards' })).toBe(false);
  });

  it('Electron: the header button asks the shell; a refusal surfaces as an error', async () => {
    const { bridge, calls } = fakeBridge('electron');
    const win = { open: () => null, sessionStorage: { getItem: () => null } };
    await openDashboardWindow(bridge, win);
    expect(calls).toEqual([{ method: 'window.openDashboard', args: {} }]);
    const refused = fakeBridge('electron', { ok: false, error: { code: 'forbidden', message: 'no' } });
    await expect(openDashboardWindow(refused.bridge, win)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('browser host: opens /dashboard in a named tab with the secret in the hash, then only focuses it while open', async () => {
    const { bridge, calls } = fakeBridge('websocket');
    const opened: Array<{ url: string; target: string }> = [];
    const tab = { closed: false, focused: 0, focus() { this.focused++; } };
    const win = { open: (url: string, target: string) => (opened.push({ url, target }), tab), sessionStorage: { getItem: (k: string) => (k === SECRET_STORAGE_KEY ? 's3cr/t+' : null) } };
    await openDashboardWindow(bridge, win);
    expect(opened).toEqual([{ url: '/dashboard#secret=s3cr%2Ft%2B', target: DASHBOARD_TAB_NAME }]);
    await openDashboardWindow(bridge, win);
    expect(opened).toHaveLength(1);
    expect(tab.focused).toBe(2);
    tab.closed = true;
    await openDashboardWindow(bridge, win);
    expect(opened).toHaveLength(2);
    expect(calls).toEqual([]);
    expect(dashboardTabUrl(null)).toBe('/dashboard');
  });

  it('drill-down: Electron asks the shell; the browser host posts the validated link on the main-window channel', async () => {
    const link: MainWindowLink = { kind: 'conversation', conversationId: 'c-42' };
    const electron = fakeBridge('electron');
    await showInMainWindow(electron.bridge, link);
    expect(electron.calls).toEqual([{ method: 'window.showInMain', args: link }]);

    const ws = fakeBridge('websocket');
    const posted: Array<{ name: string; message: unknown }> = [];
    let closed = 0;
    const factory = (name: string) => ({ postMessage: (message: unknown) => posted.push({ name, message }), close: () => closed++ });
    let focused = 0;
    const inbox: MainWindowLink = { kind: 'inbox', view: 'unassigned', status: 'open', channelId: 'ch-1', atRisk: false };
    await showInMainWindow(ws.bridge, inbox, factory, { focus: () => focused++ });
    expect(posted).toEqual([{ name: MAIN_WINDOW_CHANNEL, message: inbox }]);
    expect(closed).toBe(1);
    expect(focused).toBe(1);
    expect(ws.calls).toEqual([]);
    await expect(showInMainWindow(ws.bridge, { kind: 'conversation', conversationId: '' }, factory)).rejects.toThrow();
    expect(posted).toHaveLength(1);
  });

  it('the main window accepts only well-formed links', () => {
    expect(parseMainWindowLink({ kind: 'conversation', conversationId: 'c1' })).toEqual({ kind: 'conversation', conversationId: 'c1' });
    expect(parseMainWindowLink({ kind: 'inbox', view: 'all', status: null, channelId: null, atRisk: true })).toMatchObject({ atRisk: true });
    expect(parseMainWindowLink({ kind: 'conversation', conversationId: 'c1', extra: 1 })).toBeNull();
    expect(parseMainWindowLink({ kind: 'inbox', view: 'sideways', status: null, channelId: null, atRisk: false })).toBeNull();
    expect(parseMainWindowLink('c1')).toBeNull();
    expect(parseMainWindowLink(null)).toBeNull();
  });
});

describe('Live tab helpers', () => {
  it('key figures: waiting summed over channels, the longest wait of any, agents online, SLA counts', () => {
    const queue = (channelId: string, waiting: number, longestWaitMs: number | null) => ({ channelId, channelName: channelId, channelType: 'webchat', waiting, longestWaitMs, oldestWaitingSince: null });
    const agent = (agentId: string, presence: string) => ({ agentId, name: agentId, role: 'agent', presence, load: 0, capacity: 3, current: 0 });
    const summary = liveSummary({
      at: '2026-11-26T10:00:00.000Z',
      channels: [queue('chat', 2, 60_000), queue('mail', 0, null), queue('wa', 3, 900_000)],
      agents: [agent('ana', 'online'), agent('ben', 'away'), agent('sam', 'online'), agent('kim', 'offline')],
      sla: { atRisk: 1, breached: 2, atRiskIds: ['c1'], breachedIds: ['c2', 'c3'], items: [] },
    });
    expect(summary).toEqual({ waiting: 5, longestWaitMs: 900_000, online: 2, agents: 4, atRisk: 1, breached: 2 });
    expect(liveSummary({ at: '2026-11-26T10:00:00.000Z', channels: [queue('chat', 0, null)], agents: [], sla: { atRisk: 0, breached: 0, atRiskIds: [], breachedIds: [], items: [] } }).longestWaitMs).toBeNull();
  });

  it('formats waits', () => {
    expect(formatWait(null)).toBeNull();
    expect(formatWait(42_000)).toBe('42 s');
    expect(formatWait(75_000)).toBe('1 min 15 s');
    expect(formatWait((2 * 3600 + 5 * 60) * 1000)).toBe('2 h 5 min');
  });

  it('today starts at local midnight', () => {
    const now = new Date(2026, 10, 26, 17, 30, 12).getTime();
    expect(localMidnightIso(now)).toBe(new Date(2026, 10, 26, 0, 0, 0).toISOString());
    expect(localMidnightIso(new Date(2026, 10, 26, 0, 0, 0).getTime())).toBe(new Date(2026, 10, 26).toISOString());
  });

  it('due in the future, overdue in the past, against the server clock', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(dueIn('2026-11-26T12:25:00Z', now)).toEqual({ past: false, parts: { unit: 'm', n: 25, m: 0 } });
    expect(dueIn('2026-11-26T10:30:00Z', now)).toEqual({ past: true, parts: { unit: 'h', n: 1, m: 30 } });
    expect(dueIn(null, now)).toBeNull();
    expect(dueIn('not a date', now)).toBeNull();
  });

  it("groups current conversations by assignee, skipping unassigned and resolved", () => {
    const row = (id: string, assigneeId: string | null, status: 'open' | 'pending' | 'resolved'): InboxRow => ({
      conversation: { id, contactId: `k-${id}`, channelId: 'ch', status, assigneeId, subject: null, lastMessageAt: '2026-11-26T00:00:00Z', lastMessagePreview: '', lastInboundAt: null, createdAt: '2026-11-26T00:00:00Z' },
      contactName: id,
      channelType: 'webchat',
      channelName: 'Web',
      assigneeName: assigneeId,
      unread: false,
    });
    const m = currentByAgent([row('c1', 'a1', 'open'), row('c2', 'a2', 'pending'), row('c3', 'a1', 'pending'), row('c4', null, 'open'), row('c5', 'a1', 'resolved')]);
    expect([...m.keys()]).toEqual(['a1', 'a2']);
    expect(m.get('a1')!.map((r) => r.conversation.id)).toEqual(['c1', 'c3']);
  });
});

describe('focus after a drill-down or review form closes', () => {
  const target = (name: string, log: string[], isConnected = true) => ({ isConnected, focus: () => log.push(name) });

  it('goes back to the control that had focus when the panel opened', () => {
    const log: string[] = [];
    const doc = { activeElement: target('opener', log) as unknown };
    const back = focusReturner(doc);
    doc.activeElement = target('close button', log); // focus moved into the panel meanwhile
    back(target('fallback', log));
    expect(log).toEqual(['opener']);
  });

  it('falls back when the opener left the page (e.g. its count dropped to zero), and does nothing without one', () => {
    const log: string[] = [];
    focusReturner({ activeElement: target('opener', log, false) })(target('heading', log));
    expect(log).toEqual(['heading']);
    expect(() => focusReturner({ activeElement: null })()).not.toThrow();
  });
});
