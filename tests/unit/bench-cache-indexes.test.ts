// The cache's performance schema (migration 3): inbox totals from inbox_counts must equal a real COUNT(*)
// for every filter through inserts, server updates, optimistic mutations, rollbacks, deletes and resets;
// pages come in the exact inbox order at any offset; search returns the newest matches first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { configure, migrate } from '../../src-main/core/cache/schema';
import { ops } from '../../src-main/core/cache/ops';
import { reusePreparedStatements } from '../../src-main/core/cache/statement-cache';
import type { Agent, Conversation, ConversationStatus, Message } from '../../src-shared/domain';
import type { Change } from '../../src-shared/sync';
import type { InboxView } from '../../src-shared/ipc';

const me: Agent = { id: 'a-me', email: 'me@example.com', name: 'Me', role: 'agent', channelIds: ['ch-1', 'ch-2'] };
const statuses: ConversationStatus[] = ['open', 'pending', 'resolved'];
const dbs: Database.Database[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function openDb(): Database.Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-idx-'));
  dirs.push(dir);
  const db = reusePreparedStatements(new Database(path.join(dir, 'cache.sqlite')));
  configure(db);
  migrate(db);
  dbs.push(db);
  return db;
}

let seq = 0;
function conv(i: number, patch: Partial<Conversation> = {}): Conversation {
  const t = new Date(Date.UTC(2025, 0, 1) + (i % 7) * 60000).toISOString(); // many equal times: ties broken by id
  return {
    id: `cv-${String(i).padStart(3, '0')}`, contactId: `ct-${i % 5}`, channelId: i % 3 === 0 ? 'ch-2' : 'ch-1', status: statuses[i % 3]!,
    assigneeId: i % 4 === 0 ? null : i % 4 === 1 ? me.id : 'a-other', subject: null, lastMessageAt: t, lastMessagePreview: `p${i}`,
    lastInboundAt: t, createdAt: t, ...patch,
  };
}
const put = (entity: Change['entity'], data: { id: string }): Change => ({ seq: ++seq, entity, id: data.id, op: 'put', data });
const apply = (db: Database.Database, changes: Change[]) => ops.applyChanges(db, { changes, cursor: seq, meId: me.id });

function checkTotals(db: Database.Database): void {
  const views: InboxView[] = ['all', 'mine', 'unassigned'];
  for (const view of views) {
    for (const status of [undefined, ...statuses]) {
      for (const channelId of [undefined, 'ch-1', 'ch-2', 'ch-none']) {
        const where = ['1=1'];
        const p: unknown[] = [];
        if (view === 'mine') {
          where.push('assignee_id = ?');
          p.push(me.id);
        }
        if (view === 'unassigned') where.push('assignee_id IS NULL');
        if (status) {
          where.push('status = ?');
          p.push(status);
        }
        if (channelId) {
          where.push('channel_id = ?');
          p.push(channelId);
        }
        const expected = (db.prepare(`SELECT COUNT(*) AS n FROM conversations WHERE ${where.join(' AND ')}`).get(...p) as { n: number }).n;
        const got = ops.inboxList(db, { view, status, channelId, limit: 5, offset: 0, meId: me.id });
        expect({ view, status, channelId, total: got.total }).toEqual({ view, status, channelId, total: expected });
      }
    }
  }
}

