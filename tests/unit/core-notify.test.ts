// Notification policy: what deserves an alert, and a burst coalesced into one.
import { describe, expect, it } from 'vitest';
import { candidatesFor, NotificationCoalescer } from '../../src-main/core/notify/policy';
import type { Agent, Conversation, Message } from '../../src-shared/domain';
import type { Notification } from '../../src-shared/ipc';

const me: Agent = { id: 'a-me', email: 'me@x.io', name: 'Me', role: 'agent', channelIds: ['ch-mine'] };
const conv = (over: Partial<Conversation>): Conversation => ({
  id: 'cv', contactId: 'ct', channelId: 'ch-mine', status: 'open', assigneeId: null, subject: null, lastMessageAt: '2025-01-01T00:00:00.000Z',
  lastMessagePreview: 'hello', lastInboundAt: null, createdAt: '2025-01-01T00:00:00.000Z', ...over,
});
const msg = (over: Partial<Message>): Message => ({
  id: 'm', conversationId: 'cv', channelId: 'ch-mine', direction: 'inbound', text: 'hi', status: 'received', authorId: null, authorName: 'Budi', createdAt: '2025-01-01T00:00:00.000Z', ...over,
});

describe('candidatesFor', () => {
  it('alerts on a new unassigned conversation in my channel, not in others or already taken', () => {
    const out = candidatesFor(me, {
      conversations: [
        { conversation: conv({ id: 'new-mine' }), contactName: 'Budi' },
        { conversation: conv({ id: 'other-channel', channelId: 'ch-other' }), contactName: 'Sari' },
        { conversation: conv({ id: 'taken', assigneeId: 'a-other' }), contactName: 'Tom' },
      ],
      messages: [],
    });
    expect(out.map((c) => c.conversationId)).toEqual(['new-mine']);
    expect(out[0]!.title).toContain('Budi');
  });

  it('alerts on customer messages in conversations assigned to me, never my own or colleagues', () => {
    const out = candidatesFor(me, {
      conversations: [],
      messages: [
        { message: msg({ id: 'm1', conversationId: 'c-mine' }), assigneeId: 'a-me', contactName: 'Budi' },
        { message: msg({ id: 'm2', conversationId: 'c-mine', direction: 'outbound', authorId: 'a-me', authorName: 'Me' }), assigneeId: 'a-me', contactName: 'Budi' },
        { message: msg({ id: 'm3', conversationId: 'c-mine', direction: 'note', authorId: 'a-other' }), assigneeId: 'a-me', contactName: 'Budi' },
        { message: msg({ id: 'm4', conversationId: 'c-theirs' }), assigneeId: 'a-other', contactName: 'Sari' },
      ],
    });
    expect(out.map((c) => c.body)).toEqual(['hi']);
    expect(out[0]!.conversationId).toBe('c-mine');
  });
});

describe('NotificationCoalescer', () => {
  it('turns a burst into one notification with a count', async () => {
    const seen: Notification[] = [];
    const co = new NotificationCoalescer((n) => seen.push(n), 80);
    for (let i = 1; i <= 5; i++) co.add([{ conversationId: 'c1', title: 'Budi', body: `line ${i}` }]);
    expect(seen).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual([{ title: 'Budi (5 new)', body: 'line 5', conversationId: 'c1', count: 5 }]);
    co.add([{ conversationId: 'c2', title: 'Sari', body: 'later' }]);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({ title: 'Sari', body: 'later', conversationId: 'c2', count: 1 });
    co.dispose();
  });
});
