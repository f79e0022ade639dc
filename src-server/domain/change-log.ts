// The change log: one rising sequence; one row per (entity, id, scope) holding its latest version.
// Every write of an entity upserts its rows with a fresh seq inside the writer's transaction.
import type { Transaction } from 'kysely';
import type { EntityName } from '../../src-shared/sync';
import type { DB } from '../store/schema';
import type { Q } from './entities';
import type { Message, Conversation } from '../../src-shared/domain';

export const AGENTS_SCOPE = '*';
export const agentScope = (agentId: string) => `agent:${agentId}`;

export async function nextSeq(trx: Transaction<DB>): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'change_seq')
    .returning('value')
    .executeTakeFirstOrThrow();
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
    for (const scope of new Set(scopes)) await this.upsert(entity, id, scope, 'put', JSON.stringify(data));
  }

  private async messageScopes(data: unknown, scopes: readonly string[]): Promise<readonly string[]> {
    const conversationId = (data as { conversationId?: unknown } | null)?.conversationId;
    if (typeof conversationId !== 'string') return scopes;
    const conv = await this.trx.selectFrom('conversations').select('channel_id').where('id', '=', conversationId).executeTakeFirst();
    return conv ? [conv.channel_id] : scopes;
  }

  async del(entity: EntityName, id: string, scopes: readonly string[]): Promise<void> {
    for (const scope of new Set(scopes)) await this.upsert(entity, id, scope, 'del', null);
  }

  private async upsert(entity: EntityName, id: string, scope: string, op: 'put' | 'del', data: string | null) {
    const seq = await nextSeq(this.trx);
    await this.trx
      .insertInto('change_log')
      .values({ seq, entity, entity_id: id, scope, op, data })
      .onConflict((oc) => oc.columns(['entity', 'entity_id', 'scope']).doUpdateSet({ seq, op, data }))
      .execute();
    this.scopes.add(scope);
    this.lastSeq = seq;
  }
}

/**
 * Drops tombstones (op=del) at or below `uptoSeq` and raises min_cursor to it, so a client whose
 * cursor is older than that is told to reset (it might otherwise miss a deletion).
 */
export async function pruneTombstones(trx: Transaction<DB>, uptoSeq: number): Promise<number> {
  const res = await trx.deleteFrom('change_log').where('op', '=', 'del').where('seq', '<=', uptoSeq).executeTakeFirst();
  await trx.updateTable('counters').set({ value: uptoSeq }).where('name', '=', 'min_cursor').where('value', '<', uptoSeq).execute();
  return Number(res.numDeletedRows);
}
