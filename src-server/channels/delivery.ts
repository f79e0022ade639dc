// The durable outbound delivery queue. Every agent reply on a vendor channel is a row in
// `delivery_jobs`, written in the same transaction as the message (delivery-store.ts). This worker:
//   claim  — pending & due jobs become `sending` with a lease (committed BEFORE the vendor is called);
//            a job waits while an older job of the same conversation is unfinished (replies stay in order);
//   send   — the adapter calls the vendor with the job id as idempotency key where the vendor takes one;
//   record — sent → message `sent` + the vendor's id; retryable (429, 5xx, network) → pending again after
//            exponential backoff with jitter (or the vendor's retry-after); permanent → message `failed`
//            with the reason in words.
// A server that stops mid-send leaves the job `sending`. On the next start it is NOT sent again (that
// could send twice): it is marked failed "in doubt" with a reason, unless the vendor later reports a
// status for it (then the vendor's word wins, ingest.ts); the agent can retry it explicitly.
import type { Selectable } from 'kysely';
import { advanceStatus, type MessageStatus } from '../../src-shared/domain';
import { nowIso } from '../../src-shared/ids';
import { messageOf } from '../domain/entities';
import type { DeliveryJobsTable } from '../store/schema';
import { backoffMs, networkOutcome, type SendOutcome } from './adapter';
import { IN_DOUBT } from './delivery-store';
import type { ChannelRuntime } from './runtime';
import { JobLoop } from '../jobs/job-loop';

export interface DeliveryOptions {
  pollMs: number;
  leaseMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  maxAttempts: number;
  sendTimeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { pollMs: 500, leaseMs: 120_000, baseBackoffMs: 2_000, maxBackoffMs: 10 * 60_000, maxAttempts: 10, sendTimeoutMs: 30_000 };

export const IN_DOUBT_REASON =
  'The server stopped while this message was being sent, so it may or may not have reached the customer. It was not sent again automatically (that could send it twice); use Retry to send it.';

export class DeliveryQueue {
  readonly opts: DeliveryOptions;
  private readonly jobs: JobLoop;

  constructor(
    private readonly rt: ChannelRuntime,
    opts: Partial<DeliveryOptions> = {},
  ) {
    this.opts = { ...DEFAULT_DELIVERY, ...opts };
    this.jobs = new JobLoop(() => this.pass(), { name: 'delivery', pollMs: this.opts.pollMs, log: this.rt.log });
  }

