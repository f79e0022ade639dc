import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  describeProblems,
  electronProxyConfig,
  expandLocked,
  loadManagedConfig,
  machineConfigPath,
  mergeConfig,
  userConfigPath,
} from '../../src-main/core/config';

let dir: string;
let files: { machine: string; user: string };
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-config-'));
  files = { machine: path.join(dir, 'machine', 'config.json'), user: userConfigPath(path.join(dir, 'userData')) };
  fs.mkdirSync(path.dirname(files.machine), { recursive: true });
  fs.mkdirSync(path.dirname(files.user), { recursive: true });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (file: string, value: unknown) => fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));

describe('machine-wide config path', () => {
  it('is chosen by platform', () => {
    expect(machineConfigPath('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\Threadline\\config.json');
    expect(machineConfigPath('win32', {})).toBe('C:\\ProgramData\\Threadline\\config.json');
    expect(machineConfigPath('darwin', {})).toBe('/Library/Application Support/Threadline/config.json');
    expect(machineConfigPath('linux', {})).toBe('/etc/threadline/config.json');
  });
});

describe('loading', () => {
  it('no files at all: the defaults, no problems', () => {
    const loaded = loadManagedConfig(files);
    expect(loaded.problems).toEqual([]);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
    expect(Object.values(loaded.sources).every((s) => s === 'default')).toBe(true);
  });

  it('precedence: locked machine > user > machine > defaults, leaf by leaf', () => {
    write(files.machine, {
      serverUrl: 'https://threadline.corp.example',
      update: { channel: 'stable', url: 'https://mirror.corp.example/threadline', enabled: true },
      startAtLogin: true,
      notifications: { sound: false },
      locked: ['serverUrl', 'update.url'],
    });
    write(files.user, {
      serverUrl: 'https://evil.example',
      update: { channel: 'beta', url: 'https://evil.example/feed' },
      startAtLogin: false,
    });
    const { config, sources, locked, overriddenUserValues, problems } = loadManagedConfig(files);
    expect(problems).toEqual([]);
    expect(config.serverUrl).toBe('https://threadline.corp.example'); // locked machine beats user
    expect(config.update.url).toBe('https://mirror.corp.example/threadline'); // locked leaf
    expect(config.update.channel).toBe('beta'); // user beats unlocked machine
    expect(config.startAtLogin).toBe(false); // user beats machine
    expect(config.notifications).toEqual({ enabled: true, sound: false }); // machine beats default, default fills the rest
    expect(config.update.enabled).toBe(true);
    expect(sources).toMatchObject({ serverUrl: 'locked', 'update.url': 'locked', 'update.channel': 'user', startAtLogin: 'user', 'notifications.sound': 'machine', 'notifications.enabled': 'default' });
    expect(locked).toEqual(['serverUrl', 'update.url']);
    expect(overriddenUserValues).toEqual(['serverUrl', 'update.url']);
  });

  it('locking a group locks every leaf, and a lock without a machine value pins the default', () => {
    expect(expandLocked(['update'])).toEqual(['update.url', 'update.channel', 'update.enabled', 'update.pinVersion']);
    const merged = mergeConfig({ machine: { locked: ['update', 'startAtLogin'], update: { enabled: false } }, user: { update: { enabled: true, channel: 'beta' }, startAtLogin: true } });
    expect(merged.config.update).toEqual({ ...DEFAULT_CONFIG.update, enabled: false });
    expect(merged.config.startAtLogin).toBe(false);
    expect(merged.sources['update.channel']).toBe('locked');
  });

  it('a user file cannot lock anything (locked is a machine-only key)', () => {
    write(files.user, { locked: ['serverUrl'] });
    const loaded = loadManagedConfig(files);
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatchObject({ scope: 'user', file: files.user });
  });

  it('accepts the UTF-8 byte-order mark Windows PowerShell writes', () => {
    write(files.machine, `\uFEFF${JSON.stringify({ serverUrl: 'https://bom.example' })}`);
    const loaded = loadManagedConfig(files);
    expect(loaded.problems).toEqual([]);
    expect(loaded.config.serverUrl).toBe('https://bom.example');
  });

  it('invalid JSON in the machine file: reported with its path, that file ignored, the user file still applies', () => {
    write(files.machine, '{ "serverUrl": "https://a.example", }');
    write(files.user, { notifications: { enabled: false } });
    const loaded = loadManagedConfig(files);
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatchObject({ scope: 'machine', file: files.machine, message: expect.stringMatching(/not valid JSON/) });
    expect(loaded.config.serverUrl).toBeNull();
    expect(loaded.config.notifications.enabled).toBe(false);
    expect(describeProblems(loaded.problems)[0]).toContain(files.machine);
    expect(describeProblems(loaded.problems)[0]).toMatch(/safe defaults/);
  });

  it('schema problems: each one listed by field, the whole bad file ignored (no half-applied file)', () => {
    write(files.user, {
      serverUrl: 'ftp://x.example',
      update: { channel: 'nightly', url: 'http://insecure.example/feed', pinVersion: 'latest' },
      startAtLogin: 'yes',
      serverURL: 'typo',
    });
    write(files.machine, { startAtLogin: true });
    const loaded = loadManagedConfig(files);
    const messages = loaded.problems.map((p) => p.message).join('\n');
    expect(loaded.problems.every((p) => p.scope === 'user' && p.file === files.user)).toBe(true);
    expect(messages).toMatch(/serverUrl: serverUrl must be an http\(s\) URL/);
    expect(messages).toMatch(/update\.channel/);
    expect(messages).toMatch(/update\.url: update\.url must be an https:\/\/ URL/);
    expect(messages).toMatch(/update\.pinVersion/);
    expect(messages).toMatch(/startAtLogin/);
    expect(messages).toMatch(/serverURL/);
    expect(loaded.config.update).toEqual(DEFAULT_CONFIG.update);
    expect(loaded.config.startAtLogin).toBe(true); // from the good machine file
  });

  it('an empty file and an unreadable path are problems; a missing file is not', () => {
    write(files.machine, '  \n');
    fs.mkdirSync(files.user); // a directory where the file should be: EISDIR
    const loaded = loadManagedConfig(files);
    expect(loaded.problems.map((p) => p.scope).sort()).toEqual(['machine', 'user']);
    expect(loaded.problems.find((p) => p.scope === 'machine')!.message).toMatch(/empty/);
    expect(loaded.problems.find((p) => p.scope === 'user')!.message).toMatch(/cannot read/);
    expect(loaded.config).toEqual(DEFAULT_CONFIG);
  });

  it('does not mutate the defaults', () => {
    write(files.user, { update: { channel: 'beta' }, proxy: { mode: 'direct' } });
    loadManagedConfig(files);
    expect(DEFAULT_CONFIG.update.channel).toBe('stable');
    expect(DEFAULT_CONFIG.proxy).toEqual({ mode: 'system' });
  });
});

describe('proxy', () => {
  it('validates and maps onto session.setProxy', () => {
    write(files.machine, { proxy: { mode: 'fixed', server: 'http://proxy.corp:3128', bypass: '<local>,*.corp.example' } });
    const { config, problems } = loadManagedConfig(files);
    expect(problems).toEqual([]);
    expect(electronProxyConfig(config.proxy)).toEqual({ mode: 'fixed_servers', proxyRules: 'http://proxy.corp:3128', proxyBypassRules: '<local>,*.corp.example' });
    expect(electronProxyConfig({ mode: 'pac', pacUrl: 'https://wpad.corp/proxy.pac' })).toEqual({ mode: 'pac_script', pacScript: 'https://wpad.corp/proxy.pac' });
    expect(electronProxyConfig({ mode: 'direct' })).toEqual({ mode: 'direct' });
  });

  it('refuses a proxy server that is not a URL', () => {
    write(files.machine, { proxy: { mode: 'fixed', server: 'proxy corp 3128' } });
    expect(loadManagedConfig(files).problems[0]!.message).toMatch(/proxy\.server/);
  });
});
