import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../src-shared/ipc';
import { mergeConfig, updatePolicy } from '../../src-main/core/config';
import type { MachineConfigFile } from '../../src-main/core/config';
import { startShell } from '../../src-main/shell/app';
import { createDraftSaver, createUpdater, failClosedSignatureVerifier, trackDraftSaves } from '../../src-main/shell/updater';
import type { UpdaterOptions, UpdaterState } from '../../src-main/shell/updater';
import { createFakeElectron, invokeEvent } from './shell-electron-fakes';
import { createTestCore } from './shell-test-core';
import { FakeAutoUpdater, fakeAuthenticode, recordingLog, sha512, signedBy } from './update-fake-updater';

const FEED = 'https://updates.corp.example/threadline';
const PUBLISHER = 'Threadline Example Ltd';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-update-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function setup(
  opts: {
    machine?: MachineConfigFile;
    platform?: NodeJS.Platform;
    bucket?: number;
    publisherNames?: string[];
    appUpdateYmlPublisher?: string[] | null;
    saveDrafts?: () => Promise<void>;
    saveDraftsTimeoutMs?: number;
  } = {},
) {
  const platform = opts.platform ?? 'linux';
  const au = new FakeAutoUpdater({ currentVersion: '1.0.0', platform, cacheDir: dir, appUpdateYmlPublisher: opts.appUpdateYmlPublisher === undefined ? [PUBLISHER] : opts.appUpdateYmlPublisher });
  const { config } = mergeConfig({ machine: { ...opts.machine, update: { url: FEED, ...opts.machine?.update } } });
  const rec = recordingLog();
  const states: UpdaterState[] = [];
  const timers: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  const order: string[] = [];
  const saveDrafts = opts.saveDrafts ?? (async () => void order.push('drafts saved'));
  const origQuit = au.quitAndInstall.bind(au);
  au.quitAndInstall = (s, f) => (order.push('quitAndInstall'), origQuit(s, f));
  const options: UpdaterOptions = {
    autoUpdater: au,
    policy: updatePolicy(config),
    rolloutBucket: opts.bucket ?? 50,
    platform,
    publisherNames: opts.publisherNames ?? (platform === 'win32' ? [PUBLISHER] : []),
    log: rec.log,
    saveDrafts,
    saveDraftsTimeoutMs: opts.saveDraftsTimeoutMs,
    onState: (s) => states.push(s),
    every: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return () => void (t.cancelled = true);
    },
  };
  const updater = createUpdater(options);
  /** Resolves once the updater has settled after a check (download + verification are async). */
  const settle = async () => {
    for (let i = 0; i < 50 && !['ready', 'refused', 'up-to-date', 'error', 'disabled'].includes(updater.state.kind); i++) await sleep(5);
  };
  return { au, updater, rec, states, timers, order, settle };
}

describe('configuring electron-updater from the policy', () => {
  it('generic feed from the configuration, stable channel, checks at start and every 4 h, nothing installs before verification', async () => {
    const { au, updater, timers } = setup();
    updater.start();
    expect(au.calls.slice(0, 2)).toEqual([`setFeedURL generic ${FEED} latest`, 'checkForUpdates']);
    expect(au).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: false, allowPrerelease: false, allowDowngrade: false });
    expect(timers.map((t) => t.ms)).toEqual([4 * 60 * 60 * 1000]);
    await sleep(1);
    timers[0]!.fn();
    expect(au.calls.filter((c) => c === 'checkForUpdates')).toHaveLength(2);
    updater.stop();
    expect(timers[0]!.cancelled).toBe(true);
  });

  it('beta channel: the beta feed file and prereleases', () => {
    const { au, updater } = setup({ machine: { update: { channel: 'beta' } } });
    updater.start();
    expect(au.calls[0]).toBe(`setFeedURL generic ${FEED} beta`);
    expect(au.allowPrerelease).toBe(true);
  });

  it('off by policy: no feed, no check, no timer, and the reason is logged', () => {
    const { au, updater, rec, timers } = setup({ machine: { update: { enabled: false } } });
    updater.start();
    expect(au.calls).toEqual([]);
    expect(timers).toEqual([]);
    expect(updater.state).toMatchObject({ kind: 'disabled' });
    expect(rec.text('info')).toMatch(/updates off: .*update\.enabled = false/);
  });
});

