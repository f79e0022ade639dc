// Web chat: tells a waiting customer their place in the queue ("You are number 3 in the queue"), and again
// whenever it changes (docs/routing.md). After every commit (and when a widget connects) the positions of the
// connected visitors' open conversations are recomputed, debounced; a `queue` frame goes out only when a
// visitor's position changed, and {position: null} once an agent has the conversation.
import type { LiveHub, WidgetPeer } from '../live-hub';
import type { Db } from '../store/db';
import { contactIdByIdentity } from '../domain/commands';

export interface QueuePositions {
  queuePosition(conversationId: string): Promise<number | null>;
}

export class QueueFrames {
  private readonly sent = new WeakMap<WidgetPeer, number | null>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly hub: LiveHub,
    private readonly router: QueuePositions,
    private readonly log: { error(obj: unknown, msg: string): void },
    private readonly debounceMs = 50,
  ) {
    hub.observers.push(() => this.schedule());
  }

  schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.refresh()
        .catch((err: unknown) => this.log.error({ err }, 'queue position frames failed'))
        .finally(() => {
          this.running = null;
          if (this.again) {
            this.again = false;
            this.schedule();
          }
        });
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Recomputes every connected visitor's position; sends the changed ones. */
  async refresh(): Promise<void> {
    const byKey = new Map<string, WidgetPeer[]>();
    for (const peer of this.hub.widgets()) {
      const key = `${peer.channelId}|${peer.identity}`;
      byKey.set(key, [...(byKey.get(key) ?? []), peer]);
    }
    for (const peers of byKey.values()) {
      const { channelId, identity } = peers[0]!;
      const contactId = await contactIdByIdentity(this.db, 'webchat', identity);
      const conv = contactId
        ? await this.db
            .selectFrom('conversations')
            .select('id')
            .where('contact_id', '=', contactId)
            .where('channel_id', '=', channelId)
            .where('status', 'in', ['open', 'pending'])
            .orderBy('created_at', 'desc')
            .executeTakeFirst()
        : undefined;
      const position = conv ? await this.router.queuePosition(conv.id) : null;
      for (const peer of peers) {
        const last = this.sent.has(peer) ? this.sent.get(peer)! : null;
        if (last === position) continue;
        this.sent.set(peer, position);
        peer.send({ type: 'queue', position });
      }
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
