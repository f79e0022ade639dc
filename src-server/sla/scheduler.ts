// Fires SLA warnings and breaches on time. Restart-safe by construction: everything it needs is in the store
// (conversations.sla_next_at, indexed), and every firing is recorded under a unique key, so after a restart the
// first tick fires what came due while the server was down — once — and nothing twice.
import type { Clock } from '../../src-shared/sla';
import type { Commands } from '../domain/commands';
import type { SlaEvent } from '../../src-shared/sla';
import type { SlaEngine } from './engine';

/** Never sleep longer than this (real ms): a safety net if a reschedule poke was missed. */
const MAX_SLEEP_MS = 5_000;
const BATCH = 200;

export class SlaScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SlaEvent[]> | null = null;
  private stopped = false;

  constructor(
    private readonly commands: Commands,
    private readonly engine: SlaEngine,
    private readonly clock: Clock,
    private readonly log: { error(obj: unknown, msg: string): void },
  ) {}

  start(): void {
    this.stopped = false;
    this.poke();
  }

  /** Stops the timer and waits for a firing in progress (before the store closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Something may be due sooner than the timer thinks: look again right away. */
  poke(): void {
    if (this.stopped) return;
    this.arm(0);
  }

  /** Fire everything due now (tests call this after moving a manual clock). Returns what fired. */
  async tick(): Promise<SlaEvent[]> {
    if (this.running) {
      await this.running;
      return this.tick();
    }
    this.running = this.fireAll();
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async fireAll(): Promise<SlaEvent[]> {
    const fired: SlaEvent[] = [];
    const db = this.commands.db;
    for (;;) {
      const now = new Date(this.clock.now()).toISOString();
      const due = await db.selectFrom('conversations').select('id').where('sla_next_at', '<=', now).orderBy('sla_next_at').limit(BATCH).execute();
      for (const { id } of due) {
        try {
          fired.push(...(await this.commands.run((w) => this.engine.fireDue(w, id))));
        } catch (err) {
          this.log.error({ err, conversationId: id }, 'SLA firing failed; will retry');
        }
      }
      if (due.length < BATCH) break;
    }
    return fired;
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    try {
      await this.tick();
      const next = await this.commands.db.selectFrom('conversations').select((eb) => eb.fn.min('sla_next_at').as('next')).executeTakeFirst();
      if (this.stopped) return;
      const nextAt = next?.next ? Date.parse(String(next.next)) : null;
      const realDelay = nextAt === null ? MAX_SLEEP_MS : (nextAt - this.clock.now()) / this.clock.scale;
      this.arm(Math.max(5, Math.min(MAX_SLEEP_MS, Math.ceil(realDelay))));
    } catch (err) {
      if (!this.stopped) {
        this.log.error({ err }, 'SLA scheduler failed; retrying');
        this.arm(MAX_SLEEP_MS);
      }
    }
  }
}
