// Customer messages not yet acknowledged by the server, persisted so a reload or a dropped connection
// loses nothing. Each keeps its clientMessageId for life: resending it is safe, the server deduplicates.
import { uuidv7 } from '../src-shared/ids';
import type { KeyValueStore } from './storage';

export interface OutboxEntry {
  clientMessageId: string;
  text: string;
  createdAt: string;
}

function isEntry(v: unknown): v is OutboxEntry {
  const e = v as Partial<OutboxEntry> | null;
  return !!e && typeof e.clientMessageId === 'string' && typeof e.text === 'string' && typeof e.createdAt === 'string';
}

export class Outbox {
  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {}

  /** Oldest first: the order they must be (re)sent in. */
  list(): OutboxEntry[] {
    try {
      const parsed: unknown = JSON.parse(this.store.getItem(this.key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  add(text: string, now: Date = new Date()): OutboxEntry {
    const entry: OutboxEntry = { clientMessageId: uuidv7(now.getTime()), text, createdAt: now.toISOString() };
    this.write([...this.list(), entry]);
    return entry;
  }

  /** Drop an entry (acknowledged, or refused for good). Returns whether it was there. */
  remove(clientMessageId: string): boolean {
    const entries = this.list();
    const kept = entries.filter((e) => e.clientMessageId !== clientMessageId);
    if (kept.length === entries.length) return false;
    this.write(kept);
    return true;
  }

  has(clientMessageId: string): boolean {
    return this.list().some((e) => e.clientMessageId === clientMessageId);
  }

  private write(entries: OutboxEntry[]): void {
    try {
      if (entries.length === 0) this.store.removeItem(this.key);
      else this.store.setItem(this.key, JSON.stringify(entries));
    } catch {
      // Storage full or blocked: the message still goes out on this page, it just won't survive a reload.
    }
  }
}
