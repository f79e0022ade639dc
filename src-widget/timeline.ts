// What the customer sees: server history, live messages and their own unacknowledged messages,
// merged so each message appears exactly once whatever order acks, echoes and reconnects arrive in.
import type { WidgetMessage } from '../src-shared/widget-protocol';
import type { OutboxEntry } from './outbox';

export type ChatItemState = 'sending' | 'sent' | 'failed';

export interface ChatItem {
  key: string;
  messageId: string | null;
  clientMessageId: string | null;
  /** inbound = from the customer; outbound = from an agent. */
  direction: 'inbound' | 'outbound';
  text: string;
  authorName: string;
  createdAt: string;
  state: ChatItemState;
  error?: string;
}

function keyOf(m: { id?: string | null; clientMessageId: string | null }): string {
  return m.clientMessageId ? `c:${m.clientMessageId}` : `m:${m.id ?? ''}`;
}

function fromMessage(m: WidgetMessage): ChatItem {
  return {
    key: keyOf(m),
    messageId: m.id,
    clientMessageId: m.clientMessageId,
    direction: m.direction,
    text: m.text,
    authorName: m.authorName,
    createdAt: m.createdAt,
    state: 'sent',
  };
}

function fromPending(e: OutboxEntry): ChatItem {
  return {
    key: keyOf({ clientMessageId: e.clientMessageId }),
    messageId: null,
    clientMessageId: e.clientMessageId,
    direction: 'inbound',
    text: e.text,
    authorName: '',
    createdAt: e.createdAt,
    state: 'sending',
  };
}

export class Timeline {
  private items = new Map<string, ChatItem>();
  private order = 0;
  private seq = new Map<string, number>();
  /** Stored message id → item key, so one message never shows twice under two keys. */
  private byMessageId = new Map<string, string>();

  /** After a welcome: the server's history, plus whatever is still waiting in the outbox. */
  reset(history: readonly WidgetMessage[], pending: readonly OutboxEntry[]): void {
    const failed = [...this.items.values()].filter((i) => i.state === 'failed');
    this.items.clear();
    this.seq.clear();
    this.byMessageId.clear();
    for (const m of history) this.put(fromMessage(m));
    for (const e of pending) if (!this.items.has(keyOf({ clientMessageId: e.clientMessageId }))) this.put(fromPending(e));
    // Refused messages are not on the server, but the customer should still see that they failed.
    for (const f of failed) if (!this.items.has(f.key)) this.put(f);
  }

  addPending(entry: OutboxEntry): ChatItem {
    const item = fromPending(entry);
    this.put(item);
    return item;
  }

  /** The server stored our message: it becomes the stored version, shown once. */
  ack(clientMessageId: string, message: WidgetMessage): void {
    this.put(fromMessage({ ...message, clientMessageId: message.clientMessageId ?? clientMessageId }));
  }

  /** A live message (agent reply, or our own from another tab). Returns true if it is new. */
  receive(message: WidgetMessage): boolean {
    const key = keyOf(message);
    const existed = this.items.get(key);
    this.put(fromMessage(message));
    return !existed || existed.state !== 'sent';
  }

  fail(clientMessageId: string, error: string): void {
    const key = keyOf({ clientMessageId });
    const item = this.items.get(key);
    if (item && item.state !== 'sent') this.put({ ...item, state: 'failed', error });
  }

  /** Oldest first; equal times keep arrival order. */
  list(): ChatItem[] {
    return [...this.items.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : this.seq.get(a.key)! - this.seq.get(b.key)!));
  }

  private put(item: ChatItem): void {
    if (item.messageId) {
      const previousKey = this.byMessageId.get(item.messageId);
      if (previousKey && previousKey !== item.key) {
        this.items.delete(previousKey);
        if (!this.seq.has(item.key)) this.seq.set(item.key, this.seq.get(previousKey)!);
      }
      this.byMessageId.set(item.messageId, item.key);
    }
    if (!this.seq.has(item.key)) this.seq.set(item.key, this.order++);
    this.items.set(item.key, item);
  }
}
