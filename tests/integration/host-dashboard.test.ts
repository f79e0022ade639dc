// The browser host's side of the supervisor dashboard window (issue 8): /dashboard serves the renderer with the
// same CSP (the secret + Origin check on /ipc is unchanged), core events reach every connected tab (the main tab
// and the dashboard tab alike), and the desktop-only window methods answer `unsupported`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../../src-main/host/host';
import { DASHBOARD_PATH, type HostReply } from '../../src-shared/ipc';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(): Promise<RunningHost> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-host-dash-'));
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(rendererDir, { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Threadline</title><div id="root"></div>');
  const h = await startHost({ port: 0, host: '127.0.0.1', dataDir: path.join(root, 'desktop'), rendererDir, serverUrl: 'http://127.0.0.1:4820' });
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }), () => h.close());
  return h;
}

async function connect(h: RunningHost): Promise<{ ws: WebSocket; replies: HostReply[]; reply(id: number): Promise<HostReply> }> {
  const secret = new URL(h.url).hash.replace('#secret=', '');
  const ws = new WebSocket(`${h.origin.replace('http', 'ws')}${'/ipc'}?secret=${secret}`, { origin: h.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  cleanups.push(() => ws.close());
  const replies: HostReply[] = [];
  ws.on('message', (raw) => replies.push(JSON.parse(raw.toString()) as HostReply));
  const reply = (id: number) =>
    new Promise<HostReply>((resolve) => {
      const check = () => {
        const r = replies.find((x) => x.kind === 'result' && x.id === id);
        if (r) resolve(r);
        else setTimeout(check, 10);
      };
      check();
    });
  return { ws, replies, reply };
}

describe('browser host: dashboard route', () => {
  it('serves the renderer at /dashboard with the strict CSP', async () => {
    const h = await host();
    const res = await fetch(`${h.origin}${DASHBOARD_PATH}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('delivers core events to every tab, and answers the window methods with unsupported', async () => {
    const h = await host();
    const main = await connect(h);
    const dash = await connect(h);
    main.ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'session.logout', args: {} }));
    await main.reply(1);
    const sessionEvent = { kind: 'event', event: { type: 'session', state: expect.objectContaining({ connection: 'signed-out' }) } };
    await expect.poll(() => dash.replies).toContainEqual(sessionEvent);
    expect(main.replies).toContainEqual(sessionEvent);

    dash.ws.send(JSON.stringify({ kind: 'call', id: 2, method: 'window.openDashboard', args: {} }));
    dash.ws.send(JSON.stringify({ kind: 'call', id: 3, method: 'window.showInMain', args: { kind: 'conversation', conversationId: 'c1' } }));
    dash.ws.send(JSON.stringify({ kind: 'call', id: 4, method: 'window.showInMain', args: { kind: 'conversation' } }));
    expect(await dash.reply(2)).toMatchObject({ result: { ok: false, error: { code: 'unsupported' } } });
    expect(await dash.reply(3)).toMatchObject({ result: { ok: false, error: { code: 'unsupported' } } });
    expect(await dash.reply(4)).toMatchObject({ result: { ok: false, error: { code: 'invalid_args' } } });
  });
});
