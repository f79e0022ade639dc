// Packaging for IT deployment. The asar test runs electron-builder itself (--dir, Linux) against a
// prepared Electron distribution folder: electron-builder's real file selection, asar packing,
// unpacking and afterPack hook run; only the Electron executable is a stand-in (a file holding a
// fuse wire), since the Electron binary cannot be downloaded here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import afterSign, { notarizeOptions } from '../../build/notarize.mjs';
import { FUSE_SENTINEL } from '../../build/fuses.mjs';
import { DEFAULT_UPDATE_URL } from '../../src-main/core/config';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const asar = require('@electron/asar') as { listPackage(file: string): string[]; statFile(file: string, p: string): { unpacked?: boolean }; extractFile(file: string, p: string): Buffer };
type Dict = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ymlText = fs.readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8');
const config = yaml.load(ymlText) as Dict;

describe('electron-builder.yml for IT deployment', () => {
  it('Windows: NSIS with the per-machine choice, install dir choice and our include; MSI with a fixed upgrade code', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true, allowToChangeInstallationDirectory: true, include: 'build/installer.nsh' });
    expect(config.nsis.artifactName).toBe('${productName}-Setup-${version}.${ext}');
    expect(fs.existsSync(path.join(repo, config.nsis.include))).toBe(true);
    expect(config.win.target.map((t: Dict) => t.target)).toEqual(['nsis', 'msi']);
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('Windows: publisherName set and update signature verification on (electron-updater fails open without it)', () => {
    expect(Array.isArray(config.win.publisherName) && config.win.publisherName.length).toBeTruthy();
    expect(config.win.publisherName.every((n: unknown) => typeof n === 'string' && n.trim().length > 0)).toBe(true);
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
  });

  it('macOS: dmg + zip for x64 and arm64, hardened runtime, our notarisation hook instead of the built-in one', () => {
    for (const t of config.mac.target) expect(t.arch.sort()).toEqual(['arm64', 'x64']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(false);
    expect(config.afterSign).toBe('build/notarize.mjs');
  });

  it('update feed: generic, one folder for all platforms, same as the runtime default; all channel files', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: DEFAULT_UPDATE_URL });
    expect(config.generateUpdatesFilesForAllChannels).toBe(true);
  });

  it('commits no signing secret: certificates and passwords come from the environment only', () => {
    for (const key of ['cscLink', 'cscKeyPassword', 'certificateFile', 'certificatePassword', 'appleIdPassword', 'keychain']) {
      expect(ymlText).not.toMatch(new RegExp(`^\\s*${key}\\s*:`, 'm'));
    }
    // Certificates are named only in comments (which explain the environment variables).
    const code = ymlText.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
    expect(code).not.toMatch(/\.(pfx|p12)\b|CSC_|APPLE_/);
    expect(ymlText).toMatch(/CSC_LINK/);
  });
});