describe('cache inbox performance schema', () => {
  it('keeps inbox totals exact through every kind of write', () => {
    const db = openDb();
    apply(db, [put('agent', me), ...Array.from({ length: 60 }, (_, i) => put('conversation', conv(i)))]);
    checkTotals(db);
    // Server updates: reassign, resolve, move channel.
    apply(db, [put('conversation', conv(1, { assigneeId: null })), put('conversation', conv(2, { status: 'resolved' })), put('conversation', conv(5, { channelId: 'ch-2', assigneeId: me.id }))]);
    checkTotals(db);
    // Optimistic mutations (rebased rows), then a rejected one rolled back.
    ops.mutate(db, { name: 'setStatus', args: { conversationId: 'cv-004', status: 'pending' }, me });
    ops.mutate(db, { name: 'assign', args: { conversationId: 'cv-008', assigneeId: me.id }, me });
    checkTotals(db);
    const pending = ops.outboxList(db, {});
    ops.settle(db, { results: [{ seq: pending[0]!.seq, id: pending[0]!.id, status: 'rejected', error: { code: 'conflict', message: 'no' } }] });
    checkTotals(db);
    // Deletes and a reset.
    apply(db, [{ seq: ++seq, entity: 'conversation', id: 'cv-010', op: 'del', data: null }]);
    checkTotals(db);
    ops.reset(db, { scopeKey: 'k' });
    checkTotals(db);
    expect(ops.inboxList(db, { view: 'all', limit: 5, offset: 0, meId: me.id }).total).toBe(0);
  });

  it('pages follow the inbox order exactly at every offset and filter', () => {
    const db = openDb();
    apply(db, Array.from({ length: 80 }, (_, i) => put('conversation', conv(i))));
    for (const filter of [{ view: 'all' as const }, { view: 'unassigned' as const, channelId: 'ch-1' }, { view: 'all' as const, status: 'open' as const }]) {
      const full = ops.inboxList(db, { ...filter, limit: 1000, offset: 0, meId: me.id }).items.map((i) => i.conversation);
      const sorted = [...full].sort((a, b) => (a.lastMessageAt === b.lastMessageAt ? b.id.localeCompare(a.id) : b.lastMessageAt.localeCompare(a.lastMessageAt)));
      expect(full.map((c) => c.id)).toEqual(sorted.map((c) => c.id));
      const paged: string[] = [];
      for (let offset = 0; offset < full.length; offset += 7) paged.push(...ops.inboxList(db, { ...filter, limit: 7, offset, meId: me.id }).items.map((i) => i.conversation.id));
      expect(paged).toEqual(full.map((c) => c.id));
    }
  });

  it('search indexing deferred by a bootstrap catches up exactly, through updates and deletes meanwhile', () => {
    const db = openDb();
    const msg = (i: number, text: string): Message => ({
      id: `b-${i}`, conversationId: 'cv-000', channelId: 'ch-1', direction: 'inbound', text, status: 'received', authorId: null, authorName: 'C',
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    });
    // rank 1: also compare the index with the messages table (only true once nothing waits in the backlog).
    const integrity = (againstContent = 0) => db.exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', ${againstContent})`);
    apply(db, [put('conversation', conv(0)), put('message', msg(0, 'before the bootstrap'))]);
    ops.searchBacklogStart(db, {});
    apply(db, Array.from({ length: 23 }, (_, i) => put('message', msg(i + 1, `backlog parcel ${i + 1}`))));
    expect(ops.searchMessages(db, { query: 'parcel', limit: 50 })).toEqual([]);
    expect(ops.searchMessages(db, { query: 'bootstrap', limit: 50 }).map((m) => m.id)).toEqual(['b-0']);
    // While waiting: a message in the backlog is edited, one deleted, one indexed one edited.
    apply(db, [put('message', msg(5, 'backlog parcel edited')), { seq: ++seq, entity: 'message', id: 'b-6', op: 'del', data: null }, put('message', msg(0, 'before the bootstrap, edited'))]);
    integrity();
    expect(ops.indexSearchBacklog(db, { limit: 0 })).toBe(22);
    expect(ops.indexSearchBacklog(db, { limit: 10 })).toBe(12);
    integrity();
    apply(db, [put('message', msg(30, 'live parcel during catch-up'))]);
    expect(ops.indexSearchBacklog(db, { limit: 10 })).toBe(3);
    expect(ops.indexSearchBacklog(db, { limit: 10 })).toBe(0);
    expect(ops.indexSearchBacklog(db, { limit: 10 })).toBe(0);
    integrity(1);
    const hits = ops.searchMessages(db, { query: 'parcel', limit: 50 }).map((m) => m.id);
    expect(hits).toHaveLength(23);
    expect(hits).not.toContain('b-6');
    expect(hits[0]).toBe('b-30');
    // After catching up, new messages are indexed at once again.
    apply(db, [put('message', msg(31, 'fresh parcel'))]);
    expect(ops.searchMessages(db, { query: 'fresh', limit: 5 }).map((m) => m.id)).toEqual(['b-31']);
    integrity(1);
  });

  it('search returns the newest matching messages first, up to the limit', () => {
    const db = openDb();
    const msg = (i: number, text: string): Message => ({
      id: `m-${i}`, conversationId: 'cv-000', channelId: 'ch-1', direction: 'inbound', text, status: 'received', authorId: null, authorName: 'C',
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    });
    apply(db, [put('conversation', conv(0)), ...Array.from({ length: 30 }, (_, i) => put('message', msg(i, i % 2 ? `where is my parcel ${i}` : `invoice question ${i}`)))]);
    const hits = ops.searchMessages(db, { query: 'parcel', limit: 5 });
    expect(hits.map((m) => m.id)).toEqual(['m-29', 'm-27', 'm-25', 'm-23', 'm-21']);
    expect(ops.searchMessages(db, { query: 'nothinglikethis', limit: 5 })).toEqual([]);
  });
});
