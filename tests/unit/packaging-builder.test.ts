import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUSE_SENTINEL, FuseV1, flipFuseWire, threadlineFuses } from '../../build/fuses.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
// Both come with electron-builder: its YAML parser and its own configuration schema check.
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: unknown, logger: unknown): Promise<void> };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type Dict = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const config = yaml.load(fs.readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')) as Dict;
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as Dict;

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema", async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...structuredClone(config), asarUnpacked: true }, new DebugLogger(false))).rejects.toThrow(/unknown property/);
  });

  it('identifies the app', () => {
    expect(config.appId).toBe('dev.threadline.app');
    expect(config.productName).toBe('Threadline');
  });

  it('packs the built main, renderer, preload and package.json, and the main entry is among them', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist-main/**', 'dist/renderer/**', 'dist/preload/**', 'package.json']));
    expect(pkg.main).toBe('dist-main/shell/main.js');
    expect(config.files).not.toContain('src-main/**');
    expect(config.files.some((f: string) => f.startsWith('resources/tray'))).toBe(true);
  });

  it('uses asar, with better-sqlite3 native binaries unpacked, rebuilt for Electron at package time only', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining([expect.stringMatching(/better-sqlite3.*\.node$/)]));
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
  });

  it('flips fuses after packing and before signing, through a hook that exists', async () => {
    expect(config.afterPack).toBe('build/after-pack.mjs');
    const hook = (await import(pathToFileURL(path.join(repo, config.afterPack)).href)) as { default: unknown };
    expect(typeof hook.default).toBe('function');
  });

  it('registers the threadline:// deep-link scheme on every platform', () => {
    expect(config.protocols).toEqual([{ name: 'Threadline', schemes: ['threadline'] }]);
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/threadline');
  });

  it('builds a per-user NSIS installer that may elevate (and an MSI for IT)', () => {
    expect(config.win.target.map((t: Dict) => t.target)).toEqual(['nsis', 'msi']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true });
  });

  it('builds signed-ready macOS dmg + zip with the hardened runtime and minimal entitlements', () => {
    expect(config.mac.target.map((t: Dict) => t.target)).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    const plist = fs.readFileSync(path.join(repo, config.mac.entitlements), 'utf8');
    expect(plist).toMatch(/<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    expect(plist).not.toContain('disable-library-validation');
    expect(plist).not.toContain('com.apple.security.device.camera');
  });

  it('builds AppImage and deb for Linux, with a maintainer', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.maintainer).toMatch(/@/);
  });

  it('has a generic publish feed for electron-updater', () => {
    expect(config.publish).toMatchObject({ provider: 'generic', url: expect.stringMatching(/^https:\/\//) });
  });

  it('points at icons that exist and are PNGs large enough for every platform', () => {
    for (const p of [config.mac.icon, config.win.icon, config.linux.icon, 'resources/tray.png', 'resources/trayTemplate.png', 'resources/trayTemplate@2x.png']) {
      const png = fs.readFileSync(path.join(repo, p));
      expect(png.subarray(0, 8).toString('hex'), p).toBe('89504e470d0a1a0a');
    }
    const icon = fs.readFileSync(path.join(repo, config.mac.icon));
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(512); // IHDR width
  });
});

/** A fake Electron binary image: noise, then the fuse wire, then more noise. */
function fakeBinary(wire: string, copies = 1, version = 1): Buffer {
  const noise = Buffer.alloc(64, 0xab);
  const one = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([version, wire.length]), Buffer.from(wire, 'ascii')]);
  return Buffer.concat([noise, ...Array.from({ length: copies }, () => Buffer.concat([one, noise]))]);
}
const wireOf = (bin: Buffer, copy = 0) => {
  let at = -1;
  for (let i = 0; i <= copy; i++) at = bin.indexOf(FUSE_SENTINEL, at + 1);
  const start = at + FUSE_SENTINEL.length + 2;
  return bin.subarray(start, start + bin[at + FUSE_SENTINEL.length + 1]!).toString('ascii');
};

describe('fuses', () => {
  it('turns off RunAsNode, NODE_OPTIONS and --inspect, forces app.asar and cookie encryption', () => {
    const bin = fakeBinary('101001001');
    expect(flipFuseWire(bin, threadlineFuses('linux'))).toBe(1);
    // index:          0 RunAsNode, 1 cookies, 2 NODE_OPTIONS, 3 inspect, 4 asar integrity, 5 only asar, 6 snapshot (kept), 7 file privileges, 8 (kept)
    expect(wireOf(bin)).toBe('010001001');
  });

  it('enables asar integrity validation on macOS only', () => {
    expect(threadlineFuses('darwin')[FuseV1.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(threadlineFuses('win32')[FuseV1.EnableEmbeddedAsarIntegrityValidation]).toBe(false);
    const bin = fakeBinary('00000000');
    flipFuseWire(bin, threadlineFuses('darwin'));
    expect(wireOf(bin)).toBe('01001100');
  });

  it('sets both wires of a universal binary and leaves removed fuses alone', () => {
    const bin = fakeBinary('1r1111r1', 2);
    expect(flipFuseWire(bin, threadlineFuses('linux'))).toBe(2);
    expect(wireOf(bin, 0)).toBe('0r0001r0');
    expect(wireOf(bin, 1)).toBe('0r0001r0');
  });

  it('refuses binaries it cannot flip, rather than ship unflipped fuses', () => {
    expect(() => flipFuseWire(Buffer.alloc(256), threadlineFuses('linux'))).toThrow(/No Electron fuse wire/);
    expect(() => flipFuseWire(fakeBinary('11111111', 1, 2), threadlineFuses('linux'))).toThrow(/version/);
    expect(() => flipFuseWire(fakeBinary('1111'), threadlineFuses('linux'))).toThrow(/not in this Electron's wire/);
  });

  it('afterPack flips the fuses in the packed Linux executable', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-pack-'));
    try {
      fs.writeFileSync(path.join(outDir, 'threadline'), fakeBinary('11110010'));
      const hook = (await import(pathToFileURL(path.join(repo, 'build/after-pack.mjs')).href)) as { default: (ctx: unknown) => Promise<void> };
      await hook.default({ appOutDir: outDir, electronPlatformName: 'linux', packager: { appInfo: { productFilename: 'Threadline' }, executableName: 'threadline' } });
      expect(wireOf(fs.readFileSync(path.join(outDir, 'threadline')))).toBe('01000110'); // fuse 6 (V8 snapshot) is left as it was
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
