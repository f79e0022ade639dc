import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import log from 'electron-log/node';
import { unzipSync, strFromU8 } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManagedConfig } from '../../src-main/core/config';
import { diagnosticsFileName, exportDiagnostics, redactText, redactUrl, sanitizeLog } from '../../src-main/core/diagnostics';
import { configureLogging } from '../../src-main/shell/logging';

const MARKER = 'CUSTOMER-SECRET-7f3a';
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-diag-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const unzip = (file: string) => {
  const entries = unzipSync(fs.readFileSync(file));
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, strFromU8(v)]));
};

describe('logging (electron-log, real file transport)', () => {
  it('writes "[time] [level] (scope) text" lines and rotates at maxSize', async () => {
    const logger = log.create({ logId: `rotate-${Date.now()}` });
    logger.transports.console.level = false;
    const file = path.join(dir, 'logs', 'main.log');
    const handle = configureLogging(logger, { maxSizeBytes: 2048, filePath: file });
    expect(handle).toEqual({ logFile: file, logDir: path.dirname(file) });
    for (let i = 0; i < 60; i++) logger.scope('updater').info(`check ${i} ${'x'.repeat(40)}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(path.join(dir, 'logs', 'main.old.log'))).toBe(true);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(2048 + 200);
    const last = fs.readFileSync(file, 'utf8').trim().split('\n').at(-1)!;
    expect(last).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] \[info\]\s+\(updater\) check 59 x+$/);
  });
});

describe('redaction', () => {
  it('masks URL credentials and queries, e-mails, tokens, quoted text, home folders and long numbers', () => {
    expect(redactUrl('https://user:pw@proxy.corp:3128/path?token=abc#x')).toBe('https://<redacted>@proxy.corp:3128/path?<redacted>#<redacted>');
    expect(redactUrl('https://threadline.example.com')).toBe('https://threadline.example.com');
    const text = redactText(`login failed for jane@customer.example with Bearer eyJhbGc.x.y, password=hunter2, said "${MARKER}" at C:\\Users\\jdoe\\AppData and /home/jdoe/x, call +441234567890`);
    expect(text).not.toMatch(/jane@|eyJhbGc|hunter2|jdoe|1234567890/);
    expect(text).not.toContain(MARKER);
    expect(text).toContain('<email>');
  });
});

describe('exportDiagnostics', () => {
  it('zips sanitised logs, versions and the redacted configuration, and never customer content', async () => {
    // Real log lines from electron-log, as the app writes them …
    const logDir = path.join(dir, 'logs');
    const logger = log.create({ logId: `export-${Date.now()}` });
    logger.transports.console.level = false;
    configureLogging(logger, { filePath: path.join(logDir, 'main.log') });
    logger.scope('updater').info('update 1.2.0 available on latest; downloading in the background');
    logger.scope('updater').error(`update refused (sha512) for 1.2.0: sha512 checksum mismatch, expected "${MARKER}"`);
    logger.scope('config').warn('machine configuration /etc/threadline/config.json: serverUrl: must be an http(s) URL');
    logger.info(`[core] notify: new message from Jane: ${MARKER}`);
    logger.scope('core').error(`send failed ECONNRESET for text ${MARKER}\nsecond line ${MARKER}`);
    logger.scope('sync').warn(`rejected: ${MARKER} at https://srv.example/api?token=${MARKER}`);
    await new Promise((r) => setTimeout(r, 50));
    // … plus a rotated file, a stack trace and an unrelated file in the same folder.
    fs.writeFileSync(
      path.join(logDir, 'main.old.log'),
      [
        '[2025-01-31 09:00:00.001] [error] (shell) renderer failed to load: Error: boom',
        '    at load (/home/jdoe/app/main.js:1:1)',
        `    customer said ${MARKER}`,
        `[2025-01-31 09:00:01.000] [info] ${MARKER} plain line`,
        `free text without header ${MARKER}`,
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(logDir, 'cache.sqlite'), `SQLite format 3 ${MARKER}`);

    // Configuration with a secret in the proxy URL.
    const machine = path.join(dir, 'machine.json');
    fs.writeFileSync(machine, JSON.stringify({ serverUrl: 'https://threadline.corp.example', proxy: { mode: 'fixed', server: 'http://svc:P4ssw0rd@proxy.corp:3128' }, locked: ['serverUrl'] }));
    const loaded = loadManagedConfig({ machine, user: path.join(dir, 'nope.json') });
    expect(loaded.problems).toEqual([]);

    const outFile = path.join(dir, 'out', diagnosticsFileName(new Date('2025-01-31T12:34:56.789Z')));
    expect(path.basename(outFile)).toBe('threadline-diagnostics-2025-01-31T12-34-56Z.zip');
    const result = await exportDiagnostics({
      logDir,
      config: { effective: loaded.config, sources: loaded.sources, locked: loaded.locked, problems: loaded.problems },
      versions: { app: '1.2.3', electron: '41.7.1', node: '22.0.0', os: 'Linux 6.1', arch: 'x64' },
      outFile,
    });
    expect(result.entries.sort()).toEqual(['README.txt', 'config.json', 'logs/main.log', 'logs/main.old.log', 'versions.json']);
    const zip = unzip(outFile);
    expect(Object.keys(zip).sort()).toEqual(result.entries.sort());

    // No customer content anywhere in the archive.
    for (const [name, text] of Object.entries(zip)) expect(text, name).not.toContain(MARKER);
    expect(Object.values(zip).join('\n')).not.toContain('P4ssw0rd');
    expect(Object.values(zip).join('\n')).not.toContain('jdoe');

    // What support needs is still there.
    const main = zip['logs/main.log']!;
    expect(main).toMatch(/\[info\] \(updater\) update 1\.2\.0 available on latest; downloading in the background/);
    expect(main).toMatch(/\[error\] \(updater\) update refused \(sha512\) for 1\.2\.0: sha512 checksum mismatch, expected "<text>"/);
    expect(main).toMatch(/\[warn\] \(config\) machine configuration \/etc\/threadline\/config\.json: serverUrl/);
    expect(main).toMatch(/\[error\] \(core\) <message withheld, \d+ chars; codes: ECONNRESET>/);
    expect(main).toMatch(/\[warn\] \(sync\) <message withheld, \d+ chars>/);
    expect(main).toMatch(/\[info\] <message withheld/);
    const old = zip['logs/main.old.log']!;
    expect(old.split('\n').filter(Boolean)).toEqual([
      '[2025-01-31 09:00:00.001] [error] (shell) renderer failed to load: Error: boom',
      '    at load (/home/<user>/app/main.js:1:1)',
      `[2025-01-31 09:00:01.000] [info] <message withheld, ${`${MARKER} plain line`.length} chars>`,
    ]);

    const config = JSON.parse(zip['config.json']!);
    expect(config.effective.serverUrl).toBe('https://threadline.corp.example');
    expect(config.effective.proxy.server).toBe('http://<redacted>@proxy.corp:3128');
    expect(config.sources.serverUrl).toBe('locked');
    expect(JSON.parse(zip['versions.json']!)).toMatchObject({ app: '1.2.3', electron: '41.7.1' });
    expect(zip['README.txt']).toMatch(/No conversations, messages, drafts/);
  });

  it('keeps only the newest part of a huge log, starting at a whole line', async () => {
    const logDir = path.join(dir, 'logs');
    fs.mkdirSync(logDir);
    const line = (i: number) => `[2025-01-31 09:00:00.000] [info] (updater) line ${i} ${'y'.repeat(100)}`;
    fs.writeFileSync(path.join(logDir, 'main.log'), Array.from({ length: 30_000 }, (_, i) => line(i)).join('\n') + '\n');
    const outFile = path.join(dir, 'd.zip');
    await exportDiagnostics({ logDir, config: {}, versions: {}, outFile });
    const lines = unzip(outFile)['logs/main.log']!.trim().split('\n');
    expect(lines.at(-1)).toContain('line 29999');
    expect(lines[0]).toMatch(/^\[2025-01-31 09:00:00\.000\] \[info\] \(updater\) line \d+ y+$/);
    expect(lines.length).toBeLessThan(30_000);
  });

  it('works when there is no log folder yet', async () => {
    const outFile = path.join(dir, 'empty.zip');
    const result = await exportDiagnostics({ logDir: path.join(dir, 'missing'), config: { a: 1 }, versions: { app: '1' }, outFile });
    expect(result.entries.sort()).toEqual(['README.txt', 'config.json', 'versions.json']);
  });

  it('sanitizeLog drops continuation lines of withheld messages', () => {
    const out = sanitizeLog(`[2025-01-31 09:00:00.000] [error] (core) boom ${MARKER}\n    at x (/a.js:1:1)\n`);
    expect(out).toBe(`[2025-01-31 09:00:00.000] [error] (core) <message withheld, ${`boom ${MARKER}`.length} chars>\n`);
  });
});
