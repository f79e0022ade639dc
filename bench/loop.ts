// Issue 2's figures, measured on loopback with the real server, core and browser host:
//  - latency from a customer's web chat message to its appearance in the agent's local cache
//    (queryable through the core), with a bare WebSocket round trip as the baseline;
//  - time from starting the browser host to the first painted inbox (warm cache, Chromium).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import { chromium } from '@playwright/test';
import { createServer } from '../src-server/app';
import { createCore } from '../src-main/core/index';
import { startHost } from '../src-main/host/host';
import { WIDGET_WS_PATH, type WidgetServerMessage } from '../src-shared/widget-protocol';
import { uuidv7 } from '../src-shared/ids';
import { summarise } from './stats';

const root = resolve(import.meta.dirname, '..');
const admin = { email: 'bench-admin@threadline.test', password: 'bench-password-1234' };
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `threadline-bench-${p}-`));

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${init.method} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function nextFrame<T extends { type: string }>(ws: WebSocket, type: T['type']): Promise<T> {
  return new Promise((resolve) => {
    const on = (raw: Buffer) => {
      const msg = JSON.parse(raw.toString()) as T;
      if (msg.type === type) {
        ws.off('message', on);
        resolve(msg);
      }
    };
    ws.on('message', on);
  });
}

/** Baseline: the same number of round trips over a bare WebSocket on loopback. */
async function bareSocketRoundTrips(n: number): Promise<number[]> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (s) => s.on('message', (m) => s.send(m)));
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => ws.once('open', r));
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const back = new Promise((r) => ws.once('message', r));
    ws.send(JSON.stringify({ i }));
    await back;
    samples.push(performance.now() - t0);
  }
  ws.close();
  await new Promise((r) => wss.close(r));
  return samples;
}

export interface LoopResults {
  customerToCacheMs: ReturnType<typeof summarise>;
  bareSocketRoundTripMs: ReturnType<typeof summarise>;
  hostStartToInboxPaintMs: ReturnType<typeof summarise>;
}

export async function benchLoop(opts: { messages: number; paints: number }): Promise<LoopResults> {
  const server = await createServer({ dataDir: tmp('server'), port: 0, adminEmail: admin.email, adminPassword: admin.password, logLevel: 'silent' });
  const desktopDir = tmp('desktop');
  try {
    const { token } = await json<{ token: string }>(`${server.url}/api/v1/auth/login`, { method: 'POST', body: JSON.stringify(admin) });
    const channel = await json<{ id: string }>(`${server.url}/api/v1/channels`, {
      method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ type: 'webchat', name: 'Bench chat', config: {} }),
    });

    const core = await createCore({ dataDir: desktopDir });
    await core.handlers['session.login']({ serverUrl: server.url, ...admin });

    // Twenty customers write in turn: one customer alone would hit the widget's per-visitor rate limit.
    const customers: WebSocket[] = [];
    for (let c = 0; c < 20; c++) {
      const customer = new WebSocket(server.url.replace(/^http/, 'ws') + WIDGET_WS_PATH);
      await new Promise((r) => customer.once('open', r));
      const welcome = nextFrame<WidgetServerMessage>(customer, 'welcome');
      customer.send(JSON.stringify({ type: 'hello', identity: { channelId: channel.id, visitorId: uuidv7(), name: `Bench Customer ${c}` } }));
      await welcome;
      customers.push(customer);
    }

    // Resolves once `text` can be read from the local cache; each 'changed' event triggers one look.
    const appeared = (text: string) => new Promise<void>((resolveAppeared, rejectAppeared) => {
      const timer = setTimeout(() => rejectAppeared(new Error(`not in the local cache after 10 s: ${text}`)), 10_000);
      const check = async () => {
        const newest = (await core.handlers['inbox.list']({ view: 'all', limit: 1, offset: 0 })).items[0];
        if (!newest) return false;
        const detail = await core.handlers['conversation.open']({ id: newest.conversation.id });
        return detail.messages.some((m) => m.text === text);
      };
      const off = core.onEvent((e) => {
        if (e.type === 'changed' && e.entities.includes('message')) {
          void check().then((ok) => {
            if (ok) {
              off();
              clearTimeout(timer);
              resolveAppeared();
            }
          });
        }
      });
    });

    const samples: number[] = [];
    for (let i = 0; i < opts.messages; i++) {
      const text = `Bench message ${i}: where is my order #${1000 + i}?`;
      const seen = appeared(text);
      const t0 = performance.now();
      customers[i % customers.length]!.send(JSON.stringify({ type: 'message', clientMessageId: uuidv7(), text }));
      await seen;
      samples.push(performance.now() - t0);
    }
    for (const c of customers) c.close();
    await core.close();

    const baseline = await bareSocketRoundTrips(opts.messages);

    // First painted inbox from host start, warm cache (the core above synced it), browser already running.
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    });
    const paints: number[] = [];
    try {
      for (let i = 0; i < opts.paints; i++) {
        const page = await (await browser.newContext()).newPage();
        const t0 = performance.now();
        const host = await startHost({ port: 0, host: '127.0.0.1', dataDir: desktopDir, rendererDir: join(root, 'dist/renderer'), serverUrl: server.url });
        await page.goto(host.url);
        await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().waitFor({ state: 'visible' });
        paints.push(performance.now() - t0);
        await page.context().close();
        await host.close();
      }
    } finally {
      await browser.close();
    }
    return { customerToCacheMs: summarise(samples), bareSocketRoundTripMs: summarise(baseline), hostStartToInboxPaintMs: summarise(paints) };
  } finally {
    await server.close();
  }
}