describe('a good update', () => {
  it('downloads in the background, is verified, installs on quit', async () => {
    const { au, updater, settle, states } = setup();
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('linux package 1.1.0') });
    updater.start();
    await settle();
    expect(states.map((s) => s.kind)).toEqual(['checking', 'downloading', 'ready']);
    expect(updater.state).toEqual({ kind: 'ready', version: '1.1.0' });
    expect(au.autoInstallOnAppQuit).toBe(true);
    au.quit();
    expect(au.installedOnQuit).toBe('1.1.0');
  });

  it('the same version: up to date, nothing downloaded', async () => {
    const { au, updater, settle } = setup();
    au.publish(FEED, 'latest', { version: '1.0.0', content: Buffer.from('same') });
    updater.start();
    await settle();
    expect(updater.state.kind).toBe('up-to-date');
    expect(au.calls).not.toContain('downloadUpdate');
  });

  it('a feed that cannot be reached is logged and retried at the next interval', async () => {
    const { au, updater, settle, rec, timers } = setup();
    updater.start();
    await settle();
    expect(updater.state.kind).toBe('error');
    expect(rec.text('warn')).toMatch(/update check failed: Cannot find channel/);
    au.publish(FEED, 'latest', { version: '1.2.0', content: Buffer.from('later') });
    timers[0]!.fn();
    await settle();
    expect(updater.state).toEqual({ kind: 'ready', version: '1.2.0' });
  });
});

describe('staged rollout', () => {
  it('an install outside the percentage does not download; inside it does', async () => {
    const outside = setup({ bucket: 42.5 });
    outside.au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('x'), stagingPercentage: 40 });
    outside.updater.start();
    await outside.settle();
    expect(outside.updater.state.kind).toBe('up-to-date');
    expect(outside.au.calls).not.toContain('downloadUpdate');
    expect(outside.rec.text('info')).toMatch(/not yet rolled out to this install \(bucket 42\.50 ≥ 40%\)/);

    const inside = setup({ bucket: 39.9 });
    inside.au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('x'), stagingPercentage: 40 });
    inside.updater.start();
    await inside.settle();
    expect(inside.updater.state).toEqual({ kind: 'ready', version: '1.1.0' });
  });
});

describe('version pinning', () => {
  it('a version past the pin is never downloaded', async () => {
    const { au, updater, settle, rec } = setup({ machine: { update: { pinVersion: '1.4.2' } } });
    au.publish(FEED, 'latest', { version: '1.5.0', content: Buffer.from('too new') });
    updater.start();
    await settle();
    expect(updater.state.kind).toBe('up-to-date');
    expect(au.calls).not.toContain('downloadUpdate');
    expect(rec.text('info')).toMatch(/1\.5\.0 skipped: version 1\.5\.0 is past the pinned version 1\.4\.2/);
  });

  it('the pinned version itself is installed', async () => {
    const { au, updater, settle } = setup({ machine: { update: { pinVersion: '1.4.2' } } });
    au.publish(FEED, 'latest', { version: '1.4.2', content: Buffer.from('pinned') });
    updater.start();
    await settle();
    expect(updater.state).toEqual({ kind: 'ready', version: '1.4.2' });
  });

  it('keeps electron-updater\'s own OS-version check (the hook is chained, not replaced)', async () => {
    const { au, updater, settle } = setup();
    au.isUpdateSupported = () => false; // e.g. minimumSystemVersion not met
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('x') });
    updater.start();
    await settle();
    expect(updater.state.kind).toBe('up-to-date');
  });
});

