// window.threadline, generated from the IPC contract: the allowed method names are exactly
// ipcMethods of src-shared/ipc.ts, so adding a method to the contract is the only way to widen it.
// Anything else is refused here, before it reaches ipcRenderer; the main process validates again.
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, ipcMethods } from '../src-shared/ipc';
import type { IpcEvent, IpcMethod, IpcResult, ThreadlineBridge } from '../src-shared/ipc';

/** The slice of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}
export interface ContextBridgePort {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export const BRIDGE_KEY = 'threadline';

const refused = (code: string, message: string): IpcResult<never> => ({ ok: false, error: { code, message } });

export function createBridge(ipcRenderer: IpcRendererPort): ThreadlineBridge {
  const allowed = new Set<string>(ipcMethods);
  const invoke = async (method: string, args: unknown): Promise<IpcResult<unknown>> => {
    if (typeof method !== 'string' || !allowed.has(method)) return refused('unknown_method', `Unknown method ${String(method)}`);
    try {
      return (await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method as IpcMethod, args)) as IpcResult<unknown>;
    } catch (err) {
      // The router answers Results; a throw here means the main process is gone or restarting.
      return refused('ipc_failed', (err as Error)?.message ?? String(err));
    }
  };
  const onEvent = (listener: (event: IpcEvent) => void): (() => void) => {
    // Never hand Electron's IpcRendererEvent to the page (it exposes `sender`): only the payload.
    const relay = (_event: unknown, payload: unknown) => listener(payload as IpcEvent);
    ipcRenderer.on(IPC_EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay);
    };
  };
  return Object.freeze({ invoke, onEvent }) as ThreadlineBridge;
}

export function exposeBridge(contextBridge: ContextBridgePort, ipcRenderer: IpcRendererPort): ThreadlineBridge {
  const bridge = createBridge(ipcRenderer);
  contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
  return bridge;
}
