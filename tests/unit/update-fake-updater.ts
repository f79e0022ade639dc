// A fake of electron-updater 6.8's AppUpdater/NsisUpdater, following its documented API and the
// behaviour read in its source (out/AppUpdater.js, BaseUpdater.js, NsisUpdater.js):
//  - checkForUpdates(): reads the channel file of the feed set by setFeedURL; an update is available
//    when its version differs, isUpdateSupported() and isUserWithinRollout() say yes, and it is newer
//    (or older with allowDowngrade); emits 'update-available', and downloads when autoDownload.
//  - download: writes the file, checks sha512 against the feed (error ERR_CHECKSUM_MISMATCH); on
//    Windows calls verifyUpdateCodeSignature(publisherNames) ONLY when app-update.yml has a
//    publisherName (6.8.10 skips it otherwise: fail-open), error ERR_UPDATER_INVALID_SIGNATURE;
//    then emits 'update-downloaded' with downloadedFile.
//  - quitting installs a downloaded update only if autoInstallOnAppQuit is still true.
// Errors are emitted on 'error' and reject the download promise, as dispatchError does.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { UpdateInfo } from 'electron-updater';
import type { VerifyCodeSignature } from '../../src-main/shell/updater';
import type { GenericFeed } from '../../src-main/core/config/update-policy';

export const sha512 = (data: Buffer | string) => createHash('sha512').update(data).digest('base64');

/** Stand-in for Get-AuthenticodeSignature: a file is "signed" by the name on its first line. */
export const signedBy = (publisher: string, body = 'installer bytes') => Buffer.from(`SIGNED-BY:${publisher}\n${body}`);
export const fakeAuthenticode: VerifyCodeSignature = async (names, file) => {
  const first = fs.readFileSync(file, 'utf8').split('\n')[0] ?? '';
  const signer = first.startsWith('SIGNED-BY:') ? first.slice('SIGNED-BY:'.length) : null;
  if (signer && names.includes(signer)) return null;
  return `publisherNames: ${names.join(', ')}, raw info: {"Status":"${signer ? 'Valid' : 'NotSigned'}","SignerCertificate":"${signer ?? ''}"}`;
};

export interface FeedRelease {
  version: string;
  content: Buffer;
  /** What latest.yml claims; defaults to the real sha512 of content. */
  sha512?: string;
  stagingPercentage?: number;
}

