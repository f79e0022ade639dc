// Auto-update through electron-updater, behind an injected port (main.ts passes the real
// autoUpdater; tests pass a fake that follows its documented API and events).
//
// Fail closed, in layers:
//  - Policy first: off by configuration, or (Windows) no publisherName in app-update.yml → no check
//    at all. electron-updater 6.8.10 would otherwise skip the signature check silently.
//  - Gates electron-updater itself consults before downloading: isUpdateSupported (version pin,
//    chained with its own OS-version check) and isUserWithinRollout (our stable install bucket).
//  - verifyUpdateCodeSignature (Windows): refuses when no publisher is given or the check fails/throws.
//  - Nothing installs until we accept the download: autoInstallOnAppQuit stays false until the
//    downloaded file's sha512 matches the feed, the pin still allows it and (Windows) the signature
//    verifies again against our own publisher list.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import type { IpcHandlers } from '../../src-shared/ipc';
import type { NotificationCtor, NotificationPort } from './ports';
import { versionAllowed, withinRollout } from '../core/config/update-policy';
import type { GenericFeed, UpdatePolicy } from '../core/config/update-policy';

export type VerifyCodeSignature = (publisherNames: string[], file: string) => Promise<string | null>;

/** The slice of electron-updater's AppUpdater (NsisUpdater on Windows) this module drives. */
export interface AutoUpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowPrerelease: boolean;
  allowDowngrade: boolean;
  isUpdateSupported: (info: UpdateInfo) => boolean | Promise<boolean>;
  isUserWithinRollout: (info: UpdateInfo) => boolean | Promise<boolean>;
  /** NsisUpdater only (Windows). */
  verifyUpdateCodeSignature?: VerifyCodeSignature;
  setFeedURL(options: GenericFeed): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available', listener: (info: UpdateInfo) => void): unknown;
  on(event: 'update-not-available', listener: (info: UpdateInfo) => void): unknown;
  on(event: 'update-downloaded', listener: (event: UpdateDownloadedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error, message?: string) => void): unknown;
}

