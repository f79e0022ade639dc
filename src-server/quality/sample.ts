// Weekly quality samples (docs/quality.md): per ISO week (UTC) and channel, up to N conversations resolved in
// that week. Stratified by channel so a quiet channel is always reviewed; a channel with N or fewer resolved
// conversations gives all of them. The draw is deterministic: candidates are ordered by
// sha256("week|channelId|conversationId") and the first N are taken, so drawing the same week twice gives the
// same sample. Stored on first draw; a sample drawn after its week ended is final; one drawn while the week
// runs is topped up (never reduced) by later draws, and final once drawn again after the week.
import { createHash } from 'node:crypto';
import { isoWeekOf, shiftWeek, weekBounds, type Sample, type SampleItem, type SampleSummary } from '../../src-shared/quality';
import type { Q } from '../domain/entities';
import { invalid } from '../domain/errors';
import type { QualitySamplesTable } from '../store/schema';
import { getRubric } from './rubric';

const iso = (ms: number) => new Date(ms).toISOString();

export function drawKey(week: string, channelId: string, conversationId: string): string {
  return createHash('sha256').update(`${week}|${channelId}|${conversationId}`).digest('hex');
}

/** Conversations resolved (and still resolved) within [start, end), by their resolution time. */
async function candidates(q: Q, start: number, end: number) {
  return q
    .selectFrom('conversation_stats as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .select(['c.id', 'c.channel_id', 'c.assignee_id', 's.resolved_at'])
    .where('s.resolved_at', '>=', iso(start))
    .where('s.resolved_at', '<', iso(end))
    .where('c.status', '=', 'resolved')
    .execute();
}

/**
 * Draws (or tops up) the sample of `week` at time `now`. Returns whether a sample row was created.
 * `drawnBy` null = the automatic draw of the previous week.
 */
export async function drawSample(db: Q, week: string, now: number, drawnBy: string | null): Promise<{ created: boolean }> {
  const bounds = weekBounds(week);
  if (!bounds) throw invalid('week must be an ISO week like 2026-W02');
  if (bounds.start > now) throw invalid(`week ${week} has not started yet`);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('quality_samples').selectAll().where('week', '=', week).executeTakeFirst();
    if (existing?.final) return { created: false };
    const perChannel = existing?.per_channel ?? (await getRubric(trx)).samplePerChannel;
    const final = now >= bounds.end ? 1 : 0;
    const at = iso(now);
    if (existing) await trx.updateTable('quality_samples').set({ final, updated_at: at }).where('week', '=', week).execute();
    else
      await trx
        .insertInto('quality_samples')
        .values({ week, start_at: iso(bounds.start), end_at: iso(bounds.end), per_channel: perChannel, final, drawn_at: at, drawn_by: drawnBy, updated_at: at })
        .execute();

    const stored = await trx.selectFrom('quality_sample_items').select(['conversation_id', 'channel_id']).where('week', '=', week).execute();
    const have = new Set(stored.map((s) => s.conversation_id));
    const perChannelCount = new Map<string, number>();
    for (const s of stored) perChannelCount.set(s.channel_id, (perChannelCount.get(s.channel_id) ?? 0) + 1);

    const byChannel = new Map<string, { id: string; channel_id: string; assignee_id: string | null; resolved_at: string | null; key: string }[]>();
    for (const c of await candidates(trx, bounds.start, bounds.end)) {
      if (have.has(c.id)) continue;
      const list = byChannel.get(c.channel_id) ?? [];
      list.push({ ...c, key: drawKey(week, c.channel_id, c.id) });
      byChannel.set(c.channel_id, list);
    }
    const rows = [];
    for (const [channelId, list] of byChannel) {
      list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const room = perChannel - (perChannelCount.get(channelId) ?? 0);
      for (const c of list.slice(0, Math.max(0, room))) {
        rows.push({ week, conversation_id: c.id, channel_id: channelId, agent_id: c.assignee_id, resolved_at: c.resolved_at!, draw_key: c.key });
      }
    }
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('quality_sample_items').values(rows.slice(i, i + 200)).execute();
    return { created: !existing };
  });
}

/** The automatic draw: the previous week, on the first sample request after it ended (restart-safe: it is stored). */
export async function ensurePreviousWeek(db: Q, now: number): Promise<void> {
  const previous = shiftWeek(isoWeekOf(now), -1);
  const row = await db.selectFrom('quality_samples').select('final').where('week', '=', previous).executeTakeFirst();
  if (!row?.final) await drawSample(db, previous, now, null);
}

