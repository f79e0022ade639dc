// A small in-memory implementation of the core's interface (CoreLike) for the shell's unit tests:
// a real handler table over a few conversations, with unread state and an event emitter. The real
// core (src-main/core) is tested on its own; here the shell's wiring is what is under test.
import { identityIpcContract } from '../../src-shared/identity/ipc';
import type { Conversation } from '../../src-shared/domain';
import type { IpcEvent, IpcHandlers, InboxRow, SessionState } from '../../src-shared/ipc';
import { adminIpcContract } from '../../src-shared/admin';
import { metricsIpcContract } from '../../src-shared/metrics';
import { qualityIpcContract } from '../../src-shared/quality';
import type { CoreLike } from '../../src-main/shell/ports';

const T = '2025-01-01T00:00:00.000Z';

export function makeConversation(id: string): Conversation {
  return { id, contactId: `contact-${id}`, channelId: 'ch-1', status: 'open', assigneeId: null, subject: null, lastMessageAt: T, lastMessagePreview: `hello from ${id}`, lastInboundAt: T, createdAt: T };
}

export interface TestCore extends CoreLike {
  readonly calls: Array<{ method: string; args: unknown }>;
  readonly unread: Set<string>;
  closed: number;
  emit(event: IpcEvent): void;
  listenerCount(): number;
}

export function createTestCore(conversationIds: string[] = ['c1', 'c2', 'c3']): TestCore {
  const conversations = conversationIds.map(makeConversation);
  const unread = new Set(conversationIds);
  const listeners = new Set<(event: IpcEvent) => void>();
  const calls: Array<{ method: string; args: unknown }> = [];
  const session: SessionState = { serverUrl: 'http://127.0.0.1:1', agent: null, connection: 'online', pendingMutations: 0, lastSyncedAt: null };
  const row = (c: Conversation): InboxRow => ({ conversation: c, contactName: `Contact ${c.id}`, channelType: 'webchat', channelName: 'Web', assigneeName: null, unread: unread.has(c.id) });
  const find = (id: string) => {
    const c = conversations.find((x) => x.id === id);
    if (!c) throw Object.assign(new Error(`No conversation ${id}`), { code: 'not_found' });
    return c;
  };
  const record = (method: string, args: unknown) => calls.push({ method, args });

  const handlers: IpcHandlers = {
    'session.state': async (a) => (record('session.state', a), session),
    'session.login': async (a) => (record('session.login', a), { ...session, serverUrl: a.serverUrl }),
    'session.logout': async (a) => (record('session.logout', a), { ...session, connection: 'signed-out' }),
    'session.setDoNotDisturb': async (a) => (record('session.setDoNotDisturb', a), { ...session, doNotDisturb: a.on }),
    'inbox.list': async (a) => {
      record('inbox.list', a);
      const items = conversations.filter((c) => !a.status || c.status === a.status).map(row);
      return { items: items.slice(a.offset, a.offset + a.limit), total: items.length };
    },
    'conversation.open': async (a) => {
      record('conversation.open', a);
      throw Object.assign(new Error(`not needed by the shell tests: ${find(a.id).id}`), { code: 'not_implemented' });
    },
    'conversation.setStatus': async (a) => (record('conversation.setStatus', a), (find(a.conversationId).status = a.status), null),
    'conversation.assign': async (a) => (record('conversation.assign', a), (find(a.conversationId).assigneeId = a.assigneeId), null),
    'conversation.setPriority': async (a) => (record('conversation.setPriority', a), find(a.conversationId), null),
    'conversation.markRead': async (a) => (record('conversation.markRead', a), find(a.conversationId), unread.delete(a.conversationId), null),
    'message.send': async (a) => {
      record('message.send', a);
      const c = find(a.conversationId);
      return { id: 'm-1', conversationId: c.id, channelId: c.channelId, direction: a.private ? 'note' : 'outbound', text: a.text, status: 'queued', authorId: 'me', authorName: 'Me', createdAt: T, pending: true, channelType: 'webchat' };
    },
    'message.retry': async (a) => (record('message.retry', a), find(a.conversationId), null),
    'draft.save': async (a) => (record('draft.save', a), { savedAt: T }),
    'typing.set': async (a) => (record('typing.set', a), null),
    'presence.get': async (a) => (record('presence.get', a), { status: 'online', auto: false }),
    'presence.set': async (a) => (record('presence.set', a), { status: a.status, auto: false }),
    'presence.idle': async (a) => (record('presence.idle', a), { status: a.seconds >= 300 ? 'away' : 'online', auto: a.seconds >= 300 }),
    'conversation.viewing': async (a) => (record('conversation.viewing', a), null),
    'channels.list': async (a) => (record('channels.list', a), []),
    'channels.save': async (a) => (record('channels.save', a), { id: a.id ?? 'ch-1', type: a.type, name: a.name, config: {} }),
    'agents.list': async (a) => (record('agents.list', a), []),
    // Handoff (src-shared/collab.ts).
    'conversation.claim': async (a) => (record('conversation.claim', a), (find(a.conversationId).assigneeId = 'me'), null),
    'conversation.transfer': async (a) => (record('conversation.transfer', a), (find(a.conversationId).assigneeId = a.toAgentId ?? null), null),
    'presence.list': async (a) => (record('presence.list', a), []),
    'teams.directory': async (a) => (record('teams.directory', a), []),
    'templates.list': async (a) => (record('templates.list', a), []),
    'templates.send': async (a) => (record('templates.send', a), null),
    'message.original': async (a) => (record('message.original', a), { html: null, text: '' }),
    // Settings area: not needed by the shell tests.
    ...(Object.fromEntries(
      Object.keys(adminIpcContract).map((m) => [
        m,
        async (a: unknown) => {
          record(m, a);
          throw Object.assign(new Error('not needed by the shell tests'), { code: 'not_implemented' });
        },
      ]),
    ) as unknown as Pick<IpcHandlers, keyof typeof adminIpcContract>),
    // Supervisor dashboard (issue 8): not needed by the shell tests.
    ...(Object.fromEntries(
      Object.keys(metricsIpcContract).map((m) => [
        m,
        async (a: unknown) => {
          record(m, a);
          throw Object.assign(new Error('not needed by the shell tests'), { code: 'not_implemented' });
        },
      ]),
    ) as unknown as Pick<IpcHandlers, keyof typeof metricsIpcContract>),
    // Quality review (issue 8): not needed by the shell tests.
    ...(Object.fromEntries(
      Object.keys(qualityIpcContract).map((m) => [
        m,
        async (a: unknown) => {
          record(m, a);
          throw Object.assign(new Error('not needed by the shell tests'), { code: 'not_implemented' });
        },
      ]),
    ) as unknown as Pick<IpcHandlers, keyof typeof qualityIpcContract>),
    // Identity (issue 4): not needed by the shell tests.
    ...(Object.fromEntries(
      Object.keys(identityIpcContract).map((m) => [
        m,
        async (a: unknown) => {
          record(m, a);
          throw Object.assign(new Error('not needed by the shell tests'), { code: 'not_implemented' });
        },
      ]),
    ) as unknown as Pick<IpcHandlers, keyof typeof identityIpcContract>),
  };

  const core: TestCore = {
    handlers,
    calls,
    unread,
    closed: 0,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      core.closed++;
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
    listenerCount: () => listeners.size,
  };
  return core;
}
