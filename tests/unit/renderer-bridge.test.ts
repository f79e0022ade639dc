// The browser-host bridge against a real WebSocket server on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import type { HostReply, IpcEvent } from '../../src-shared/ipc';
import { backoffDelay } from '../../src-shared/backoff';
import { hostSocketUrl, SECRET_STORAGE_KEY, takeHostSecret } from '../../src-renderer/bridge/secret';
import type { LinkStatus } from '../../src-renderer/bridge/types';
import { createWsBridge, parseHostReply, type SocketLike, type WsBridge } from '../../src-renderer/bridge/ws-bridge';

interface Host {
  url: string;
  wss: WebSocketServer;
  sockets: WebSocket[];
  frames: unknown[];
  close(): Promise<void>;
}

/** A minimal stand-in for the browser host's /ipc endpoint: answers every call with `answer`. */
async function startHost(answer: (frame: { id: number; method: string; args: unknown }, socket: WebSocket) => HostReply | null): Promise<Host> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const host: Host = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ipc?secret=s3cret`,
    wss,
    sockets: [],
    frames: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of host.sockets) s.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket) => {
    host.sockets.push(socket);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { id: number; method: string; args: unknown };
      host.frames.push(frame);
      const reply = answer(frame, socket);
      if (reply) socket.send(JSON.stringify(reply));
    });
  });
  return host;
}

const connect = (url: string) => new WebSocket(url) as unknown as SocketLike;

function waitForStatus(bridge: WsBridge, wanted: LinkStatus): Promise<void> {
  if (bridge.linkStatus() === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    const off = bridge.onLinkStatus((s) => {
      if (s === wanted) {
        off();
        resolve();
      }
    });
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('createWsBridge', () => {
  it('sends calls as HostFrames and resolves each with its own result, in any order', async () => {
    const held: { id: number; socket: WebSocket }[] = [];
    const host = await startHost((frame, socket) => {
      held.push({ id: frame.id, socket });
      if (held.length < 2) return null;
      // Answer the second call first.
      for (const h of [...held].reverse()) h.socket.send(JSON.stringify({ kind: 'result', id: h.id, result: { ok: true, value: { echo: h.id } } }));
      return null;
    });
    cleanups.push(() => host.close());
    const bridge = createWsBridge({ url: host.url, connect });
    cleanups.push(() => bridge.close());

    const [a, b] = await Promise.all([bridge.invoke('channels.list', {}), bridge.invoke('agents.list', {})]);
    expect(host.frames).toEqual([
      { kind: 'call', id: 1, method: 'channels.list', args: {} },
      { kind: 'call', id: 2, method: 'agents.list', args: {} },
    ]);
    expect(a).toEqual({ ok: true, value: { echo: 1 } });
    expect(b).toEqual({ ok: true, value: { echo: 2 } });
  });

  it('passes error results through unchanged', async () => {
    const host = await startHost((f) => ({ kind: 'result', id: f.id, result: { ok: false, error: { code: 'invalid_args', message: 'email: required' } } }));
    cleanups.push(() => host.close());
    const bridge = createWsBridge({ url: host.url, connect });
    cleanups.push(() => bridge.close());
    const result = await bridge.invoke('session.login', { serverUrl: 'http://x.test', email: '', password: 'p' });
    expect(result).toEqual({ ok: false, error: { code: 'invalid_args', message: 'email: required' } });
  });

  it('dispatches valid events to listeners and drops malformed frames', async () => {
    const host = await startHost(() => null);
    cleanups.push(() => host.close());
    const bridge = createWsBridge({ url: host.url, connect });
    cleanups.push(() => bridge.close());
    const events: IpcEvent[] = [];
    bridge.onEvent((e) => events.push(e));
    await waitForStatus(bridge, 'open');
    const socket = host.sockets[0]!;
    socket.send('not json');
    socket.send(JSON.stringify({ kind: 'event', event: { type: 'changed', entities: ['nonsense'], conversationIds: [] } }));
    socket.send(JSON.stringify({ kind: 'event', event: { type: 'navigate', conversationId: 'c1' } }));
    socket.send(JSON.stringify({ kind: 'event', event: { type: 'changed', entities: ['message'], conversationIds: ['c1'] } }));
    await expect.poll(() => events.length).toBe(2);
    expect(events).toEqual([
      { type: 'navigate', conversationId: 'c1' },
      { type: 'changed', entities: ['message'], conversationIds: ['c1'] },
    ]);
  });

  it('fails calls in flight when the link drops, reconnects, and sends calls made meanwhile', async () => {
    let answering = false;
    const host = await startHost((f, socket) => {
      if (!answering) {
        // Drop the link instead of answering the first call.
        socket.terminate();
        return null;
      }
      return { kind: 'result', id: f.id, result: { ok: true, value: f.method } };
    });
    cleanups.push(() => host.close());
    const statuses: LinkStatus[] = [];
    const bridge = createWsBridge({ url: host.url, connect, backoff: () => 50 });
    cleanups.push(() => bridge.close());
    bridge.onLinkStatus((s) => statuses.push(s));
    await waitForStatus(bridge, 'open');

    const lost = await bridge.invoke('session.state', {});
    expect(lost).toMatchObject({ ok: false, error: { code: 'host_disconnected' } });
    expect(bridge.linkStatus()).not.toBe('open');

    answering = true;
    const queued = bridge.invoke('channels.list', {}); // made while the link is down
    expect(await queued).toEqual({ ok: true, value: 'channels.list' });
    expect(host.sockets.length).toBe(2);
    expect(statuses).toEqual(['open', 'closed', 'connecting', 'open']);
  });

  it('fails a waiting call after the queue timeout when the host never comes', async () => {
    const bridge = createWsBridge({ url: 'ws://127.0.0.1:9/ipc?secret=x', connect, backoff: () => 20, queueTimeoutMs: 150 });
    cleanups.push(() => bridge.close());
    const result = await bridge.invoke('session.state', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'host_unreachable' } });
  });
});

describe('parseHostReply', () => {
  it('accepts results and valid events only', () => {
    expect(parseHostReply('{"kind":"result","id":3,"result":{"ok":true,"value":null}}')).toEqual({ kind: 'result', id: 3, result: { ok: true, value: null } });
    expect(parseHostReply('{"kind":"result","id":"3","result":{"ok":true}}')).toBeNull();
    expect(parseHostReply('{"kind":"result","id":3,"result":{"ok":false}}')).toBeNull();
    expect(parseHostReply('{"kind":"event","event":{"type":"typing","conversationId":"c","who":"customer","name":"Ana","on":true}}')).toMatchObject({ kind: 'event' });
    expect(parseHostReply('{"kind":"event","event":{"type":"explode"}}')).toBeNull();
    expect(parseHostReply('[1,2]')).toBeNull();
    expect(parseHostReply('')).toBeNull();
  });
});

describe('host secret', () => {
  function memory() {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
  }
  const loc = (hash: string) => ({ protocol: 'http:', host: '127.0.0.1:4830', pathname: '/', search: '?x=1', hash });

  it('takes the secret from the hash, stores it, and removes it from the URL', () => {
    const store = memory();
    const urls: string[] = [];
    expect(takeHostSecret(loc('#secret=abc%2Fdef&view=all'), store, (u) => urls.push(u))).toBe('abc/def');
    expect(store.map.get(SECRET_STORAGE_KEY)).toBe('abc/def');
    expect(urls).toEqual(['/?x=1#view=all']);
  });

  it('falls back to the stored secret after the hash is gone, and to null without one', () => {
    const store = memory();
    const urls: string[] = [];
    expect(takeHostSecret(loc(''), store, (u) => urls.push(u))).toBeNull();
    store.setItem(SECRET_STORAGE_KEY, 'kept');
    expect(takeHostSecret(loc(''), store, (u) => urls.push(u))).toBe('kept');
    expect(urls).toEqual([]);
  });

  it('builds the socket URL on the page’s own host, escaping the secret', () => {
    expect(hostSocketUrl({ protocol: 'http:', host: '127.0.0.1:4830' }, 'a b&c')).toBe('ws://127.0.0.1:4830/ipc?secret=a%20b%26c');
    expect(hostSocketUrl({ protocol: 'https:', host: 'agent.example' }, 's')).toBe('wss://agent.example/ipc?secret=s');
  });
});

describe('backoffDelay', () => {
  it('grows exponentially, stays within [ceiling/2, ceiling], and is capped', () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(250);
    expect(backoffDelay(0, { random: () => 1 })).toBe(500);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(3000);
    expect(backoffDelay(50, { random: () => 1 })).toBe(10_000);
  });
});