function summaryOf(row: QualitySamplesTable, items: { reviews: number }[], names: Map<string, string>): SampleSummary {
  return {
    week: row.week,
    start: row.start_at,
    end: row.end_at,
    drawnAt: row.drawn_at,
    drawnBy: row.drawn_by,
    drawnByName: row.drawn_by === null ? null : (names.get(row.drawn_by) ?? row.drawn_by),
    final: row.final === 1,
    perChannel: row.per_channel,
    conversations: items.length,
    reviewed: items.filter((i) => i.reviews > 0).length,
  };
}

async function drawerNames(q: Q, samples: QualitySamplesTable[]): Promise<Map<string, string>> {
  const ids = [...new Set(samples.flatMap((s) => (s.drawn_by ? [s.drawn_by] : [])))];
  if (ids.length === 0) return new Map();
  const rows = await q.selectFrom('agents').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Review counts per conversation, and which of them `me` reviewed. */
async function reviewCounts(q: Q, conversationIds: string[], me: string) {
  const counts = new Map<string, { n: number; mine: boolean }>();
  for (let i = 0; i < conversationIds.length; i += 500) {
    const rows = await q.selectFrom('quality_reviews').select(['conversation_id', 'reviewer_id']).where('conversation_id', 'in', conversationIds.slice(i, i + 500)).execute();
    for (const r of rows) {
      const c = counts.get(r.conversation_id) ?? { n: 0, mine: false };
      c.n++;
      c.mine ||= r.reviewer_id === me;
      counts.set(r.conversation_id, c);
    }
  }
  return counts;
}

/** Newest weeks first (at most 104). */
export async function listSamples(db: Q, me: string): Promise<SampleSummary[]> {
  const samples = await db.selectFrom('quality_samples').selectAll().orderBy('week', 'desc').limit(104).execute();
  if (samples.length === 0) return [];
  const items = await db.selectFrom('quality_sample_items').select(['week', 'conversation_id']).where('week', 'in', samples.map((s) => s.week)).execute();
  const counts = await reviewCounts(db, [...new Set(items.map((i) => i.conversation_id))], me);
  const names = await drawerNames(db, samples);
  return samples.map((s) => summaryOf(s, items.filter((i) => i.week === s.week).map((i) => ({ reviews: counts.get(i.conversation_id)?.n ?? 0 })), names));
}

/** The sample of a week with what the table shows, by channel name then resolution time; null when not drawn. */
export async function getSample(db: Q, week: string, me: string): Promise<Sample | null> {
  const row = await db.selectFrom('quality_samples').selectAll().where('week', '=', week).executeTakeFirst();
  if (!row) return null;
  const rows = await db
    .selectFrom('quality_sample_items as i')
    .leftJoin('channels as ch', 'ch.id', 'i.channel_id')
    .leftJoin('conversations as c', 'c.id', 'i.conversation_id')
    .leftJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .leftJoin('agents as a', 'a.id', 'i.agent_id')
    .select(['i.conversation_id', 'i.channel_id', 'i.agent_id', 'i.resolved_at', 'ch.name as channel_name', 'ch.type as channel_type', 'ct.name as contact_name', 'a.name as agent_name'])
    .where('i.week', '=', week)
    .execute();
  const counts = await reviewCounts(db, rows.map((r) => r.conversation_id), me);
  const items: SampleItem[] = rows.map((r) => ({
    conversationId: r.conversation_id,
    channelId: r.channel_id,
    channelName: r.channel_name ?? r.channel_id,
    channelType: r.channel_type ?? '',
    contactName: r.contact_name ?? '',
    agentId: r.agent_id,
    agentName: r.agent_id ? (r.agent_name ?? r.agent_id) : null,
    resolvedAt: r.resolved_at,
    reviews: counts.get(r.conversation_id)?.n ?? 0,
    reviewedByMe: counts.get(r.conversation_id)?.mine ?? false,
  }));
  items.sort((a, b) => a.channelName.localeCompare(b.channelName) || a.channelId.localeCompare(b.channelId) || a.resolvedAt.localeCompare(b.resolvedAt) || a.conversationId.localeCompare(b.conversationId));
  return { ...summaryOf(row, items, await drawerNames(db, [row])), items };
}

/** Whether the conversation is in any sample, and its resolution time there (newest). */
export async function sampledResolution(q: Q, conversationId: string): Promise<string | null> {
  const row = await q.selectFrom('quality_sample_items').select('resolved_at').where('conversation_id', '=', conversationId).orderBy('resolved_at', 'desc').executeTakeFirst();
  return row?.resolved_at ?? null;
}
