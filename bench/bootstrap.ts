// Bootstrap sync of an agent's view: a fresh desktop core (this process, cache in its worker thread)
// signs in to the real server (a child process on the generated store) and pulls the agent's whole view.
// Rows/s = change rows applied / time from sign-in to synced. The main thread's event-loop delay is
// recorded throughout with perf_hooks.monitorEventLoopDelay. Baseline: a bare better-sqlite3 insert of
// the same rows (id + JSON) in transactions of the same batch size. The event-loop monitor runs until the
// messages are also fully indexed for search (which the cache finishes after the pull, in chunks).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createCore } from '../src-main/core/index';
import { PULL_BATCH_DEFAULT } from '../src-shared/sync';
import type { GeneratedData } from './generate';
import { startServerProcess } from './procs';

export interface BootstrapResults {
  rows: number;
  conversations: number;
  messages: number;
  seconds: number;
  rowsPerSecond: number;
  /** From sign-in until every message is also in the search index. */
  searchIndexedSeconds: number;
  eventLoopDelayMaxMs: number;
  eventLoopDelayP99Ms: number;
  baselineRowsPerSecond: number;
}

export async function benchBootstrap(data: GeneratedData, opts: { serverNice?: number } = {}): Promise<BootstrapResults> {
  const server = await startServerProcess(data.serverDir);
  // The server runs on an agent's desk only in this benchmark: on 2 cores it would otherwise take CPU time from
  // the desktop process being measured, so it gets a lower priority (it is still the real server, just nicer).
  os.setPriority(server.pid, opts.serverNice ?? 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-bootstrap-'));
  try {
    // What the agent may pull: its channels, the shared agents scope and its own scope.
    const sdb = new Database(path.join(data.serverDir, 'threadline.sqlite'), { readonly: true });
    const me = data.meta.benchAgent.id;
    const channels = (sdb.prepare('SELECT channel_id FROM channel_members WHERE agent_id = ?').all(me) as { channel_id: string }[]).map((r) => r.channel_id);
    const scopes = [...channels, '*', `agent:${me}`];
    const rows = (sdb.prepare(`SELECT COUNT(*) AS n FROM change_log WHERE scope IN (${scopes.map(() => '?').join(',')})`).get(...scopes) as { n: number }).n;

    const core = await createCore({ dataDir: dir, loginSyncTimeoutMs: 30 * 60_000 });
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    await core.handlers['session.login']({ serverUrl: server.url, email: data.meta.benchAgent.email, password: data.meta.password });
    const seconds = (performance.now() - t0) / 1000;
    // Search indexing of the bootstrap's messages continues in the cache worker (cache migration 6): until done.
    while ((await core.inspect.cache.call('indexSearchBacklog', { limit: 0 })) > 0) await new Promise((r) => setTimeout(r, 100));
    const searchIndexedSeconds = (performance.now() - t0) / 1000;
    h.disable();
    const counts = await core.inspect.counts();
    await core.close();

    // Baseline: the same rows' JSON, inserted bare.
    const base = new Database(path.join(dir, 'baseline.sqlite'));
    base.pragma('journal_mode = WAL');
    base.pragma('synchronous = NORMAL');
    base.exec('CREATE TABLE t (id TEXT PRIMARY KEY, data TEXT)');
    const ins = base.prepare('INSERT OR REPLACE INTO t (id, data) VALUES (?, ?)');
    const read = sdb.prepare(`SELECT entity || ':' || entity_id AS id, data FROM change_log WHERE scope IN (${scopes.map(() => '?').join(',')}) ORDER BY seq`).raw(true);
    let buf: [string, string][] = [];
    let insertMs = 0;
    const flush = () => {
      const t = performance.now();
      base.transaction(() => {
        for (const [id, d] of buf) ins.run(id, d);
      })();
      insertMs += performance.now() - t;
      buf = [];
    };
    for (const r of read.iterate(...scopes) as Iterable<[string, string]>) {
      buf.push(r);
      if (buf.length === PULL_BATCH_DEFAULT) flush();
    }
    flush();
    base.close();
    sdb.close();

    if (counts.conversations !== data.meta.counts.agentViewConversations || counts.messages !== data.meta.counts.agentViewMessages) {
      throw new Error(`bootstrap incomplete: ${counts.conversations}/${data.meta.counts.agentViewConversations} conversations, ${counts.messages}/${data.meta.counts.agentViewMessages} messages`);
    }
    return {
      rows,
      conversations: counts.conversations!,
      messages: counts.messages!,
      seconds,
      rowsPerSecond: rows / seconds,
      searchIndexedSeconds,
      eventLoopDelayMaxMs: h.max / 1e6,
      eventLoopDelayP99Ms: h.percentile(99) / 1e6,
      baselineRowsPerSecond: rows / (insertMs / 1000),
    };
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
