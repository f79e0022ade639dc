// Business-hours calendars: an IANA time zone, weekly opening intervals (local wall-clock times) and
// holidays (local dates, closed all day). All arithmetic is on epoch milliseconds; local times are
// turned into instants with luxon, so a DST day simply has one hour more or less of real time.
// Shared by the server (authoritative due times) and the desktop (live countdowns): one function, one answer.
import { DateTime } from 'luxon';
import { z } from 'zod';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'time must be HH:MM (00:00–24:00)');

export const WeeklyInterval = z
  .object({
    /** ISO weekday: 1 = Monday … 7 = Sunday. */
    day: z.number().int().min(1).max(7),
    start: HHMM,
    end: HHMM,
  })
  .refine((i) => i.start < i.end, 'an interval must end after it starts');
export type WeeklyInterval = z.infer<typeof WeeklyInterval>;

export const BusinessCalendar = z.object({
  timeZone: z.string().refine((tz) => DateTime.local().setZone(tz).isValid, 'unknown IANA time zone'),
  weekly: z.array(WeeklyInterval).max(100),
  /** Local dates (YYYY-MM-DD) in the calendar's time zone on which it is closed all day. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holiday must be YYYY-MM-DD')).max(1000),
});
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/** How far ahead we look for the next open hour before declaring a calendar closed for good. */
const MAX_DAYS = 3 * 366;

export class ClosedCalendarError extends Error {
  constructor() {
    super(`the calendar has no open business hours within ${MAX_DAYS} days`);
  }
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Merged, sorted [startMin, endMin) per weekday (index 1..7). */
function weeklyTable(cal: BusinessCalendar): [number, number][][] {
  const table: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const i of cal.weekly) table[i.day]!.push([minutesOf(i.start), minutesOf(i.end)]);
  return table.map((day) => {
    const merged: [number, number][] = [];
    for (const cur of [...day].sort((a, b) => a[0] - b[0])) {
      const last = merged.at(-1);
      if (last && cur[0] <= last[1]) last[1] = Math.max(last[1], cur[1]);
      else merged.push([cur[0], cur[1]]);
    }
    return merged;
  });
}

/** A local wall-clock minute of a local day as an instant (a time skipped by DST moves forward, as luxon does). */
function instant(day: DateTime, minute: number): number {
  if (minute >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 }).toMillis();
}

/** Open intervals [start, end) in epoch ms, in time order, starting with the local day containing fromMs. */
function* openIntervals(cal: BusinessCalendar, fromMs: number): Generator<[number, number]> {
  const table = weeklyTable(cal);
  const holidays = new Set(cal.holidays);
  let day = DateTime.fromMillis(fromMs, { zone: cal.timeZone }).startOf('day');
  let lastEnd = -Infinity;
  for (let n = 0; n < MAX_DAYS; n++, day = day.plus({ days: 1 }).startOf('day')) {
    if (holidays.has(day.toISODate()!)) continue;
    for (const [s, e] of table[day.weekday]!) {
      // On a spring-forward day two local intervals can land on the same instants (02:15 does not exist and
      // becomes 03:15): never count an instant twice.
      const a = Math.max(instant(day, s), lastEnd);
      const b = instant(day, e);
      if (b > a) {
        yield [a, b];
        lastEnd = b;
      }
    }
  }
}

/**
 * The instant `ms` of business time after `startMs`. With `cal` null the policy counts calendar hours: plain addition.
 * Adding 0 returns startMs itself, even outside business hours.
 */
export function addBusinessMs(cal: BusinessCalendar | null, startMs: number, ms: number): number {
  if (ms <= 0 || !cal) return startMs + Math.max(ms, 0);
  let remaining = ms;
  for (const [a, b] of openIntervals(cal, startMs)) {
    if (b <= startMs) continue;
    const from = Math.max(a, startMs);
    const available = b - from;
    if (remaining <= available) return from + remaining;
    remaining -= available;
  }
  throw new ClosedCalendarError();
}

/** Business time between two instants (0 if `toMs` is not after `fromMs`). */
export function businessElapsedMs(cal: BusinessCalendar | null, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  if (!cal) return toMs - fromMs;
  let total = 0;
  for (const [a, b] of openIntervals(cal, fromMs)) {
    if (a >= toMs) break;
    total += Math.max(0, Math.min(b, toMs) - Math.max(a, fromMs));
  }
  return total;
}

/** Is the calendar open at this instant? */
export function isOpenAt(cal: BusinessCalendar | null, ms: number): boolean {
  if (!cal) return true;
  for (const [a, b] of openIntervals(cal, ms)) {
    if (a > ms) return false;
    if (ms < b) return true;
  }
  return false;
}
