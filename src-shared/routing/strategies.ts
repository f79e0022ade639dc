// Assignment strategies for one pool (team). Pure and deterministic: the same input always picks the same agent;
// ties are broken by a seeded hash (the conversation id on the server, a run seed in the simulation), never by
// storage order. Every strategy only picks an agent who is online, has spare capacity for the channel type and
// (when the conversation needs skills) covers them; the result lists why every other agent was skipped.
import { z } from 'zod';

export const strategies = ['round_robin', 'least_loaded', 'skills', 'sticky'] as const;
export const Strategy = z.enum(strategies);
export type Strategy = z.infer<typeof Strategy>;

export const presenceStatuses = ['online', 'away', 'offline'] as const;
export const PresenceStatus = z.enum(presenceStatuses);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export interface Candidate {
  id: string;
  status: PresenceStatus;
  skills: readonly string[];
  /** Max open conversations of this channel type. */
  capacity: number;
  /** Open conversations of this channel type assigned now. */
  load: number;
}

export interface PickInput {
  strategy: Strategy;
  candidates: readonly Candidate[];
  requiredSkills: readonly string[];
  /** Tie-break seed (e.g. the conversation id). */
  seed: string;
  /** round_robin: the agent who got the pool's previous conversation. */
  lastAssignedId?: string | null;
  /** sticky: the agent who last helped this customer, and when (epoch ms). */
  sticky?: { agentId: string; at: number } | null;
  stickyWindowMs?: number;
  now?: number;
}

export type SkipReason = 'offline' | 'away' | 'full' | 'skills' | 'not_chosen';
export interface Pick {
  agentId: string | null;
  /** Why this agent: e.g. "most spare capacity (3)". */
  why: string;
  skipped: { agentId: string; reason: SkipReason }[];
}

/** FNV-1a 32-bit: the seeded tie-break. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const tie = (seed: string, id: string) => hash32(`${seed}|${id}`);
const byId = (a: Candidate, b: Candidate) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Why an agent cannot take the conversation, or null. */
export function ineligibility(c: Candidate, requiredSkills: readonly string[]): SkipReason | null {
  if (c.status === 'offline') return 'offline';
  if (c.status === 'away') return 'away';
  if (c.load >= c.capacity) return 'full';
  if (requiredSkills.length > 0) {
    const have = new Set(c.skills.map((s) => s.toLowerCase()));
    if (!requiredSkills.every((s) => have.has(s.toLowerCase()))) return 'skills';
  }
  return null;
}

function leastLoaded(eligible: Candidate[], seed: string): Candidate {
  return [...eligible].sort((a, b) => b.capacity - b.load - (a.capacity - a.load) || a.load - b.load || tie(seed, a.id) - tie(seed, b.id) || byId(a, b))[0]!;
}

export function pickAgent(input: PickInput): Pick {
  const skipped: Pick['skipped'] = [];
  const eligible: Candidate[] = [];
  const seen = new Set<string>();
  for (const c of [...input.candidates].sort(byId)) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const reason = ineligibility(c, input.requiredSkills);
    if (reason) skipped.push({ agentId: c.id, reason });
    else eligible.push(c);
  }
  if (eligible.length === 0) return { agentId: null, why: 'no agent is online with spare capacity' + (input.requiredSkills.length ? ' and the required skills' : ''), skipped };

  let chosen: Candidate;
  let why: string;
  switch (input.strategy) {
    case 'round_robin': {
      // The next eligible agent after the previous one, in id order (cyclic).
      const after = input.lastAssignedId ?? null;
      chosen = (after !== null ? eligible.find((c) => c.id > after) : undefined) ?? eligible[0]!;
      why = after ? 'next in round robin' : 'first in round robin';
      break;
    }
    case 'least_loaded':
      chosen = leastLoaded(eligible, input.seed);
      why = `most spare capacity (${chosen.capacity - chosen.load})`;
      break;
    case 'skills': {
      // Covers the required skills (filtered above); the closest fit (fewest extra skills) keeps generalists free.
      const extra = (c: Candidate) => c.skills.length - input.requiredSkills.length;
      const best = Math.min(...eligible.map(extra));
      chosen = leastLoaded(eligible.filter((c) => extra(c) === best), input.seed);
      why = input.requiredSkills.length ? `covers ${input.requiredSkills.join(', ')} with the closest fit` : 'no skills required: most spare capacity';
      break;
    }
    case 'sticky': {
      const s = input.sticky;
      const windowMs = input.stickyWindowMs ?? 0;
      const fresh = s && (input.now === undefined || input.now - s.at <= windowMs);
      const prior = fresh ? eligible.find((c) => c.id === s.agentId) : undefined;
      if (prior) {
        chosen = prior;
        why = 'helped this customer last';
      } else {
        chosen = leastLoaded(eligible, input.seed);
        why = s ? (fresh ? 'previous agent cannot take it: most spare capacity' : 'previous agent outside the sticky window: most spare capacity') : 'no previous agent: most spare capacity';
      }
      break;
    }
  }
  for (const c of eligible) if (c.id !== chosen.id) skipped.push({ agentId: c.id, reason: 'not_chosen' });
  return { agentId: chosen.id, why, skipped };
}
