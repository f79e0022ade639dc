// SLA clocks of one conversation: a snapshot carried on the conversation (server-computed, synced), from which
// due times, warning times and the countdown badge follow by pure functions. The server runs these to store due
// times and schedule warnings/breaches; the desktop runs the very same functions for live countdowns.
//
// A target clock counts business time from `runningSince` on top of `consumedMs` already counted; a pause folds
// the running part into `consumedMs` and stops, a resume starts counting again. Due = the instant the clock
// reaches its target: addBusinessMs(runningSince, targetMs − consumedMs).
import { z } from 'zod';
import { addBusinessMs, BusinessCalendar, businessElapsedMs } from './calendar';
import { PauseStatus, slaTargets, thresholdLabel, WarningThreshold, type SlaTarget } from './policy';

export const TargetClock = z.object({
  targetMs: z.number().positive(),
  consumedMs: z.number().nonnegative(),
  /** Epoch ms since which the clock runs; null while paused. */
  runningSince: z.number().nullable(),
  startedAt: z.number(),
  /** Labels already fired for this clock ('75%', '5m', 'breach'): each fires once. */
  fired: z.array(z.string()),
});
export type TargetClock = z.infer<typeof TargetClock>;

export const SlaSnapshot = z.object({
  policyId: z.string(),
  policyName: z.string(),
  /** Null: calendar hours. A copy of the calendar, so the desktop can count offline exactly as the server does. */
  calendar: BusinessCalendar.nullable(),
  warnings: z.array(WarningThreshold),
  pauseOn: z.array(PauseStatus),
  paused: z.boolean(),
  /** An agent has replied at least once: later customer messages start the next-response clock. */
  responded: z.boolean(),
  targets: z.object({
    firstResponse: TargetClock.nullable(),
    nextResponse: TargetClock.nullable(),
    resolution: TargetClock.nullable(),
  }),
});
export type SlaSnapshot = z.infer<typeof SlaSnapshot>;

export const BREACH = 'breach';

export function newClock(targetMinutes: number, at: number, paused: boolean): TargetClock {
  return { targetMs: targetMinutes * 60_000, consumedMs: 0, runningSince: paused ? null : at, startedAt: at, fired: [] };
}

/** When the clock reaches its target, or null while paused. */
export function dueAtOf(cal: BusinessCalendar | null, c: TargetClock): number | null {
  if (c.runningSince === null) return null;
  return addBusinessMs(cal, c.runningSince, Math.max(0, c.targetMs - c.consumedMs));
}

/** Business time counted so far. */
export function consumedAt(cal: BusinessCalendar | null, c: TargetClock, now: number): number {
  return c.consumedMs + (c.runningSince === null ? 0 : businessElapsedMs(cal, c.runningSince, now));
}

export function pauseClock(cal: BusinessCalendar | null, c: TargetClock, at: number): TargetClock {
  if (c.runningSince === null) return c;
  return { ...c, consumedMs: c.consumedMs + businessElapsedMs(cal, c.runningSince, at), runningSince: null };
}

export function resumeClock(c: TargetClock, at: number): TargetClock {
  return c.runningSince === null ? { ...c, runningSince: at } : c;
}

export function mapClocks(s: SlaSnapshot, fn: (c: TargetClock) => TargetClock): SlaSnapshot {
  const targets = { ...s.targets };
  for (const t of slaTargets) if (targets[t]) targets[t] = fn(targets[t]);
  return { ...s, targets };
}

export function pauseAll(s: SlaSnapshot, at: number): SlaSnapshot {
  return { ...mapClocks(s, (c) => pauseClock(s.calendar, c, at)), paused: true };
}

export function resumeAll(s: SlaSnapshot, at: number): SlaSnapshot {
  return { ...mapClocks(s, (c) => resumeClock(c, at)), paused: false };
}

export interface Firing {
  target: SlaTarget;
  kind: 'warning' | 'breach';
  /** '75%', '5m' or 'breach'. */
  label: string;
  at: number;
  dueAt: number;
}

/** The business-time point (ms into the target) at which a threshold fires; null if it makes no sense for this target. */
function thresholdPoint(t: WarningThreshold, targetMs: number): number | null {
  const point = t.kind === 'percent' ? (targetMs * t.value) / 100 : targetMs - t.minutes * 60_000;
  return point > 0 && point < targetMs ? point : null;
}

