// A polling job loop shared by the durable queues (outbound delivery, media downloads): a pass runs on a timer
// and whenever kicked; kicks during a pass coalesce into one more pass; a pass that found work runs again at
// once, so a backlog drains without waiting for the timer.
export interface JobLoopOptions {
  name: string;
  pollMs: number;
  /** Start each kicked pass on a later turn (setImmediate), e.g. so a webhook's acknowledgement goes out first. */
  deferKick?: boolean;
  log: { error(obj: unknown, msg: string): void };
}

export class JobLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stoppedFlag = true;

  /** `pass` claims and runs due jobs and answers how many it found. */
  constructor(
    private readonly pass: () => Promise<number>,
    private readonly opts: JobLoopOptions,
  ) {}

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  start(): void {
    this.stoppedFlag = false;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stoppedFlag = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  kick(): void {
    if (this.stoppedFlag) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const first = this.opts.deferKick ? new Promise<void>((r) => setImmediate(r)) : Promise.resolve();
    this.running = first
      .then(() => this.loop())
      .catch((err: unknown) => this.opts.log.error({ err }, `${this.opts.name} loop failed`))
      .finally(() => {
        this.running = null;
      });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      if ((await this.pass()) > 0) this.again = true;
    } while (this.again && !this.stoppedFlag);
  }
}
