// The CSAT sender (docs/csat.md): a durable job like the delivery queue. A resolve commits the survey row
// (state 'sent', sent_at null = queued); this loop claims queued rows (detail 'sending', committed BEFORE the
// vendor is called), sends on the survey's channel and records sent / skipped / failed. A send interrupted by a
// restart is marked failed "in doubt" at the next start, never sent again: no customer gets two surveys.
import { DEFAULT_CSAT_QUESTION } from '../../src-shared/csat';
import type { ChannelRuntime } from '../channels/runtime';
import type { Commands } from '../domain/commands';
import type { LiveHub } from '../live-hub';
import { JobLoop } from '../jobs/job-loop';
import { senders } from './senders';
import { csatConfigOf, IN_DOUBT_DETAIL, recordSend, SENDING, type SendResult, type SurveyRow } from './store';

export interface CsatOptions {
  pollMs: number;
  sendTimeoutMs: number;
}

export class CsatService {
  private readonly jobs: JobLoop;
  readonly opts: CsatOptions;

  constructor(
    private readonly rt: ChannelRuntime,
    private readonly commands: Commands,
    private readonly hub: LiveHub,
    private readonly publicUrl: () => string,
    opts: Partial<CsatOptions> = {},
  ) {
    this.opts = { pollMs: 2_000, sendTimeoutMs: 30_000, ...opts };
    this.jobs = new JobLoop(() => this.pass(), { name: 'csat', pollMs: this.opts.pollMs, log: rt.log });
    commands.csat = this;
  }

  async start(): Promise<void> {
    // This process owns the store: a survey left 'sending' was being sent by a previous process.
    const stuck = await this.rt.db.selectFrom('csat_surveys').select('id').where('state', '=', 'sent').where('sent_at', 'is', null).where('detail', '=', SENDING).execute();
    for (const s of stuck) await this.commands.run((w) => recordSend(w, s.id, { kind: 'failed', reason: IN_DOUBT_DETAIL }));
    this.jobs.start();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  kick(): void {
    this.jobs.kick();
  }

  private async pass(): Promise<number> {
    const queued = await this.rt.db.selectFrom('csat_surveys').selectAll().where('state', '=', 'sent').where('sent_at', 'is', null).where('detail', 'is', null).orderBy('created_at').limit(20).execute();
    let n = 0;
    for (const survey of queued) {
      if (this.jobs.stopped) break;
      const res = await this.rt.db.updateTable('csat_surveys').set({ detail: SENDING }).where('id', '=', survey.id).where('detail', 'is', null).where('sent_at', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) continue; // another node claimed it
      n++;
      const result = await this.send(survey).catch((err: unknown): SendResult => ({ kind: 'failed', reason: `The survey could not be sent (${err instanceof Error ? err.message : String(err)}).` }));
      await this.commands.run((w) => recordSend(w, survey.id, result));
    }
    return n;
  }

  private async send(survey: SurveyRow): Promise<SendResult> {
    const channel = await this.rt.db.selectFrom('channels').selectAll().where('id', '=', survey.channel_id).executeTakeFirst();
    if (!channel) return { kind: 'skipped', reason: 'The channel no longer exists.' };
    const sender = senders[channel.type];
    if (!sender) return { kind: 'skipped', reason: `Surveys are not sent on ${channel.type} channels in this version.` };
    const csat = csatConfigOf(channel.config);
    let config: Record<string, unknown>;
    try {
      config = this.rt.channelConfig(channel);
    } catch (err) {
      return { kind: 'failed', reason: `This channel's settings are invalid (${err instanceof Error ? err.message : String(err)}).` };
    }
    return sender({
      survey,
      channel,
      config,
      csat,
      question: csat.question ?? DEFAULT_CSAT_QUESTION,
      rt: this.rt,
      publicUrl: this.publicUrl(),
      toWidgets: (channelId, identities, msg) => this.hub.toWidgets(channelId, identities, msg),
      signal: AbortSignal.timeout(this.opts.sendTimeoutMs),
    });
  }
}
