// Real processes for the end-to-end tests: the central server and the browser host, each started
// with its own CLI exactly as a person would, on loopback, and stopped by a signal.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, type Page } from '@playwright/test';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `threadline-${prefix}-`));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function run(script: string, args: string[], env: Record<string, string>): RunningProcess {
  let out = '';
  const proc = spawn(tsx, [join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, p: RunningProcess, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (p.proc.exitCode !== null) throw new Error(`${what}: process exited (${p.proc.exitCode})\n${p.output()}`);
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready after ${ms} ms\n${p.output()}`);
}

export async function startServer(port: number, dataDir: string, env: Record<string, string> = {}): Promise<RunningProcess & { url: string }> {
  const p = run('src-server/cli.ts', ['--port', String(port), '--data-dir', dataDir], { THREADLINE_LOG_LEVEL: 'warn', ...env });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('server /health', async () => {
    try {
      const res = await fetch(`${url}/health`);
      return res.ok ? true : undefined;
    } catch {
      return undefined;
    }
  }, p);
  return { ...p, url };
}

export async function startHost(port: number, dataDir: string, serverUrl: string, env: Record<string, string> = {}): Promise<RunningProcess & { url: string }> {
  const p = run('src-main/host/cli.ts', ['--port', String(port), '--data-dir', dataDir, '--server', serverUrl], env);
  const url = await waitFor('browser host URL', () => /Threadline web: (\S+)/.exec(p.output())?.[1], p);
  return { ...p, url };
}

/** Small REST client for test set-up through the public API. */
export async function api<T>(baseUrl: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Fills the desktop's sign-in form (the page already shows it) and submits. */
export async function fillSignIn(page: Page, serverUrl: string, who: { email: string; password: string }): Promise<void> {
  await page.getByRole('textbox', { name: 'Server URL' }).fill(serverUrl);
  await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the browser host, signs in and waits for the inbox. */
export async function signIn(page: Page, hostUrl: string, serverUrl: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(hostUrl);
  await fillSignIn(page, serverUrl, who);
  await expect(page.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
}
