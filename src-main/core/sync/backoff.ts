// Reconnect delays: exponential backoff with full jitter (AWS architecture blog), so a server restart
// is not met by every desktop reconnecting in the same instant.
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 500;
    this.capMs = opts.capMs ?? 12_000;
    this.random = opts.random ?? Math.random;
  }

  /** Delay before the next attempt: uniform in [0, min(cap, base·2^attempt)). */
  next(): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.floor(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}