export interface LogPort {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export type RefusalCode = 'publisher-missing' | 'signature' | 'sha512' | 'pin';

export type UpdaterState =
  | { kind: 'idle' }
  | { kind: 'disabled'; reason: string }
  | { kind: 'checking' }
  | { kind: 'up-to-date' }
  | { kind: 'downloading'; version: string }
  | { kind: 'ready'; version: string }
  | { kind: 'refused'; code: RefusalCode; reason: string; version?: string }
  | { kind: 'error'; message: string };

export type RestartResult = { ok: true } | { ok: false; reason: 'no-update' | 'drafts-not-saved' };

export interface UpdaterOptions {
  autoUpdater: AutoUpdaterPort;
  policy: UpdatePolicy;
  /** This install's rollout bucket in [0, 100) (rolloutBucket(loadOrCreateInstallId(userData))). */
  rolloutBucket: number;
  platform: NodeJS.Platform;
  /** Windows: publisherName from resources/app-update.yml (parsePublisherNames). Empty → refuse. */
  publisherNames: readonly string[];
  log: LogPort;
  /** Resolves once every open composer's draft is saved by the core; rejects otherwise. */
  saveDrafts: () => Promise<void>;
  saveDraftsTimeoutMs?: number;
  onState?: (state: UpdaterState) => void;
  /** Runs fn every ms; returns a cancel function. Default: an unref'd setInterval. */
  every?: (fn: () => void, ms: number) => () => void;
}

export interface Updater {
  readonly state: UpdaterState;
  start(): void;
  checkNow(): Promise<void>;
  /** "Restart now": save drafts first; never quits when they could not be saved. */
  restartNow(): Promise<RestartResult>;
  stop(): void;
}

const defaultEvery = (fn: () => void, ms: number) => {
  const timer = setInterval(fn, ms);
  timer.unref?.();
  return () => clearInterval(timer);
};

export async function sha512File(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** The sha512 values a feed lists for its files (latest.yml `files[].sha512`, legacy top-level `sha512`). */
export function expectedSha512s(info: UpdateInfo): string[] {
  const out = (info.files ?? []).map((f) => f.sha512).filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (typeof info.sha512 === 'string' && info.sha512) out.push(info.sha512);
  return out;
}

/**
 * Wraps electron-updater's Windows signature check so that it never passes by default: no
 * publisher, no verifier, a failure string or a throw are all refusals, each logged.
 */
export function failClosedSignatureVerifier(verify: VerifyCodeSignature | undefined, log: LogPort): VerifyCodeSignature {
  return async (publisherNames, file) => {
    const names = publisherNames.map((n) => n.trim()).filter(Boolean);
    let refusal: string | null = null;
    if (names.length === 0) refusal = 'no publisherName is configured, so the signature cannot be checked';
    else if (!verify) refusal = 'no signature verifier is available';
    else {
      try {
        refusal = await verify(names, file);
      } catch (err) {
        refusal = `signature check failed to run: ${(err as Error).message}`;
      }
    }
    if (refusal !== null) log.error(`update refused: Windows signature did not verify (${refusal})`);
    return refusal;
  };
}

/** electron-updater reports these as errors; for us they are refusals of a bad update. */
export function classifyUpdaterError(err: Error & { code?: string }): { code: RefusalCode; reason: string } | null {
  if (err.code === 'ERR_UPDATER_INVALID_SIGNATURE') return { code: 'signature', reason: err.message };
  if (err.code === 'ERR_CHECKSUM_MISMATCH' || /sha512 checksum mismatch/i.test(err.message)) return { code: 'sha512', reason: err.message };
  return null;
}

export function createUpdater(opts: UpdaterOptions): Updater {
  const { autoUpdater: au, policy, log } = opts;
  const every = opts.every ?? defaultEvery;
  const windows = opts.platform === 'win32';
  let state: UpdaterState = { kind: 'idle' };
  let cancelTimer: (() => void) | null = null;
  let started = false;

  const setState = (next: UpdaterState) => {
    state = next;
    opts.onState?.(next);
  };
  const refuse = (code: RefusalCode, reason: string, version?: string) => {
    // Whatever was downloaded must not be installed on quit either.
    au.autoInstallOnAppQuit = false;
    log.error(`update refused (${code})${version ? ` for ${version}` : ''}: ${reason}`);
    setState({ kind: 'refused', code, reason, ...(version ? { version } : {}) });
  };

  const verifySignature = failClosedSignatureVerifier(au.verifyUpdateCodeSignature, log);

  const acceptDownload = async (event: UpdateDownloadedEvent): Promise<void> => {
    const pin = versionAllowed(event.version, policy.pinVersion);
    if (!pin.allowed) return refuse('pin', pin.reason, event.version);
    // macOS hands the zip to Squirrel.Mac, which verifies the code signature itself and may have
    // removed our copy already; there electron-updater's own sha512 check stands.
    if (opts.platform !== 'darwin') {
      const expected = expectedSha512s(event);
      let actual: string;
      try {
        actual = await sha512File(event.downloadedFile);
      } catch (err) {
        return refuse('sha512', `cannot read the downloaded file: ${(err as Error).message}`, event.version);
      }
      if (!expected.includes(actual)) return refuse('sha512', `sha512 of the downloaded file does not match the feed (got ${actual})`, event.version);
    }
    if (windows) {
      const refusal = await verifySignature([...opts.publisherNames], event.downloadedFile);
      if (refusal !== null) return refuse('signature', refusal, event.version);
    }
    au.autoInstallOnAppQuit = true;
    log.info(`update ${event.version} downloaded and verified; it installs on quit, or now on "Restart now"`);
    setState({ kind: 'ready', version: event.version });
  };

  const checkNow = async (): Promise<void> => {
    if (!started || state.kind === 'disabled') return;
    // A verified download waits for quit. After a refusal the next check may find a corrected feed.
    if (state.kind === 'ready' || state.kind === 'downloading') return;
    setState({ kind: 'checking' });
    try {
      await au.checkForUpdates();
    } catch (err) {
      // The 'error' event has (or will have) the details; this only keeps the promise handled.
      if (state.kind === 'checking') setState({ kind: 'error', message: (err as Error).message });
    }
  };

  return {
    get state() {
      return state;
    },
    start() {
      if (started) return;
      started = true;
      if (!policy.enabled) {
        log.info(`updates off: ${policy.disabledReason}`);
        setState({ kind: 'disabled', reason: policy.disabledReason ?? 'off by policy' });
        return;
      }
      if (windows && opts.publisherNames.filter((n) => n.trim()).length === 0) {
        const reason = 'this build has no publisherName (app-update.yml); electron-updater would skip the signature check, so updates are refused';
        log.error(`update refused (publisher-missing): ${reason}`);
        setState({ kind: 'disabled', reason });
        return;
      }

      au.autoDownload = true;
      au.autoInstallOnAppQuit = false;
      au.allowPrerelease = policy.allowPrerelease;
      au.allowDowngrade = false;
      au.setFeedURL({ ...policy.feed });
      const osCheck = au.isUpdateSupported;
      au.isUpdateSupported = async (info) => {
        const pin = versionAllowed(info.version, policy.pinVersion);
        if (!pin.allowed) {
          log.info(`update ${info.version} skipped: ${pin.reason}`);
          return false;
        }
        return osCheck(info);
      };
      au.isUserWithinRollout = (info) => {
        const inside = withinRollout(opts.rolloutBucket, info.stagingPercentage);
        if (!inside) log.info(`update ${info.version} not yet rolled out to this install (bucket ${opts.rolloutBucket.toFixed(2)} ≥ ${String(info.stagingPercentage)}%)`);
        return inside;
      };
      if (windows) au.verifyUpdateCodeSignature = verifySignature;

      au.on('update-available', (info) => {
        log.info(`update ${info.version} available on ${policy.feed.channel}; downloading in the background`);
        setState({ kind: 'downloading', version: info.version });
      });
      au.on('update-not-available', () => {
        if (state.kind === 'checking') setState({ kind: 'up-to-date' });
      });
      au.on('update-downloaded', (event) => {
        void acceptDownload(event).catch((err: unknown) => refuse('sha512', `verification failed: ${(err as Error).message}`, event.version));
      });
      au.on('error', (err) => {
        const refusal = classifyUpdaterError(err);
        const version = state.kind === 'downloading' ? state.version : undefined;
        if (refusal) return refuse(refusal.code, refusal.reason, version);
        log.warn(`update check failed: ${err.message}`);
        setState({ kind: 'error', message: err.message });
      });

      log.info(`updates on: ${policy.feed.url} channel ${policy.feed.channel}${policy.pinVersion ? `, pinned to ≤ ${policy.pinVersion}` : ''}`);
      void checkNow();
      cancelTimer = every(() => void checkNow(), policy.checkIntervalMs);
    },
    checkNow,
    async restartNow(): Promise<RestartResult> {
      if (state.kind !== 'ready') return { ok: false, reason: 'no-update' };
      const timeoutMs = opts.saveDraftsTimeoutMs ?? 10_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          opts.saveDrafts(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`drafts not saved within ${timeoutMs} ms`)), timeoutMs))),
        ]);
      } catch (err) {
        log.warn(`restart postponed: ${(err as Error).message}; the update installs when the app quits`);
        return { ok: false, reason: 'drafts-not-saved' };
      } finally {
        clearTimeout(timer);
      }
      log.info(`restarting to install ${state.version}`);
      // Not silent, and run the app again afterwards: the agent asked for a restart, not a quit.
      au.quitAndInstall(false, true);
      return { ok: true };
    },
    stop() {
      cancelTimer?.();
      cancelTimer = null;
    },
  };
}