describe('refusing bad updates', () => {
  it('sha512 mismatch: refused, logged, nothing installs, no restart offered', async () => {
    const { au, updater, settle, rec } = setup();
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('evil bytes'), sha512: sha512('the real release') });
    updater.start();
    await settle();
    expect(updater.state).toMatchObject({ kind: 'refused', code: 'sha512', version: '1.1.0' });
    expect(rec.text('error')).toMatch(/update refused \(sha512\) for 1\.1\.0: sha512 checksum mismatch/);
    expect(au.autoInstallOnAppQuit).toBe(false);
    au.quit();
    expect(au.installedOnQuit).toBeNull();
    expect(await updater.restartNow()).toEqual({ ok: false, reason: 'no-update' });
    expect(au.calls).not.toContain('quitAndInstall');
  });

  it('a file changed after electron-updater checked it is refused by our own sha512 check', async () => {
    const { au, updater, settle, rec } = setup();
    au.tamperAfterDownload = true;
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('package') });
    updater.start();
    await settle();
    expect(updater.state).toMatchObject({ kind: 'refused', code: 'sha512' });
    expect(rec.text('error')).toMatch(/sha512 of the downloaded file does not match the feed/);
    au.quit();
    expect(au.installedOnQuit).toBeNull();
  });

  it('Windows: a correctly signed installer is accepted', async () => {
    const { au, updater, settle } = setup({ platform: 'win32' });
    au.publish(FEED, 'latest', { version: '1.1.0', content: signedBy(PUBLISHER) });
    updater.start();
    await settle();
    expect(updater.state).toEqual({ kind: 'ready', version: '1.1.0' });
    au.quit();
    expect(au.installedOnQuit).toBe('1.1.0');
  });

  it('Windows: an installer signed by someone else is refused and logged', async () => {
    const { au, updater, settle, rec } = setup({ platform: 'win32' });
    au.publish(FEED, 'latest', { version: '1.1.0', content: signedBy('Mallory Inc') });
    updater.start();
    await settle();
    expect(updater.state).toMatchObject({ kind: 'refused', code: 'signature' });
    expect(rec.text('error')).toMatch(/Windows signature did not verify/);
    expect(rec.text('error')).toMatch(/update refused \(signature\)/);
    au.quit();
    expect(au.installedOnQuit).toBeNull();
  });

  it('Windows: when app-update.yml has no publisherName electron-updater skips its check (fail-open); ours still refuses', async () => {
    const { au, updater, settle } = setup({ platform: 'win32', appUpdateYmlPublisher: null });
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('unsigned installer') });
    updater.start();
    await settle();
    expect(au.downloaded?.version).toBe('1.1.0'); // the fake, like 6.8.10, let it through
    expect(updater.state).toMatchObject({ kind: 'refused', code: 'signature' });
    au.quit();
    expect(au.installedOnQuit).toBeNull();
  });

  it('Windows: a build without publisherName does not update at all', async () => {
    const { au, updater, rec } = setup({ platform: 'win32', publisherNames: [] });
    updater.start();
    expect(au.calls).toEqual([]);
    expect(updater.state).toMatchObject({ kind: 'disabled', reason: expect.stringMatching(/no publisherName/) });
    expect(rec.text('error')).toMatch(/update refused \(publisher-missing\)/);
  });

  it('the signature hook refuses without names or verifier, and when the check throws', async () => {
    const rec = recordingLog();
    const file = path.join(dir, 'setup.exe');
    fs.writeFileSync(file, signedBy(PUBLISHER));
    let called = 0;
    const counting = async (names: string[], f: string) => (called++, fakeAuthenticode(names, f));
    expect(await failClosedSignatureVerifier(counting, rec.log)([PUBLISHER], file)).toBeNull();
    expect(await failClosedSignatureVerifier(counting, rec.log)([], file)).toMatch(/no publisherName/);
    expect(await failClosedSignatureVerifier(counting, rec.log)(['  '], file)).toMatch(/no publisherName/);
    expect(called).toBe(1);
    expect(await failClosedSignatureVerifier(undefined, rec.log)([PUBLISHER], file)).toMatch(/no signature verifier/);
    expect(
      await failClosedSignatureVerifier(async () => {
        throw new Error('powershell not found');
      }, rec.log)([PUBLISHER], file),
    ).toMatch(/failed to run: powershell not found/);
    expect(rec.lines.filter((l) => l.level === 'error')).toHaveLength(4);
  });
});

describe('restart now', () => {
  it('saves drafts first, then quits and installs (not silent, app runs again)', async () => {
    const { au, updater, settle, order } = setup();
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('x') });
    updater.start();
    await settle();
    expect(await updater.restartNow()).toEqual({ ok: true });
    expect(order).toEqual(['drafts saved', 'quitAndInstall']);
    expect(au.quitAndInstallArgs).toEqual([false, true]);
  });

  it('drafts that cannot be saved: no restart, the update waits for quit', async () => {
    const { au, updater, settle, rec } = setup({ saveDrafts: () => Promise.reject(new Error('renderer did not answer')) });
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('x') });
    updater.start();
    await settle();
    expect(await updater.restartNow()).toEqual({ ok: false, reason: 'drafts-not-saved' });
    expect(au.calls).not.toContain('quitAndInstall');
    expect(au.autoInstallOnAppQuit).toBe(true);
    expect(rec.text('warn')).toMatch(/restart postponed: renderer did not answer/);
  });

  it('drafts that take too long: no restart', async () => {
    const { au, updater, settle } = setup({ saveDrafts: () => new Promise(() => undefined), saveDraftsTimeoutMs: 30 });
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('x') });
    updater.start();
    await settle();
    expect(await updater.restartNow()).toEqual({ ok: false, reason: 'drafts-not-saved' });
    expect(au.calls).not.toContain('quitAndInstall');
  });
});

