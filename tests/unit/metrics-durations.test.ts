// The report's duration ranking (src-server/metrics/durations.ts): the fast comma-list parser and the selection-based
// nearest-rank median / p90 agree with a plain sort on random and adversarial inputs.
import { describe, expect, it } from 'vitest';
import { durationStatsOf, parseDurations } from '../../src-server/metrics/durations';

function bySort(values: number[]) {
  if (values.length === 0) return { count: 0, medianMs: null, p90Ms: null };
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { count: s.length, medianMs: at(0.5), p90Ms: at(0.9) };
}

describe('report durations', () => {
  it('parses comma lists of integers, skipping empty parts', () => {
    expect([...parseDurations('12,0,345')]).toEqual([12, 0, 345]);
    expect([...parseDurations('7')]).toEqual([7]);
    expect([...parseDurations('')]).toEqual([]);
    expect([...parseDurations(null)]).toEqual([]);
    expect([...parseDurations('1,,2,')]).toEqual([1, 2]);
    expect([...parseDurations(String(Number.MAX_SAFE_INTEGER))]).toEqual([Number.MAX_SAFE_INTEGER]);
  });

  it('ranks like a sort: nearest rank ⌈0.5·n⌉ and ⌈0.9·n⌉, over chunks', () => {
    expect(durationStatsOf([])).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(durationStatsOf([Float64Array.of(5)])).toEqual({ count: 1, medianMs: 5, p90Ms: 5 });
    // 10 values 10..100: median rank 5 = 50, p90 rank 9 = 90.
    expect(durationStatsOf([Float64Array.of(100, 20, 30), Float64Array.of(10, 90, 80, 70, 60, 50, 40)])).toEqual({ count: 10, medianMs: 50, p90Ms: 90 });
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 300; run++) {
      const n = 1 + Math.floor(rnd() * 200);
      const distinct = run % 3 === 0 ? 3 : 1_000_000; // many duplicates every third run
      const values = Array.from({ length: n }, () => Math.floor(rnd() * distinct));
      if (run % 5 === 0) values.sort((a, b) => a - b); // already sorted
      const cut = Math.floor(rnd() * n);
      expect(durationStatsOf([Float64Array.from(values.slice(0, cut)), Float64Array.from(values.slice(cut))]), `run ${run}`).toEqual(bySort(values));
    }
  });
});
