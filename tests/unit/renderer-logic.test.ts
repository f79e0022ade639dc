// Pure renderer logic: shortcuts, query invalidation, delivery labels, time, strings the e2e tests rely on.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { en } from '../../src-renderer/i18n/en';
import { pickLanguage } from '../../src-renderer/i18n/languages';
import { debounce } from '../../src-renderer/lib/debounce';
import { deliveryLabel, relativeTime } from '../../src-renderer/lib/format';
import { moveSelection, shortcutFor, tabIndexAfterKey, targetKind, type KeyLike } from '../../src-renderer/lib/keyboard';
import { invalidationsFor, queryKeys } from '../../src-renderer/state/query-keys';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
const elem = (tagName: string, extra: { type?: string; role?: string; isContentEditable?: boolean } = {}) => ({
  tagName,
  type: extra.type,
  isContentEditable: extra.isContentEditable ?? false,
  getAttribute: (n: string) => (n === 'role' ? (extra.role ?? null) : null),
});

describe('ARIA tabs keys', () => {
  it('Left/Right wrap, Home/End jump, Up/Down only for a vertical list, other keys do not move', () => {
    expect(tabIndexAfterKey('ArrowRight', 0, 3)).toBe(1);
    expect(tabIndexAfterKey('ArrowRight', 2, 3)).toBe(0);
    expect(tabIndexAfterKey('ArrowLeft', 0, 3)).toBe(2);
    expect(tabIndexAfterKey('Home', 2, 3)).toBe(0);
    expect(tabIndexAfterKey('End', 0, 3)).toBe(2);
    expect(tabIndexAfterKey('ArrowDown', 0, 3)).toBe(-1);
    expect(tabIndexAfterKey('ArrowDown', 2, 3, 'both')).toBe(0);
    expect(tabIndexAfterKey('ArrowUp', 0, 3, 'both')).toBe(2);
    expect(tabIndexAfterKey('Enter', 1, 3, 'both')).toBe(-1);
  });
});

describe('keyboard shortcuts', () => {
  it('maps j/k/r/e/Enter outside text fields', () => {
    expect(shortcutFor(key('j'), 'other')).toBe('next');
    expect(shortcutFor(key('k'), 'other')).toBe('previous');
    expect(shortcutFor(key('r'), 'other')).toBe('focusReply');
    expect(shortcutFor(key('e'), 'other')).toBe('resolve');
    expect(shortcutFor(key('Enter'), 'other')).toBe('open');
    expect(shortcutFor(key('x'), 'other')).toBeNull();
  });

  it('never fires while typing, with modifiers, or while composing text', () => {
    for (const k of ['j', 'k', 'r', 'e', 'Enter']) expect(shortcutFor(key(k), 'text')).toBeNull();
    expect(shortcutFor(key('e', { ctrlKey: true }), 'other')).toBeNull();
    expect(shortcutFor(key('r', { metaKey: true }), 'other')).toBeNull();
    expect(shortcutFor(key('j', { isComposing: true }), 'other')).toBeNull();
  });

  it('leaves Enter to buttons and links but keeps letter shortcuts there', () => {
    expect(shortcutFor(key('Enter'), 'activatable')).toBeNull();
    expect(shortcutFor(key('j'), 'activatable')).toBe('next');
  });

  it('classifies focus targets', () => {
    expect(targetKind(null)).toBe('other');
    expect(targetKind(elem('TEXTAREA'))).toBe('text');
    expect(targetKind(elem('INPUT', { type: 'email' }))).toBe('text');
    expect(targetKind(elem('INPUT', { type: 'password' }))).toBe('text');
    expect(targetKind(elem('INPUT', { type: 'checkbox' }))).toBe('activatable');
    expect(targetKind(elem('SELECT'))).toBe('text');
    expect(targetKind(elem('DIV', { isContentEditable: true }))).toBe('text');
    expect(targetKind(elem('BUTTON'))).toBe('activatable');
    expect(targetKind(elem('DIV', { role: 'listbox' }))).toBe('other');
    expect(targetKind(elem('BODY'))).toBe('other');
  });

  it('moves the selection within bounds, starting at the top', () => {
    const ids = ['a', 'b', 'c'];
    expect(moveSelection(ids, null, 1)).toBe('a');
    expect(moveSelection(ids, 'a', 1)).toBe('b');
    expect(moveSelection(ids, 'c', 1)).toBe('c');
    expect(moveSelection(ids, 'a', -1)).toBe('a');
    expect(moveSelection(ids, 'gone', -1)).toBe('a');
    expect(moveSelection([], 'a', 1)).toBeNull();
  });
});

