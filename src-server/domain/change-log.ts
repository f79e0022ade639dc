// The change log: one rising sequence; one row per (entity, id, scope) holding its latest version.
// Every write of an entity upserts its rows with a fresh seq inside the writer's transaction.
import type { Transaction } from 'kysely';
import type { EntityName } from '../../src-shared/sync';
import type { DB } from '../store/schema';
import { prepared } from '../store/prepared';
import type { Q } from './entities';
import type { Message, Conversation } from '../../src-shared/domain';

export const AGENTS_SCOPE = '*';
export const agentScope = (agentId: string) => `agent:${agentId}`;

const takeSeqs = prepared((q, arg: (k: 'n') => string) =>
  q
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', arg('n') as unknown as number) }))
    .where('name', '=', 'change_seq')
    .returning('value'),
);

/** Takes `n` seqs; returns the last of them. */
export async function nextSeq(trx: Transaction<DB>, n = 1): Promise<number> {
  const row = await takeSeqs.first(trx, { n });
  if (!row) throw new Error('the change_seq counter is missing');
  return Number(row.value);
}

export async function readCounter(q: Q, name: 'change_seq' | 'min_cursor'): Promise<number> {
  const row = await q.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return Number(row?.value ?? 0);
}

/** What happened to a conversation, for the SLA clocks (src-server/sla/engine.ts). */
export type SlaConversationEvent =
  | { type: 'inbound'; fromStatus: string }
  | { type: 'reply' }
  | { type: 'status'; from: string; to: string }
  | { type: 'priority' };
export type SlaHook = (w: ChangeWriter, conversationId: string, event: SlaConversationEvent) => Promise<void>;

/** Collects what one transaction changed, so the live hub can be told after commit. */
export class ChangeWriter {
  readonly scopes = new Set<string>();
  lastSeq = 0;
  /** Agent replies to hand to their channel adapter once committed. */
  readonly outbound: { message: Message; conversation: Conversation }[] = [];
  /** Connected clients whose visible scopes may have changed: one agent's id, or 'all'. */
  readonly scopeRefresh = new Set<string>();
  /** The SLA engine, told about conversation events inside this transaction (set by the runner; null: no SLA). */
  slaHook: SlaHook | null = null;
  /** Routing work for after commit (src-server/routing/router.ts): conversations to route, inbound ones to check for escalation, capacity freed. */
  readonly routingWork = { route: new Set<string>(), inbound: new Set<string>(), drain: false, csat: new Set<string>() };
  /** A CSAT survey was queued (src-server/csat): the sender is kicked after commit. */
  csatQueued = false;

  constructor(readonly trx: Transaction<DB>) {}

  async put(entity: EntityName, id: string, scopes: readonly string[], data: unknown): Promise<void> {
    // Issue 4 (continuity): a message may travel on another channel than its conversation's; it is always synced
    // in its CONVERSATION's scope (who may see the thread), whatever scope the caller passed.
    if (entity === 'message') scopes = await this.messageScopes(data, scopes);
    else if (entity === 'conversation') this.rememberChannel(id, data);
    const json = JSON.stringify(data);
    for (const scope of new Set(scopes)) await this.upsert(entity, id, scope, 'put', json);
  }

  /** Conversation → its channel, as put in this transaction (read back as it was written: saves a lookup per message). */
  private readonly channelOfConversation = new Map<string, string>();

  private rememberChannel(id: string, data: unknown): void {
    const channelId = (data as { channelId?: unknown } | null)?.channelId;
    if (typeof channelId === 'string') this.channelOfConversation.set(id, channelId);
  }

  private async messageScopes(data: unknown, scopes: readonly string[]): Promise<readonly string[]> {
    const conversationId = (data as { conversationId?: unknown } | null)?.conversationId;
    if (typeof conversationId !== 'string') return scopes;
    const known = this.channelOfConversation.get(conversationId);
    if (known) return [known];
    const conv = await this.trx.selectFrom('conversations').select('channel_id').where('id', '=', conversationId).executeTakeFirst();
    return conv ? [conv.channel_id] : scopes;
  }

  async del(entity: EntityName, id: string, scopes: readonly string[]): Promise<void> {
    for (const scope of new Set(scopes)) await this.upsert(entity, id, scope, 'del', null);
  }

  private async upsert(entity: EntityName, id: string, scope: string, op: 'put' | 'del', data: string | null) {
    this.scopes.add(scope);
    if (this.pending) {
      const key = `${entity}\u0000${id}\u0000${scope}`;
      // Re-inserted: Map order = order of each row's LAST write, the order its seq would have had.
      this.pending.delete(key);
      this.pending.set(key, { entity, entity_id: id, scope, op, data });
      return;
    }
    const seq = await nextSeq(this.trx);
    await this.trx
      .insertInto('change_log')
      .values({ seq, entity, entity_id: id, scope, op, data })
      .onConflict((oc) => oc.columns(['entity', 'entity_id', 'scope']).doUpdateSet({ seq, op, data }))
      .execute();
    this.lastSeq = seq;
  }

  /**
   * Batched mode (the command runner): rows are kept until flush(), then written with one counter update and
   * multi-row upserts (6 statements per inbound message became 2). The result is what writing each row at once
   * gives: one row per key holding its last write, seqs rising in the order of the rows' last writes (only the
   * seqs of overwritten intermediate versions are no longer burnt). Nothing reads the log inside a command.
   */
  private pending: Map<string, { entity: EntityName; entity_id: string; scope: string; op: 'put' | 'del'; data: string | null }> | null = null;

  batch(): this {
    this.pending ??= new Map();
    return this;
  }

  /** Writes the batched rows (inside the transaction, before commit). */
  async flush(): Promise<void> {
    const rows = [...(this.pending?.values() ?? [])];
    this.pending?.clear();
    if (rows.length === 0) return;
    const last = await nextSeq(this.trx, rows.length);
    const first = last - rows.length + 1;
    // 6 parameters a row: well under SQLite's 32,766 host parameters per statement.
    for (let i = 0; i < rows.length; i += FLUSH_ROWS) {
      const chunk = rows.slice(i, i + FLUSH_ROWS).map((r, j) => ({ seq: first + i + j, ...r }));
      await this.trx
        .insertInto('change_log')
        .values(chunk)
        .onConflict((oc) => oc.columns(['entity', 'entity_id', 'scope']).doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), op: eb.ref('excluded.op'), data: eb.ref('excluded.data') })))
        .execute();
    }
    this.lastSeq = last;
  }
}

const FLUSH_ROWS = 1000;

/**
 * Drops tombstones (op=del) at or below `uptoSeq` and raises min_cursor to it, so a client whose
 * cursor is older than that is told to reset (it might otherwise miss a deletion).
 */
export async function pruneTombstones(trx: Transaction<DB>, uptoSeq: number): Promise<number> {
  const res = await trx.deleteFrom('change_log').where('op', '=', 'del').where('seq', '<=', uptoSeq).executeTakeFirst();
  await trx.updateTable('counters').set({ value: uptoSeq }).where('name', '=', 'min_cursor').where('value', '<', uptoSeq).execute();
  return Number(res.numDeletedRows);
}
