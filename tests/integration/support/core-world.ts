// Shared set-up of the desktop-core integration tests: temp dirs and servers cleaned up after each test,
// and a small REST client for set-up through the public API.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };

/** Registers an afterEach that runs everything handed to `defer`, newest first. Call once at a test file's top level. */
export function cleanupAfterEach() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const defer = (c: () => Promise<void> | void) => void cleanups.push(c);
  const tempDir = (prefix: string): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    defer(() => fs.rmSync(d, { recursive: true, force: true }));
    return d;
  };
  return { cleanups, defer, tempDir };
}

export async function api<T>(server: { url: string }, token: string | null, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}
