// SLA arithmetic (src-shared/sla): table tests with a fake clock, and properties over random calendars, time zones
// (both DST changes of America/New_York and Australia/Sydney; Asia/Jakarta and Asia/Bangkok have none), holidays
// and pause sequences. Server and desktop call these very functions, so agreement is by construction; the
// properties pin down what that one answer must satisfy.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  addBusinessMs,
  BusinessCalendar,
  businessElapsedMs,
  dueAtOf,
  isOpenAt,
  ManualClock,
  newClock,
  nextSnapshot,
  pauseAll,
  pendingFirings,
  resolvePolicy,
  resumeAll,
  scaledClock,
  SlaPolicyInput,
  SlaSnapshot,
  slaBadge,
  takeDue,
  type SlaPolicy,
} from '../../src-shared/sla';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ZONES = ['America/New_York', 'Australia/Sydney', 'Asia/Jakarta', 'Asia/Bangkok', 'UTC'] as const;
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const show = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat("ccc yyyy-MM-dd HH:mm");

const weekdays9to17 = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays,
});
const allWeek = (timeZone: string, start: string, end: string): BusinessCalendar => ({
  timeZone,
  weekly: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start, end })),
  holidays: [],
});

describe('business hours: table tests', () => {
  it('skips the weekend: Friday 16:00 + 2 h → Monday 10:00 (New York)', () => {
    const cal = weekdays9to17('America/New_York');
    expect(show(addBusinessMs(cal, local('2026-03-06T16:00', cal.timeZone), 2 * HOUR), cal.timeZone)).toBe('Mon 2026-03-09 10:00');
  });

  it('starts counting at opening time when the start is outside hours', () => {
    const cal = weekdays9to17('Asia/Bangkok');
    expect(show(addBusinessMs(cal, local('2026-06-10T07:30', cal.timeZone), 30 * MIN), cal.timeZone)).toBe('Wed 2026-06-10 09:30');
    expect(show(addBusinessMs(cal, local('2026-06-10T17:00', cal.timeZone), 30 * MIN), cal.timeZone)).toBe('Thu 2026-06-11 09:30');
  });

  it('skips holidays: Jakarta, Independence Day (Monday 17 Aug 2026)', () => {
    const cal = weekdays9to17('Asia/Jakarta', ['2026-08-17']);
    expect(show(addBusinessMs(cal, local('2026-08-14T16:00', cal.timeZone), 2 * HOUR), cal.timeZone)).toBe('Tue 2026-08-18 10:00');
  });

  it('counts real time across DST: New York spring forward (8 Mar 2026) has a 5-hour 00:00–06:00', () => {
    const cal = allWeek('America/New_York', '00:00', '06:00');
    const day = local('2026-03-08T00:00', cal.timeZone);
    expect(businessElapsedMs(cal, day, local('2026-03-08T12:00', cal.timeZone))).toBe(5 * HOUR);
    expect(show(addBusinessMs(cal, day, 5 * HOUR), cal.timeZone)).toBe('Sun 2026-03-08 06:00');
  });

  it('counts real time across DST: New York fall back (1 Nov 2026) has a 7-hour 00:00–06:00', () => {
    const cal = allWeek('America/New_York', '00:00', '06:00');
    const day = local('2026-11-01T00:00', cal.timeZone);
    expect(businessElapsedMs(cal, day, local('2026-11-01T12:00', cal.timeZone))).toBe(7 * HOUR);
    expect(show(addBusinessMs(cal, day, 7 * HOUR), cal.timeZone)).toBe('Sun 2026-11-01 06:00');
  });

  it('Sydney: DST ends 5 Apr 2026 (25-hour day) and starts 4 Oct 2026 (23-hour day)', () => {
    const cal = allWeek('Australia/Sydney', '00:00', '24:00');
    expect(businessElapsedMs(cal, local('2026-04-05T00:00', cal.timeZone), local('2026-04-06T00:00', cal.timeZone))).toBe(25 * HOUR);
    expect(businessElapsedMs(cal, local('2026-10-04T00:00', cal.timeZone), local('2026-10-05T00:00', cal.timeZone))).toBe(23 * HOUR);
  });

  it('a calendar with no open hours is an error, not an endless loop', () => {
    expect(() => addBusinessMs({ timeZone: 'UTC', weekly: [], holidays: [] }, 0, MIN)).toThrow(/no open business hours/);
  });

  it('validates calendars: bad zone, inverted interval', () => {
    expect(BusinessCalendar.safeParse({ timeZone: 'Mars/Olympus', weekly: [], holidays: [] }).success).toBe(false);
    expect(BusinessCalendar.safeParse({ timeZone: 'UTC', weekly: [{ day: 1, start: '17:00', end: '09:00' }], holidays: [] }).success).toBe(false);
    expect(BusinessCalendar.safeParse({ timeZone: 'Asia/Jakarta', weekly: [{ day: 1, start: '09:00', end: '24:00' }], holidays: ['2026-08-17'] }).success).toBe(true);
  });
});

