// Main-thread side of the cache: an async request/response API over the worker thread.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import type { CacheOpArgs, CacheOpName, CacheOpResult } from './ops';
import type { CacheRequest, CacheResponse } from './cache-worker';

export class CacheCallError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CacheClient {
  call<K extends CacheOpName>(op: K, args: CacheOpArgs<K>): Promise<CacheOpResult<K>>;
  close(): Promise<void>;
}

/**
 * Start the worker from a build (.js next to this file) or from source (.ts, under tsx or vitest).
 * From source, `execArgv: ['--import', 'tsx']` is not enough on Node 20 (loader hooks do not reach worker
 * threads there), so a two-line bootstrap registers tsx inside the worker and then imports the .ts entry.
 */
/** The ESM build of tsx's register API (its CommonJS build cannot register ESM hooks from a worker). */
function tsxEsmApiUrl(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

function spawnWorker(file: string): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(new URL('./cache-worker.js', import.meta.url), { workerData: { file } });
  // Resolved from here rather than from the cwd, so the worker starts whatever directory we run in.
  const tsxApi = tsxEsmApiUrl();
  const entry = new URL('./cache-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: { file } });
}

export async function openCache(dataDir: string): Promise<CacheClient> {
  fs.mkdirSync(dataDir, { recursive: true });
  const worker = spawnWorker(path.join(dataDir, 'cache.sqlite'));
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let closed = false;
  let failure: Error | null = null;

  const failAll = (err: Error) => {
    failure = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    worker.once('error', onError);
    worker.once('message', (m: CacheResponse) => {
      worker.off('error', onError);
      if (m.ok) resolve();
      else reject(new CacheCallError(m.error.code, m.error.message));
    });
  });

  worker.on('message', (m: CacheResponse) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.value);
    else w.reject(new CacheCallError(m.error.code, m.error.message));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`Cache worker exited (${code})`)));

  const send = (op: CacheRequest['op'], args: unknown): Promise<unknown> => {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new CacheCallError('closed', 'Cache is closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, op, args } satisfies CacheRequest);
    });
  };

  return {
    call: (op, args) => send(op, args) as Promise<never>,
    async close() {
      if (closed) return;
      const done = send('close', null).catch(() => undefined);
      closed = true; // calls made from now on fail fast instead of racing the shutdown
      await done;
      await worker.terminate();
    },
  };
}
