// Automatic away (docs/routing.md §Presence): the shell reads the OS idle time through an injected port
// (Electron's powerMonitor.getSystemIdleTime in main.ts; a fake in tests) and reports it to the core, which decides.
export interface IdlePort {
  /** Seconds since the last keyboard or mouse input anywhere on the system. */
  getSystemIdleTime(): number;
}

/** Reports the idle time every `intervalMs` (and once now); returns the stop function. */
export function startIdleReporter(port: IdlePort, report: (seconds: number) => Promise<unknown>, intervalMs = 15_000): () => void {
  const tick = () => {
    let seconds: number;
    try {
      seconds = port.getSystemIdleTime();
    } catch {
      return;
    }
    void report(seconds).catch(() => undefined);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
