// Quality results (docs/quality.md): the reviews of conversations resolved in [from, to), per reviewed agent and
// per channel. Per group: conversations reviewed (distinct), reviews, Σ score / Σ max as a percentage, and per
// criterion (by id) the mean score, mean maximum and Σ score / Σ max. Every review counts (two reviewers of one
// conversation are two reviews of it). Criteria are listed in the order they were first scored.
import { percentOf, type Criterion, type CriterionResult, type QualityResults, type ResultRow } from '../../src-shared/quality';
import type { Q } from '../domain/entities';

const round2 = (n: number) => Math.round(n * 100) / 100;

interface Acc {
  conversations: Set<string>;
  reviews: number;
  score: number;
  maxScore: number;
  criteria: Map<string, { name: string; newest: string; n: number; sum: number; max: number }>;
}

export async function qualityResults(db: Q, from: string, to: string): Promise<QualityResults> {
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const rows = await db.selectFrom('quality_reviews').selectAll().where('resolved_at', '>=', fromIso).where('resolved_at', '<', toIso).orderBy('created_at').orderBy('id').execute();
  const byAgent = new Map<string | null, Acc>();
  const byChannel = new Map<string | null, Acc>();
  for (const r of rows) {
    const criteria = JSON.parse(r.criteria) as Criterion[];
    const scores = JSON.parse(r.scores) as Record<string, number>;
    for (const [groups, key] of [
      [byAgent, r.agent_id],
      [byChannel, r.channel_id],
    ] as const) {
      let acc = groups.get(key);
      if (!acc) groups.set(key, (acc = { conversations: new Set(), reviews: 0, score: 0, maxScore: 0, criteria: new Map() }));
      acc.conversations.add(r.conversation_id);
      acc.reviews++;
      acc.score += r.score;
      acc.maxScore += r.max_score;
      for (const c of criteria) {
        const cur = acc.criteria.get(c.id) ?? { name: c.name, newest: r.updated_at, n: 0, sum: 0, max: 0 };
        if (r.updated_at >= cur.newest) Object.assign(cur, { name: c.name, newest: r.updated_at });
        cur.n++;
        cur.sum += scores[c.id] ?? 0;
        cur.max += c.maxScore;
        acc.criteria.set(c.id, cur);
      }
    }
  }
  const agentIds = [...byAgent.keys()].filter((k): k is string => k !== null);
  const channelIds = [...byChannel.keys()].filter((k): k is string => k !== null);
  const agentNames = new Map((agentIds.length ? await db.selectFrom('agents').select(['id', 'name']).where('id', 'in', agentIds).execute() : []).map((a) => [a.id, a.name]));
  const channelNames = new Map((channelIds.length ? await db.selectFrom('channels').select(['id', 'name']).where('id', 'in', channelIds).execute() : []).map((c) => [c.id, c.name]));
  return {
    from: fromIso,
    to: toIso,
    byAgent: rowsOf(byAgent, (k) => (k === null ? 'Unassigned' : (agentNames.get(k) ?? k))),
    byChannel: rowsOf(byChannel, (k) => (k === null ? '' : (channelNames.get(k) ?? k))),
  };
}

function rowsOf(groups: Map<string | null, Acc>, label: (key: string | null) => string): ResultRow[] {
  const rows = [...groups].map(([key, acc]): ResultRow => {
    const criteria: CriterionResult[] = [...acc.criteria].map(([id, c]) => ({
      id,
      name: c.name,
      reviews: c.n,
      average: round2(c.sum / c.n),
      averageMax: round2(c.max / c.n),
      percent: percentOf(c.sum, c.max),
    }));
    return { key, label: label(key), conversations: acc.conversations.size, reviews: acc.reviews, score: acc.score, maxScore: acc.maxScore, percent: percentOf(acc.score, acc.maxScore), criteria };
  });
  return rows.sort((a, b) => a.label.localeCompare(b.label) || (a.key ?? '').localeCompare(b.key ?? ''));
}
