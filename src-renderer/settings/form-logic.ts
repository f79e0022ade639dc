// Pure form logic of the Settings area: what the fields hold (strings) to and from the REST shapes.
// Errors are i18n keys with values, so the forms show them next to the field in the agent's language.
import type { Capacity } from '../../src-shared/admin';
import type { ChannelType } from '../../src-shared/domain';
import type { WeeklyInterval } from '../../src-shared/sla';

export interface FieldError {
  key: string;
  values?: Record<string, string | number>;
}

/** ISO weekdays 1 (Monday) … 7 (Sunday): one text field each, e.g. "09:00-12:00, 13:00-17:00"; empty = closed. */
export const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$/;
const pad = (t: string) => (t.length === 4 ? `0${t}` : t);

export function fromWeekly(weekly: readonly WeeklyInterval[]): string[] {
  return weekdays.map((d) =>
    weekly
      .filter((i) => i.day === d)
      .sort((a, b) => (a.start < b.start ? -1 : 1))
      .map((i) => `${i.start}-${i.end}`)
      .join(', '),
  );
}

/** The seven day fields → the API's weekly intervals, or an error per day (null where the day is fine). */
export function toWeekly(days: readonly string[]): { weekly: WeeklyInterval[]; errors: (FieldError | null)[] } {
  const weekly: WeeklyInterval[] = [];
  const errors = weekdays.map((day, k): FieldError | null => {
    const text = (days[k] ?? '').trim();
    if (text === '') return null;
    const intervals: WeeklyInterval[] = [];
    for (const part of text.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
      const m = /^(\S+)\s*[-–]\s*(\S+)$/.exec(part);
      if (!m || !TIME.test(m[1]!) || !TIME.test(m[2]!)) return { key: 'admin.hours.badInterval', values: { part } };
      const start = pad(m[1]!);
      const end = pad(m[2]!);
      if (start >= end) return { key: 'admin.hours.endBeforeStart', values: { part } };
      intervals.push({ day, start, end });
    }
    intervals.sort((a, b) => (a.start < b.start ? -1 : 1));
    for (let i = 1; i < intervals.length; i++) {
      if (intervals[i]!.start < intervals[i - 1]!.end) return { key: 'admin.hours.overlap' };
    }
    weekly.push(...intervals);
    return null;
  });
  return { weekly, errors };
}

/** Holidays: one YYYY-MM-DD per line (or comma-separated) → sorted, unique; the first bad entry is the error. */
export function toHolidays(text: string): { holidays: string[]; error: FieldError | null } {
  const out = new Set<string>();
  for (const part of text.split(/[\n,]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(part);
    const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return { holidays: [], error: { key: 'admin.hours.badHoliday', values: { part } } };
    out.add(part);
  }
  return { holidays: [...out].sort(), error: null };
}

/** Capacity fields per channel type plus "*" (any other type); empty = not set (the next default applies). */
export const capacityKeys: readonly (ChannelType | '*')[] = ['webchat', 'whatsapp', 'telegram', 'email', '*'];

export function fromCapacity(c: Capacity): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of capacityKeys) out[k] = c[k] === undefined ? '' : String(c[k]);
  // Types the editor does not list are kept as they are.
  for (const [k, v] of Object.entries(c)) if (!(k in out) && v !== undefined) out[k] = String(v);
  return out;
}

export function toCapacity(values: Record<string, string>): { capacity: Capacity; error: FieldError | null } {
  const capacity: Record<string, number> = {};
  for (const [k, raw] of Object.entries(values)) {
    const v = raw.trim();
    if (v === '') continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 1000) return { capacity: {}, error: { key: 'admin.capacity.bad', values: { type: k } } };
    capacity[k] = n;
  }
  return { capacity: capacity as Capacity, error: null };
}

/** "vip, billing" → ["vip","billing"]: trimmed, unique, empty entries dropped. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}

export const joinList = (items: readonly string[] | undefined): string => (items ?? []).join(', ');

/** An optional positive number field: '' → null; otherwise the number, or an error. */
export function optionalNumber(text: string, opts: { integer?: boolean; min?: number; max?: number } = {}): { value: number | null; error: FieldError | null } {
  const v = text.trim();
  if (v === '') return { value: null, error: null };
  const n = Number(v);
  const min = opts.min ?? 0;
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n <= min - (opts.integer ? 1 : 0) || (opts.max !== undefined && n > opts.max)) {
    return { value: null, error: { key: 'admin.numberBad', values: { min, max: opts.max ?? '∞' } } };
  }
  return { value: n, error: null };
}

/** SLA targets: rows per channel type × priority × tier are separate policies; one policy's three targets in minutes. */
export const slaTargetFields = ['firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes'] as const;

/** Warning thresholds as text: "75%, 5m" → [{percent 75}, {remaining 5}]. */
export function toWarnings(text: string): { warnings: ({ kind: 'percent'; value: number } | { kind: 'remaining'; minutes: number })[]; error: FieldError | null } {
  const warnings: ({ kind: 'percent'; value: number } | { kind: 'remaining'; minutes: number })[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(part);
    const min = /^(\d+(?:\.\d+)?)\s*m(in)?$/i.exec(part);
    if (pct && Number(pct[1]) > 0 && Number(pct[1]) < 100) warnings.push({ kind: 'percent', value: Number(pct[1]) });
    else if (min && Number(min[1]) > 0) warnings.push({ kind: 'remaining', minutes: Number(min[1]) });
    else return { warnings: [], error: { key: 'admin.sla.badWarning', values: { part } } };
  }
  return { warnings, error: null };
}

export function fromWarnings(w: readonly ({ kind: 'percent'; value: number } | { kind: 'remaining'; minutes: number })[]): string {
  return w.map((x) => (x.kind === 'percent' ? `${x.value}%` : `${x.minutes}m`)).join(', ');
}