export class FakeAutoUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  allowPrerelease = false;
  allowDowngrade = false;
  isUpdateSupported: (info: UpdateInfo) => boolean | Promise<boolean> = () => true;
  isUserWithinRollout: (info: UpdateInfo) => boolean | Promise<boolean> = () => true;
  private verifier: VerifyCodeSignature = fakeAuthenticode;
  feedOptions: GenericFeed | null = null;
  readonly feeds = new Map<string, FeedRelease>();
  readonly calls: string[] = [];
  downloaded: { version: string; file: string } | null = null;
  installedOnQuit: string | null = null;
  quitAndInstallArgs: [boolean | undefined, boolean | undefined] | null = null;
  /** Test hook: change the file after the updater's own checks, before 'update-downloaded'. */
  tamperAfterDownload = false;

  constructor(
    readonly opts: { currentVersion: string; platform: NodeJS.Platform; cacheDir: string; appUpdateYmlPublisher: string[] | null },
  ) {
    super();
  }

  // NsisUpdater only; its setter ignores falsy values.
  get verifyUpdateCodeSignature(): VerifyCodeSignature {
    return this.verifier;
  }
  set verifyUpdateCodeSignature(value: VerifyCodeSignature) {
    if (value) this.verifier = value;
  }

  publish(url: string, channel: string, release: FeedRelease): void {
    this.feeds.set(`${url}|${channel}`, release);
  }

  setFeedURL(options: GenericFeed): void {
    this.calls.push(`setFeedURL ${options.provider} ${options.url} ${options.channel}`);
    this.feedOptions = options;
  }

  private info(release: FeedRelease): UpdateInfo {
    const url = `Threadline-Setup-${release.version}.exe`;
    const sha = release.sha512 ?? sha512(release.content);
    return {
      version: release.version,
      files: [{ url, sha512: sha, size: release.content.length }],
      path: url,
      sha512: sha,
      releaseDate: '2025-01-31T00:00:00.000Z',
      ...(release.stagingPercentage !== undefined ? { stagingPercentage: release.stagingPercentage } : {}),
    };
  }

  private release(): FeedRelease | undefined {
    return this.feedOptions ? this.feeds.get(`${this.feedOptions.url}|${this.feedOptions.channel}`) : undefined;
  }

  private fail(message: string, code: string): Error {
    const err = Object.assign(new Error(message), { code });
    this.emit('error', err, err.stack ?? message);
    return err;
  }

  async checkForUpdates(): Promise<{ updateInfo: UpdateInfo; downloadPromise?: Promise<string[]> } | null> {
    this.calls.push('checkForUpdates');
    this.emit('checking-for-update');
    const release = this.release();
    if (!release) throw this.fail(`Cannot find channel "${this.feedOptions?.channel}.yml" update info: HttpError: 404`, 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND');
    const info = this.info(release);
    const cmp = compare(release.version, this.opts.currentVersion);
    const available =
      cmp !== 0 && (await this.isUpdateSupported(info)) && (await this.isUserWithinRollout(info)) && (cmp > 0 || (this.allowDowngrade && cmp < 0));
    if (!available) {
      this.emit('update-not-available', info);
      return { updateInfo: info };
    }
    this.emit('update-available', info);
    if (!this.autoDownload) return { updateInfo: info };
    const downloadPromise = this.downloadUpdate();
    downloadPromise.catch(() => undefined);
    return { updateInfo: info, downloadPromise };
  }

  async downloadUpdate(): Promise<string[]> {
    this.calls.push('downloadUpdate');
    const release = this.release()!;
    const info = this.info(release);
    const file = path.join(this.opts.cacheDir, 'pending', info.files[0]!.url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, release.content);
    const actual = sha512(release.content);
    if (actual !== info.files[0]!.sha512) {
      fs.rmSync(file);
      throw this.fail(`sha512 checksum mismatch, expected ${info.files[0]!.sha512}, got ${actual}`, 'ERR_CHECKSUM_MISMATCH');
    }
    if (this.opts.platform === 'win32' && this.opts.appUpdateYmlPublisher !== null) {
      const status = await this.verifier(this.opts.appUpdateYmlPublisher, file);
      if (status !== null) {
        fs.rmSync(file);
        throw this.fail(`New version ${info.version} is not signed by the application owner: ${status}`, 'ERR_UPDATER_INVALID_SIGNATURE');
      }
    }
    if (this.tamperAfterDownload) fs.writeFileSync(file, Buffer.concat([release.content, Buffer.from('!')]));
    this.downloaded = { version: info.version, file };
    this.emit('update-downloaded', { ...info, downloadedFile: file });
    return [file];
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.calls.push('quitAndInstall');
    this.quitAndInstallArgs = [isSilent, isForceRunAfter];
  }

  /** The app quits normally: electron-updater's quit handler. */
  quit(): void {
    if (this.downloaded && this.autoInstallOnAppQuit) this.installedOnQuit = this.downloaded.version;
  }
}

function compare(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] as number) < (pb[i] as number) ? -1 : 1;
  if (pa.length === pb.length) return 0;
  return pa.length > pb.length ? -1 : 1; // a prerelease is older than its release
}

export function recordingLog() {
  const lines: Array<{ level: 'info' | 'warn' | 'error'; text: string }> = [];
  const at = (level: 'info' | 'warn' | 'error') => (...args: unknown[]) => lines.push({ level, text: args.map(String).join(' ') });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') }, text: (level: 'info' | 'warn' | 'error') => lines.filter((l) => l.level === level).map((l) => l.text).join('\n') };
}
