// The desktop cache in its worker thread: migrations, the optimistic write + outbox transaction,
// draft coalescing, reset, and survival across a restart of the core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openCache, type CacheClient } from '../../src-main/core/cache/client';
import { SCHEMA_VERSION } from '../../src-main/core/cache/schema';
import { createCore } from '../../src-main/core/index';
import type { Agent, Channel, Contact, Conversation, Message } from '../../src-shared/domain';
import type { Change } from '../../src-shared/sync';

const me: Agent = { id: 'agent-1', email: 'ana@example.com', name: 'Ana', role: 'agent', channelIds: ['ch-1'] };
const channel: Channel = { id: 'ch-1', type: 'webchat', name: 'Website', config: {} };
const contact: Contact = { id: 'ct-1', name: 'Budi', identities: [{ channelType: 'webchat', value: 'v-1' }], createdAt: '2025-01-01T10:00:00.000Z' };
const conversation: Conversation = {
  id: 'cv-1', contactId: 'ct-1', channelId: 'ch-1', status: 'open', assigneeId: 'agent-1', subject: null,
  lastMessageAt: '2025-01-01T10:00:00.000Z', lastMessagePreview: 'Hi, my order #1042 has not arrived', lastInboundAt: '2025-01-01T10:00:00.000Z', createdAt: '2025-01-01T10:00:00.000Z',
};
const inbound: Message = {
  id: 'm-1', conversationId: 'cv-1', channelId: 'ch-1', direction: 'inbound', text: 'Hi, my order #1042 has not arrived', status: 'received',
  authorId: null, authorName: 'Budi', createdAt: '2025-01-01T10:00:00.000Z',
};

let seq = 0;
const put = (entity: Change['entity'], data: { id: string }): Change => ({ seq: ++seq, entity, id: data.id, op: 'put', data });
const bootstrap = (): Change[] => [put('agent', me), put('channel', channel), put('contact', contact), put('conversation', conversation), put('message', inbound)];

