// Notification policy: which live changes deserve the agent's attention, coalesced so a burst
// (a customer typing five quick lines, a bulk import) gives one notification with a count.
import type { Agent } from '../../../src-shared/domain';
import type { Notification } from '../../../src-shared/ipc';
import type { Fresh } from '../cache/ops';

export const COALESCE_WINDOW_MS = 2000;

interface Candidate {
  conversationId: string;
  title: string;
  body: string;
}

/** Pure: the entities that just appeared → what is worth notifying this agent about. */
export function candidatesFor(me: Agent, fresh: Fresh): Candidate[] {
  const out: Candidate[] = [];
  for (const { conversation, contactName } of fresh.conversations) {
    // New conversation in my queues: a channel I am a member of, and nobody has taken it yet.
    if (conversation.assigneeId === null && me.channelIds.includes(conversation.channelId)) {
      out.push({ conversationId: conversation.id, title: `New conversation: ${contactName}`, body: conversation.lastMessagePreview });
    }
  }
  const newConversationIds = new Set(fresh.conversations.map((c) => c.conversation.id));
  for (const { message, assigneeId, contactName } of fresh.messages) {
    if (message.authorId === me.id) continue; // never my own
    if (message.direction !== 'inbound') continue; // customers only; colleagues' notes and replies are not alerts
    if (assigneeId !== me.id) continue;
    if (newConversationIds.has(message.conversationId)) continue; // already announced as a new conversation
    out.push({ conversationId: message.conversationId, title: contactName, body: message.text });
  }
  return out;
}

/** Collects candidates for one window after the first, then emits one notification for the lot. */
export class NotificationCoalescer {
  private pending: Candidate[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly emit: (n: Notification) => void,
    private readonly windowMs = COALESCE_WINDOW_MS,
  ) {}

  add(candidates: Candidate[]): void {
    if (candidates.length === 0) return;
    this.pending.push(...candidates);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.windowMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    const latest = batch[batch.length - 1];
    if (!latest) return;
    const count = batch.length;
    const conversations = new Set(batch.map((c) => c.conversationId)).size;
    const title = count === 1 ? latest.title : conversations === 1 ? `${latest.title} (${count} new)` : `${count} new messages in ${conversations} conversations`;
    this.emit({ title, body: latest.body.slice(0, 200), conversationId: latest.conversationId, count });
  }

  /** Shutting down: drop what is pending rather than firing after close. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
