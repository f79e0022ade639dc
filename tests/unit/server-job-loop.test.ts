// The shared job loop: kicks during a pass coalesce into one more pass, a pass that found work runs again,
// stop() waits for the pass in flight and nothing runs after it.
import { describe, expect, it } from 'vitest';
import { JobLoop } from '../../src-server/jobs/job-loop';

const log = { error: (obj: unknown, msg: string) => void [obj, msg] };
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('JobLoop', () => {
  it('coalesces kicks during a pass into one more pass', async () => {
    let passes = 0;
    let release!: () => void;
    const loop = new JobLoop(async () => {
      passes++;
      if (passes === 1) await new Promise<void>((r) => (release = r));
      return 0;
    }, { name: 't', pollMs: 60_000, log });
    loop.start(); // first pass, held open
    await tick();
    loop.kick();
    loop.kick();
    loop.kick();
    release();
    await tick();
    expect(passes).toBe(2);
    await loop.stop();
  });

  it('runs again at once while a pass finds work, then stops by itself', async () => {
    const backlog = [3, 2, 1, 0];
    let passes = 0;
    const loop = new JobLoop(async () => {
      passes++;
      return backlog.shift() ?? 0;
    }, { name: 't', pollMs: 60_000, log });
    loop.start();
    await tick();
    expect(passes).toBe(4);
    await loop.stop();
  });

  it('defers a kicked pass to a later turn when asked, and runs nothing after stop()', async () => {
    let passes = 0;
    const loop = new JobLoop(async () => {
      passes++;
      return 0;
    }, { name: 't', pollMs: 60_000, deferKick: true, log });
    loop.start();
    expect(passes).toBe(0); // not inside the caller's turn
    await tick();
    expect(passes).toBe(1);
    await loop.stop();
    loop.kick();
    await tick();
    expect(passes).toBe(1);
  });
});
