import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, createAppProtocolHandler, mimeTypeFor, registerAppScheme } from '../../src-main/shell/app-protocol';
import { FakeProtocol } from './shell-electron-fakes';

let base: string;
let rendererDir: string;
let serve: (request: Request) => Promise<Response>;
const get = (url: string, method = 'GET') => serve(new Request(url, { method }));

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-protocol-'));
  rendererDir = path.join(base, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Threadline</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app-1.js'), 'console.log(1)');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app-1.css'), 'body{}');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(rendererDir, 'assets', 'link.txt'));
  serve = createAppProtocolHandler(rendererDir);
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('registers app as a standard, secure scheme', () => {
    const protocol = new FakeProtocol();
    registerAppScheme(protocol);
    expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
  });

  it('serves index.html for / with the strict CSP', async () => {
    const res = await get('app://threadline/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>Threadline</title>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self'", "img-src 'self' data:"]) {
      expect(csp).toContain(d);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets with the right MIME types', async () => {
    expect((await get('app://threadline/assets/app-1.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://threadline/assets/app-1.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('app://threadline/assets/logo.svg')).headers.get('content-type')).toBe('image/svg+xml');
    expect(mimeTypeFor('x.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('x.unknown')).toBe('application/octet-stream');
  });

  it('refuses path traversal in every spelling', async () => {
    const attempts = [
      'app://threadline/..%2fsecret.txt',
      'app://threadline/assets/..%2f..%2fsecret.txt',
      'app://threadline/%2e%2e%2fsecret.txt',
      'app://threadline/assets/%2e%2e/%2e%2e/secret.txt',
      'app://threadline/../secret.txt',
      `app://threadline/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
    ];
    for (const url of attempts) {
      const res = await get(url);
      expect([403, 404], url).toContain(res.status);
      expect(await res.text(), url).not.toContain('TOP SECRET');
    }
    expect((await get('app://threadline/..%2fsecret.txt')).status).toBe(403);
  });

  it('does not follow a symlink out of the renderer dir', async () => {
    const res = await get('app://threadline/assets/link.txt');
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('TOP SECRET');
  });

  it('answers 404 for missing files and other hosts, 405 for writes, 400 for bad encoding', async () => {
    expect((await get('app://threadline/nope.js')).status).toBe(404);
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://threadline/index.html', 'POST')).status).toBe(405);
    expect((await get('app://threadline/%E0%A4%A')).status).toBe(400);
    expect((await get('app://threadline/a%00b')).status).toBe(400);
  });
});
