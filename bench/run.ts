// `npm run bench [-- --quick]`: prints a table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchLoop } from './loop';
import { round } from './stats';

const quick = process.argv.includes('--quick');

async function main(): Promise<void> {
  const loop = await benchLoop({ messages: quick ? 20 : 200, paints: quick ? 2 : 5 });
  const rows = [
    { what: 'customer web chat message → agent local cache', ...loop.customerToCacheMs },
    { what: 'baseline: bare WebSocket round trip (loopback)', ...loop.bareSocketRoundTripMs },
    { what: 'browser host start → first painted inbox (warm cache)', ...loop.hostStartToInboxPaintMs },
  ].map((r) => ({ what: r.what, n: r.n, median_ms: round(r.median), p95_ms: round(r.p95), p99_ms: round(r.p99), max_ms: round(r.max) }));
  console.table(rows);
  const ratio = round(loop.customerToCacheMs.median / loop.bareSocketRoundTripMs.median, 1);
  console.log(`customer→cache median is ${ratio}× a bare loopback WebSocket round trip`);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version };
  writeFileSync(join(import.meta.dirname, 'results.json'), JSON.stringify({ measuredAt: new Date().toISOString(), quick, machine, rows, ratioCustomerToCacheVsBareSocket: ratio }, null, 2) + '\n');
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
