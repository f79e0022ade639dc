// Which transport carries the IPC contract: Electron's preload puts a bridge on window.threadline;
// in a plain browser we talk to the browser host over its local WebSocket, authorised by the launch secret.
import { HOST_ATTACHMENTS_SESSION_PATH, type ThreadlineBridge } from '../../src-shared/ipc';
import { hostSocketUrl, takeHostSecret } from './secret';
import type { RendererBridge } from './types';
import { createWsBridge } from './ws-bridge';

declare global {
  interface Window {
    threadline?: ThreadlineBridge;
  }
}

export type BridgeChoice = { kind: 'ready'; bridge: RendererBridge } | { kind: 'no-secret' };

/** Wrap the preload bridge: Electron IPC has no link to lose while the window lives. */
export function fromPreload(preload: ThreadlineBridge): RendererBridge {
  return {
    transport: 'electron',
    invoke: (method, args) => preload.invoke(method, args),
    onEvent: (listener) => preload.onEvent(listener),
    linkStatus: () => 'open',
    onLinkStatus: () => () => undefined,
  };
}

export function chooseBridge(win: Window): BridgeChoice {
  if (win.threadline) return { kind: 'ready', bridge: fromPreload(win.threadline) };
  const secret = takeHostSecret(win.location, win.sessionStorage, (url) => win.history.replaceState(null, '', url));
  if (!secret) return { kind: 'no-secret' };
  // Attachments are plain <img>/<a> requests: trade the secret for the host's HttpOnly cookie (same origin only).
  void win.fetch(HOST_ATTACHMENTS_SESSION_PATH, { method: 'POST', headers: { 'x-threadline-secret': secret }, credentials: 'same-origin' }).catch(() => undefined);
  const bridge = createWsBridge({ url: hostSocketUrl(win.location, secret), connect: (url) => new WebSocket(url) });
  return { kind: 'ready', bridge };
}
