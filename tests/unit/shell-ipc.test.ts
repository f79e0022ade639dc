import { describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/ipc';
import { installIpcRouter, WindowRegistry } from '../../src-main/shell/ipc-router';
import { createFakeElectron, invokeEvent } from './shell-electron-fakes';
import { createTestCore } from './shell-test-core';

function routed() {
  const fx = createFakeElectron();
  const core = createTestCore();
  const windows = new WindowRegistry();
  const win = new fx.ports.BrowserWindow({});
  windows.add(win);
  const remove = installIpcRouter(fx.ipcMain, core.handlers, windows);
  const call = (method: unknown, args: unknown, event = invokeEvent(win.webContents, 'app://threadline/index.html')) =>
    fx.ipcMain.invoke(IPC_INVOKE_CHANNEL, event, method, args);
  return { fx, core, windows, win, fake: fx.windows[0]!, call, remove };
}

describe('IPC router', () => {
  it('serves a valid call from our window through the real handler table, with contract defaults applied', async () => {
    const { core, call } = routed();
    const res = await call('inbox.list', { view: 'all' });
    expect(res).toMatchObject({ ok: true, value: { total: 3 } });
    expect(core.calls).toEqual([{ method: 'inbox.list', args: { view: 'all', limit: 50, offset: 0 } }]);
    expect(await call('conversation.markRead', { conversationId: 'c1' })).toEqual({ ok: true, value: null });
    expect(core.unread.has('c1')).toBe(false);
  });

  it('refuses a call from a foreign frame URL before anything reaches the core', async () => {
    const { core, call, win } = routed();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'app://evil/index.html', 'devtools://devtools/']) {
      expect(await call('conversation.markRead', { conversationId: 'c1' }, invokeEvent(win.webContents, url))).toEqual({
        ok: false,
        error: { code: 'forbidden', message: expect.any(String) },
      });
    }
    expect(core.calls).toEqual([]);
  });

  it('refuses subframes, destroyed frames and WebContents that are not our windows', async () => {
    const { core, call, win, fx } = routed();
    const stranger = new fx.ports.BrowserWindow({});
    const forbidden = { ok: false, error: { code: 'forbidden', message: expect.any(String) } };
    expect(await call('session.state', {}, invokeEvent(win.webContents, 'app://threadline/index.html', { subframe: true }))).toEqual(forbidden);
    expect(await call('session.state', {}, { sender: win.webContents, senderFrame: null })).toEqual(forbidden);
    expect(await call('session.state', {}, invokeEvent(stranger.webContents, 'app://threadline/index.html'))).toEqual(forbidden);
    expect(core.calls).toEqual([]);
  });

  it('stops serving a window once it is closed', async () => {
    const { call, fake } = routed();
    expect(await call('session.state', {})).toMatchObject({ ok: true });
    fake.destroyed = true;
    fake.webContents.destroyed = true;
    fake.emit('closed');
    expect(await call('session.state', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('rejects invalid args with invalid_args, and unknown methods, without calling the core', async () => {
    const { core, call } = routed();
    expect(await call('message.send', { conversationId: 'c1', text: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(await call('message.send', { conversationId: 'c1', text: 'x'.repeat(10_001) })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(await call('inbox.list', { view: 'everything' })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(await call('session.state', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(await call('shell.exec', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    for (const inherited of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(await call(inherited, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
    expect(await call(42, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(core.calls).toEqual([]);
  });

  it('turns a handler error into a Result with its code', async () => {
    const { call } = routed();
    expect(await call('conversation.markRead', { conversationId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('unregisters on dispose', () => {
    const { fx, remove } = routed();
    expect(fx.ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(true);
    remove();
    expect(fx.ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });

  it('broadcasts events to live windows only', () => {
    const { windows, fake, fx } = routed();
    const second = new fx.ports.BrowserWindow({});
    windows.add(second);
    fx.windows[1]!.destroyed = true;
    windows.broadcast({ type: 'navigate', conversationId: 'c2' });
    expect(fake.webContents.sent).toEqual([{ channel: IPC_EVENT_CHANNEL, args: [{ type: 'navigate', conversationId: 'c2' }] }]);
    expect(fx.windows[1]!.webContents.sent).toEqual([]);
  });
});
