// The pure routing pieces: rule evaluation (ordered, first match wins, traces), the four strategies (never over
// capacity, never an offline/away agent, deterministic, seeded tie-break), the EN+ID sentiment lexicon, escalation triggers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  containsKeyword,
  evaluateRules,
  firedTriggers,
  lexiconScorer,
  pickAgent,
  strategies,
  type Candidate,
  type EscalationRule,
  type RoutingFacts,
  type RoutingRule,
} from '../../src-shared/routing';
import { channelTypes, priorities } from '../../src-shared/domain';
import type { BusinessCalendar } from '../../src-shared/sla';

const facts = (over: Partial<RoutingFacts> = {}): RoutingFacts => ({
  channelType: 'webchat',
  channelId: 'ch1',
  labels: [],
  firstMessage: 'Hello, I need a refund please',
  language: 'en',
  customerTier: null,
  priority: 'normal',
  at: Date.parse('2026-05-04T03:00:00Z'), // Monday 10:00 in Jakarta
  ...over,
});
const rule = (id: string, position: number, conditions: RoutingRule['conditions'], over: Partial<RoutingRule> = {}): RoutingRule => ({
  id,
  name: `rule ${id}`,
  position,
  enabled: true,
  conditions,
  teamId: `team-${id}`,
  requiredSkills: [],
  ...over,
});
const jakarta: BusinessCalendar = { timeZone: 'Asia/Jakarta', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] };

describe('rule evaluator', () => {
  it('first enabled match in position order wins; the trace names the failed condition of each earlier rule', () => {
    const rules = [
      rule('c', 3, {}),
      rule('a', 1, { channelTypes: ['whatsapp'] }),
      rule('b', 2, { keywordsAny: ['refund'], customerTiers: ['vip'] }),
      rule('d', 0, { languages: ['en'] }, { enabled: false }),
    ];
    const d = evaluateRules(rules, facts());
    expect(d.rule?.id).toBe('c');
    expect(d.trace).toEqual([
      { ruleId: 'd', name: 'rule d', matched: false, failed: 'disabled' },
      { ruleId: 'a', name: 'rule a', matched: false, failed: 'channelTypes' },
      { ruleId: 'b', name: 'rule b', matched: false, failed: 'customerTiers' },
      { ruleId: 'c', name: 'rule c', matched: true },
    ]);
    expect(evaluateRules(rules, facts({ customerTier: 'VIP' })).rule?.id).toBe('b');
  });

  it('conditions: labels, keywords as whole words, language subtags, priority, business hours', () => {
    expect(evaluateRules([rule('l', 0, { labelsAny: ['Billing'] })], facts({ labels: ['billing'] })).rule?.id).toBe('l');
    expect(containsKeyword('I want a REFUND!', 'refund')).toBe(true);
    expect(containsKeyword('refunds are slow', 'refund')).toBe(false);
    expect(containsKeyword('mau batal pesanan', 'batal pesanan')).toBe(true);
    expect(evaluateRules([rule('x', 0, { languages: ['id'] })], facts({ language: 'id-ID' })).rule?.id).toBe('x');
    expect(evaluateRules([rule('x', 0, { languages: ['id'] })], facts({ language: null })).rule).toBeNull();
    expect(evaluateRules([rule('p', 0, { priorities: ['urgent'] })], facts()).trace[0]!.failed).toBe('priorities');
    const cals = new Map([['jkt', jakarta]]);
    const open = rule('o', 0, { businessHours: { calendarId: 'jkt', when: 'open' } });
    const closed = rule('c', 1, { businessHours: { calendarId: 'jkt', when: 'closed' } });
    expect(evaluateRules([open, closed], facts(), cals).rule?.id).toBe('o');
    expect(evaluateRules([open, closed], facts({ at: Date.parse('2026-05-04T12:00:00Z') }), cals).rule?.id).toBe('c'); // 19:00 Jakarta
    expect(evaluateRules([open], facts(), new Map()).trace[0]!.failed).toBe('unknown_calendar');
  });

  const arbConditions = fc.record(
    {
      channelTypes: fc.subarray([...channelTypes], { minLength: 1 }),
      priorities: fc.subarray([...priorities], { minLength: 1 }),
      keywordsAny: fc.array(fc.constantFrom('refund', 'help', 'urgent', 'batal'), { minLength: 1, maxLength: 2 }),
      customerTiers: fc.constant<string[]>(['vip']),
    },
    { requiredKeys: [] },
  );
  const arbFacts = fc.record({
    channelType: fc.constantFrom(...channelTypes),
    priority: fc.constantFrom(...priorities),
    firstMessage: fc.constantFrom('refund now', 'help me', 'urgent!!', 'mau batal', 'hi'),
    customerTier: fc.constantFrom(null, 'vip'),
  });

  it('property: the chosen rule is the first enabled rule (by position) that matches on its own; every earlier one fails alone', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbConditions, fc.boolean(), fc.integer({ min: 0, max: 50 })), { maxLength: 8 }), arbFacts, (specs, f) => {
        const rules = specs.map(([c, enabled, pos], i) => rule(`r${i}`, pos, c, { enabled }));
        const ff = facts(f);
        const d = evaluateRules(rules, ff);
        const alone = (r: RoutingRule) => evaluateRules([r], ff).rule !== null;
        const ordered = [...rules].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
        const expected = ordered.find(alone) ?? null;
        expect(d.rule?.id ?? null).toBe(expected?.id ?? null);
        // deterministic regardless of input order
        expect(evaluateRules([...rules].reverse(), ff).rule?.id ?? null).toBe(d.rule?.id ?? null);
        // nothing after the winner is evaluated
        expect(d.trace.length).toBe(expected ? ordered.indexOf(expected) + 1 : ordered.length);
      }),
      { numRuns: 300 },
    );
  });
});

