// Local search (issue 4): the search box text becomes a safe FTS5 expression, and the cache (worker thread, real
// SQLite FTS5) answers newest matches first with contact and channel, without any server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { ftsQueryOf } from '../../src-main/core/cache/fts-query';
import { openCache, type CacheClient } from '../../src-main/core/cache/client';
import type { Change } from '../../src-shared/sync';

describe('ftsQueryOf', () => {
  it.each([
    ['order 1042', '"order" "1042"'],
    ['order-1042', '"order-1042"'],
    ['"wrong colour"', '"wrong colour"'],
    ['deliv*', '"deliv"*'],
    ['NOT AND OR', '"NOT" "AND" "OR"'],
    ['a:b (c) ^d', '"a:b" "(c)" "^d"'],
    ['say "hi', '"say" "hi"'],
    ['  ', null],
    ['- -- ***', null],
  ])('%j → %j', (input, expected) => expect(ftsQueryOf(input)).toBe(expected));

  it('never produces an expression FTS5 rejects', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text); INSERT INTO t VALUES ('order 1042 has not arrived');");
    const stmt = db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ?');
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const q = ftsQueryOf(s);
        if (q !== null) stmt.get(q); // throws on a syntax error
      }),
      { numRuns: 2000 },
    );
    expect(stmt.get(ftsQueryOf('order-1042')!)).toEqual({ n: 1 });
    db.close();
  });
});

const dirs: string[] = [];
const open: CacheClient[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('searchLocal (cache worker)', () => {
  it('finds "order 1042" with its contact and channel, newest first; hostile input is no error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-search-'));
    dirs.push(dir);
    const cache = await openCache(dir);
    open.push(cache);
    let seq = 0;
    const put = (entity: Change['entity'], data: { id: string }): Change => ({ seq: ++seq, entity, id: data.id, op: 'put', data });
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 10, m)).toISOString();
    const changes: Change[] = [
      put('agent', { id: 'a-1', email: 'ana@example.com', name: 'Ana', role: 'agent', channelIds: ['wa', 'mail'] } as never),
      put('channel', { id: 'wa', type: 'whatsapp', name: 'WhatsApp', config: {} } as never),
      put('channel', { id: 'mail', type: 'email', name: 'Mail', config: {} } as never),
      put('contact', { id: 'c-1', name: 'Budi', identities: [], createdAt: at(0) } as never),
      put('conversation', { id: 'cv-1', contactId: 'c-1', channelId: 'wa', status: 'open', assigneeId: null, subject: null, lastMessageAt: at(2), lastMessagePreview: '', lastInboundAt: at(2), createdAt: at(0) } as never),
      put('message', { id: 'm-1', conversationId: 'cv-1', channelId: 'wa', direction: 'inbound', text: 'Where is order 1042?', status: 'received', authorId: null, authorName: 'Budi', createdAt: at(1) } as never),
      put('message', { id: 'm-2', conversationId: 'cv-1', channelId: 'mail', direction: 'inbound', text: 'Order-1042 again, by mail', status: 'received', authorId: null, authorName: 'Budi', createdAt: at(2) } as never),
      put('message', { id: 'm-3', conversationId: 'cv-1', channelId: 'wa', direction: 'outbound', text: 'Thanks!', status: 'sent', authorId: 'a-1', authorName: 'Ana', createdAt: at(3) } as never),
    ];
    await cache.call('applyChanges', { changes, cursor: seq, meId: 'a-1' });
    const hits = await cache.call('searchLocal', { query: 'order 1042', limit: 10 });
    expect(hits.map((h) => [h.message.id, h.contactName, h.channelType])).toEqual([
      ['m-2', 'Budi', 'email'],
      ['m-1', 'Budi', 'whatsapp'],
    ]);
    // "order-1042" is the phrase order+1042 (the tokenizer splits at "-"), so both match; no syntax error.
    expect((await cache.call('searchLocal', { query: 'order-1042', limit: 10 })).map((h) => h.message.id)).toEqual(['m-2', 'm-1']);
    expect((await cache.call('searchLocal', { query: 'mail', limit: 10 })).map((h) => h.message.id)).toEqual(['m-2']);
    for (const hostile of ['-', '"', 'order)', 'NOT', '*', 'a:b', '^']) await expect(cache.call('searchLocal', { query: hostile, limit: 10 })).resolves.toBeInstanceOf(Array);
    expect(await cache.call('searchMessages', { query: 'order-', limit: 10 })).toHaveLength(2);
  });
});
