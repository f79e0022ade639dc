// Login throttling: after `max` failures for the same email and IP within `windowMs`, further
// attempts (right password or not) get 429 until the window has passed.
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  private key(email: string, ip: string) {
    return `${email.trim().toLowerCase()}|${ip}`;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until another attempt is allowed, or 0 if allowed now. */
  retryAfter(email: string, ip: string, now = Date.now()): number {
    const list = this.recent(this.key(email, ip), now);
    if (list.length < this.max) return 0;
    return Math.ceil((list[0]! + this.windowMs - now) / 1000);
  }

  fail(email: string, ip: string, now = Date.now()): void {
    const key = this.key(email, ip);
    this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(email: string, ip: string): void {
    this.failures.delete(this.key(email, ip));
  }
}
