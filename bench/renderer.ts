// Renderer in Chromium (browser host) on the full generated cache (a supervisor's: every conversation):
//  - first inbox paint from host start (warm cache, browser already running): the host bundled like the desktop
//    build (bench/host.vite.config.ts) started as its own process, until the first conversation row is visible;
//  - scrolling the inbox: frame times (requestAnimationFrame deltas) and long tasks (PerformanceObserver) while
//    the mouse wheel scrolls through pages of conversations (infinite scroll loads pages over IPC);
//  - memory: that host process (core + cache worker) and the Chromium renderer, resident (RSS and PSS),
//    after painting, scrolling and opening a conversation; plus the renderer's JS heap from CDP Performance metrics.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from '@playwright/test';
import { summarise, type Summary } from './stats';
import { copyDir, type GeneratedData } from './generate';
import { descendants, pssMb, rssMb, startBuiltHostProcess, startServerProcess } from './procs';

const root = path.resolve(import.meta.dirname, '..');

export interface RendererResults {
  conversations: number;
  firstPaintMs: Summary;
  scroll: { seconds: number; frames: number; fps: number; frameMs: Summary; framesOver33ms: number; longTasks: number; longestTaskMs: number; rowsLoaded: number };
  memory: { coreRssMb: number; rendererRssMb: number; rendererPssMb: number; totalRssMb: number; totalPssMb: number; rendererJsHeapMb: number };
  /** Baseline for the paint: a static HTML page with 50 rows, served and painted by the same browser. */
  baselineStaticPaintMs: Summary;
}

const launchArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

async function waitForInbox(page: Page): Promise<void> {
  await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().waitFor({ state: 'visible', timeout: 60_000 });
}

async function scrollInbox(page: Page, seconds: number) {
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const b = (window.__bench = { frames: [], longTasks: [], stop: false });
    new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
    let last = performance.now();
    const tick = (t) => { b.frames.push(t - last); last = t; if (!b.stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const box = (await page.getByRole('listbox', { name: 'Conversations' }).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await page.mouse.wheel(0, 240);
    await page.waitForTimeout(16);
  }
  const result = await page.evaluate<{ frames: number[]; longTasks: number[]; rows: number }>(`(() => {
    const b = window.__bench;
    b.stop = true;
    return { frames: b.frames.slice(1), longTasks: b.longTasks, rows: document.querySelector('[role="listbox"]')?.scrollTop ?? 0 };
  })()`);
  const elapsed = (performance.now() - t0) / 1000;
  return { ...result, elapsed };
}

async function measureMemory(page: Page, hostPid: number): Promise<RendererResults['memory']> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const heap = metrics.find((m) => m.name === 'JSHeapTotalSize')?.value ?? Number.NaN;
  // The page's renderer is the biggest renderer process (others are spare renderers).
  const renderer = descendants(process.pid, '--type=renderer').map((p) => ({ p, rss: rssMb(p) })).sort((a, b) => b.rss - a.rss)[0];
  const coreRss = rssMb(hostPid);
  const rendererRss = renderer?.rss ?? Number.NaN;
  const rendererPss = renderer ? pssMb(renderer.p) : Number.NaN;
  return {
    coreRssMb: coreRss,
    rendererRssMb: rendererRss,
    rendererPssMb: rendererPss,
    totalRssMb: coreRss + rendererRss,
    totalPssMb: pssMb(hostPid) + rendererPss,
    rendererJsHeapMb: heap / 2 ** 20,
  };
}

export async function benchRenderer(data: GeneratedData, opts: { paints: number; scrollSeconds: number }): Promise<RendererResults> {
  if (!fs.existsSync(path.join(root, 'dist/renderer/index.html'))) throw new Error('dist/renderer is missing: run `npm run build:ui` first');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-renderer-'));
  const server = await startServerProcess(data.serverDir);
  let browser: Browser | null = null;
  try {
    // A private copy of the cache (the host writes to it), pointed at this run's server.
    const cacheDir = copyDir(data.cacheDir, path.join(work, 'desktop'));
    const db = new Database(path.join(cacheDir, 'cache.sqlite'));
    db.prepare("INSERT INTO meta (key, value) VALUES ('serverUrl', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(server.url);
    const conversations = (db.prepare('SELECT COUNT(*) AS n FROM conversations').get() as { n: number }).n;
    db.close();

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: launchArgs });

    // Baseline: a static page with 50 rows from a bare http server, same browser.
    const http = await import('node:http');
    const rowsHtml = Array.from({ length: 50 }, (_, i) => `<div role="option">Customer ${i} — where is my order?</div>`).join('');
    const bare = http.createServer((_req, res) => res.end(`<!doctype html><div role="listbox" aria-label="Conversations">${rowsHtml}</div>`));
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
    const baseline: number[] = [];
    for (let i = 0; i < opts.paints; i++) {
      const page = await (await browser.newContext()).newPage();
      const t0 = performance.now();
      await page.goto(bareUrl);
      await waitForInbox(page);
      baseline.push(performance.now() - t0);
      await page.context().close();
    }
    bare.close();

    // First paint from host start (spawning the bundled host process) with a warm cache; the browser is running.
    // The first start warms the OS page cache and is not counted. The last one is scrolled, then measured for memory.
    const paints: number[] = [];
    let scroll: Awaited<ReturnType<typeof scrollInbox>> | null = null;
    let memory: RendererResults['memory'] | null = null;
    for (let i = 0; i <= opts.paints; i++) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      const t0 = performance.now();
      const hostProc = await startBuiltHostProcess(cacheDir, server.url);
      try {
        await page.goto(hostProc.url);
        await waitForInbox(page);
        if (i > 0) paints.push(performance.now() - t0);
        if (i === opts.paints) {
          // An agent starts scrolling after looking at the first screen, not within the same frame.
          await page.waitForTimeout(1000);
          scroll = await scrollInbox(page, opts.scrollSeconds);
          await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').first().click();
          await page.waitForTimeout(1000);
          memory = await measureMemory(page, hostProc.pid);
        }
      } finally {
        await page.context().close();
        await hostProc.stop();
      }
    }

    const s = scroll!;
    const over = s.frames.filter((f) => f > 33.4).length;
    return {
      conversations,
      firstPaintMs: summarise(paints),
      scroll: {
        seconds: s.elapsed,
        frames: s.frames.length,
        fps: s.frames.length / s.elapsed,
        frameMs: summarise(s.frames),
        framesOver33ms: over,
        longTasks: s.longTasks.length,
        longestTaskMs: s.longTasks.length ? Math.max(...s.longTasks) : 0,
        rowsLoaded: Math.round(s.rows / 76),
      },
      memory: memory!,
      baselineStaticPaintMs: summarise(baseline),
    };
  } finally {
    await browser?.close();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
