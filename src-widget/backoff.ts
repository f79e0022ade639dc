/** Reconnect delay for attempt n: exponential, capped at 10 s (a customer waiting on a reply should not wait long after the server is back), with "equal jitter" so visitors never reconnect in lockstep. */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 1_000, maxMs = 10_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
