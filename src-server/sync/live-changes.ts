// The shared read behind inline pokes (src-shared/sync.ts §3, docs/performance.md "Live latency"): the
// change-log rows written after `from`, in the scopes connected clients can see, read once per fan-out
// for all of them. Head and rows come from one snapshot, like a pull, so a client told "through head"
// never passes a row it has not been given.
import type { EntityName } from '../../src-shared/sync';
import type { Db } from '../store/db';
import { readCounter } from '../domain/change-log';

export interface LogRow {
  seq: number;
  entity: EntityName;
  id: string;
  op: 'put' | 'del';
  scope: string;
  /** The entity's JSON as stored (null for `del`); spliced into frames without parsing. */
  data: string | null;
}

export interface LogRange {
  head: number;
  /** The rows in (from, head] of the asked scopes, in seq order; empty when truncated. */
  rows: LogRow[];
  /** More than `limit` rows: only the scopes that have rows in the range are given (clients get plain pokes). */
  truncated: boolean;
  /** The scopes with rows in the range (exact, truncated or not). */
  scopes: Set<string>;
}

export interface ChangeLogReader {
  read(from: number, scopes: readonly string[], limit: number): Promise<LogRange>;
}

export function changeLogReader(db: Db): ChangeLogReader {
  return {
    read: (from, scopes, limit) =>
      db.transaction().execute(async (trx): Promise<LogRange> => {
        const head = await readCounter(trx, 'change_seq');
        if (head <= from || scopes.length === 0) return { head: Math.max(head, from), rows: [], truncated: false, scopes: new Set() };
        // (scope, seq) is the log's index: one short range probe per scope, no scan of the table.
        const rows = await trx
          .selectFrom('change_log')
          .select(['seq', 'entity', 'entity_id', 'scope', 'op', 'data'])
          .where('scope', 'in', [...scopes])
          .where('seq', '>', from)
          .where('seq', '<=', head)
          .orderBy('seq')
          .limit(limit + 1)
          .execute();
        if (rows.length > limit) {
          const present = await trx
            .selectFrom('change_log')
            .select('scope')
            .distinct()
            .where('scope', 'in', [...scopes])
            .where('seq', '>', from)
            .where('seq', '<=', head)
            .execute();
          return { head, rows: [], truncated: true, scopes: new Set(present.map((r) => r.scope)) };
        }
        const out = rows.map((r): LogRow => ({ seq: Number(r.seq), entity: r.entity as EntityName, id: r.entity_id, op: r.op as 'put' | 'del', scope: r.scope, data: r.data }));
        return { head, rows: out, truncated: false, scopes: new Set(out.map((r) => r.scope)) };
      }),
  };
}
