// Routing simulation: a deterministic discrete-event model of a contact centre, run through the real strategies
// (src-shared/routing pickAgent) for each strategy. Poisson arrivals across channels, exponential service times per
// channel, customer patience (abandonment while queued), 20–200 agents with skills and per-channel capacities,
// returning customers (what `sticky` is for). Reports median and p95 wait, abandonment, and load fairness (Gini of
// conversations handled per agent). `benchRouting()` is what bench/run.ts calls; `tsx bench/routing-sim.ts` prints it.
import { pathToFileURL } from 'node:url';
import { pickAgent, strategies, type Candidate, type Strategy } from '../src-shared/routing';
import type { ChannelType } from '../src-shared/domain';
import { seededRandom } from '../src-shared/seeded-random';

interface ChannelModel {
  type: ChannelType;
  share: number;
  serviceMin: number;
  patienceMin: number;
  capacity: number;
}
export const CHANNELS: ChannelModel[] = [
  { type: 'webchat', share: 0.5, serviceMin: 6, patienceMin: 3, capacity: 3 },
  { type: 'whatsapp', share: 0.3, serviceMin: 12, patienceMin: 20, capacity: 2 },
  { type: 'email', share: 0.2, serviceMin: 30, patienceMin: 24 * 60, capacity: 6 },
];
const SKILLS = ['billing', 'tech', 'spanish'];

const exp = (r: () => number, mean: number) => -Math.log(1 - r()) * mean;

