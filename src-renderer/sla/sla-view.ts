// Pure SLA display logic for the renderer: the server's time from the core's clock info, and the badge text.
// The countdown itself comes from src-shared/sla — the same function the server and the core use.
import type { Conversation } from '../../src-shared/domain';
import type { SessionState } from '../../src-shared/ipc';
import { SlaSnapshot, slaBadge, type SlaBadge } from '../../src-shared/sla';

export type ClockInfo = NonNullable<SessionState['clock']>;

/** The server's time now, as the core sees it (local clock × scale + offset); the bare local clock without info. */
export function serverNowFrom(clock: ClockInfo | undefined, localNow: number): number {
  if (!clock) return localNow;
  return clock.originMs + (localNow - clock.originMs) * clock.scale + clock.offsetMs;
}

export function badgeFor(c: Conversation, serverNow: number): SlaBadge | null {
  if (c.status === 'resolved' || !c.sla) return null;
  const parsed = SlaSnapshot.safeParse(c.sla);
  return parsed.success ? slaBadge(parsed.data, serverNow) : null;
}

/** Compact duration parts: under an hour in minutes, under two days in hours (+minutes), else days. */
export function durationParts(ms: number): { unit: 'm' | 'h' | 'd'; n: number; m: number } {
  const minutes = Math.max(0, Math.ceil(Math.abs(ms) / 60_000));
  if (minutes < 60) return { unit: 'm', n: minutes, m: 0 };
  if (minutes < 48 * 60) return { unit: 'h', n: Math.floor(minutes / 60), m: minutes % 60 };
  return { unit: 'd', n: Math.floor(minutes / (24 * 60)), m: 0 };
}
