// The customer's WebSocket to /ws/widget: hello → welcome, then live. It owns the resend rule:
// after every welcome all unacknowledged messages go out again, oldest first, with their original
// clientMessageId, so a message sent during a drop arrives exactly once.
import type { WidgetClientMessage, WidgetCsat, WidgetIdentity, WidgetMessage, WidgetServerMessage } from '../src-shared/widget-protocol';
import { backoffDelay } from '../src-shared/backoff';

/** A customer waiting on a reply should not wait long after the server is back: capped at 10 s. */
const widgetBackoff = (attempt: number): number => backoffDelay(attempt, { baseMs: 1_000, capMs: 10_000 });
import type { Outbox, OutboxEntry } from './outbox';

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting';

export interface ConnectionEvents {
  status(status: ConnectionStatus): void;
  welcome(welcome: Extract<WidgetServerMessage, { type: 'welcome' }>): void;
  ack(clientMessageId: string, message: WidgetMessage): void;
  message(message: WidgetMessage): void;
  typing(on: boolean, name: string): void;
  /** Routing: the customer's place in the queue while waiting for an agent; null once someone has the chat. */
  queue(position: number | null): void;
  /** A message the server refused for good: it has left the outbox. */
  refused(clientMessageId: string, message: string): void;
  error(code: string, message: string): void;
  /** A satisfaction survey to show (score null), or the rating as recorded (docs/csat.md). */
  csat(survey: WidgetCsat): void;
}

export interface ConnectionOptions {
  url: string;
  /** Read at every hello, so a visitorId the server assigned is used next time. */
  identity: () => WidgetIdentity;
  outbox: Outbox;
  connect: (url: string) => SocketLike;
  events: Partial<ConnectionEvents>;
  backoff?: (attempt: number) => number;
}

const OPEN = 1;
/** Refusals worth retrying after the next reconnect rather than giving up on the message. */
const transientCodes = new Set(['rate_limited', 'unavailable', 'internal', 'busy', 'timeout']);

/** Accept only frames with the fields we use; anything else is ignored. */
export function parseServerMessage(raw: unknown): WidgetServerMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(typeof raw === 'string' ? raw : String(raw));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  switch (m.type) {
    case 'welcome':
      return typeof m.visitorId === 'string' && Array.isArray(m.history) && m.history.every(isWidgetMessage) ? (m as WidgetServerMessage) : null;
    case 'ack':
      return typeof m.clientMessageId === 'string' && isWidgetMessage(m.message) ? (m as WidgetServerMessage) : null;
    case 'message':
      return isWidgetMessage(m.message) ? (m as WidgetServerMessage) : null;
    case 'typing':
      return typeof m.on === 'boolean' && typeof m.name === 'string' ? (m as WidgetServerMessage) : null;
    case 'queue':
      return m.position === null || (typeof m.position === 'number' && Number.isInteger(m.position) && m.position > 0) ? (m as WidgetServerMessage) : null;
    case 'error':
      return typeof m.code === 'string' && typeof m.message === 'string' ? (m as WidgetServerMessage) : null;
    case 'csat': {
      const s = m.survey as Record<string, unknown> | null;
      return s && typeof s.token === 'string' && typeof s.question === 'string' && (s.score === null || typeof s.score === 'number') ? (m as WidgetServerMessage) : null;
    }
    default:
      return null;
  }
}

function isWidgetMessage(v: unknown): v is WidgetMessage {
  const m = v as Partial<WidgetMessage> | null;
  return (
    !!m &&
    typeof m.id === 'string' &&
    (m.clientMessageId === null || typeof m.clientMessageId === 'string') &&
    (m.direction === 'inbound' || m.direction === 'outbound') &&
    typeof m.text === 'string' &&
    typeof m.authorName === 'string' &&
    typeof m.createdAt === 'string'
  );
}

export class WidgetConnection {
  private socket: SocketLike | null = null;
  private ready = false;
  private attempt = 0;
  private stopped = true;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private typingSent = false;
  private reported = new Set<string>();
  private currentStatus: ConnectionStatus = 'idle';