const dirs: string[] = [];
const open: CacheClient[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cache-'));
  dirs.push(d);
  return d;
}
async function cacheIn(dir: string): Promise<CacheClient> {
  const c = await openCache(dir);
  open.push(c);
  return c;
}
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('cache schema', () => {
  it('migrates an empty data dir to the current version, in WAL with synchronous=NORMAL, with an FTS5 index', async () => {
    const dir = tempDir();
    const cache = await cacheIn(dir);
    expect(await cache.call('ping', {})).toEqual({ schemaVersion: SCHEMA_VERSION, journalMode: 'wal', synchronous: 1 });
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    expect((await cache.call('searchMessages', { query: 'order', limit: 10 })).map((m) => m.id)).toEqual(['m-1']);
    await cache.close();

    const db = new Database(path.join(dir, 'cache.sqlite'), { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    db.close();
    for (const t of ['agents', 'channels', 'contacts', 'conversations', 'messages', 'drafts', 'read_marks', 'meta', 'outbox', 'messages_fts']) expect(tables).toContain(t);

    // Reopening runs no migration twice and keeps the data.
    const again = await cacheIn(dir);
    expect((await again.call('ping', {})).schemaVersion).toBe(SCHEMA_VERSION);
    expect((await again.call('counts', {})).messages).toBe(1);
    expect((await again.call('loadSession', {})).cursor).toBe(5);
  });
});

describe('optimistic writes', () => {
  it('writes the queued message and its outbox row together', async () => {
    const cache = await cacheIn(tempDir());
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    const out = await cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text: '  Sorry to hear that!  ' }, me });
    expect(out.message).toMatchObject({ status: 'queued', pending: true, direction: 'outbound', text: 'Sorry to hear that!', authorId: me.id, channelType: 'webchat' });
    const outbox = await cache.call('outboxList', {});
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ seq: 1, name: 'sendMessage', status: 'pending', attempt: 0, args: { messageId: out.message!.id, conversationId: 'cv-1', text: 'Sorry to hear that!', private: false } });
    const detail = await cache.call('conversationOpen', { id: 'cv-1', meId: me.id });
    expect(detail.messages.map((m) => [m.text, m.pending])).toEqual([['Hi, my order #1042 has not arrived', false], ['Sorry to hear that!', true]]);
    expect(detail.conversation.lastMessagePreview).toBe('Sorry to hear that!');
  });

  it('writes neither when any part of the transaction fails', async () => {
    const dir = tempDir();
    const cache = await cacheIn(dir);
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    // Make the message insert fail AFTER the outbox row was written inside the same transaction.
    const db = new Database(path.join(dir, 'cache.sqlite'));
    db.exec("CREATE TRIGGER boom BEFORE INSERT ON messages WHEN new.from_server = 0 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    db.close();
    await expect(cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text: 'lost?' }, me })).rejects.toThrow(/disk on fire/);
    expect(await cache.call('counts', {})).toMatchObject({ outbox: 0, messages: 1 });
    // Bad input and unknown conversations change nothing either.
    await expect(cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text: '   ' }, me })).rejects.toThrow();
    await expect(cache.call('mutate', { name: 'setStatus', args: { conversationId: 'nope', status: 'resolved' }, me })).rejects.toThrow(/not in the local cache/);
    expect(await cache.call('counts', {})).toMatchObject({ outbox: 0, messages: 1 });
  });

  it('coalesces unsent draft saves but never rewrites one already pushed or one before a send', async () => {
    const cache = await cacheIn(tempDir());
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    await cache.call('mutate', { name: 'saveDraft', args: { conversationId: 'cv-1', text: 'H' }, me });
    await cache.call('mutate', { name: 'saveDraft', args: { conversationId: 'cv-1', text: 'Hello' }, me });
    expect((await cache.call('outboxList', {})).map((m) => [m.seq, m.name, (m.args as { text: string }).text])).toEqual([[1, 'saveDraft', 'Hello']]);
    await cache.call('takeBatch', { limit: 10 }); // pushed once: its args are frozen now
    await cache.call('mutate', { name: 'saveDraft', args: { conversationId: 'cv-1', text: 'Hello there' }, me });
    await cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text: 'Hello there' }, me });
    await cache.call('mutate', { name: 'saveDraft', args: { conversationId: 'cv-1', text: 'P' }, me });
    const rows = (await cache.call('outboxList', {})).map((m) => [m.seq, m.name]);
    expect(rows).toEqual([[1, 'saveDraft'], [2, 'saveDraft'], [3, 'sendMessage'], [4, 'saveDraft']]);
    expect((await cache.call('conversationOpen', { id: 'cv-1', meId: me.id })).draft?.text).toBe('P');
  });

  it('marks read only when there is something unread', async () => {
    const cache = await cacheIn(tempDir());
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    expect((await cache.call('inboxList', { view: 'all', limit: 50, offset: 0, meId: me.id })).items[0]!.unread).toBe(true);
    expect((await cache.call('mutate', { name: 'markRead', args: { conversationId: 'cv-1' }, me })).seq).toBe(1);
    expect((await cache.call('mutate', { name: 'markRead', args: { conversationId: 'cv-1' }, me })).seq).toBe(0);
    expect((await cache.call('inboxList', { view: 'all', limit: 50, offset: 0, meId: me.id })).items[0]!.unread).toBe(false);
  });

  it('rolls a rejected change back to the server row and keeps going with the rest', async () => {
    const cache = await cacheIn(tempDir());
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    await cache.call('mutate', { name: 'setStatus', args: { conversationId: 'cv-1', status: 'resolved' }, me });
    const sent = await cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text: 'Nope' }, me });
    await cache.call('mutate', { name: 'assign', args: { conversationId: 'cv-1', assigneeId: null }, me });
    expect((await cache.call('conversationOpen', { id: 'cv-1', meId: me.id })).conversation).toMatchObject({ status: 'resolved', assigneeId: null });
    const batch = await cache.call('takeBatch', { limit: 10 });
    const res = await cache.call('settle', {
      results: [
        { seq: batch[0]!.seq, id: batch[0]!.id, status: 'rejected', error: { code: 'conflict', message: 'Conversation was reassigned' } },
        { seq: batch[1]!.seq, id: batch[1]!.id, status: 'rejected', error: { code: 'forbidden', message: 'Not your conversation' } },
      ],
    });
    expect(res.rejected).toEqual([
      { mutation: 'setStatus', conversationId: 'cv-1', code: 'conflict', message: 'Conversation was reassigned' },
      { mutation: 'sendMessage', conversationId: 'cv-1', code: 'forbidden', message: 'Not your conversation' },
    ]);
    const detail = await cache.call('conversationOpen', { id: 'cv-1', meId: me.id });
    // Status back to the server's, the still-pending assign stays applied, the optimistic message is gone.
    expect(detail.conversation).toMatchObject({ status: 'open', assigneeId: null, lastMessagePreview: 'Hi, my order #1042 has not arrived' });
    expect(detail.messages.map((m) => m.id)).not.toContain(sent.message!.id);
    expect((await cache.call('outboxList', {})).map((m) => m.name)).toEqual(['assign']);
  });

  it('closes a gap by renumbering what the server has not applied', async () => {
    const cache = await cacheIn(tempDir());
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    for (const text of ['a', 'b', 'c']) await cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text }, me });
    await cache.call('ackThrough', { seq: 1 });
    await cache.call('closeGap', { lastSeq: 0 }); // the server lost seq 1's state: what's left must start at 1
    expect((await cache.call('outboxList', {})).map((m) => [m.seq, (m.args as { text: string }).text])).toEqual([[1, 'b'], [2, 'c']]);
    await cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text: 'd' }, me });
    expect((await cache.call('outboxList', {})).map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});

