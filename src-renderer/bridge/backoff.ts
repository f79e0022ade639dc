/** Exponential backoff with "equal jitter": half fixed, half random, so many clients never reconnect in lockstep. */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 500, maxMs = 10_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
