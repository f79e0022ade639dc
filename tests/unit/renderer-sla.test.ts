// Renderer SLA display logic: the server's time from the core's clock info (scaled clock included) and the compact
// durations of the badge.
import { describe, expect, it } from 'vitest';
import { durationParts, serverNowFrom } from '../../src-renderer/sla/sla-view';

describe('renderer SLA view', () => {
  it('serverNow follows the core: scaled from its origin, plus the measured offset', () => {
    expect(serverNowFrom(undefined, 1000)).toBe(1000);
    expect(serverNowFrom({ originMs: 1000, scale: 1, offsetMs: -200 }, 5000)).toBe(4800);
    expect(serverNowFrom({ originMs: 1000, scale: 60, offsetMs: 0 }, 2000)).toBe(1000 + 60_000);
  });

  it('durations: minutes (rounded up), hours and minutes under two days, then days', () => {
    expect(durationParts(30_000)).toEqual({ unit: 'm', n: 1, m: 0 });
    expect(durationParts(-4 * 60_000)).toEqual({ unit: 'm', n: 4, m: 0 });
    expect(durationParts(125 * 60_000)).toEqual({ unit: 'h', n: 2, m: 5 });
    expect(durationParts(3 * 24 * 3_600_000)).toEqual({ unit: 'd', n: 3, m: 0 });
  });
});