// ── clocks with a fake clock ──────────────────────────────────────────────────────────────────
const policy = (over: Partial<SlaPolicy> = {}): SlaPolicy => ({
  ...SlaPolicyInput.parse({ name: 'Chat', firstResponseMinutes: 20, nextResponseMinutes: 10, resolutionMinutes: 240 }),
  id: 'p1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('SLA clocks (fake clock)', () => {
  it('first response: warnings at 75% and 5 min left, then the breach, each exactly once', () => {
    const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
    let s = nextSnapshot(null, policy(), null, { type: 'inbound', at: clock.now(), status: 'open' })!;
    expect(dueAtOf(null, s.targets.firstResponse!)).toBe(clock.now() + 20 * MIN);
    const seen: string[] = [];
    for (let i = 0; i < 25; i++) {
      clock.advance(MIN);
      const out = takeDue(s, clock.now());
      s = out.snapshot;
      for (const f of out.fired) if (f.target === 'firstResponse') seen.push(`${(clock.now() - Date.parse('2026-05-04T10:00:00Z')) / MIN}:${f.label}`);
    }
    expect(seen).toEqual(['15:75%', '15:5m', '20:breach']);
  });

  it('a reply in time cancels every pending first-response firing', () => {
    const t0 = Date.parse('2026-05-04T10:00:00Z');
    let s = nextSnapshot(null, policy(), null, { type: 'inbound', at: t0, status: 'open' })!;
    s = nextSnapshot(s, policy(), null, { type: 'reply', at: t0 + 3 * MIN })!;
    expect(pendingFirings(s).filter((f) => f.target !== 'resolution')).toEqual([]);
    // The customer writes again: the next-response clock starts.
    s = nextSnapshot(s, policy(), null, { type: 'inbound', at: t0 + 30 * MIN, status: 'open' })!;
    expect(s.targets.nextResponse && dueAtOf(null, s.targets.nextResponse)).toBe(t0 + 40 * MIN);
  });

  it('pending pauses and resumes: a 30-minute pause moves the calendar-hours due time by 30 minutes', () => {
    const t0 = Date.parse('2026-05-04T10:00:00Z');
    let s = nextSnapshot(null, policy(), null, { type: 'inbound', at: t0, status: 'open' })!;
    s = nextSnapshot(s, policy(), null, { type: 'status', at: t0 + 5 * MIN, from: 'open', to: 'pending' })!;
    expect(dueAtOf(null, s.targets.firstResponse!)).toBeNull();
    expect(slaBadge(s, t0 + 10 * MIN)?.state).toBe('paused');
    s = nextSnapshot(s, policy(), null, { type: 'status', at: t0 + 35 * MIN, from: 'pending', to: 'open' })!;
    expect(dueAtOf(null, s.targets.firstResponse!)).toBe(t0 + 50 * MIN);
    // Not pausing when the policy says so.
    let q = nextSnapshot(null, policy({ pauseOn: [] }), null, { type: 'inbound', at: t0, status: 'open' })!;
    q = nextSnapshot(q, policy({ pauseOn: [] }), null, { type: 'status', at: t0 + 5 * MIN, from: 'open', to: 'pending' })!;
    expect(dueAtOf(null, q.targets.firstResponse!)).toBe(t0 + 20 * MIN);
  });

  it('resolving stops every clock; the badge shows the most urgent target and flips to breached', () => {
    const t0 = Date.parse('2026-05-04T10:00:00Z');
    const s = nextSnapshot(null, policy(), null, { type: 'inbound', at: t0, status: 'open' })!;
    expect(slaBadge(s, t0 + MIN)).toMatchObject({ target: 'firstResponse', state: 'ok', remainingMs: 19 * MIN });
    expect(slaBadge(s, t0 + 16 * MIN)?.state).toBe('warning');
    expect(slaBadge(s, t0 + 22 * MIN)).toMatchObject({ state: 'breached', remainingMs: -2 * MIN });
    const done = nextSnapshot(s, policy(), null, { type: 'status', at: t0 + 25 * MIN, from: 'open', to: 'resolved' })!;
    expect(pendingFirings(done)).toEqual([]);
    expect(slaBadge(done, t0 + 30 * MIN)).toBeNull();
  });

  it('a restart after both warning and due time fires only the breach', () => {
    const t0 = Date.parse('2026-05-04T10:00:00Z');
    const s = nextSnapshot(null, policy(), null, { type: 'inbound', at: t0, status: 'open' })!;
    const out = takeDue(s, t0 + 60 * MIN);
    expect(out.fired.filter((f) => f.target === 'firstResponse').map((f) => f.label)).toEqual(['breach']);
    expect(takeDue(out.snapshot, t0 + 61 * MIN).fired.filter((f) => f.target === 'firstResponse')).toEqual([]);
  });

  it('scaled clock: 60× runs a minute per real second', () => {
    let real = 1_000_000;
    const c = scaledClock(60, real, () => real);
    real += 1000;
    expect(c.now() - 1_000_000).toBe(60_000);
  });
});