describe('invalidationsFor', () => {
  it('a new message refreshes the inbox and only the named conversations', () => {
    expect(invalidationsFor({ entities: ['message', 'conversation'], conversationIds: ['c1', 'c2', 'c1'] })).toEqual([
      queryKeys.inboxAll,
      queryKeys.conversation('c1'),
      queryKeys.conversation('c2'),
      queryKeys.dashboard,
      queryKeys.reports,
    ]);
  });

  it('a draft refreshes its conversation but not the inbox', () => {
    expect(invalidationsFor({ entities: ['draft'], conversationIds: ['c9'] })).toEqual([queryKeys.conversation('c9')]);
  });

  it('contact, channel and agent changes can touch any conversation', () => {
    expect(invalidationsFor({ entities: ['contact'], conversationIds: [] })).toEqual([queryKeys.inboxAll, queryKeys.conversationAll]);
    expect(invalidationsFor({ entities: ['channel'], conversationIds: [] })).toEqual([queryKeys.inboxAll, queryKeys.conversationAll, queryKeys.channels, queryKeys.dashboard, queryKeys.reports]);
    expect(invalidationsFor({ entities: ['agent'], conversationIds: [] })).toEqual([queryKeys.inboxAll, queryKeys.conversationAll, queryKeys.agents, queryKeys.presence, queryKeys.dashboard, queryKeys.reports]);
    // Presence (routing): the inbox header, assignee dots in rows and the open conversation's header.
    expect(invalidationsFor({ entities: ['presence'], conversationIds: [] })).toEqual([queryKeys.inboxAll, queryKeys.conversationAll, queryKeys.presence, queryKeys.dashboard, queryKeys.reports]);
    expect(invalidationsFor({ entities: ['routingEvent'], conversationIds: ['c1'] })).toEqual([queryKeys.conversation('c1'), queryKeys.dashboard, queryKeys.reports]);
  });

  it('the supervisor dashboard refreshes on queue, presence, routing and SLA changes, not on messages or drafts', () => {
    expect(invalidationsFor({ entities: ['slaEvent'], conversationIds: ['c1'] })).toContainEqual(queryKeys.dashboard);
    expect(invalidationsFor({ entities: ['message'], conversationIds: ['c1'] })).not.toContainEqual(queryKeys.dashboard);
    expect(invalidationsFor({ entities: ['draft', 'readMark'], conversationIds: ['c1'] })).not.toContainEqual(queryKeys.dashboard);
  });

  it('nothing changed, nothing refreshed', () => {
    expect(invalidationsFor({ entities: [], conversationIds: ['c1'] })).toEqual([]);
  });
});

