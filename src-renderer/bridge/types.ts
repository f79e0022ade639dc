import type { ThreadlineBridge } from '../../src-shared/ipc';

/** Whether the renderer can currently reach the desktop core (not the server: that is SessionState.connection). */
export type LinkStatus = 'connecting' | 'open' | 'closed';

export type Transport = 'electron' | 'websocket';

/** The bridge as the UI uses it: the contract plus the state of the link that carries it. */
export interface RendererBridge extends ThreadlineBridge {
  readonly transport: Transport;
  linkStatus(): LinkStatus;
  onLinkStatus(listener: (status: LinkStatus) => void): () => void;
}