describe('policy precedence', () => {
  const base = { enabled: true, channelType: null, priority: null, customerTier: null, createdAt: '2026-01-01' };
  const ps = [
    { ...base, id: 'any' },
    { ...base, id: 'whatsapp', channelType: 'whatsapp' as const },
    { ...base, id: 'urgent', priority: 'urgent' as const },
    { ...base, id: 'vip', customerTier: 'vip' },
    { ...base, id: 'vip-urgent', customerTier: 'vip', priority: 'urgent' as const },
    { ...base, id: 'wa-urgent', channelType: 'whatsapp' as const, priority: 'urgent' as const },
    { ...base, id: 'off', channelType: 'email' as const, enabled: false },
  ];
  it('most specific wins; channel outweighs tier outweighs priority; disabled never applies', () => {
    expect(resolvePolicy(ps, { channelType: 'email', priority: 'normal', customerTier: null })?.id).toBe('any');
    expect(resolvePolicy(ps, { channelType: 'email', priority: 'urgent', customerTier: 'vip' })?.id).toBe('vip-urgent');
    expect(resolvePolicy(ps, { channelType: 'whatsapp', priority: 'normal', customerTier: 'vip' })?.id).toBe('whatsapp');
    expect(resolvePolicy(ps, { channelType: 'whatsapp', priority: 'urgent', customerTier: 'vip' })?.id).toBe('wa-urgent');
    expect(resolvePolicy(ps.slice(1, 2), { channelType: 'email', priority: 'normal', customerTier: null })).toBeNull();
  });
  it('ties go to the policy created first, whatever the order given', () => {
    const a = { ...base, id: 'b-later', createdAt: '2026-02-01' };
    const b = { ...base, id: 'a-first', createdAt: '2026-01-01' };
    expect(resolvePolicy([a, b], { channelType: 'email', priority: 'normal', customerTier: null })?.id).toBe('a-first');
    expect(resolvePolicy([b, a], { channelType: 'email', priority: 'normal', customerTier: null })?.id).toBe('a-first');
  });
});

// ── properties ────────────────────────────────────────────────────────────────────────────
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
// Every generated calendar is open at least one hour a week: the clock looks ahead at most three years
// (it refuses a calendar with no open hours in that span), and two 40-hour amounts need 80 open hours.
const arbInterval = fc
  .record({ day: fc.integer({ min: 1, max: 7 }), a: fc.integer({ min: 0, max: 46 }), len: fc.integer({ min: 2, max: 48 }) })
  .map(({ day, a, len }) => ({ day, start: hhmm(a * 30), end: a + len >= 48 ? '24:00' : hhmm((a + len) * 30) }));
const T_MIN = Date.parse('2025-12-01T00:00:00Z');
const T_MAX = Date.parse('2027-02-01T00:00:00Z');
const arbTime = fc.integer({ min: T_MIN, max: T_MAX });
const arbCalendar = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    weekly: fc.array(arbInterval, { minLength: 1, maxLength: 8 }),
    holidayOffsets: fc.array(fc.integer({ min: 0, max: 430 }), { maxLength: 12 }),
  })
  .map(({ timeZone, weekly, holidayOffsets }): BusinessCalendar => ({
    timeZone,
    weekly,
    holidays: holidayOffsets.map((d) => DateTime.fromMillis(T_MIN, { zone: timeZone }).plus({ days: d }).toISODate()!),
  }));
const arbDuration = fc.integer({ min: 1, max: 40 * HOUR });
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 150) };