describe('deliveryLabel', () => {
  const out = { direction: 'outbound' as const, pending: false, failureReason: null };
  it('maps outbound statuses to the exact texts the brief names', () => {
    const text = (m: Parameters<typeof deliveryLabel>[0]) => {
      const l = deliveryLabel(m);
      if (!l) return null;
      const template = en.status[l.key.slice('status.'.length) as keyof typeof en.status];
      return l.key === 'status.failed' ? template.replace('{{reason}}', l.reason) : template;
    };
    expect(text({ ...out, status: 'queued', pending: true })).toBe('Queued — will send when connected');
    expect(text({ ...out, status: 'queued' })).toBe('Queued for delivery'); // accepted, in the server's delivery queue
    expect(text({ ...out, status: 'sent', pending: true })).toBe('Queued — will send when connected');
    expect(text({ ...out, status: 'sent' })).toBe('Sent');
    expect(text({ ...out, status: 'delivered' })).toBe('Delivered');
    expect(text({ ...out, status: 'read' })).toBe('Read');
    expect(text({ ...out, status: 'failed', failureReason: 'window closed' })).toBe('Failed: window closed');
    expect(text({ ...out, status: 'failed', pending: true, failureReason: 'blocked' })).toBe('Failed: blocked');
  });

  it('shows nothing for customer messages and notes', () => {
    expect(deliveryLabel({ direction: 'inbound', status: 'received', pending: false })).toBeNull();
    expect(deliveryLabel({ direction: 'note', status: 'sent', pending: false })).toBeNull();
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2025-06-01T12:00:00.000Z');
  it('speaks in the largest fitting unit', () => {
    expect(relativeTime('2025-06-01T11:59:50.000Z', now, 'en')).toBe('now');
    expect(relativeTime('2025-06-01T11:55:00.000Z', now, 'en')).toBe('5 min. ago');
    expect(relativeTime('2025-06-01T09:00:00.000Z', now, 'en')).toBe('3 hr. ago');
    expect(relativeTime('2025-05-31T12:00:00.000Z', now, 'en')).toBe('yesterday');
    expect(relativeTime('2025-01-02T12:00:00.000Z', now, 'en')).toBe('Jan 2, 2025');
    expect(relativeTime('garbage', now, 'en')).toBe('');
  });
});

describe('accessible names in the English resources', () => {
  it('match the names the end-to-end tests use', () => {
    expect([en.login.serverUrl, en.login.email, en.login.password, en.login.signIn]).toEqual(['Server URL', 'Email', 'Password', 'Sign in']);
    expect([en.inbox.view.mine, en.inbox.view.unassigned, en.inbox.view.all, en.inbox.views]).toEqual(['Mine', 'Unassigned', 'All', 'Inbox views']);
    expect([en.inbox.status, en.inbox.channel, en.inbox.list]).toEqual(['Status', 'Channel', 'Conversations']);
    expect([en.conversation.messages, en.customer.label]).toEqual(['Messages', 'Customer']);
    expect([en.composer.reply, en.composer.send, en.composer.privateNote, en.composer.draftSaved]).toEqual(['Reply', 'Send', 'Private note', 'Draft saved']);
    expect([en.conversation.resolve, en.conversation.reopen]).toEqual(['Resolve', 'Reopen']);
    expect(en.banner.offline.startsWith('Offline')).toBe(true);
    expect(en.inbox.rowLabel.startsWith('{{name}}')).toBe(true);
    expect(en.inbox.rowLabelUnread).toContain('unread');
    expect(en.inbox.rowLabel).not.toContain('unread');
    expect(en.conversation.customerTyping).toBe('{{name}} is typing…');
  });
});

describe('pickLanguage', () => {
  it('takes the first available preference by primary subtag, else English', () => {
    expect(pickLanguage(['th-TH', 'en-US'], ['en', 'th'])).toBe('th');
    expect(pickLanguage(['vi-VN', 'fr'], ['en'])).toBe('en');
    expect(pickLanguage([], ['en', 'id'])).toBe('en');
  });
});

describe('debounce (draft saving)', () => {
  afterEach(() => vi.useRealTimers());
  it('runs once after the last call, can be flushed, and cancelled', () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const save = debounce((text: string) => calls.push(text), 250);
    save('H');
    vi.advanceTimersByTime(200);
    save('Hi');
    vi.advanceTimersByTime(249);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['Hi']);
    save('Hi!');
    save.flush();
    expect(calls).toEqual(['Hi', 'Hi!']);
    expect(save.pending()).toBe(false);
    save('gone');
    save.cancel();
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['Hi', 'Hi!']);
  });
});
