// Time sources. Production uses the system clock. THREADLINE_CLOCK_SCALE (a test/demo facility) runs time faster:
// scale 60 makes one real second one minute, so an SLA of minutes plays out in seconds. The server and the desktop
// each scale from their own start; the desktop corrects the difference with the server clock offset (welcome.serverTime).
export interface Clock {
  now(): number;
  /** Clock milliseconds per real millisecond (1 for the system clock). Timers divide delays by it. */
  readonly scale: number;
}

export const systemClock: Clock = { now: () => Date.now(), scale: 1 };

export function scaledClock(scale: number, origin = Date.now(), realNow: () => number = Date.now): Clock {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`clock scale must be a positive number, got ${scale}`);
  return { now: () => origin + (realNow() - origin) * scale, scale };
}

/** THREADLINE_CLOCK_SCALE from an environment record: the system clock when unset, empty or 1. */
export function clockFromEnv(env: Record<string, string | undefined>): Clock {
  const raw = env.THREADLINE_CLOCK_SCALE;
  if (!raw || raw.trim() === '' || Number(raw) === 1) return systemClock;
  return scaledClock(Number(raw));
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  readonly scale = 1;
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
