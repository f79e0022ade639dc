// Reconnect delays for every client (desktop core, renderer bridge, chat widget): exponential backoff with
// jitter, so a server restart is not met by every client reconnecting in the same instant.
//   full jitter:  uniform in [0, ceiling)         — the desktop core (many clients, spreads load best)
//   equal jitter: ceiling/2 + uniform(ceiling/2)  — people waiting on screen (never retries at once)
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  jitter?: 'full' | 'equal';
  random?: () => number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const { baseMs = 500, capMs = 10_000, jitter = 'equal', random = Math.random } = opts;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return jitter === 'full' ? Math.floor(random() * ceiling) : Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Stateful form: counts attempts until reset() (a successful connection). */
export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions = {}) {}

  next(): number {
    return backoffDelay(this.attempt++, this.opts);
  }

  reset(): void {
    this.attempt = 0;
  }
}