class Heap<T> {
  private a: { k: number; s: number; v: T }[] = [];
  private seq = 0;
  push(k: number, v: T) {
    const a = this.a;
    a.push({ k, s: this.seq++, v });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.k < a[i]!.k || (a[p]!.k === a[i]!.k && a[p]!.s < a[i]!.s)) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): { k: number; v: T } | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const less = (x: number, y: number) => a[x]!.k < a[y]!.k || (a[x]!.k === a[y]!.k && a[x]!.s < a[y]!.s);
        if (l < a.length && less(l, m)) m = l;
        if (r < a.length && less(r, m)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export function gini(xs: readonly number[]): number {
  const n = xs.length;
  const sum = xs.reduce((s, x) => s + x, 0);
  if (n === 0 || sum === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  let acc = 0;
  sorted.forEach((x, i) => (acc += (2 * (i + 1) - n - 1) * x));
  return acc / (n * sum);
}

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export interface SimResult {
  strategy: Strategy;
  agents: number;
  load: number;
  arrivals: number;
  served: number;
  medianWaitS: number;
  p95WaitS: number;
  abandonedPct: number;
  gini: number;
  stickyHitPct: number;
}

/** One run: `agents` agents, offered load `load` (1 = the agents' combined service capacity), `hours` simulated. */
export function simulate(strategy: Strategy, agents: number, opts: { seed?: number; load?: number; hours?: number } = {}): SimResult {
  const r = seededRandom(opts.seed ?? 42);
  const load = opts.load ?? 0.95;
  const horizon = (opts.hours ?? 4) * 60;
  // Agents: skills (each with probability 0.4, at least one), capacities around the channel defaults.
  const pool = Array.from({ length: agents }, (_, i) => {
    const skills = SKILLS.filter(() => r() < 0.4);
    if (skills.length === 0) skills.push(SKILLS[i % SKILLS.length]!);
    return { id: `a${String(i).padStart(3, '0')}`, skills, cap: Object.fromEntries(CHANNELS.map((c) => [c.type, Math.max(1, c.capacity + (r() < 0.2 ? 1 : 0) - (r() < 0.2 ? 1 : 0))])) as Record<string, number>, load: Object.fromEntries(CHANNELS.map((c) => [c.type, 0])) as Record<string, number>, handled: 0 };
  });
  // Offered load: arrivals per minute such that the expected busy slots are `load` × all capacity.
  // Per channel, the arrival rate the agents' slots of that type can serve is slots / (share × service time);
  // the tightest channel binds.
  const rate = load * Math.min(...CHANNELS.map((c) => pool.reduce((s, a) => s + (a.cap[c.type] ?? 0), 0) / (c.share * c.serviceMin)));

  type Conv = { id: number; ch: ChannelModel; at: number; skills: string[]; customer: number; serviceMin: number; patienceMin: number; agent: string | null; done: boolean };
  type Ev = { kind: 'arrive' } | { kind: 'finish'; conv: Conv } | { kind: 'abandon'; conv: Conv };
  const events = new Heap<Ev>();
  const queue: Conv[] = [];
  const lastHelper = new Map<number, { agentId: string; at: number }>();
  const waits: number[] = [];
  let arrivals = 0;
  let abandoned = 0;
  let stickyHits = 0;
  let stickyTries = 0;
  let customers = 0;
  const byId = new Map(pool.map((a) => [a.id, a]));
  let last: string | null = null;

  const tryAssign = (c: Conv, now: number): boolean => {
    const candidates: Candidate[] = pool.map((a) => ({ id: a.id, status: 'online', skills: a.skills, capacity: a.cap[c.ch.type]!, load: a.load[c.ch.type]! }));
    const sticky = lastHelper.get(c.customer) ?? null;
    const pick = pickAgent({ strategy, candidates, requiredSkills: c.skills, seed: String(c.id), lastAssignedId: last, sticky, stickyWindowMs: 7 * 24 * 3600_000, now: now * 60_000 });
    if (!pick.agentId) return false;
    const a = byId.get(pick.agentId)!;
    a.load[c.ch.type]!++;
    a.handled++;
    last = a.id;
    c.agent = a.id;
    if (sticky) {
      stickyTries++;
      if (sticky.agentId === a.id) stickyHits++;
    }
    lastHelper.set(c.customer, { agentId: a.id, at: now * 60_000 });
    waits.push((now - c.at) * 60);
    events.push(now + c.serviceMin, { kind: 'finish', conv: c });
    return true;
  };

  events.push(exp(r, 1 / rate), { kind: 'arrive' });
  let nextId = 0;
  for (;;) {
    const e = events.pop();
    if (!e || e.k > horizon) break;
    const now = e.k;
    const ev = e.v;
    if (ev.kind === 'arrive') {
      events.push(now + exp(r, 1 / rate), { kind: 'arrive' });
      arrivals++;
      const x = r();
      let acc = 0;
      const ch = CHANNELS.find((c) => (acc += c.share) >= x) ?? CHANNELS[0]!;
      const customer = customers > 0 && r() < 0.3 ? Math.floor(r() * customers) : customers++;
      // Everything random about a conversation is drawn on arrival, so every strategy sees the same trace.
      const skills = r() < 0.5 ? [SKILLS[Math.floor(r() * SKILLS.length)]!] : [];
      const conv: Conv = { id: nextId++, ch, at: now, skills, customer, serviceMin: exp(r, ch.serviceMin), patienceMin: exp(r, ch.patienceMin), agent: null, done: false };
      if (!tryAssign(conv, now)) {
        queue.push(conv);
        events.push(now + conv.patienceMin, { kind: 'abandon', conv });
      }
    } else if (ev.kind === 'abandon') {
      if (ev.conv.agent === null && !ev.conv.done) {
        ev.conv.done = true;
        abandoned++;
        const i = queue.indexOf(ev.conv);
        if (i >= 0) queue.splice(i, 1);
      }
    } else {
      const a = byId.get(ev.conv.agent!)!;
      a.load[ev.conv.ch.type]!--;
      ev.conv.done = true;
      // Capacity freed for this channel type: the oldest waiting conversation that someone can take now.
      for (let i = 0; i < queue.length; i++) {
        const q = queue[i]!;
        if (q.ch.type !== ev.conv.ch.type) continue;
        if (tryAssign(q, now)) {
          queue.splice(i, 1);
          break;
        }
      }
    }
  }
  return {
    strategy,
    agents,
    load,
    arrivals,
    served: waits.length,
    medianWaitS: Math.round(quantile(waits, 0.5)),
    p95WaitS: Math.round(quantile(waits, 0.95)),
    abandonedPct: Math.round((abandoned / Math.max(1, arrivals)) * 1000) / 10,
    gini: Math.round(gini(pool.map((a) => a.handled)) * 1000) / 1000,
    stickyHitPct: stickyTries ? Math.round((stickyHits / stickyTries) * 1000) / 10 : 0,
  };
}

export interface RoutingBenchRow {
  bench: string;
  what: string;
  figure: number | null;
  unit: string;
  baseline: number | null;
  baselineWhat: string;
  target: string;
  met: boolean | null;
  detail?: unknown;
}

/** For bench/run.ts: one row per agent count and strategy (figure = p95 wait), the full table in `detail`. */
export function benchRouting(opts: { quick?: boolean; seed?: number } = {}): { rows: RoutingBenchRow[]; table: SimResult[] } {
  const sizes = opts.quick ? [20] : [20, 50, 200];
  const table: SimResult[] = [];
  // 0.95: a busy day; 1.05: a surge above what the agents can serve.
  for (const load of [0.95, 1.05]) for (const n of sizes) for (const s of strategies) table.push(simulate(s, n, { seed: opts.seed ?? 42, load, hours: opts.quick ? 1 : 4 }));
  const rows = table.map((t) => {
    const rr = table.find((x) => x.agents === t.agents && x.load === t.load && x.strategy === 'round_robin')!;
    return {
      bench: 'routing-sim',
      what: `${t.strategy}, ${t.agents} agents, load ${t.load}: p95 wait (median ${t.medianWaitS} s, abandoned ${t.abandonedPct} %, Gini ${t.gini})`,
      figure: t.p95WaitS,
      unit: 's',
      baseline: rr.p95WaitS,
      baselineWhat: 'round robin p95 wait',
      target: 'report only',
      met: null,
      detail: t,
    };
  });
  return { rows, table };
}

export function formatTable(table: SimResult[]): string {
  const head = '| load | agents | strategy | arrivals | median wait (s) | p95 wait (s) | abandoned % | Gini | sticky hits % |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|';
  return [head, ...table.map((t) => `| ${t.load} | ${t.agents} | ${t.strategy} | ${t.arrivals} | ${t.medianWaitS} | ${t.p95WaitS} | ${t.abandonedPct} | ${t.gini} | ${t.stickyHitPct} |`)].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  const { table } = benchRouting({ quick: process.argv.includes('--quick') });
  console.log(formatTable(table));
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
