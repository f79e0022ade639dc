// The widget's outbox, timeline and connection against a real WebSocket server on loopback that speaks
// the widget protocol (stores messages, deduplicates by clientMessageId, acks).
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { MAX_MESSAGE_CHARS } from '../../src-shared/domain';
import type { WidgetClientMessage, WidgetMessage } from '../../src-shared/widget-protocol';
import { WIDGET_WS_PATH } from '../../src-shared/widget-protocol';
import { backoffDelay } from '../../src-shared/backoff';
import { readConfig, readSettings } from '../../src-widget/config';
import { parseServerMessage, WidgetConnection, type ConnectionStatus, type SocketLike } from '../../src-widget/connection';
import { MAX_TEXT_CHARS, WIDGET_PATH, outboxKey } from '../../src-widget/constants';
import { Outbox } from '../../src-widget/outbox';
import { memoryStore } from '../../src-widget/storage';
import { Timeline } from '../../src-widget/timeline';

interface ChatServer {
  url: string;
  stored: WidgetMessage[];
  received: WidgetClientMessage[];
  sockets: WebSocket[];
  /** When set, the next customer message is stored but the socket drops before the ack. */
  dropBeforeAck: boolean;
  history: WidgetMessage[];
  close(): Promise<void>;
}

let seq = 0;
const iso = () => new Date(Date.UTC(2025, 0, 1, 0, 0, ++seq)).toISOString();

async function startChatServer(): Promise<ChatServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws/widget' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const server: ChatServer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/widget`,
    stored: [],
    received: [],
    sockets: [],
    dropBeforeAck: false,
    history: [],
    close: () =>
      new Promise<void>((r) => {
        for (const s of server.sockets) s.terminate();
        wss.close(() => r());
      }),
  };
  wss.on('connection', (socket) => {
    server.sockets.push(socket);
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as WidgetClientMessage;
      server.received.push(msg);
      if (msg.type === 'hello') {
        socket.send(JSON.stringify({ type: 'welcome', visitorId: msg.identity.visitorId, verified: false, channelName: 'Acme', history: [...server.history, ...server.stored] }));
      } else if (msg.type === 'message') {
        let stored = server.stored.find((m) => m.clientMessageId === msg.clientMessageId);
        if (!stored) {
          stored = { id: `m${server.stored.length + 1}`, clientMessageId: msg.clientMessageId, direction: 'inbound', text: msg.text, authorName: 'Visitor', createdAt: iso() };
          server.stored.push(stored);
        }
        if (server.dropBeforeAck) {
          server.dropBeforeAck = false;
          socket.terminate();
          return;
        }
        socket.send(JSON.stringify({ type: 'ack', clientMessageId: msg.clientMessageId, message: stored }));
      }
    });
  });
  return server;
}

const connect = (url: string) => new WebSocket(url) as unknown as SocketLike;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function setup(url: string, store = memoryStore()) {
  const outbox = new Outbox(store, outboxKey('ch1'));
  const timeline = new Timeline();
  const statuses: ConnectionStatus[] = [];
  const typing: [boolean, string][] = [];
  const conn = new WidgetConnection({
    url,
    identity: () => ({ channelId: 'ch1', visitorId: 'visitor-0001' }),
    outbox,
    connect,
    backoff: () => 30,
    events: {
      status: (s) => statuses.push(s),
      welcome: (w) => timeline.reset(w.history, outbox.list()),
      ack: (id, m) => timeline.ack(id, m),
      message: (m) => timeline.receive(m),
      typing: (on, name) => typing.push([on, name]),
      refused: (id, reason) => timeline.fail(id, reason),
    },
  });
  cleanups.push(() => conn.stop());
  return { outbox, timeline, conn, statuses, typing, store };
}

