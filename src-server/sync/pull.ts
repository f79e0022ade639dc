// Pull: the change-log rows after a cursor in the client's scopes, in seq order, in batches.
// When nothing visible is left, the returned cursor is the head, so the client skips past rows
// it may not see instead of asking for them again.
import type { Change, EntityName } from '../../src-shared/sync';
import { PULL_BATCH_DEFAULT, PULL_BATCH_MAX } from '../../src-shared/sync';
import type { Db } from '../store/db';
import { readCounter } from '../domain/change-log';

export interface PullResult {
  changes: Change[];
  cursor: number;
  more: boolean;
}

export async function pullChanges(db: Db, scopes: readonly string[], cursor: number, limit = PULL_BATCH_DEFAULT): Promise<PullResult> {
  const batch = Math.min(Math.max(1, limit), PULL_BATCH_MAX);
  // Read head and rows in one transaction, so the cursor we hand out never passes an unseen row.
  return db.transaction().execute(async (trx) => {
    const head = await readCounter(trx, 'change_seq');
    if (scopes.length === 0 || cursor >= head) return { changes: [], cursor: Math.max(cursor, head), more: false };
    const rows = await trx
      .selectFrom('change_log')
      .selectAll()
      .where('seq', '>', cursor)
      .where('seq', '<=', head)
      .where('scope', 'in', [...scopes])
      .orderBy('seq')
      .limit(batch + 1)
      .execute();
    const more = rows.length > batch;
    const page = more ? rows.slice(0, batch) : rows;
    const changes = page.map(
      (r): Change => ({ seq: Number(r.seq), entity: r.entity as EntityName, id: r.entity_id, op: r.op as 'put' | 'del', data: r.data === null ? null : JSON.parse(r.data) }),
    );
    return { changes, cursor: more ? Number(page.at(-1)!.seq) : head, more };
  });
}