  async start(): Promise<void> {
    // This process owns the embedded store: every `sending` job was left by a previous process.
    await this.markInDoubt(null);
    this.jobs.start();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /** Run the loop now (after a reply was stored, or on the timer). */
  kick(): void {
    this.jobs.kick();
  }

  /** Jobs stuck in `sending` past their lease (a node that died), or all of them (start). */
  private async markInDoubt(before: string | null): Promise<void> {
    let q = this.rt.db.selectFrom('delivery_jobs').select(['id', 'message_id']).where('state', '=', 'sending');
    if (before) q = q.where('lease_until', '<', before);
    for (const job of await q.execute()) {
      await this.rt.commands.run(async (w) => {
        const res = await w.trx.updateTable('delivery_jobs').set({ state: 'failed', last_error: IN_DOUBT, lease_until: null, updated_at: nowIso() }).where('id', '=', job.id).where('state', '=', 'sending').executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return;
        await this.setMessage(w, job.message_id, 'failed', IN_DOUBT_REASON);
      });
      this.rt.log.warn({ messageId: job.message_id }, 'delivery in doubt after restart: not resent');
    }
  }

  /** One pass: expired leases become in doubt, then due jobs are sent one by one, in order. */
  private async pass(): Promise<number> {
    await this.markInDoubt(nowIso());
    const jobs = await this.claim();
    for (const job of jobs) {
      if (this.jobs.stopped) return 0;
      await this.deliver(job);
    }
    return jobs.length;
  }

  private async claim(): Promise<Selectable<DeliveryJobsTable>[]> {
    const now = nowIso();
    const lease = new Date(Date.now() + this.opts.leaseMs).toISOString();
    return this.rt.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('delivery_jobs as j')
        .innerJoin('messages as m', 'm.id', 'j.message_id')
        .selectAll('j')
        .where('j.state', '=', 'pending')
        .where('j.next_attempt_at', '<=', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('delivery_jobs as j2')
                .innerJoin('messages as m2', 'm2.id', 'j2.message_id')
                .select('j2.id')
                .whereRef('m2.conversation_id', '=', 'm.conversation_id')
                .whereRef('m2.created_at', '<', 'm.created_at')
                .where('j2.state', 'in', ['pending', 'sending']),
            ),
          ),
        )
        .orderBy('m.created_at')
        .limit(20)
        .execute();
      const claimed: Selectable<DeliveryJobsTable>[] = [];
      for (const job of due) {
        const res = await trx
          .updateTable('delivery_jobs')
          .set({ state: 'sending', lease_until: lease, attempts: job.attempts + 1, updated_at: now })
          .where('id', '=', job.id)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) claimed.push({ ...job, state: 'sending', lease_until: lease, attempts: job.attempts + 1 });
      }
      return claimed;
    });
  }

  private async deliver(job: Selectable<DeliveryJobsTable>): Promise<void> {
    const outcome = await this.attempt(job);
    await this.record(job, outcome);
  }

  private async attempt(job: Selectable<DeliveryJobsTable>): Promise<SendOutcome> {
    const db = this.rt.db;
    const message = await db.selectFrom('messages').selectAll().where('id', '=', job.message_id).executeTakeFirst();
    const channel = await db.selectFrom('channels').selectAll().where('id', '=', job.channel_id).executeTakeFirst();
    if (!message || !channel) return { kind: 'permanent', reason: 'The message or its channel no longer exists.' };
    const conv = await db.selectFrom('conversations').select(['id', 'contact_id', 'subject']).where('id', '=', message.conversation_id).executeTakeFirstOrThrow();
    const adapter = this.rt.adapter(channel.type);
    if (!adapter?.send) return { kind: 'permanent', reason: `Sending on ${channel.type} channels is not available in this version.` };
    let config: Record<string, unknown>;
    try {
      config = this.rt.channelConfig(channel);
    } catch (err) {
      return { kind: 'permanent', reason: `This channel's settings are incomplete or invalid (${err instanceof Error ? err.message : String(err)}); an administrator must fix them.` };
    }
    const identities = (await db.selectFrom('contact_identities').select('value').where('contact_id', '=', conv.contact_id).where('channel_type', '=', channel.type).orderBy('created_at').execute()).map((r) => r.value);
    if (identities.length === 0) return { kind: 'permanent', reason: `The customer has no ${channel.type} address to send to.` };
    try {
      return await adapter.send(
        { jobId: job.id, attempt: job.attempts, message, conversation: { id: conv.id, contactId: conv.contact_id, subject: conv.subject }, channel, config, identities, rt: this.rt },
        AbortSignal.timeout(this.opts.sendTimeoutMs),
      );
    } catch (err) {
      return networkOutcome(err, channel.type);
    }
  }

  private async record(job: Selectable<DeliveryJobsTable>, outcome: SendOutcome): Promise<void> {
    await this.rt.commands.run(async (w) => {
      const current = await w.trx.selectFrom('delivery_jobs').select(['state']).where('id', '=', job.id).executeTakeFirst();
      if (current?.state !== 'sending') return; // marked in doubt or retried meanwhile
      const now = nowIso();
      if (outcome.kind === 'sent') {
        await w.trx.updateTable('delivery_jobs').set({ state: 'done', lease_until: null, last_error: null, updated_at: now }).where('id', '=', job.id).execute();
        await this.setMessage(w, job.message_id, 'sent', null, outcome.externalId, outcome.meta ? JSON.stringify(outcome.meta) : undefined);
        return;
      }
      if (outcome.kind === 'retry' && job.attempts < this.opts.maxAttempts) {
        const wait = outcome.retryAfterMs ?? backoffMs(job.attempts, this.opts.baseBackoffMs, this.opts.maxBackoffMs);
        const next = new Date(Date.now() + wait).toISOString();
        await w.trx.updateTable('delivery_jobs').set({ state: 'pending', lease_until: null, last_error: outcome.reason, next_attempt_at: next, updated_at: now }).where('id', '=', job.id).execute();
        return;
      }
      const reason = outcome.kind === 'retry' ? `Gave up after ${job.attempts} attempts: ${outcome.reason}` : outcome.reason;
      await w.trx.updateTable('delivery_jobs').set({ state: 'failed', lease_until: null, last_error: reason, updated_at: now }).where('id', '=', job.id).execute();
      await this.setMessage(w, job.message_id, 'failed', reason);
    });
  }

  private async setMessage(w: Parameters<Parameters<ChannelRuntime['commands']['run']>[0]>[0], messageId: string, status: MessageStatus, reason: string | null, externalId?: string | null, meta?: string): Promise<void> {
    const row = await w.trx.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
    if (!row) return;
    const next = advanceStatus(row.status as MessageStatus, status);
    await w.trx
      .updateTable('messages')
      .set({
        status: next,
        ...(next === 'failed' && row.status !== 'failed' ? { failure_reason: reason } : {}),
        ...(externalId && !row.external_id ? { external_id: externalId } : {}),
        ...(meta ? { meta } : {}),
        updated_at: nowIso(),
      })
      .where('id', '=', messageId)
      .execute();
    const updated = (await w.trx.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst())!;
    await w.put('message', messageId, [row.channel_id], messageOf(updated));
  }
}
