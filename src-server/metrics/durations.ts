// Durations of a report group: comma lists from SQL (group_concat) parsed straight into Float64Arrays, kept as
// chunks (merging groups into the total copies nothing), and ranked by selection instead of a full sort: a report
// over 200k conversations ranks about a million durations (first, next, resolution), so O(n) matters.
import type { DurationStats } from '../../src-shared/metrics';

export type Durations = Float64Array[];

/** A comma list of non-negative integers ('12,0,345') → values. Anything else in it is skipped. */
export function parseDurations(s: string | null | undefined): Float64Array {
  if (!s) return new Float64Array(0);
  let n = 1;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 44) n++;
  const out = new Float64Array(n);
  let k = 0;
  let v = 0;
  let digits = false;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits = true;
    } else if (c === 44) {
      if (digits) out[k++] = v;
      v = 0;
      digits = false;
    }
  }
  return k === n ? out : out.subarray(0, k);
}

/** The k-th smallest (0-based) of a[lo..hi], reordering a (Hoare partition, median of three). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot.
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Nearest-rank median and p90 (the value at rank ⌈p·n⌉ of the ascending values) of every chunk together. */
export function durationStatsOf(chunks: Durations): DurationStats {
  let n = 0;
  for (const c of chunks) n += c.length;
  if (n === 0) return { count: 0, medianMs: null, p90Ms: null };
  const all = new Float64Array(n);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const rank = (p: number) => Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
  // p90 first: selecting it leaves everything below in the left part, where the median is selected next.
  const p90Ms = select(all, rank(0.9));
  const medianMs = select(all.subarray(0, rank(0.9) + 1), rank(0.5));
  return { count: n, medianMs, p90Ms };
}
