// Reviews (docs/quality.md): a supervisor or admin scores a conversation against the rubric, with a comment.
// One review per (conversation, reviewer), editable by its reviewer. The reviewed agent is the conversation's
// assignee when the review is first written; agents read the reviews of their own conversations, nobody else's.
import { percentOf, type Criterion, type Review, type ReviewsQuery } from '../../src-shared/quality';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { Q } from '../domain/entities';
import { conflict, forbidden, invalid, notFound } from '../domain/errors';
import { seesAllChannels, type Actor } from '../domain/visibility';
import type { QualityReviewsTable } from '../store/schema';
import { getRubric } from './rubric';
import { sampledResolution } from './sample';

/** Every criterion scored once, an integer 0…maxScore; nothing else. Messages name the criterion. */
export function checkScores(criteria: Criterion[], scores: Record<string, number>): { score: number; maxScore: number } {
  const known = new Set(criteria.map((c) => c.id));
  const unknown = Object.keys(scores).find((k) => !known.has(k));
  if (unknown !== undefined) throw invalid(`scores: "${unknown}" is not a criterion of this rubric`);
  let score = 0;
  let maxScore = 0;
  for (const c of criteria) {
    const s = scores[c.id];
    if (s === undefined) throw invalid(`scores: "${c.name}" has no score`);
    if (!Number.isInteger(s) || s < 0 || s > c.maxScore) throw invalid(`scores.${c.id}: "${c.name}" takes a whole number from 0 to ${c.maxScore}`);
    score += s;
    maxScore += c.maxScore;
  }
  return { score, maxScore };
}

export async function saveReview(db: Q, actor: Actor, conversationId: string, input: { scores: Record<string, number>; comment: string }, now: string = nowIso()) {
  const conv = await db.selectFrom('conversations').select(['id', 'status', 'assignee_id', 'channel_id']).where('id', '=', conversationId).executeTakeFirst();
  if (!conv) throw notFound('conversation');
  const existing = await db.selectFrom('quality_reviews').selectAll().where('conversation_id', '=', conversationId).where('reviewer_id', '=', actor.id).executeTakeFirst();
  const stats = await db.selectFrom('conversation_stats').select('resolved_at').where('conversation_id', '=', conversationId).executeTakeFirst();
  const sampledAt = await sampledResolution(db, conversationId);
  if (!existing && conv.status !== 'resolved' && sampledAt === null) throw conflict('only resolved (or sampled) conversations can be reviewed');
  // Editing keeps the criteria the review was first scored against; a new review uses the current rubric.
  const criteria = existing ? (JSON.parse(existing.criteria) as Criterion[]) : (await getRubric(db)).criteria;
  const { score, maxScore } = checkScores(criteria, input.scores);
  const comment = input.comment.trim();
  const scores = JSON.stringify(Object.fromEntries(criteria.map((c) => [c.id, input.scores[c.id]])));
  if (existing) {
    await db.updateTable('quality_reviews').set({ scores, score, max_score: maxScore, comment, updated_at: now }).where('id', '=', existing.id).execute();
    return { id: existing.id, created: false };
  }
  const id = uuidv7();
  await db
    .insertInto('quality_reviews')
    .values({
      id,
      conversation_id: conversationId,
      reviewer_id: actor.id,
      agent_id: conv.assignee_id,
      channel_id: conv.channel_id,
      criteria: JSON.stringify(criteria),
      scores,
      score,
      max_score: maxScore,
      comment,
      resolved_at: stats?.resolved_at ?? sampledAt,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['conversation_id', 'reviewer_id']).doNothing())
    .execute();
  const stored = await db.selectFrom('quality_reviews').select('id').where('conversation_id', '=', conversationId).where('reviewer_id', '=', actor.id).executeTakeFirstOrThrow();
  return { id: stored.id, created: stored.id === id };
}

/**
 * Reviews by conversation or by reviewed agent (`me` = the caller), newest first. Agents only ever get reviews of
 * their own conversations: asking for another agent's is 403; by conversation they get theirs (possibly none).
 */
export async function listReviews(db: Q, actor: Actor, query: ReviewsQuery): Promise<Review[]> {
  const all = seesAllChannels(actor.role);
  let sel = db.selectFrom('quality_reviews').selectAll();
  if (query.agent !== undefined) {
    const agentId = query.agent === 'me' ? actor.id : query.agent;
    if (!all && agentId !== actor.id) throw forbidden("agents can only read the reviews of their own conversations");
    if (agentId !== actor.id && !(await db.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst())) throw notFound('agent');
    sel = sel.where('agent_id', '=', agentId);
  } else {
    const conv = await db.selectFrom('conversations').select('id').where('id', '=', query.conversationId!).executeTakeFirst();
    // An agent learns nothing about conversations that are not theirs, existence included.
    if (!conv) {
      if (all) throw notFound('conversation');
      return [];
    }
    sel = sel.where('conversation_id', '=', conv.id);
    if (!all) sel = sel.where('agent_id', '=', actor.id);
  }
  const rows = await sel.orderBy('updated_at', 'desc').orderBy('id').limit(500).execute();
  return reviewViews(db, rows);
}

export async function getReview(db: Q, id: string): Promise<Review> {
  const row = await db.selectFrom('quality_reviews').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('review');
  return (await reviewViews(db, [row]))[0]!;
}

async function namesOf(db: Q, table: 'agents' | 'channels', ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function reviewViews(db: Q, rows: QualityReviewsTable[]): Promise<Review[]> {
  if (rows.length === 0) return [];
  const agents = await namesOf(db, 'agents', rows.flatMap((r) => [r.reviewer_id, ...(r.agent_id ? [r.agent_id] : [])]));
  const channels = await namesOf(db, 'channels', rows.map((r) => r.channel_id));
  const contactRows = await db
    .selectFrom('conversations as c')
    .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .select(['c.id', 'ct.name'])
    .where('c.id', 'in', [...new Set(rows.map((r) => r.conversation_id))])
    .execute();
  const contacts = new Map(contactRows.map((r) => [r.id, r.name]));
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    channelId: r.channel_id,
    channelName: channels.get(r.channel_id) ?? r.channel_id,
    contactName: contacts.get(r.conversation_id) ?? '',
    agentId: r.agent_id,
    agentName: r.agent_id ? (agents.get(r.agent_id) ?? r.agent_id) : null,
    reviewerId: r.reviewer_id,
    reviewerName: agents.get(r.reviewer_id) ?? r.reviewer_id,
    criteria: JSON.parse(r.criteria) as Criterion[],
    scores: JSON.parse(r.scores) as Record<string, number>,
    score: r.score,
    maxScore: r.max_score,
    percent: percentOf(r.score, r.max_score),
    comment: r.comment,
    resolvedAt: r.resolved_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}