describe('business hours: properties', () => {
  it('a calendar open all day every day equals the wall clock, DST days included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), arbTime, fc.integer({ min: 0, max: 400 * HOUR }), (zone, start, ms) => {
        const cal = allWeek(zone, '00:00', '24:00');
        expect(addBusinessMs(cal, start, ms)).toBe(start + ms);
        expect(businessElapsedMs(cal, start, start + ms)).toBe(ms);
      }),
      RUNS,
    );
  });

  it('adding then measuring gives back the amount; the result lies in open hours, never on a holiday', () => {
    fc.assert(
      fc.property(arbCalendar, arbTime, arbDuration, (cal, start, ms) => {
        const due = addBusinessMs(cal, start, ms);
        expect(businessElapsedMs(cal, start, due)).toBe(ms);
        expect(isOpenAt(cal, due - 1)).toBe(true);
        expect(cal.holidays).not.toContain(DateTime.fromMillis(due - 1, { zone: cal.timeZone }).toISODate());
      }),
      RUNS,
    );
  });

  it('is monotonic in the start and in the amount, and additive', () => {
    fc.assert(
      fc.property(arbCalendar, arbTime, arbTime, arbDuration, arbDuration, (cal, s1, s2, a, b) => {
        const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        expect(addBusinessMs(cal, lo, a)).toBeLessThanOrEqual(addBusinessMs(cal, hi, a));
        expect(addBusinessMs(cal, lo, Math.min(a, b))).toBeLessThanOrEqual(addBusinessMs(cal, lo, Math.max(a, b)));
        expect(addBusinessMs(cal, addBusinessMs(cal, lo, a), b)).toBe(addBusinessMs(cal, lo, a + b));
      }),
      RUNS,
    );
  });

  it('pauses are neutral: the due time moves by exactly the business time spent paused', () => {
    fc.assert(
      fc.property(
        fc.option(arbCalendar, { nil: null }),
        arbTime,
        fc.integer({ min: 1, max: 24 * 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 12 * HOUR }), fc.integer({ min: 0, max: 12 * HOUR })), { maxLength: 4 }),
        (cal, start, minutes, pauses) => {
          let c = newClock(minutes, start, false);
          let t = start;
          let pausedBusiness = 0;
          for (const [runFor, pauseFor] of pauses) {
            t += runFor;
            c = { ...c, ...pauseAll({ ...snap(cal), targets: { firstResponse: c, nextResponse: null, resolution: null } }, t).targets.firstResponse! };
            pausedBusiness += businessElapsedMs(cal, t, t + pauseFor);
            t += pauseFor;
            c = resumeAll({ ...snap(cal), paused: true, targets: { firstResponse: c, nextResponse: null, resolution: null } }, t).targets.firstResponse!;
          }
          // The business time counted is the business time elapsed minus the business time paused…
          expect(c.consumedMs + businessElapsedMs(cal, c.runningSince!, t)).toBe(businessElapsedMs(cal, start, t) - pausedBusiness);
          // …and in calendar hours the due time is simply pushed back by the pauses.
          if (cal === null && c.consumedMs <= c.targetMs) expect(dueAtOf(null, c)).toBe(start + minutes * MIN + pauses.reduce((n, [, p]) => n + p, 0));
        },
      ),
      RUNS,
    );
  });

  it('server and desktop agree: a snapshot sent over sync (JSON) gives the same due times and firings', () => {
    fc.assert(
      fc.property(fc.option(arbCalendar, { nil: null }), arbTime, fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 10 * HOUR }), (cal, t0, minutes, later) => {
        const pol = policy({ firstResponseMinutes: minutes, resolutionMinutes: minutes * 4 });
        let server = nextSnapshot(null, pol, cal, { type: 'inbound', at: t0, status: 'open' })!;
        server = nextSnapshot(server, pol, cal, { type: 'status', at: t0 + later, from: 'open', to: 'pending' })!;
        server = nextSnapshot(server, pol, cal, { type: 'status', at: t0 + 2 * later, from: 'pending', to: 'open' })!;
        const desktop = SlaSnapshot.parse(JSON.parse(JSON.stringify(server)));
        expect(pendingFirings(desktop)).toEqual(pendingFirings(server));
        expect(slaBadge(desktop, t0 + 3 * later)).toEqual(slaBadge(server, t0 + 3 * later));
      }),
      { numRuns: 80 },
    );
  });
});

function snap(cal: BusinessCalendar | null): SlaSnapshot {
  return { policyId: 'p', policyName: 'p', calendar: cal, warnings: [], pauseOn: ['pending'], paused: false, responded: false, targets: { firstResponse: null, nextResponse: null, resolution: null } };
}