describe('installer.nsh', () => {
  const nsh = fs.readFileSync(path.join(repo, 'build/installer.nsh'), 'utf8');
  it('reads /SERVER=, writes config.json per machine (ProgramData) or per user, never over an existing file, not on updates', () => {
    expect(nsh).toMatch(/\$\{GetOptions\} \$R0 "\/SERVER=" \$R1/);
    expect(nsh).toMatch(/ReadEnvStr \$R3 "PROGRAMDATA"/);
    expect(nsh).toMatch(/\$installMode == "all"/);
    expect(nsh).toMatch(/\$\{IfNot\} \$\{isUpdated\}/);
    expect(nsh).toMatch(/\$\{If\} \$\{FileExists\} "\$R3\\config\.json"/);
    expect(nsh).toMatch(/!macro customInstall/);
    // The allowed characters exclude what could break out of the JSON string.
    const allowed = /!define THREADLINE_URL_CHARS "([^"]*)"/.exec(nsh)![1]!;
    expect(allowed).not.toMatch(/["\\ ]/);
  });

  // makensis comes from Debian's nsis package (.ci/run installs it); compile the include inside a
  // minimal script that stands in for electron-builder's template.
  it('compiles with makensis, warnings as errors', () => {
    const makensis = spawnSync('makensis', ['-VERSION'], { encoding: 'utf8' });
    expect(makensis.status, 'makensis is missing: apt-get install -y nsis (see .ci/run)').toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-nsis-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'harness.nsi'),
        [
          'Unicode true',
          '!define PRODUCT_NAME "Threadline"',
          'Var installMode',
          'Var updatedFlag',
          '!macro _isUpdated _a _b _t _f',
          '  StrCmp $updatedFlag "1" `${_t}` `${_f}`',
          '!macroend',
          '!define isUpdated `"" isUpdated ""`',
          `!include "${path.join(repo, 'build/installer.nsh')}"`,
          `OutFile "${path.join(dir, 'out.exe')}"`,
          'RequestExecutionLevel user',
          'Section',
          '  StrCpy $installMode "all"',
          '  StrCpy $updatedFlag "0"',
          '  !insertmacro customInstall',
          'SectionEnd',
        ].join('\n'),
      );
      const run = spawnSync('makensis', ['-V2', '-WX', path.join(dir, 'harness.nsi')], { encoding: 'utf8' });
      expect(run.stdout + run.stderr).not.toMatch(/error/i);
      expect(run.status).toBe(0);
      expect(fs.statSync(path.join(dir, 'out.exe')).size).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('notarisation hook', () => {
  const ctx = (platform: string) => ({ electronPlatformName: platform, appOutDir: '/out/mac-arm64', packager: { appInfo: { productFilename: 'Threadline' } } });
  const full = { APPLE_ID: 'dev@corp.example', APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh-ijkl-mnop', APPLE_TEAM_ID: 'ABCDE12345' };

  it('does nothing without credentials, or off macOS', async () => {
    const calls: unknown[] = [];
    const notarize = async (o: unknown) => void calls.push(o);
    expect(await afterSign(ctx('darwin'), { env: {}, notarize, log: () => undefined })).toEqual({ notarized: false, reason: 'no credentials' });
    expect(await afterSign(ctx('win32'), { env: full, notarize, log: () => undefined })).toEqual({ notarized: false, reason: 'not macOS' });
    expect(calls).toEqual([]);
  });

  it('notarises the .app with notarytool and the three environment variables', async () => {
    const calls: unknown[] = [];
    const result = await afterSign(ctx('darwin'), { env: full, notarize: async (o) => void calls.push(o), log: () => undefined });
    expect(result).toEqual({ notarized: true, appPath: path.join('/out/mac-arm64', 'Threadline.app') });
    expect(calls).toEqual([{ tool: 'notarytool', appPath: path.join('/out/mac-arm64', 'Threadline.app'), appleId: full.APPLE_ID, appleIdPassword: full.APPLE_APP_SPECIFIC_PASSWORD, teamId: full.APPLE_TEAM_ID }]);
  });

  it('fails the build when only some credentials are set', async () => {
    expect(() => notarizeOptions({ APPLE_ID: 'x@y.z' }, '/a.app')).toThrow(/APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID not set/);
    await expect(afterSign(ctx('darwin'), { env: { APPLE_ID: 'x', APPLE_TEAM_ID: 'T' }, notarize: async () => undefined, log: () => undefined })).rejects.toThrow(/APPLE_APP_SPECIFIC_PASSWORD/);
  });
});

describe('the packaged app (electron-builder --dir, Linux, prepared Electron folder)', () => {
  let work: string;
  let appAsar: string;
  let run: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-package-'));
    const proj = path.join(work, 'proj');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(proj, rel)), { recursive: true });
      fs.writeFileSync(path.join(proj, rel), text);
    };
    for (const f of ['package.json', 'electron-builder.yml']) write(f, fs.readFileSync(path.join(repo, f), 'utf8'));
    fs.cpSync(path.join(repo, 'build'), path.join(proj, 'build'), { recursive: true });
    fs.cpSync(path.join(repo, 'resources'), path.join(proj, 'resources'), { recursive: true });
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(proj, 'node_modules'), 'dir');
    // The outputs of build:main, build:preload and build:ui, as stand-ins.
    write('dist-main/shell/main.js', 'export {};\n');
    write('dist-main/shell/cache-worker.js', 'export {};\n');
    write('dist-main/shell/chunks/core-abc123.js', 'export {};\n');
    write('dist-main/shell/main.js.map', '{}');
    write('dist/preload/preload.cjs', '"use strict";\n');
    write('dist/renderer/index.html', '<!doctype html><title>Threadline</title>\n');
    write('dist/renderer/assets/index-abc.js', '');
    write('dist/widget/widget.js', '');
    write('src-main/core/secret-source.ts', 'export {};\n');
    write('.threadline/desktop/cache.sqlite', 'not for shipping');
    // A prepared Electron distribution folder: the executable is a stand-in holding a fuse wire.
    const electronDist = path.join(work, 'electron-dist');
    fs.mkdirSync(path.join(electronDist, 'resources'), { recursive: true });
    const pkgElectron = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
    fs.writeFileSync(path.join(electronDist, 'version'), `v${pkgElectron.version}`);
    fs.writeFileSync(path.join(electronDist, 'electron'), Buffer.concat([Buffer.alloc(32), Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from('11110010')]), { mode: 0o755 });

    const bin = path.join(repo, 'node_modules/electron-builder/cli.js');
    run = spawnSync(
      process.execPath,
      [bin, '--linux', '--dir', '--config', 'electron-builder.yml', `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${path.join(work, 'out')}`],
      { cwd: proj, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
    );
    appAsar = path.join(work, 'out', 'linux-unpacked', 'resources', 'app.asar');
  }, 150_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('electron-builder succeeds', () => {
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('the asar holds main, the worker, preload, renderer, the widget and package.json, and no sources, maps or local data', () => {
    const files = new Set(asar.listPackage(appAsar).map((f) => f.replace(/\\/g, '/')));
    for (const f of ['/dist-main/shell/main.js', '/dist-main/shell/cache-worker.js', '/dist-main/shell/chunks/core-abc123.js', '/dist/preload/preload.cjs', '/dist/renderer/index.html', '/dist/renderer/assets/index-abc.js', '/dist/widget/widget.js', '/package.json', '/resources/icon.png']) {
      expect(files.has(f), f).toBe(true);
    }
    for (const f of files) expect(f).not.toMatch(/^\/(src-|\.threadline|tests|build\/)|\.map$/);
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { main: string };
    expect(files.has(`/${pkg.main}`)).toBe(true);
    // Electron takes the app name (userData, logs folder) from the packaged package.json.
    const packagedPkg = JSON.parse(asar.extractFile(appAsar, 'package.json').toString('utf8')) as { productName?: string; main: string };
    expect(packagedPkg).toMatchObject({ productName: 'Threadline', main: pkg.main });
  });

  it('better-sqlite3 is unpacked next to the asar with its native binary; dev tooling and C sources are left out', () => {
    expect(asar.statFile(appAsar, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node').unpacked).toBe(true);
    expect(fs.existsSync(path.join(`${appAsar}.unpacked`, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    const files = asar.listPackage(appAsar).map((f) => f.replace(/\\/g, '/'));
    expect(files.some((f) => f.startsWith('/node_modules/electron-updater/'))).toBe(true);
    expect(files.some((f) => f.startsWith('/node_modules/fflate/'))).toBe(true);
    expect(files.some((f) => /^\/node_modules\/(esbuild|@esbuild|tsx|fastify)\//.test(f))).toBe(false);
    expect(files.some((f) => f.startsWith('/node_modules/better-sqlite3/deps/') || f.endsWith('sqlite3.c'))).toBe(false);
  });

  it('the afterPack hook flipped the fuses and the update config points at the generic feed', () => {
    const exe = fs.readFileSync(path.join(work, 'out', 'linux-unpacked', 'threadline'));
    const at = exe.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2;
    expect(exe.subarray(at, at + 8).toString('ascii')).toBe('01000110');
    const appUpdate = yaml.load(fs.readFileSync(path.join(work, 'out', 'linux-unpacked', 'resources', 'app-update.yml'), 'utf8')) as Dict;
    expect(appUpdate).toMatchObject({ provider: 'generic', url: DEFAULT_UPDATE_URL });
  });
});
