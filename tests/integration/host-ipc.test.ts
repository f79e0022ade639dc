// The browser host: loopback only, renderer files with a strict CSP, and an /ipc socket that refuses
// anyone without this launch's secret or from another origin.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../src-main/host/host';
import type { HostReply } from '../../src-shared/ipc';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(opts: { built?: boolean; serverUrl?: string } = {}): Promise<RunningHost> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-host-'));
  const rendererDir = path.join(root, 'renderer');
  if (opts.built !== false) {
    fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Threadline</title><script type="module" src="/assets/app.js"></script>');
    fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  }
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer dir');
  const h = await startHost({ port: 0, host: '127.0.0.1', dataDir: path.join(root, 'desktop'), rendererDir, serverUrl: opts.serverUrl });
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }), () => h.close());
  return h;
}

function secretOf(h: RunningHost): string {
  return new URL(h.url).hash.replace('#secret=', '');
}

/** Resolves with the HTTP status the upgrade was refused with, or 101 if it was accepted. */
function tryConnect(url: string, origin: string | undefined): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('error', () => resolve({ status: -1 }));
  });
}

describe('browser host', () => {
  it('prints a loopback URL with a fresh secret, and serves the renderer with a strict CSP', async () => {
    const h = await host();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#secret=[A-Za-z0-9_-]{40,}$/);
    const index = await fetch(`${h.origin}/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await index.text()).toContain('<title>Threadline</title>');
    const js = await fetch(`${h.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    // Client-side routes get the app; missing assets are 404; nothing outside the folder is served.
    expect((await fetch(`${h.origin}/inbox/mine`)).status).toBe(200);
    expect((await fetch(`${h.origin}/assets/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${h.origin}/..%2Fsecret.txt`)).text()).not.toContain('outside the renderer dir');
    // A second launch mints another secret.
    const other = await host();
    expect(secretOf(other)).not.toBe(secretOf(h));
  });

  it('says how to build when the renderer is missing', async () => {
    const h = await host({ built: false });
    const res = await fetch(`${h.origin}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('run npm run build:ui');
  });

  it('refuses a wrong or missing secret and a foreign Origin', async () => {
    const h = await host();
    const ws = h.origin.replace('http', 'ws');
    expect((await tryConnect(`${ws}/ipc?secret=wrong`, h.origin)).status).toBe(403);
    expect((await tryConnect(`${ws}/ipc`, h.origin)).status).toBe(403);
    expect((await tryConnect(`${ws}/ipc?secret=${secretOf(h)}`, 'http://evil.example')).status).toBe(403);
    expect((await tryConnect(`${ws}/ipc?secret=${secretOf(h)}`, undefined)).status).toBe(403);
    expect((await tryConnect(`${ws}/other?secret=${secretOf(h)}`, h.origin)).status).toBe(404);
  });

  it('round-trips a call and answers bad calls with an error result', async () => {
    const h = await host({ serverUrl: 'http://127.0.0.1:4820' });
    const { status, ws } = await tryConnect(`${h.origin.replace('http', 'ws')}/ipc?secret=${secretOf(h)}`, h.origin);
    expect(status).toBe(101);
    cleanups.push(() => ws!.close());
    const replies: HostReply[] = [];
    ws!.on('message', (raw) => replies.push(JSON.parse(raw.toString()) as HostReply));
    const reply = (id: number) =>
      new Promise<HostReply>((resolve) => {
        const check = () => {
          const r = replies.find((x) => x.kind === 'result' && x.id === id);
          if (r) resolve(r);
          else setTimeout(check, 10);
        };
        check();
      });
    ws!.send(JSON.stringify({ kind: 'call', id: 1, method: 'session.state', args: {} }));
    ws!.send(JSON.stringify({ kind: 'call', id: 2, method: 'nope.nothing', args: {} }));
    ws!.send(JSON.stringify({ kind: 'call', id: 3, method: 'inbox.list', args: { view: 'sideways' } }));
    ws!.send(JSON.stringify({ kind: 'call', id: 4, method: 'message.send', args: { conversationId: 'x', text: 'hi' } }));
    expect(await reply(1)).toMatchObject({
      kind: 'result', id: 1,
      result: { ok: true, value: { serverUrl: 'http://127.0.0.1:4820', agent: null, connection: 'signed-out', pendingMutations: 0, lastSyncedAt: null, doNotDisturb: false } },
    });
    expect(await reply(2)).toMatchObject({ result: { ok: false, error: { code: 'unknown_method' } } });
    expect(await reply(3)).toMatchObject({ result: { ok: false, error: { code: 'invalid_args' } } });
    expect(await reply(4)).toMatchObject({ result: { ok: false, error: { code: 'signed_out' } } });
    // Core events are forwarded as event frames.
    ws!.send(JSON.stringify({ kind: 'call', id: 5, method: 'session.logout', args: {} }));
    await reply(5);
    expect(replies).toContainEqual({ kind: 'event', event: { type: 'session', state: expect.objectContaining({ connection: 'signed-out' }) } });
  });
});
