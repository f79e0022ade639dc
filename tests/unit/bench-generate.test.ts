// The benchmark data generator: deterministic, exact sizes, and what it writes is real data — the server
// store serves a real core's bootstrap sync, and the desktop cache answers the core's own queries.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorld, Rng, sizesFor, AGENT_VIEW_CHANNELS, BENCH_PASSWORD } from '../../bench/world';
import { writeCache, writeServer } from '../../bench/generate';
import { createServer } from '../../src-server/app';
import { createCore } from '../../src-main/core/index';
import { configure, migrate } from '../../src-main/core/cache/schema';
import { ops } from '../../src-main/core/cache/ops';

const SCALE = 0.0005; // 50 contacts, 100 conversations, 1,000 messages
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function summary(seed: number) {
  const world = makeWorld(seed, SCALE);
  let conversations = 0;
  let messages = 0;
  const contacts = new Set<string>();
  const hash: string[] = [];
  for (const item of world.stream()) {
    if (item.kind === 'contact') {
      contacts.add(item.contact.id);
      hash.push(item.contact.id);
      continue;
    }
    // A contact is always emitted before its first conversation.
    expect(contacts.has(item.conversation.contactId)).toBe(true);
    conversations++;
    messages += item.messages.length;
    hash.push(item.conversation.id, ...item.messages.map((m) => `${m.id}:${m.text.length}`));
  }
  return { world, conversations, messages, contacts: contacts.size, hash: hash.join('|') };
}

describe('bench world', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = summary(1);
    const b = summary(1);
    const c = summary(2);
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });

  it('has exactly the requested sizes, every channel type, and two years of time', () => {
    const s = summary(3);
    const sizes = sizesFor(SCALE);
    expect(s.conversations).toBe(sizes.conversations);
    expect(s.messages).toBe(sizes.messages);
    expect(s.contacts).toBeLessThanOrEqual(sizes.contacts);
    expect(new Set(s.world.channels.map((c) => c.type)).size).toBe(9);
    expect(s.world.agents).toHaveLength(50);
    const times = [...s.world.stream()].flatMap((i) => (i.kind === 'conversation' ? [Date.parse(i.conversation.createdAt)] : []));
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(600 * 86400000);
  });

  it('Rng is uniform enough for test data', () => {
    const r = new Rng(9);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 10000; i++) buckets[r.int(10)]++;
    for (const b of buckets) expect(b).toBeGreaterThan(850);
  });
});

describe('generated stores', () => {
  it('the server store bootstraps a real core with exactly the agent’s view', async () => {
    const dir = tmp();
    await writeServer(path.join(dir, 'server'), 5, SCALE);
    const world = makeWorld(5, SCALE);
    const view = new Set(world.channels.slice(0, AGENT_VIEW_CHANNELS).map((c) => c.id));
    let expected = 0;
    for (const item of world.stream()) if (item.kind === 'conversation' && view.has(item.conversation.channelId)) expected++;

    const server = await createServer({ dataDir: path.join(dir, 'server'), port: 0, logLevel: 'silent' });
    try {
      const core = await createCore({ dataDir: path.join(dir, 'desktop'), loginSyncTimeoutMs: 30_000 });
      await core.handlers['session.login']({ serverUrl: server.url, email: world.agents[0]!.email, password: BENCH_PASSWORD });
      const counts = await core.inspect.counts();
      expect(counts.conversations).toBe(expected);
      const page = await core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 });
      expect(page.total).toBe(expected);
      expect(page.items[0]!.contactName).not.toBe('Unknown contact');
      await core.close();
    } finally {
      await server.close();
    }
  });

  it('the desktop cache answers the core’s queries (inbox totals, search, timeline)', async () => {
    const dir = tmp();
    await writeCache(dir, 6, SCALE);
    const db = new Database(path.join(dir, 'cache.sqlite'));
    configure(db);
    migrate(db);
    const meId = (JSON.parse((db.prepare("SELECT value FROM meta WHERE key = 'agent'").get() as { value: string }).value) as { id: string }).id;
    const all = ops.inboxList(db, { view: 'all', limit: 50, offset: 0, meId });
    expect(all.total).toBe(sizesFor(SCALE).conversations);
    expect(all.items).toHaveLength(50);
    const times = all.items.map((i) => i.conversation.lastMessageAt);
    expect([...times].sort().reverse()).toEqual(times);
    const hits = ops.searchMessages(db, { query: 'order', limit: 10 });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((m) => /order/i.test(m.text))).toBe(true);
    const detail = ops.conversationOpen(db, { id: all.items[0]!.conversation.id, meId });
    expect(detail.messages.length).toBeGreaterThan(0);
    db.close();
  });
});
