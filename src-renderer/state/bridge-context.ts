import { createContext, useContext, useMemo } from 'react';
import type { IpcArgs, IpcMethod, IpcValue } from '../../src-shared/ipc';
import type { RendererBridge } from '../bridge/types';

export const BridgeContext = createContext<RendererBridge | null>(null);

export function useBridge(): RendererBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('BridgeContext is missing');
  return bridge;
}

/** An IPC failure as a thrown error, which is what react-query expects. */
export class IpcCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'IpcCallError';
  }
}

export async function call<M extends IpcMethod>(bridge: RendererBridge, method: M, args: IpcArgs<M>): Promise<IpcValue<M>> {
  const result = await bridge.invoke(method, args);
  if (!result.ok) throw new IpcCallError(result.error.code, result.error.message);
  return result.value;
}

/** `call` bound to the current bridge. */
export function useCall(): <M extends IpcMethod>(method: M, args: IpcArgs<M>) => Promise<IpcValue<M>> {
  const bridge = useBridge();
  return useMemo(() => <M extends IpcMethod>(method: M, args: IpcArgs<M>) => call(bridge, method, args), [bridge]);
}