  constructor(private readonly opts: ConnectionOptions) {}

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close();
    this.socket = null;
    this.ready = false;
    this.setStatus('idle');
  }

  /** Skip the backoff wait (the browser says the network is back). */
  reconnectNow(): void {
    if (this.stopped || this.socket || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  /** Queue a message: it is persisted first, and goes out now if we are connected. */
  send(text: string): OutboxEntry {
    const entry = this.opts.outbox.add(text);
    if (this.ready) this.transmit({ type: 'message', clientMessageId: entry.clientMessageId, text: entry.text });
    if (this.typingSent) this.setTyping(false);
    return entry;
  }

  setTyping(on: boolean): void {
    if (this.typingSent === on) return;
    this.typingSent = on;
    if (this.ready) this.transmit({ type: 'typing', on });
  }

  /** Report agent messages the customer has been shown, each once per page life. */
  reportDelivered(messages: readonly WidgetMessage[]): void {
    const ids = messages.filter((m) => m.direction === 'outbound' && !this.reported.has(m.id)).map((m) => m.id);
    if (ids.length === 0 || !this.ready) return;
    for (let i = 0; i < ids.length; i += 500) this.transmit({ type: 'delivered', messageIds: ids.slice(i, i + 500) });
    for (const id of ids) this.reported.add(id);
  }

  /** The customer's rating of a survey (sent only while connected; the form stays until the server confirms). */
  rate(token: string, score: number, comment: string): boolean {
    if (!this.socket || this.socket.readyState !== OPEN || !this.ready) return false;
    this.transmit({ type: 'csat', token, score, ...(comment.trim() ? { comment: comment.trim() } : {}) });
    return true;
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.opts.events.status?.(status);
  }

  private transmit(msg: WidgetClientMessage): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(msg));
  }

  private open(): void {
    this.setStatus(this.attempt === 0 && this.currentStatus !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let ws: SocketLike;
    try {
      ws = this.opts.connect(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.addEventListener('open', () => {
      if (this.socket !== ws) return;
      this.transmit({ type: 'hello', identity: this.opts.identity() });
    });
    ws.addEventListener('message', (event) => {
      if (this.socket !== ws) return;
      const msg = parseServerMessage(event.data);
      if (msg) this.handle(msg);
    });
    ws.addEventListener('error', () => {
      /* 'close' follows */
    });
    ws.addEventListener('close', () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.ready = false;
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    this.setStatus('reconnecting');
    const delay = (this.opts.backoff ?? widgetBackoff)(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  private handle(msg: WidgetServerMessage): void {
    const ev = this.opts.events;
    switch (msg.type) {
      case 'welcome': {
        this.ready = true;
        this.attempt = 0;
        this.setStatus('online');
        ev.welcome?.(msg);
        // Resend everything not yet acknowledged, in order, with the same ids: the server deduplicates.
        for (const entry of this.opts.outbox.list()) this.transmit({ type: 'message', clientMessageId: entry.clientMessageId, text: entry.text });
        if (this.typingSent) this.transmit({ type: 'typing', on: true });
        this.reportDelivered(msg.history);
        return;
      }
      case 'ack':
        this.opts.outbox.remove(msg.clientMessageId);
        ev.ack?.(msg.clientMessageId, msg.message);
        return;
      case 'message':
        if (msg.message.clientMessageId) this.opts.outbox.remove(msg.message.clientMessageId);
        ev.message?.(msg.message);
        this.reportDelivered([msg.message]);
        return;
      case 'typing':
        ev.typing?.(msg.on, msg.name);
        return;
      case 'queue':
        ev.queue?.(msg.position);
        return;
      case 'csat':
        ev.csat?.(msg.survey);
        return;
      case 'error':
        if (msg.clientMessageId && !transientCodes.has(msg.code)) {
          this.opts.outbox.remove(msg.clientMessageId);
          ev.refused?.(msg.clientMessageId, msg.message);
        } else {
          ev.error?.(msg.code, msg.message);
        }
        return;
    }
  }
}
