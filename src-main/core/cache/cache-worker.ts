// The cache database lives in this worker thread (as in Signal Desktop), so a large bootstrap never blocks
// the main process. Protocol: {id, op, args} in → {id, ok, value} | {id, ok: false, error} out.
import { parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import Database from 'better-sqlite3';
import { configure, migrate } from './schema';
import { ops, type CacheOpName } from './ops';
import { reusePreparedStatements } from './statement-cache';

export interface CacheRequest {
  id: number;
  op: CacheOpName | 'close';
  args: unknown;
}
export type CacheResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { code: string; message: string } };

const { file } = workerData as { file: string };
// Bulk cache work (a bootstrap, search indexing) must not take CPU from the thread that answers the UI. On Linux a
// priority set with pid 0 applies to the calling thread only, so this lowers just this worker (elsewhere it would
// lower the whole process, so it is left alone there).
if (process.platform === 'linux') {
  try {
    setPriority(0, 5);
  } catch {
    // not permitted: run at normal priority
  }
}
const db = reusePreparedStatements(new Database(file));
configure(db);
// A bootstrap that stopped half way (crash, quit) left the conversations' indexes deferred: build them before
// anything else reads or migrates the cache (meta exists from schema v1 on).
if ((db.pragma('user_version', { simple: true }) as number) > 0) ops.restoreDeferredIndexes(db, {});
migrate(db);

parentPort!.on('message', (req: CacheRequest) => {
  let res: CacheResponse;
  try {
    if (req.op === 'close') {
      // Fold the WAL back into the main file so the data dir is tidy and complete on disk.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      res = { id: req.id, ok: true, value: null };
    } else {
      const fn = ops[req.op] as (d: Database.Database, a: unknown) => unknown;
      if (typeof fn !== 'function') throw new Error(`Unknown cache op ${String(req.op)}`);
      res = { id: req.id, ok: true, value: fn(db, req.args) };
    }
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    res = { id: req.id, ok: false, error: { code: typeof e.code === 'string' ? e.code : 'cache_error', message: String(e.message ?? err) } };
  }
  parentPort!.postMessage(res);
});
parentPort!.postMessage({ id: 0, ok: true, value: 'ready' } satisfies CacheResponse);
