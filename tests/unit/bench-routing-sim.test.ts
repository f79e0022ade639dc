// The routing simulation: deterministic for a seed, Gini computed correctly, sticky keeps returning customers with
// their agent far more often than the other strategies, and nothing is served beyond what arrived.
import { describe, expect, it } from 'vitest';
import { gini, simulate } from '../../bench/routing-sim';

describe('routing simulation', () => {
  it('gini: 0 for equal loads, → 1 when one agent does everything', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 12])).toBeCloseTo(0.75);
    expect(gini([])).toBe(0);
  });
  it('is deterministic per seed and strategy; the arrival trace is the same for every strategy', () => {
    const a = simulate('least_loaded', 20, { hours: 0.5, seed: 7 });
    expect(simulate('least_loaded', 20, { hours: 0.5, seed: 7 })).toEqual(a);
    const s = simulate('sticky', 20, { hours: 0.5, seed: 7 });
    expect(s.arrivals).toBe(a.arrivals);
    expect(a.served).toBeLessThanOrEqual(a.arrivals);
    expect(s.stickyHitPct).toBeGreaterThan(a.stickyHitPct + 20);
    const surge = simulate('least_loaded', 20, { hours: 0.5, seed: 7, load: 1.3 });
    expect(surge.abandonedPct).toBeGreaterThan(a.abandonedPct);
  });
});