const arbCandidate = fc.record({
  id: fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5', 'a6'),
  status: fc.constantFrom('online', 'away', 'offline') as fc.Arbitrary<Candidate['status']>,
  skills: fc.subarray(['billing', 'spanish', 'tech', 'vip']),
  capacity: fc.integer({ min: 0, max: 5 }),
  load: fc.integer({ min: 0, max: 6 }),
});
const arbPick = fc.record({
  strategy: fc.constantFrom(...strategies),
  candidates: fc.uniqueArray(arbCandidate, { maxLength: 6, selector: (c) => c.id }),
  requiredSkills: fc.subarray(['billing', 'spanish', 'tech']),
  seed: fc.string({ maxLength: 12 }),
  lastAssignedId: fc.option(fc.constantFrom('a1', 'a3', 'a6'), { nil: null }),
  sticky: fc.option(fc.record({ agentId: fc.constantFrom('a1', 'a2'), at: fc.integer({ min: 0, max: 1000 }) }), { nil: null }),
  stickyWindowMs: fc.integer({ min: 0, max: 1000 }),
  now: fc.integer({ min: 0, max: 2000 }),
});

describe('strategies', () => {
  it('property: never over capacity, never offline/away, covers required skills, deterministic, explains every other agent', () => {
    fc.assert(
      fc.property(arbPick, (input) => {
        const p = pickAgent(input);
        const byId = new Map<string, Candidate>();
        for (const c of [...input.candidates].sort((a, b) => (a.id < b.id ? -1 : 1))) if (!byId.has(c.id)) byId.set(c.id, c);
        if (p.agentId !== null) {
          const c = byId.get(p.agentId)!;
          expect(c.status).toBe('online');
          expect(c.load).toBeLessThan(c.capacity);
          for (const s of input.requiredSkills) expect(c.skills).toContain(s);
        } else {
          // nobody picked → nobody eligible
          for (const s of p.skipped) expect(s.reason).not.toBe('not_chosen');
        }
        expect(p.skipped.length + (p.agentId ? 1 : 0)).toBe(byId.size);
        expect(pickAgent({ ...input, candidates: [...input.candidates].reverse() })).toEqual(p);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: repeated assignment by any strategy fills agents exactly to capacity, never beyond', () => {
    fc.assert(
      fc.property(fc.constantFrom(...strategies), fc.array(arbCandidate, { maxLength: 6 }), fc.integer({ min: 0, max: 40 }), (strategy, cands, n) => {
        const pool = new Map<string, Candidate>();
        for (const c of cands) if (!pool.has(c.id)) pool.set(c.id, { ...c, skills: [...c.skills] });
        let last: string | null = null;
        for (let i = 0; i < n; i++) {
          const p = pickAgent({ strategy, candidates: [...pool.values()], requiredSkills: [], seed: `c${i}`, lastAssignedId: last });
          if (!p.agentId) break;
          const c = pool.get(p.agentId)!;
          c.load++;
          last = p.agentId;
        }
        for (const [id, c] of pool) {
          const orig = cands.find((x) => x.id === id)!;
          expect(c.load === orig.load || c.load <= c.capacity).toBe(true);
        }
      }),
    );
  });

  const team: Candidate[] = [
    { id: 'ana', status: 'online', skills: ['billing'], capacity: 4, load: 1 },
    { id: 'budi', status: 'online', skills: ['billing', 'tech', 'spanish'], capacity: 4, load: 0 },
    { id: 'citra', status: 'away', skills: ['tech'], capacity: 4, load: 0 },
    { id: 'dewi', status: 'online', skills: ['tech'], capacity: 2, load: 2 },
  ];
  it('round robin cycles through eligible agents in id order', () => {
    const seq: string[] = [];
    let last: string | null = null;
    for (let i = 0; i < 4; i++) {
      last = pickAgent({ strategy: 'round_robin', candidates: team, requiredSkills: [], seed: 's', lastAssignedId: last }).agentId;
      seq.push(last!);
    }
    expect(seq).toEqual(['ana', 'budi', 'ana', 'budi']);
  });
  it('least loaded takes the most spare capacity; skills takes the closest fit; sticky keeps the previous agent within the window', () => {
    const ll = pickAgent({ strategy: 'least_loaded', candidates: team, requiredSkills: [], seed: 's' });
    expect(ll.agentId).toBe('budi');
    expect(ll.skipped).toEqual(expect.arrayContaining([{ agentId: 'citra', reason: 'away' }, { agentId: 'dewi', reason: 'full' }, { agentId: 'ana', reason: 'not_chosen' }]));
    expect(pickAgent({ strategy: 'skills', candidates: team, requiredSkills: ['billing'], seed: 's' }).agentId).toBe('ana');
    expect(pickAgent({ strategy: 'skills', candidates: team, requiredSkills: ['tech'], seed: 's' }).agentId).toBe('budi');
    const sticky = { agentId: 'ana', at: 1000 };
    expect(pickAgent({ strategy: 'sticky', candidates: team, requiredSkills: [], seed: 's', sticky, stickyWindowMs: 500, now: 1400 }).agentId).toBe('ana');
    expect(pickAgent({ strategy: 'sticky', candidates: team, requiredSkills: [], seed: 's', sticky, stickyWindowMs: 500, now: 1600 }).agentId).toBe('budi');
  });
  it('equal candidates: the seed breaks the tie, the same seed always the same way, and different seeds spread', () => {
    const equal: Candidate[] = ['p', 'q', 'r', 's'].map((id) => ({ id, status: 'online', skills: [], capacity: 3, load: 0 }));
    const picks = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const a = pickAgent({ strategy: 'least_loaded', candidates: equal, requiredSkills: [], seed: `conv-${i}` }).agentId!;
      expect(pickAgent({ strategy: 'least_loaded', candidates: equal, requiredSkills: [], seed: `conv-${i}` }).agentId).toBe(a);
      picks.add(a);
    }
    expect(picks.size).toBe(4);
  });
});

describe('sentiment lexicon (EN + ID) and escalation triggers', () => {
  const s = lexiconScorer();
  it('scores negative, positive and negated text in both languages', () => {
    expect(s.score('This is terrible, I am so frustrated')).toBeLessThan(-0.5);
    expect(s.score('Saya sangat kecewa, pelayanan lambat dan buruk')).toBeLessThan(-0.5);
    expect(s.score('Thanks, that was great')).toBeGreaterThan(0.5);
    expect(s.score('terima kasih, mantap')).toBeGreaterThan(0.5);
    expect(s.score('not bad at all')).toBeGreaterThan(0);
    expect(s.score('tidak bagus')).toBeLessThan(0);
    expect(s.score('WORST service!!')).toBeLessThan(s.score('worst service'));
    expect(s.score('')).toBe(0);
    fc.assert(fc.property(fc.string(), (t) => Math.abs(s.score(t)) <= 1));
  });
  const esc = (over: Partial<EscalationRule>): EscalationRule => ({
    id: 'e',
    name: 'e',
    enabled: true,
    match: 'any',
    triggers: { sentimentAtMost: -0.5 },
    actions: { raisePriority: true, moveToTeamId: null, addLabel: null, notifySupervisors: false, reassign: false },
    ...over,
  });
  const f = { status: 'open' as const, sentiment: 0, customerMessages: 1, startedAt: 0, now: 60_000, customerTier: null, slaState: 'ok', lastCustomerMessage: 'hello' };
  it('any/all matching, every trigger kind, never on resolved conversations', () => {
    expect(firedTriggers(esc({}), { ...f, sentiment: -0.8 })).toEqual(['sentiment -0.80 ≤ -0.5']);
    expect(firedTriggers(esc({}), f)).toEqual([]);
    expect(firedTriggers(esc({}), { ...f, sentiment: -0.8, status: 'resolved' })).toEqual([]);
    const all = esc({ match: 'all', triggers: { vip: true, customerMessagesAtLeast: 3, keywordsAny: ['lawyer'] } });
    expect(firedTriggers(all, { ...f, customerTier: 'VIP', customerMessages: 3, lastCustomerMessage: 'my lawyer' })).toHaveLength(3);
    expect(firedTriggers(all, { ...f, customerTier: 'VIP', customerMessages: 2, lastCustomerMessage: 'my lawyer' })).toEqual([]);
    expect(firedTriggers(esc({ triggers: { unresolvedMinutes: 1 } }), f)).toEqual(['unresolved 1 min']);
    expect(firedTriggers(esc({ triggers: { slaAtRisk: true } }), { ...f, slaState: 'warning' })).toEqual(['SLA warning']);
  });
});
