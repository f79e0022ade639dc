// The IPC contract over the browser host's WebSocket: HostFrame calls out, HostReply results and events in.
// Calls made while the link is down wait (briefly) for it; calls in flight when it drops fail with
// `host_disconnected`, since we cannot know whether the core ran them.
import { IpcEvent } from '../../src-shared/ipc';
import type { HostFrame, HostReply, IpcArgs, IpcMethod, IpcResult, IpcValue } from '../../src-shared/ipc';
import { backoffDelay } from '../../src-shared/backoff';
import type { LinkStatus, RendererBridge } from './types';

/** The part of the WebSocket API the bridge needs: the browser's WebSocket, or `ws` in Node tests. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface WsBridgeOptions {
  url: string;
  connect: (url: string) => SocketLike;
  /** Delay before reconnect attempt n (0-based). */
  backoff?: (attempt: number) => number;
  /** How long a call may wait for the link before it fails. */
  queueTimeoutMs?: number;
}

export interface WsBridge extends RendererBridge {
  /** Stop reconnecting and close the socket. */
  close(): void;
}

const OPEN = 1;

/** Parse one incoming frame; anything that is not a well-formed HostReply is dropped. */
export function parseHostReply(raw: unknown): HostReply | null {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : String(raw));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as Record<string, unknown>;
  if (frame.kind === 'result' && typeof frame.id === 'number') {
    const result = frame.result as Record<string, unknown> | null | undefined;
    if (result && (result.ok === true || (result.ok === false && typeof result.error === 'object' && result.error !== null))) {
      return { kind: 'result', id: frame.id, result: result as IpcResult<unknown> };
    }
    return null;
  }
  if (frame.kind === 'event') {
    const parsed = IpcEvent.safeParse(frame.event);
    return parsed.success ? { kind: 'event', event: parsed.data } : null;
  }
  return null;
}

function failure(code: string, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

export function createWsBridge(opts: WsBridgeOptions): WsBridge {
  const backoff = opts.backoff ?? ((n: number) => backoffDelay(n));
  const queueTimeoutMs = opts.queueTimeoutMs ?? 15_000;
  const eventListeners = new Set<(event: IpcEvent) => void>();
  const statusListeners = new Set<(status: LinkStatus) => void>();
  /** Sent, awaiting a result. */
  const inFlight = new Map<number, (result: IpcResult<unknown>) => void>();
  /** Not yet sent: waiting for the link. */
  const queued = new Map<number, { frame: HostFrame; resolve: (result: IpcResult<unknown>) => void; timer: ReturnType<typeof setTimeout> }>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let status: LinkStatus = 'connecting';
  let attempt = 0;
  let closedForGood = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  function setStatus(next: LinkStatus): void {
    if (next === status) return;
    status = next;
    for (const l of statusListeners) l(next);
  }

  function open(): void {
    setStatus('connecting');
    const ws = opts.connect(opts.url);
    socket = ws;
    ws.addEventListener('open', () => {
      if (socket !== ws) return;
      attempt = 0;
      setStatus('open');
      for (const [id, q] of queued) {
        clearTimeout(q.timer);
        queued.delete(id);
        inFlight.set(id, q.resolve);
        ws.send(JSON.stringify(q.frame));
      }
    });
    ws.addEventListener('message', (event) => {
      if (socket !== ws) return;
      const reply = parseHostReply(event.data);
      if (!reply) return;
      if (reply.kind === 'result') {
        const resolve = inFlight.get(reply.id);
        inFlight.delete(reply.id);
        resolve?.(reply.result);
      } else {
        for (const l of eventListeners) l(reply.event);
      }
    });
    ws.addEventListener('error', () => {
      /* a 'close' always follows */
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      for (const resolve of inFlight.values()) resolve(failure('host_disconnected', 'The connection to the Threadline core was lost.'));
      inFlight.clear();
      if (closedForGood) {
        setStatus('closed');
        return;
      }
      setStatus('closed');
      reconnectTimer = setTimeout(() => {
        reconnectTimer = null;
        open();
      }, backoff(attempt++));
    });
  }

  function invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<IpcValue<M>>> {
    if (closedForGood) return Promise.resolve(failure('host_disconnected', 'The bridge is closed.'));
    const id = nextId++;
    const frame: HostFrame = { kind: 'call', id, method, args };
    return new Promise<IpcResult<unknown>>((resolve) => {
      if (socket && socket.readyState === OPEN && status === 'open') {
        inFlight.set(id, resolve);
        socket.send(JSON.stringify(frame));
      } else {
        const timer = setTimeout(() => {
          queued.delete(id);
          resolve(failure('host_unreachable', 'The Threadline core is not reachable.'));
        }, queueTimeoutMs);
        queued.set(id, { frame, resolve, timer });
      }
    }) as Promise<IpcResult<IpcValue<M>>>;
  }

  open();

  return {
    transport: 'websocket',
    invoke,
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    linkStatus: () => status,
    onLinkStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closedForGood = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      for (const [id, q] of queued) {
        clearTimeout(q.timer);
        queued.delete(id);
        q.resolve(failure('host_disconnected', 'The bridge is closed.'));
      }
      if (socket) socket.close();
      else setStatus('closed');
    },
  };
}