describe('WidgetConnection', () => {
  it('says hello, and a message goes from "sending" to sent and leaves the outbox on ack', async () => {
    const server = await startChatServer();
    cleanups.push(() => server.close());
    const { conn, outbox, timeline } = setup(server.url);
    conn.start();
    await expect.poll(() => conn.status).toBe('online');
    expect(server.received[0]).toEqual({ type: 'hello', identity: { channelId: 'ch1', visitorId: 'visitor-0001' } });

    const entry = conn.send('Hi, my order #1042 has not arrived');
    timeline.addPending(entry);
    expect(timeline.list().map((i) => i.state)).toEqual(['sending']);
    await expect.poll(() => outbox.list().length).toBe(0);
    expect(timeline.list()).toMatchObject([{ state: 'sent', messageId: 'm1', text: 'Hi, my order #1042 has not arrived' }]);
  });

  it('keeps messages written offline and sends them, in order, once connected', async () => {
    const server = await startChatServer();
    cleanups.push(() => server.close());
    const store = memoryStore();
    // Written while no connection existed (e.g. on an earlier page load).
    const earlier = new Outbox(store, outboxKey('ch1'));
    earlier.add('first');
    earlier.add('second');
    const { conn, outbox } = setup(server.url, store);
    conn.start();
    await expect.poll(() => outbox.list().length).toBe(0);
    expect(server.stored.map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('resends an unacknowledged message after a drop with the same id: stored exactly once', async () => {
    const server = await startChatServer();
    cleanups.push(() => server.close());
    const { conn, outbox, timeline, statuses } = setup(server.url);
    conn.start();
    await expect.poll(() => conn.status).toBe('online');
    server.dropBeforeAck = true;
    const entry = conn.send('are you there?');
    timeline.addPending(entry);
    await expect.poll(() => statuses.includes('reconnecting')).toBe(true);
    await expect.poll(() => outbox.list().length).toBe(0);
    const sends = server.received.filter((m) => m.type === 'message');
    expect(sends).toHaveLength(2);
    expect(new Set(sends.map((m) => (m as { clientMessageId: string }).clientMessageId))).toEqual(new Set([entry.clientMessageId]));
    expect(server.stored).toHaveLength(1);
    // The welcome history already held it, and the ack matched it: shown once.
    expect(timeline.list()).toHaveLength(1);
    expect(timeline.list()[0]).toMatchObject({ state: 'sent', clientMessageId: entry.clientMessageId });
  });

  it('reports agent messages as delivered once each, and passes typing through', async () => {
    const server = await startChatServer();
    cleanups.push(() => server.close());
    server.history = [{ id: 'a1', clientMessageId: null, direction: 'outbound', text: 'Hello!', authorName: 'Dana', createdAt: iso() }];
    const { conn, typing } = setup(server.url);
    conn.start();
    await expect.poll(() => server.received.some((m) => m.type === 'delivered')).toBe(true);
    const socket = server.sockets[0]!;
    socket.send(JSON.stringify({ type: 'typing', on: true, name: 'Dana' }));
    socket.send(JSON.stringify({ type: 'message', message: { id: 'a2', clientMessageId: null, direction: 'outbound', text: 'Checking', authorName: 'Dana', createdAt: iso() } }));
    socket.send(JSON.stringify({ type: 'message', message: { id: 'a2', clientMessageId: null, direction: 'outbound', text: 'Checking', authorName: 'Dana', createdAt: iso() } }));
    await expect.poll(() => server.received.filter((m) => m.type === 'delivered').length).toBe(2);
    expect(server.received.filter((m) => m.type === 'delivered')).toEqual([
      { type: 'delivered', messageIds: ['a1'] },
      { type: 'delivered', messageIds: ['a2'] },
    ]);
    expect(typing).toEqual([[true, 'Dana']]);

    conn.setTyping(true);
    conn.setTyping(true);
    conn.setTyping(false);
    await expect.poll(() => server.received.filter((m) => m.type === 'typing').length).toBe(2);
    expect(server.received.filter((m) => m.type === 'typing')).toEqual([
      { type: 'typing', on: true },
      { type: 'typing', on: false },
    ]);
  });

  it('marks a refused message failed and drops it from the outbox; transient errors keep it', async () => {
    const server = await startChatServer();
    cleanups.push(() => server.close());
    const { conn, outbox, timeline } = setup(server.url);
    conn.start();
    await expect.poll(() => conn.status).toBe('online');
    const a = outbox.add('too big');
    const b = outbox.add('later');
    timeline.addPending(a);
    timeline.addPending(b);
    const socket = server.sockets[0]!;
    socket.send(JSON.stringify({ type: 'error', code: 'too_large', message: 'Message too long', clientMessageId: a.clientMessageId }));
    socket.send(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'Slow down', clientMessageId: b.clientMessageId }));
    await expect.poll(() => timeline.list().find((i) => i.clientMessageId === a.clientMessageId)?.state).toBe('failed');
    expect(outbox.list().map((e) => e.text)).toEqual(['later']);
  });
});

describe('Timeline', () => {
  const msg = (id: string, at: string, extra: Partial<WidgetMessage> = {}): WidgetMessage => ({ id, clientMessageId: null, direction: 'outbound', text: id, authorName: 'Dana', createdAt: at, ...extra });
  it('merges history, pending and live messages without duplicates, oldest first', () => {
    const t = new Timeline();
    t.reset([msg('a1', '2025-01-01T00:00:01.000Z'), msg('m1', '2025-01-01T00:00:02.000Z', { direction: 'inbound', clientMessageId: 'cm-1' })], [
      { clientMessageId: 'cm-1', text: 'm1', createdAt: '2025-01-01T00:00:02.000Z' },
      { clientMessageId: 'cm-2', text: 'pending', createdAt: '2025-01-01T00:00:05.000Z' },
    ]);
    expect(t.list().map((i) => [i.key, i.state])).toEqual([
      ['m:a1', 'sent'],
      ['c:cm-1', 'sent'],
      ['c:cm-2', 'sending'],
    ]);
    expect(t.receive(msg('a2', '2025-01-01T00:00:03.000Z'))).toBe(true);
    expect(t.receive(msg('a2', '2025-01-01T00:00:03.000Z'))).toBe(false);
    t.ack('cm-2', msg('m2', '2025-01-01T00:00:06.000Z', { direction: 'inbound', clientMessageId: 'cm-2' }));
    expect(t.list().map((i) => i.key)).toEqual(['m:a1', 'c:cm-1', 'm:a2', 'c:cm-2']);
  });

  it('never shows one stored message twice, even if an echo lacks its clientMessageId', () => {
    const t = new Timeline();
    t.addPending({ clientMessageId: 'cm-9', text: 'hello', createdAt: '2025-01-01T00:00:01.000Z' });
    t.ack('cm-9', msg('m9', '2025-01-01T00:00:01.000Z', { direction: 'inbound', clientMessageId: 'cm-9' }));
    t.receive(msg('m9', '2025-01-01T00:00:01.000Z', { direction: 'inbound' }));
    expect(t.list()).toHaveLength(1);
  });
});

describe('Outbox', () => {
  it('persists entries in order under the channel key and survives a new instance', () => {
    const store = memoryStore();
    const a = new Outbox(store, outboxKey('ch1'));
    const first = a.add('one');
    a.add('two');
    const b = new Outbox(store, outboxKey('ch1'));
    expect(b.list().map((e) => e.text)).toEqual(['one', 'two']);
    expect(b.remove(first.clientMessageId)).toBe(true);
    expect(b.remove(first.clientMessageId)).toBe(false);
    expect(a.list().map((e) => e.text)).toEqual(['two']);
    expect(new Outbox(store, outboxKey('other')).list()).toEqual([]);
  });

  it('ignores corrupt storage instead of failing', () => {
    const store = memoryStore();
    store.setItem(outboxKey('ch1'), '{nope');
    expect(new Outbox(store, outboxKey('ch1')).list()).toEqual([]);
    store.setItem(outboxKey('ch1'), JSON.stringify([{ clientMessageId: 'x'.repeat(10), text: 'ok', createdAt: 'now' }, { junk: true }]));
    expect(new Outbox(store, outboxKey('ch1')).list()).toHaveLength(1);
  });
});

describe('config and protocol', () => {
  const script = (src: string, attrs: Record<string, string>) => ({ src, getAttribute: (n: string) => attrs[n] ?? null });
  it('derives the server from the script src, not the page', () => {
    const cfg = readConfig(script('https://chat.acme.test:8443/widget.js', { 'data-channel-id': 'ch1' }), 'https://shop.example/p', { name: 'Ana', userHash: 42 });
    expect(cfg).toEqual({ channelId: 'ch1', mode: 'floating', origin: 'https://chat.acme.test:8443', socketUrl: 'wss://chat.acme.test:8443/ws/widget', settings: { name: 'Ana' } });
    const page = readConfig(script('/widget.js', { 'data-channel-id': 'ch1', 'data-mode': 'page' }), 'http://127.0.0.1:3000/chat/ch1', undefined);
    expect(page).toMatchObject({ mode: 'page', socketUrl: 'ws://127.0.0.1:3000/ws/widget' });
    expect(typeof readConfig(script('/widget.js', {}), 'http://x.test/', undefined)).toBe('string');
  });

  it('reads only known string settings', () => {
    expect(readSettings({ userId: 'u1', userHash: 'abc', email: 'a@b.c', extra: 1, name: '' })).toEqual({ userId: 'u1', userHash: 'abc', email: 'a@b.c' });
    expect(readSettings('nope')).toEqual({});
  });

  it('mirrors the shared protocol constants', () => {
    expect(WIDGET_PATH).toBe(WIDGET_WS_PATH);
    expect(MAX_TEXT_CHARS).toBe(MAX_MESSAGE_CHARS);
  });

  it('drops malformed server frames', () => {
    expect(parseServerMessage('{"type":"typing","on":true,"name":"Dana"}')).toEqual({ type: 'typing', on: true, name: 'Dana' });
    expect(parseServerMessage('{"type":"message","message":{"id":1}}')).toBeNull();
    expect(parseServerMessage('{"type":"welcome","visitorId":"v","history":[{"id":"x"}]}')).toBeNull();
    expect(parseServerMessage('<html>')).toBeNull();
  });

  it('backs off exponentially with jitter, capped at 10 s', () => {
    expect(backoffDelay(0, { baseMs: 1_000, random: () => 0 })).toBe(500);
    expect(backoffDelay(2, { baseMs: 1_000, random: () => 1 })).toBe(4000);
    expect(backoffDelay(20, { baseMs: 1_000, random: () => 0.5 })).toBe(7_500);
  });
});