describe('draft flushing', () => {
  it('waits until the draft.save the renderer sends on the flush has been stored by the core', async () => {
    const core = createTestCore();
    let stored = '';
    const slowSave = core.handlers['draft.save'];
    const tracked = trackDraftSaves({
      ...core.handlers,
      'draft.save': async (a) => {
        await sleep(40);
        stored = a.text;
        return slowSave(a);
      },
    });
    // A renderer whose composer saves its pending text when it gets 'pagehide'.
    const page = {
      isDestroyed: () => false,
      executeJavaScript: async (code: string) => {
        expect(code).toContain("'pagehide'");
        void tracked.handlers['draft.save']({ conversationId: 'c1', text: 'half-typed reply' });
        return true;
      },
    };
    await createDraftSaver(() => [page], tracked.settled, 5)();
    expect(stored).toBe('half-typed reply');
  });

  it('a window that cannot be asked makes the flush fail (so no restart)', async () => {
    await expect(createDraftSaver(() => [{ isDestroyed: () => false }], async () => undefined, 1)()).rejects.toThrow(/cannot ask the window/);
    await expect(createDraftSaver(() => [{ isDestroyed: () => true }], async () => undefined, 1)()).resolves.toBeUndefined();
  });
});

describe('in the shell', () => {
  it('a verified update shows a notification; its click flushes the draft through the IPC router, then quits and installs', async () => {
    const fx = createFakeElectron(path.join(dir, 'userData'));
    const core = createTestCore();
    const au = new FakeAutoUpdater({ currentVersion: '1.0.0', platform: 'linux', cacheDir: dir, appUpdateYmlPublisher: null });
    au.publish(FEED, 'latest', { version: '1.1.0', content: Buffer.from('pkg') });
    const { config } = mergeConfig({ machine: { update: { url: FEED } } });
    const order: string[] = [];
    const handle = startShell(fx.ports, {
      createCore: () => core,
      preloadPath: 'p',
      rendererDir: 'r',
      trayIconPath: 't',
      argv: [],
      platform: 'linux',
      unreadDelayMs: 5,
      createUpdater: (deps) =>
        createUpdater({ autoUpdater: au, policy: updatePolicy(config), rolloutBucket: 1, platform: 'linux', publisherNames: [], log: recordingLog().log, every: () => () => undefined, ...deps }),
    });
    fx.app.readyResolve();
    const runtime = (await handle.ready)!;
    const win = fx.windows[0]!;
    win.webContents.finishLoad();
    // The renderer's composer: on 'pagehide' it calls draft.save over IPC, as the real one does.
    Object.assign(win.webContents, {
      executeJavaScript: async () => {
        void fx.ipcMain.invoke(IPC_INVOKE_CHANNEL, invokeEvent(win.webContents, 'app://threadline/index.html'), 'draft.save', { conversationId: 'c2', text: 'unsaved words' }).then(() => order.push('draft stored'));
        return true;
      },
    });
    au.quitAndInstall = () => void order.push('quitAndInstall');
    for (let i = 0; i < 50 && runtime.updater?.state.kind !== 'ready'; i++) await sleep(5);
    const notice = fx.notifications.find((n) => String(n.options.title).includes('1.1.0'));
    expect(notice?.shown).toBe(true);
    notice!.emit('click');
    for (let i = 0; i < 60 && !order.includes('quitAndInstall'); i++) await sleep(5);
    expect(order).toEqual(['draft stored', 'quitAndInstall']);
    expect(core.calls.filter((c) => c.method === 'draft.save')).toEqual([{ method: 'draft.save', args: { conversationId: 'c2', text: 'unsaved words' } }]);
  });

  it('configuration notices are shown, and OS notifications can be turned off by policy', async () => {
    const fx = createFakeElectron(path.join(dir, 'userData'));
    const core = createTestCore();
    const handle = startShell(fx.ports, {
      createCore: () => core,
      preloadPath: 'p',
      rendererDir: 'r',
      trayIconPath: 't',
      argv: [],
      platform: 'linux',
      notificationsEnabled: false,
      notices: [{ title: 'Threadline configuration problem', body: '1 problem(s) in /etc/threadline/config.json' }],
    });
    fx.app.readyResolve();
    await handle.ready;
    core.emit({ type: 'notify', notification: { title: 'New message', body: 'hi', conversationId: 'c1', count: 1 } });
    expect(fx.notifications.map((n) => n.options.title)).toEqual(['Threadline configuration problem']);
  });
});
