// The packaged preload runs sandboxed: its `require` knows 'electron' (and a few polyfills) and
// cannot load files. Build the real bundle with build/preload.vite.config.ts and run it in a bare
// VM context whose require knows only 'electron' — as the sandbox would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { IPC_INVOKE_CHANNEL } from '../../src-shared/ipc';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let outDir: string;
let code: string;

beforeAll(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-preload-'));
  await build({ configFile: path.join(repo, 'build/preload.vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  code = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
}, 60_000);
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('bundled preload', () => {
  it('is one file that requires nothing but electron', () => {
    expect(fs.readdirSync(outDir)).toEqual(['preload.cjs']);
    const required = [...code.matchAll(/require\((["'`])([^"'`]+)\1\)/g)].map((m) => m[2]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('exposes window.threadline in a sandbox-like context and refuses unknown methods', async () => {
    const exposed: Record<string, { invoke(m: string, a: unknown): Promise<unknown> }> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: never) => void (exposed[key] = api) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, value: null }),
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const sandboxRequire = (id: string) => {
      if (id === 'electron') return electron;
      throw new Error(`module not found in sandbox: ${id}`);
    };
    const mod = { exports: {} };
    vm.runInNewContext(code, { require: sandboxRequire, module: mod, exports: mod.exports, console }, { filename: 'preload.cjs' });
    const bridge = exposed.threadline!;
    expect(Object.keys(exposed)).toEqual(['threadline']);
    expect(await bridge.invoke('typing.set', { conversationId: 'c1', on: true })).toEqual({ ok: true, value: null });
    expect(await bridge.invoke('require', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(invoked).toEqual([[IPC_INVOKE_CHANNEL, 'typing.set', { conversationId: 'c1', on: true }]]);
  });
});