/**
 * Counts draft.save calls in flight through the IPC router, so "restart now" can wait until the
 * last keystrokes the renderer flushed are in the core's cache.
 */
export function trackDraftSaves(handlers: IpcHandlers): { handlers: IpcHandlers; settled(): Promise<void> } {
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const done = () => {
    inFlight--;
    if (inFlight === 0) for (const w of waiters.splice(0)) w();
  };
  const save = handlers['draft.save'];
  return {
    handlers: {
      ...handlers,
      'draft.save': async (args) => {
        inFlight++;
        try {
          return await save(args);
        } finally {
          done();
        }
      },
    },
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}

/**
 * Run in each renderer's main world: the composer saves its pending draft on 'pagehide' (it does
 * so when a window really goes away), so the same event makes it save now.
 */
export const FLUSH_DRAFTS_SCRIPT = "window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })); true";

export interface ScriptablePage {
  executeJavaScript?(code: string, userGesture?: boolean): Promise<unknown>;
  isDestroyed(): boolean;
}

/**
 * saveDrafts for createUpdater: ask every renderer to flush, give its draft.save a moment to
 * arrive, then wait until every draft.save in flight has been answered by the core.
 */
export function createDraftSaver(pages: () => ScriptablePage[], settled: () => Promise<void>, graceMs = 100): () => Promise<void> {
  return async () => {
    for (const page of pages()) {
      if (page.isDestroyed()) continue;
      if (!page.executeJavaScript) throw new Error('cannot ask the window to save its draft');
      await page.executeJavaScript(FLUSH_DRAFTS_SCRIPT, false);
    }
    await new Promise((r) => setTimeout(r, graceMs));
    await settled();
  };
}

/** What the shell gives the updater factory (main.ts binds the real autoUpdater and policy). */
export type UpdaterFactory = (deps: { saveDrafts: () => Promise<void>; onState: (state: UpdaterState) => void }) => Updater;

/**
 * Starts the updater inside the running shell: drafts are flushed through the windows' renderers,
 * and a verified update is announced with a notification whose click means "restart now".
 */
export function startShellUpdater(
  factory: UpdaterFactory,
  deps: { Notification: NotificationCtor; pages: () => ScriptablePage[]; settled: () => Promise<void>; iconPath?: string },
): Updater {
  // Held so the click handler is not garbage-collected with the notification.
  let notice: NotificationPort | null = null;
  const updater: Updater = factory({
    saveDrafts: createDraftSaver(deps.pages, deps.settled),
    onState: (state) => {
      if (state.kind !== 'ready' || !deps.Notification.isSupported()) return;
      notice = new deps.Notification({
        title: `Threadline ${state.version} is ready`,
        body: 'Click to restart now (your drafts are saved first). Otherwise it installs when you quit.',
        ...(deps.iconPath ? { icon: deps.iconPath } : {}),
      });
      notice.on('click', () => {
        notice = null;
        void updater.restartNow();
      });
      notice.show();
    },
  });
  updater.start();
  return updater;
}