describe('reset and restart', () => {
  it('a reset clears server data but keeps the outbox, drafts and queued messages', async () => {
    const cache = await cacheIn(tempDir());
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    await cache.call('mutate', { name: 'saveDraft', args: { conversationId: 'cv-1', text: 'half a thought' }, me });
    await cache.call('mutate', { name: 'sendMessage', args: { conversationId: 'cv-1', text: 'queued one' }, me });
    await cache.call('mutate', { name: 'saveDraft', args: { conversationId: 'cv-1', text: 'next thought' }, me });
    await cache.call('reset', { scopeKey: 'scope-2' });
    expect(await cache.call('counts', {})).toEqual({ agents: 0, channels: 0, contacts: 0, conversations: 0, messages: 1, read_marks: 0, sla_events: 0, routing_events: 0, presence: 0, drafts: 1, outbox: 3 });
    const meta = await cache.call('loadSession', {});
    expect(meta).toMatchObject({ cursor: 0, scopeKey: 'scope-2' });
    // Pulled again from 0: the queued message is still there and still pending.
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    const detail = await cache.call('conversationOpen', { id: 'cv-1', meId: me.id });
    expect(detail.messages.map((m) => [m.text, m.pending])).toEqual([['Hi, my order #1042 has not arrived', false], ['queued one', true]]);
    expect(detail.draft?.text).toBe('next thought');
  });

  it('after a restart of the core with the same data dir, the outbox and the draft are still there', async () => {
    const dir = tempDir();
    const seedCache = await openCache(dir);
    await seedCache.call('saveSession', { serverUrl: 'http://127.0.0.1:9', token: null, agent: me });
    await seedCache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id });
    await seedCache.close();

    const core = await createCore({ dataDir: dir });
    for (const text of ['one', 'two', 'three']) await core.handlers['message.send']({ conversationId: 'cv-1', text, private: false });
    await core.handlers['draft.save']({ conversationId: 'cv-1', text: 'unfinished reply' });
    await core.close();

    const again = await createCore({ dataDir: dir });
    try {
      const state = await again.handlers['session.state']({});
      expect(state).toMatchObject({ pendingMutations: 4, connection: 'signed-out', serverUrl: 'http://127.0.0.1:9' });
      const detail = await again.handlers['conversation.open']({ id: 'cv-1' });
      expect(detail.draft?.text).toBe('unfinished reply');
      expect(detail.messages.filter((m) => m.pending).map((m) => [m.text, m.status])).toEqual([['one', 'queued'], ['two', 'queued'], ['three', 'queued']]);
      expect((await again.inspect.outbox()).map((m) => [m.seq, m.name])).toEqual([[1, 'sendMessage'], [2, 'sendMessage'], [3, 'sendMessage'], [4, 'saveDraft']]);
    } finally {
      await again.close();
    }
  });
});

describe('bootstrap with deferred conversation indexes', () => {
  const schemaOf = (file: string): string[] => {
    const db = new Database(file, { readonly: true });
    const rows = (db.prepare("SELECT type || ' ' || name || ' ' || COALESCE(sql, '') AS s FROM sqlite_master ORDER BY type, name").all() as { s: string }[]).map((r) => r.s);
    db.close();
    return rows;
  };
  const conversationIndexes = (file: string) => schemaOf(file).filter((s) => s.startsWith('index conversations_'));

  it('drops them for the pull, builds exactly the same ones at the end, and after a crash on the next open', async () => {
    const fresh = tempDir();
    await (await cacheIn(fresh)).close();
    const expected = schemaOf(path.join(fresh, 'cache.sqlite'));
    expect(expected.filter((s) => s.startsWith('index conversations_')).length).toBeGreaterThanOrEqual(11);

    // The end of a pull: the same schema back, the same rows (with SLA columns) as an ordinary apply.
    const dir = tempDir();
    const cache = await cacheIn(dir);
    await cache.call('deferConversationIndexes', {});
    await cache.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id, collectFresh: false });
    expect(conversationIndexes(path.join(dir, 'cache.sqlite'))).toEqual([]);
    // The inbox still answers meanwhile (without the indexes).
    const page = await cache.call('inboxList', { view: 'all', limit: 10, offset: 0, meId: me.id });
    expect([page.total, page.items.map((r) => r.conversation.id)]).toEqual([1, ['cv-1']]);
    expect(await cache.call('restoreDeferredIndexes', {})).toBe(true);
    expect(await cache.call('restoreDeferredIndexes', {})).toBe(false);
    expect(schemaOf(path.join(dir, 'cache.sqlite'))).toEqual(expected);

    // A bootstrap that stopped half way: the worker builds them when it opens the cache again.
    const crashed = tempDir();
    const first = await openCache(crashed);
    await first.call('deferConversationIndexes', {});
    await first.call('applyChanges', { changes: bootstrap(), cursor: 5, meId: me.id, collectFresh: false });
    await first.close();
    expect(conversationIndexes(path.join(crashed, 'cache.sqlite'))).toEqual([]);
    const reopened = await cacheIn(crashed);
    expect(await reopened.call('restoreDeferredIndexes', {})).toBe(false);
    expect(schemaOf(path.join(crashed, 'cache.sqlite'))).toEqual(expected);
  });
});
