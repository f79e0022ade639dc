// Desktop cache benchmarks on the generated (supervisor's, fully synced) cache:
//   inbox page (view + filter + sort, 50 rows), open a conversation with its customer timeline,
//   full-text search over all messages.
// Each is timed through the real cache client (worker thread + message round trip, what the UI waits for)
// and, in-thread, the operation alone; the baseline is a bare SQLite query of the same rows.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openCache } from '../src-main/core/cache/client';
import { ops } from '../src-main/core/cache/ops';
import type { InboxView } from '../src-shared/ipc';
import type { ConversationStatus } from '../src-shared/domain';
import { Rng, SEARCH_QUERIES } from './world';
import { summarise, type Summary } from './stats';
import type { GeneratedData } from './generate';

export interface CacheBenchResults {
  inboxPage: { client: Summary; op: Summary; baseline: Summary };
  openConversation: { client: Summary; op: Summary; baseline: Summary };
  search: { client: Summary; op: Summary; baseline: Summary; perQuery: Record<string, { p95: number; hits: number }> };
}

async function timeAsync(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

function timeSync(n: number, fn: (i: number) => unknown): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

export async function benchCache(data: GeneratedData, opts: { samples: number }): Promise<CacheBenchResults> {
  const n = opts.samples;
  const rng = new Rng(7);
  const meId = data.meta.supervisor.id;
  // The client first: it opens the file through the core's own migrations (new cache indexes included).
  const client = await openCache(data.cacheDir);
  const db = new Database(path.join(data.cacheDir, 'cache.sqlite'));
  db.pragma('journal_mode = WAL');

  // Inbox: every view × status filter × channel filter, the first page and pages further down (infinite scroll).
  const views: InboxView[] = ['all', 'mine', 'unassigned'];
  const statuses: (ConversationStatus | undefined)[] = [undefined, 'open', 'pending', 'resolved'];
  const channels = [undefined, ...data.meta.channelIds];
  const inboxArgs = Array.from({ length: n }, () => ({
    view: rng.pick(views),
    status: rng.pick(statuses),
    channelId: rng.next() < 0.5 ? undefined : rng.pick(channels),
    limit: 50,
    offset: rng.pick([0, 0, 0, 50, 100, 250, 500]),
    meId,
  }));
  const clean = (a: (typeof inboxArgs)[number]) => ({ ...a, ...(a.status ? {} : { status: undefined }), ...(a.channelId ? {} : { channelId: undefined }) });
  // Warm-up (page cache), as on an agent's machine where the app has been open.
  for (let i = 0; i < 20; i++) await client.call('inboxList', clean(inboxArgs[i % n]!));
  const inboxClient = await timeAsync(n, (i) => client.call('inboxList', clean(inboxArgs[i]!)));
  const inboxOp = timeSync(n, (i) => ops.inboxList(db, clean(inboxArgs[i]!)));
  const bareInbox = db.prepare('SELECT data FROM conversations ORDER BY last_message_at DESC LIMIT 50 OFFSET ?');
  const inboxBase = timeSync(n, (i) => bareInbox.all(inboxArgs[i]!.offset));

  // Open: random conversations (with the contact's other conversations: the customer timeline).
  const total = (db.prepare('SELECT COUNT(*) AS n FROM conversations').get() as { n: number }).n;
  const pickConv = db.prepare('SELECT id FROM conversations LIMIT 1 OFFSET ?');
  const convIds = Array.from({ length: n }, () => (pickConv.get(rng.int(total)) as { id: string }).id);
  const openClient = await timeAsync(n, (i) => client.call('conversationOpen', { id: convIds[i]!, meId }));
  const openOp = timeSync(n, (i) => ops.conversationOpen(db, { id: convIds[i]!, meId }));
  const bareOpen = db.prepare('SELECT data FROM messages WHERE conversation_id = ? ORDER BY created_at');
  const openBase = timeSync(n, (i) => bareOpen.all(convIds[i]!));

  // Search: terms from very common ("order") to rare (a product code), prefix, phrase, AND.
  const q = (i: number) => SEARCH_QUERIES[i % SEARCH_QUERIES.length]!;
  for (const query of SEARCH_QUERIES) await client.call('searchMessages', { query, limit: 50 });
  const searchClient = await timeAsync(n, (i) => client.call('searchMessages', { query: q(i), limit: 50 }));
  const searchOp = timeSync(n, (i) => ops.searchMessages(db, { query: q(i), limit: 50 }));
  const bareSearch = db.prepare('SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? LIMIT 50');
  const searchBase = timeSync(n, (i) => bareSearch.all(q(i)));
  const perQuery: Record<string, { p95: number; hits: number }> = {};
  SEARCH_QUERIES.forEach((query, k) => {
    const samples = searchOp.filter((_, i) => i % SEARCH_QUERIES.length === k);
    const hits = (db.prepare('SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(query) as { n: number }).n;
    perQuery[query] = { p95: summarise(samples).p95, hits };
  });

  db.close();
  await client.close();
  return {
    inboxPage: { client: summarise(inboxClient), op: summarise(inboxOp), baseline: summarise(inboxBase) },
    openConversation: { client: summarise(openClient), op: summarise(openOp), baseline: summarise(openBase) },
    search: { client: summarise(searchClient), op: summarise(searchOp), baseline: summarise(searchBase), perQuery },
  };
}
