// Pure form logic of the Settings area: weekly hours, holidays, capacity, lists, warnings, rule moves.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { movePatches } from '../../src-shared/admin';
import { BusinessCalendar } from '../../src-shared/sla';
import { fromCapacity, fromWarnings, fromWeekly, optionalNumber, splitList, toCapacity, toHolidays, toWarnings, toWeekly } from '../../src-renderer/settings/form-logic';

describe('weekly hours editor ↔ API shape', () => {
  it('parses one or more ranges per day; empty days are closed', () => {
    const { weekly, errors } = toWeekly(['9:00-17:00', '08:00-12:00, 13:00 – 17:30', '', '', '', '', '00:00-24:00']);
    expect(errors.every((e) => e === null)).toBe(true);
    expect(weekly).toEqual([
      { day: 1, start: '09:00', end: '17:00' },
      { day: 2, start: '08:00', end: '12:00' },
      { day: 2, start: '13:00', end: '17:30' },
      { day: 7, start: '00:00', end: '24:00' },
    ]);
    expect(BusinessCalendar.safeParse({ timeZone: 'Asia/Jakarta', weekly, holidays: [] }).success).toBe(true);
  });

  it('names the bad day and why', () => {
    const r = toWeekly(['9-17', '17:00-09:00', '09:00-12:00, 11:00-13:00', '25:00-26:00', '', '', '']);
    expect(r.errors.map((e) => e?.key ?? null)).toEqual(['admin.hours.badInterval', 'admin.hours.endBeforeStart', 'admin.hours.overlap', 'admin.hours.badInterval', null, null, null]);
    expect(r.errors[0]!.values).toEqual({ part: '9-17' });
    expect(r.weekly).toEqual([]);
  });

  it('round-trips any valid weekly shape (sorted by day, then start)', () => {
    const interval = fc
      .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 47 }), fc.integer({ min: 1, max: 48 }))
      .filter(([, s, e]) => s < e)
      .map(([day, s, e]) => ({ day, start: hhmm(s), end: hhmm(e) }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 6 }), (raw) => {
        // One interval per day keeps them non-overlapping.
        const weekly = [...new Map(raw.map((i) => [i.day, i])).values()].sort((a, b) => a.day - b.day);
        const back = toWeekly(fromWeekly(weekly));
        expect(back.errors.every((e) => e === null)).toBe(true);
        expect(back.weekly).toEqual(weekly);
      }),
    );
  });
});

function hhmm(halfHours: number): string {
  const h = Math.floor(halfHours / 2);
  return `${String(h).padStart(2, '0')}:${halfHours % 2 ? '30' : '00'}`;
}

describe('holidays, capacity, lists, numbers, warnings', () => {
  it('holidays: one per line or comma, unique and sorted; impossible dates refused', () => {
    expect(toHolidays('2026-12-25\n2026-01-01, 2026-12-25\n')).toEqual({ holidays: ['2026-01-01', '2026-12-25'], error: null });
    expect(toHolidays('2026-02-30').error).toEqual({ key: 'admin.hours.badHoliday', values: { part: '2026-02-30' } });
    expect(toHolidays('25/12/2026').error?.key).toBe('admin.hours.badHoliday');
  });

  it('capacity: empty fields are not set; other keys are kept; bad numbers refused', () => {
    const values = fromCapacity({ whatsapp: 2, '*': 4, sms: 1 });
    expect(values).toEqual({ webchat: '', whatsapp: '2', telegram: '', email: '', '*': '4', sms: '1' });
    expect(toCapacity(values)).toEqual({ capacity: { whatsapp: 2, '*': 4, sms: 1 }, error: null });
    expect(toCapacity({ ...values, email: '2.5' }).error).toEqual({ key: 'admin.capacity.bad', values: { type: 'email' } });
    expect(toCapacity({ webchat: '-1' }).error?.key).toBe('admin.capacity.bad');
  });

  it('lists and optional numbers', () => {
    expect(splitList(' vip, billing ,,vip\nid ')).toEqual(['vip', 'billing', 'id']);
    expect(optionalNumber('')).toEqual({ value: null, error: null });
    expect(optionalNumber('60', { min: 1 })).toEqual({ value: 60, error: null });
    expect(optionalNumber('0', { min: 1 }).error?.key).toBe('admin.numberBad');
    expect(optionalNumber('0', { integer: true, min: 0 })).toEqual({ value: 0, error: null });
    expect(optionalNumber('1.5', { integer: true }).error?.key).toBe('admin.numberBad');
    expect(optionalNumber('abc').error?.key).toBe('admin.numberBad');
  });

  it('warning thresholds as text', () => {
    expect(toWarnings('75%, 5m, 10 min')).toEqual({ warnings: [{ kind: 'percent', value: 75 }, { kind: 'remaining', minutes: 5 }, { kind: 'remaining', minutes: 10 }], error: null });
    expect(fromWarnings([{ kind: 'percent', value: 75 }, { kind: 'remaining', minutes: 5 }])).toBe('75%, 5m');
    expect(toWarnings('120%').error?.key).toBe('admin.sla.badWarning');
    expect(toWarnings('')).toEqual({ warnings: [], error: null });
  });
});

describe('moving a routing rule', () => {
  const rules = [
    { id: 'a', position: 10 },
    { id: 'b', position: 20 },
    { id: 'c', position: 30 },
  ];
  it('swaps positions with the neighbour', () => {
    expect(movePatches(rules, 'b', 'up')).toEqual([
      { id: 'a', position: 20 },
      { id: 'b', position: 10 },
    ]);
    expect(movePatches(rules, 'b', 'down')).toEqual([
      { id: 'b', position: 30 },
      { id: 'c', position: 20 },
    ]);
  });
  it('nothing at the ends or for an unknown rule', () => {
    expect(movePatches(rules, 'a', 'up')).toEqual([]);
    expect(movePatches(rules, 'c', 'down')).toEqual([]);
    expect(movePatches(rules, 'x', 'up')).toEqual([]);
  });
  it('renumbers equal positions first, so the order always changes', () => {
    const same = [
      { id: 'a', position: 0 },
      { id: 'b', position: 0 },
      { id: 'c', position: 0 },
    ];
    const patches = movePatches(same, 'c', 'up');
    const after = same.map((r) => ({ ...r, ...patches.find((p) => p.id === r.id) })).sort((x, y) => x.position - y.position);
    expect(after.map((r) => r.id)).toEqual(['a', 'c', 'b']);
  });
});