/** Every warning and breach still to fire for running clocks, in time order. */
export function pendingFirings(s: SlaSnapshot): Firing[] {
  const out: Firing[] = [];
  for (const target of slaTargets) {
    const c = s.targets[target];
    if (!c || c.runningSince === null) continue;
    const dueAt = dueAtOf(s.calendar, c)!;
    if (!c.fired.includes(BREACH)) out.push({ target, kind: 'breach', label: BREACH, at: dueAt, dueAt });
    for (const w of s.warnings) {
      const label = thresholdLabel(w);
      if (c.fired.includes(label) || c.fired.includes(BREACH)) continue;
      const point = thresholdPoint(w, c.targetMs);
      if (point === null) continue;
      out.push({ target, kind: 'warning', label, at: addBusinessMs(s.calendar, c.runningSince, Math.max(0, point - c.consumedMs)), dueAt });
    }
  }
  // Same instant: warnings before the breach, in the policy's order (sort is stable).
  return out.sort((a, b) => a.at - b.at || Number(a.kind === 'breach') - Number(b.kind === 'breach'));
}

/** When the conversation becomes "at risk": its first warning threshold (fired or not) or due time; null if no clock runs. */
export function riskStartsAt(s: SlaSnapshot): number | null {
  let first: number | null = null;
  for (const target of slaTargets) {
    const c = s.targets[target];
    if (!c || c.runningSince === null) continue;
    let at = dueAtOf(s.calendar, c)!;
    for (const w of s.warnings) {
      const point = thresholdPoint(w, c.targetMs);
      if (point !== null) at = Math.min(at, addBusinessMs(s.calendar, c.runningSince, Math.max(0, point - c.consumedMs)));
    }
    if (first === null || at < first) first = at;
  }
  return first;
}

export function nextFiringAt(s: SlaSnapshot): number | null {
  const next = pendingFirings(s)[0];
  return next ? next.at : null;
}

/**
 * What fires at `now`, and the snapshot with those marked fired. A target whose breach is due fires only the
 * breach: its warnings are marked done without firing (a warning after the deadline is noise).
 */
export function takeDue(s: SlaSnapshot, now: number): { fired: Firing[]; snapshot: SlaSnapshot } {
  const due = pendingFirings(s).filter((f) => f.at <= now);
  if (due.length === 0) return { fired: [], snapshot: s };
  const breached = new Set(due.filter((f) => f.kind === 'breach').map((f) => f.target));
  const fired = due.filter((f) => f.kind === 'breach' || !breached.has(f.target));
  const targets = { ...s.targets };
  for (const target of slaTargets) {
    const c = targets[target];
    if (!c) continue;
    const labels = due.filter((f) => f.target === target).map((f) => f.label);
    if (labels.length) targets[target] = { ...c, fired: [...new Set([...c.fired, ...labels])] };
  }
  return { fired, snapshot: { ...s, targets } };
}

export type SlaBadgeState = 'ok' | 'warning' | 'breached' | 'paused';

export interface SlaBadge {
  target: SlaTarget;
  state: SlaBadgeState;
  /** Null while paused. */
  dueAt: number | null;
  /** Due − now: negative once breached. */
  remainingMs: number | null;
}

/** The most urgent running target of a conversation at `now` (what the countdown badge shows), or null. */
export function slaBadge(s: SlaSnapshot | null | undefined, now: number): SlaBadge | null {
  if (!s) return null;
  let best: SlaBadge | null = null;
  for (const target of slaTargets) {
    const c = s.targets[target];
    if (!c) continue;
    const dueAt = dueAtOf(s.calendar, c);
    if (dueAt === null) {
      best ??= { target, state: 'paused', dueAt: null, remainingMs: null };
      continue;
    }
    if (best && best.dueAt !== null && best.dueAt <= dueAt) continue;
    const warned = s.warnings.some((w) => {
      const point = thresholdPoint(w, c.targetMs);
      return point !== null && consumedAt(s.calendar, c, now) >= point;
    });
    const state: SlaBadgeState = now >= dueAt ? 'breached' : warned ? 'warning' : 'ok';
    best = { target, state, dueAt, remainingMs: dueAt - now };
  }
  return best;
}
