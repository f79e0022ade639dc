import { describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, ipcContract, ipcMethods } from '../../src-shared/ipc';
import type { IpcEvent, ThreadlineBridge } from '../../src-shared/ipc';
import { BRIDGE_KEY, exposeBridge } from '../../src-preload/bridge';
import type { ContextBridgePort, IpcRendererPort } from '../../src-preload/bridge';

type Relay = (event: unknown, ...args: unknown[]) => void;

/** Records what the preload does with Electron's contextBridge and ipcRenderer. */
export function fakePreloadElectron(answer: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: 'answered' })) {
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<Relay>>();
  const contextBridge: ContextBridgePort = { exposeInMainWorld: (key, api) => void (exposed[key] = api) };
  const ipcRenderer: IpcRendererPort = {
    invoke: (channel, ...args) => (invoked.push([channel, ...args]), answer(channel, ...args)),
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  /** Main sends on a channel: Electron calls listeners with (IpcRendererEvent, ...args). */
  const mainSends = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'SECRET-IPC-RENDERER-OBJECT', ports: [] }, payload);
  };
  return { contextBridge, ipcRenderer, exposed, invoked, listeners, mainSends };
}

describe('preload bridge', () => {
  it('exposes window.threadline with exactly invoke and onEvent', () => {
    const fx = fakePreloadElectron();
    exposeBridge(fx.contextBridge, fx.ipcRenderer);
    expect(Object.keys(fx.exposed)).toEqual([BRIDGE_KEY]);
    const api = fx.exposed[BRIDGE_KEY] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('forwards every method of the contract, and only those, to the invoke channel', async () => {
    const fx = fakePreloadElectron();
    const bridge = exposeBridge(fx.contextBridge, fx.ipcRenderer) as ThreadlineBridge & { invoke(m: string, a: unknown): Promise<unknown> };
    expect(ipcMethods.sort()).toEqual(Object.keys(ipcContract).sort());
    for (const method of ipcMethods) {
      expect(await bridge.invoke(method, { probe: method })).toEqual({ ok: true, value: 'answered' });
    }
    expect(fx.invoked).toEqual(ipcMethods.map((m) => [IPC_INVOKE_CHANNEL, m, { probe: m }]));
  });

  it('refuses unknown methods in the preload, before ipcRenderer', async () => {
    const fx = fakePreloadElectron();
    const bridge = exposeBridge(fx.contextBridge, fx.ipcRenderer) as unknown as { invoke(m: unknown, a: unknown): Promise<unknown> };
    for (const method of ['fs.readFile', 'shell.openExternal', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null, undefined]) {
      expect(await bridge.invoke(method, {})).toEqual({ ok: false, error: { code: 'unknown_method', message: expect.any(String) } });
    }
    expect(fx.invoked).toEqual([]);
  });

  it('answers a Result, never a throw, when the main process is unreachable', async () => {
    const fx = fakePreloadElectron(async () => {
      throw new Error("No handler registered for 'threadline:invoke'");
    });
    const bridge = exposeBridge(fx.contextBridge, fx.ipcRenderer);
    expect(await bridge.invoke('session.state', {})).toEqual({ ok: false, error: { code: 'ipc_failed', message: expect.stringContaining('No handler') } });
  });

  it('delivers event payloads only (never the IpcRendererEvent) and unsubscribes', () => {
    const fx = fakePreloadElectron();
    const bridge = exposeBridge(fx.contextBridge, fx.ipcRenderer);
    const got: unknown[][] = [];
    const off = bridge.onEvent((...args: unknown[]) => got.push(args));
    const event: IpcEvent = { type: 'navigate', conversationId: 'c9' };
    fx.mainSends(IPC_EVENT_CHANNEL, event);
    fx.mainSends('some:other-channel', { type: 'navigate', conversationId: 'x' });
    expect(got).toEqual([[event]]);
    off();
    fx.mainSends(IPC_EVENT_CHANNEL, event);
    expect(got).toHaveLength(1);
    expect(fx.listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0);
  });
});
