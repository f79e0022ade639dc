// Push: mutations applied in order per client, each in its own transaction together with the
// client's last applied number — exactly once, whatever the network does.
//   seq ≤ last      → duplicate (already applied; skipped)
//   seq == last + 1 → applied, or rejected (not_found/forbidden/invalid/conflict); both advance last
//   seq > last + 1  → gap: stop; the client resends from last + 1
import type { Transaction } from 'kysely';
import { mutationArgs, RejectCode, type Mutation, type MutationResult, type ServerMessage } from '../../src-shared/sync';
import { nowIso } from '../../src-shared/ids';
import type { DB } from '../store/schema';
import type { Db } from '../store/db';
import type { ChangeWriter } from '../domain/change-log';
import { DomainError, invalid } from '../domain/errors';
import { markRead, retryMessage, saveDraft, sendMessage, updateConversation, type Commands } from '../domain/commands';
import type { Actor } from '../domain/visibility';
import { claim, transfer } from '../routing/collab';

type PushResult = Extract<ServerMessage, { type: 'pushResult' }>;

export async function lastMutationSeq(q: Db | Transaction<DB>, clientId: string, agentId: string): Promise<number> {
  const row = await q.selectFrom('client_mutations').select('last_mutation_seq').where('client_id', '=', clientId).where('agent_id', '=', agentId).executeTakeFirst();
  return Number(row?.last_mutation_seq ?? 0);
}

async function setLastMutationSeq(trx: Transaction<DB>, clientId: string, agentId: string, seq: number) {
  const now = nowIso();
  await trx
    .insertInto('client_mutations')
    .values({ client_id: clientId, agent_id: agentId, last_mutation_seq: seq, updated_at: now })
    .onConflict((oc) => oc.columns(['client_id', 'agent_id']).doUpdateSet({ last_mutation_seq: seq, updated_at: now }))
    .execute();
}

/** How many rejections per client are kept for welcome.rejected: far more than an outbox holds between two connections. */
const KEPT_REJECTIONS = 1000;

async function recordRejection(trx: Transaction<DB>, clientId: string, agentId: string, m: Mutation, code: string, message: string) {
  await trx.insertInto('mutation_rejections').values({ client_id: clientId, agent_id: agentId, seq: m.seq, mutation_id: m.id, code, message, created_at: nowIso() }).execute();
  await trx.deleteFrom('mutation_rejections').where('client_id', '=', clientId).where('agent_id', '=', agentId).where('seq', '<=', m.seq - KEPT_REJECTIONS).execute();
}

/** Rejections in [fromSeq, throughSeq] for a client: repeated in the welcome, since a pushResult can be lost. */
export async function rejectionsSince(q: Db, clientId: string, agentId: string, fromSeq: number, throughSeq: number): Promise<MutationResult[]> {
  if (fromSeq > throughSeq) return [];
  const rows = await q
    .selectFrom('mutation_rejections')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('agent_id', '=', agentId)
    .where('seq', '>=', fromSeq)
    .where('seq', '<=', throughSeq)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), id: r.mutation_id, status: 'rejected' as const, error: { code: RejectCode.parse(r.code), message: r.message } }));
}

async function applyMutation(w: ChangeWriter, actor: Actor, m: Mutation, commands: Commands): Promise<void> {
  const parsed = mutationArgs[m.name].safeParse(m.args);
  if (!parsed.success) throw invalid(`${m.name}: ${parsed.error.issues[0]?.path.join('.') || 'args'} ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  switch (m.name) {
    case 'claim': {
      const a = parsed.data as (typeof mutationArgs)['claim']['_output'];
      await claim(w, actor, a.conversationId);
      return;
    }
    case 'transfer': {
      const a = parsed.data as (typeof mutationArgs)['transfer']['_output'];
      await transfer(w, actor, a, commands.router);
      return;
    }
    case 'sendMessage': {
      const a = parsed.data as (typeof mutationArgs)['sendMessage']['_output'];
      await sendMessage(w, actor, { messageId: a.messageId, conversationId: a.conversationId, text: a.text, private: a.private, ...(a.attachmentIds ? { attachmentIds: a.attachmentIds } : {}), ...(a.mentions ? { mentions: a.mentions } : {}), ...(a.channelId ? { channelId: a.channelId } : {}) });
      return;
    }
    case 'setStatus': {
      const a = parsed.data as (typeof mutationArgs)['setStatus']['_output'];
      await updateConversation(w, actor, a.conversationId, { status: a.status });
      return;
    }
    case 'assign': {
      const a = parsed.data as (typeof mutationArgs)['assign']['_output'];
      await updateConversation(w, actor, a.conversationId, { assigneeId: a.assigneeId });
      return;
    }
    case 'setPriority': {
      const a = parsed.data as (typeof mutationArgs)['setPriority']['_output'];
      await updateConversation(w, actor, a.conversationId, { priority: a.priority });
      return;
    }
    case 'saveDraft': {
      const a = parsed.data as (typeof mutationArgs)['saveDraft']['_output'];
      await saveDraft(w, actor, a.conversationId, a.text);
      return;
    }
    case 'retryMessage': {
      const a = parsed.data as (typeof mutationArgs)['retryMessage']['_output'];
      await retryMessage(w, actor, a);
      return;
    }
    case 'markRead': {
      const a = parsed.data as (typeof mutationArgs)['markRead']['_output'];
      await markRead(w, actor, a.conversationId, a.readAt);
      return;
    }
  }
}

export async function applyPush(commands: Commands, actor: Actor, clientId: string, mutations: readonly Mutation[]): Promise<PushResult> {
  const results: MutationResult[] = [];
  let last = await lastMutationSeq(commands.db, clientId, actor.id);
  for (const m of mutations) {
    let outcome: 'applied' | 'duplicate' | 'gap';
    try {
      outcome = await commands.run(async (w) => {
        const current = await lastMutationSeq(w.trx, clientId, actor.id);
        last = current;
        if (m.seq <= current) return 'duplicate';
        if (m.seq > current + 1) return 'gap';
        await applyMutation(w, actor, m, commands);
        await setLastMutationSeq(w.trx, clientId, actor.id, m.seq);
        last = m.seq;
        return 'applied';
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // The mutation's writes were rolled back; still consume its number so the outbox moves on.
      const consumed = await commands.run(async (w) => {
        const current = await lastMutationSeq(w.trx, clientId, actor.id);
        if (current !== m.seq - 1) return { current, ours: false };
        await setLastMutationSeq(w.trx, clientId, actor.id, m.seq);
        await recordRejection(w.trx, clientId, actor.id, m, err.code, err.message);
        return { current: m.seq, ours: true };
      });
      last = consumed.current;
      if (!consumed.ours && last >= m.seq) {
        // Another connection of the same client applied it meanwhile.
        results.push({ seq: m.seq, id: m.id, status: 'duplicate' });
        continue;
      }
      results.push({ seq: m.seq, id: m.id, status: 'rejected', error: { code: err.code, message: err.message } });
      continue;
    }
    if (outcome === 'gap') return { type: 'pushResult', lastMutationSeq: last, results, stoppedAt: { seq: m.seq, reason: 'gap' } };
    results.push({ seq: m.seq, id: m.id, status: outcome });
  }
  return { type: 'pushResult', lastMutationSeq: last, results };
}
