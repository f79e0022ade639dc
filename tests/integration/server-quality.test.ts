// Quality review (issue 8, docs/quality.md) over a real server and SQLite store: the rubric, weekly samples
// stratified by channel (deterministic, idempotent, stored; a quiet channel still sampled), review CRUD with
// roles, agents reading only their own reviews, and results averages computed by hand. The fixture is written
// straight into the store; the server runs on a manual clock (Wednesday 14 January 2026, ISO week 2026-W03).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-shared/sla/time-source';
import { api, makeAgent, makeChannel, startTestServer, type TestServer } from './server-support';

const NOW = Date.parse('2026-01-14T12:00:00.000Z');
// 2026-W02 = Monday 5 January 00:00 UTC … Monday 12 January 00:00 UTC (exclusive).
const W02 = '2026-W02';
const W03 = '2026-W03';

let t: TestServer;
let clock: ManualClock;
let sup: Awaited<ReturnType<typeof makeAgent>>;
let ann: Awaited<ReturnType<typeof makeAgent>>;
let bob: Awaited<ReturnType<typeof makeAgent>>;
let chA: string;
let chB: string;
let chC: string;

const RUBRIC = {
  criteria: [
    { id: 'tone', name: 'Tone', description: 'Friendly and respectful', maxScore: 5 },
    { id: 'accuracy', name: 'Accuracy', maxScore: 5 },
    { id: 'speed', name: 'Speed', maxScore: 3 },
  ],
  samplePerChannel: 3,
};

async function conversation(id: string, channelId: string, assignee: string | null, status: string, resolvedAt: string | null) {
  const db = t.server.store.db;
  const created = '2026-01-01T08:00:00.000Z';
  await db
    .insertInto('conversations')
    .values({ id, contact_id: 'ct-1', channel_id: channelId, status, assignee_id: assignee, subject: null, last_message_at: created, last_message_preview: '', last_inbound_at: created, is_demo: 0, created_at: created, updated_at: created, priority: 'normal', sla_state: null, sla_next_at: null })
    .execute();
  await db.insertInto('conversation_stats').values({ conversation_id: id, channel_id: channelId, created_at: created, first_response_at: null, first_response_ms: null, resolved_at: resolvedAt, resolution_ms: null }).execute();
}

/** The documented draw, computed independently: sha256("week|channel|conversation"), ascending, first N. */
function expectedDraw(week: string, channelId: string, ids: string[], n: number): string[] {
  const key = (id: string) => createHash('sha256').update(`${week}|${channelId}|${id}`).digest('hex');
  return [...ids].sort((a, b) => (key(a) < key(b) ? -1 : 1)).slice(0, n);
}

const A_W02 = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];

beforeAll(async () => {
  clock = new ManualClock(NOW);
  t = await startTestServer({ clock });
  sup = await makeAgent(t, 'Sup', 'supervisor');
  ann = await makeAgent(t, 'Ann', 'agent');
  bob = await makeAgent(t, 'Bob', 'agent');
  chA = await makeChannel(t, 'A chat');
  chB = await makeChannel(t, 'B chat');
  chC = await makeChannel(t, 'C chat');
  await t.server.store.db.insertInto('contacts').values({ id: 'ct-1', name: 'Customer One', email: null, is_demo: 0, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }).execute();
  // Channel A: seven resolved in W02 (a1 exactly at the week's start), alternating Ann / Bob.
  const times = ['2026-01-05T00:00:00.000Z', '2026-01-05T10:00:00.000Z', '2026-01-06T10:00:00.000Z', '2026-01-07T10:00:00.000Z', '2026-01-08T10:00:00.000Z', '2026-01-09T10:00:00.000Z', '2026-01-11T23:59:59.999Z'];
  for (const [i, id] of A_W02.entries()) await conversation(id, chA, i % 2 === 0 ? ann.id : bob.id, 'resolved', times[i]!);
  // Not W02 candidates: resolved one ms before it (W01), exactly at its end (W03), reopened since, still open.
  await conversation('a-w01', chA, ann.id, 'resolved', '2026-01-04T23:59:59.999Z');
  await conversation('a-w03', chA, ann.id, 'resolved', '2026-01-12T00:00:00.000Z');
  await conversation('a-reopened', chA, ann.id, 'open', null);
  await conversation('a-open', chA, ann.id, 'open', null);
  // Channel B: a single resolved conversation in W02. Channel C: none.
  await conversation('b1', chB, ann.id, 'resolved', '2026-01-07T12:00:00.000Z');
});

afterAll(async () => {
  await t?.close();
});

const sampleIds = (body: { items: { conversationId: string; channelId: string }[] }, channelId?: string) =>
  body.items.filter((i) => !channelId || i.channelId === channelId).map((i) => i.conversationId);

describe('rubric', () => {
  it('has a default; admins replace it; supervisors 403; bad rubrics 400 and change nothing', async () => {
    const first = await api(t.url, 'GET', '/api/v1/quality/rubric', ann.token);
    expect(first.status).toBe(200);
    expect(first.body.updatedAt).toBeNull();
    expect(first.body.samplePerChannel).toBe(5);
    expect(first.body.criteria.length).toBeGreaterThan(0);

    expect((await api(t.url, 'PUT', '/api/v1/quality/rubric', sup.token, RUBRIC)).status).toBe(403);
    expect((await api(t.url, 'PUT', '/api/v1/quality/rubric', ann.token, RUBRIC)).status).toBe(403);
    for (const bad of [
      { ...RUBRIC, criteria: [] },
      { ...RUBRIC, criteria: [RUBRIC.criteria[0], RUBRIC.criteria[0]] },
      { ...RUBRIC, criteria: [{ id: 'x', name: 'X', maxScore: 11 }] },
      { ...RUBRIC, criteria: [{ id: 'Bad Id', name: 'X', maxScore: 5 }] },
      { ...RUBRIC, samplePerChannel: 0 },
      { ...RUBRIC, extra: true },
    ]) {
      const res = await api(t.url, 'PUT', '/api/v1/quality/rubric', t.adminToken, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('invalid');
    }
    expect((await api(t.url, 'GET', '/api/v1/quality/rubric', sup.token)).body.updatedAt).toBeNull();

    const saved = await api(t.url, 'PUT', '/api/v1/quality/rubric', t.adminToken, RUBRIC);
    expect(saved.status).toBe(200);
    expect(saved.body.criteria).toEqual([RUBRIC.criteria[0], { ...RUBRIC.criteria[1], description: '' }, { ...RUBRIC.criteria[2], description: '' }]);
    expect(saved.body.updatedAt).toBe(new Date(NOW).toISOString());
    expect((await api(t.url, 'GET', '/api/v1/quality/rubric', sup.token)).body).toEqual(saved.body);
  });
});

describe('weekly samples', () => {
  it('refuses agents and bad weeks', async () => {
    expect((await api(t.url, 'GET', '/api/v1/quality/samples', ann.token)).status).toBe(403);
    expect((await api(t.url, 'POST', '/api/v1/quality/samples', ann.token, { week: W02 })).status).toBe(403);
    expect((await api(t.url, 'GET', `/api/v1/quality/samples/${W02}`, ann.token)).status).toBe(403);
    for (const week of ['2026-W54', '2026-W00', '2026-02', 'last week']) {
      const res = await api(t.url, 'POST', '/api/v1/quality/samples', sup.token, { week });
      expect(res.status, week).toBe(400);
      expect(res.body.error.message).toMatch(/ISO week/);
    }
    const future = await api(t.url, 'POST', '/api/v1/quality/samples', sup.token, { week: '2026-W05' });
    expect(future.status).toBe(400);
    expect(future.body.error.message).toBe('week 2026-W05 has not started yet');
    expect((await api(t.url, 'GET', '/api/v1/quality/samples/2025-W40', sup.token)).status).toBe(404);
    expect((await api(t.url, 'GET', '/api/v1/quality/samples/2025-W99', sup.token)).status).toBe(400);
  });

  it('draws the previous week automatically on the first list: N per channel, all of a small channel, none of an empty one', async () => {
    const list = await api(t.url, 'GET', '/api/v1/quality/samples', sup.token);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      { week: W02, start: '2026-01-05T00:00:00.000Z', end: '2026-01-12T00:00:00.000Z', drawnAt: new Date(NOW).toISOString(), drawnBy: null, drawnByName: null, final: true, perChannel: 3, conversations: 4, reviewed: 0 },
    ]);
    const sample = (await api(t.url, 'GET', `/api/v1/quality/samples/${W02}`, sup.token)).body;
    // A: 3 of its 7 W02 conversations, exactly the documented draw; B: its only one; C: none.
    expect(sampleIds(sample, chA).sort()).toEqual(expectedDraw(W02, chA, A_W02, 3).sort());
    expect(sampleIds(sample, chB)).toEqual(['b1']);
    expect(sampleIds(sample, chC)).toEqual([]);
    const b1 = sample.items.find((i: { conversationId: string }) => i.conversationId === 'b1');
    expect(b1).toEqual({ conversationId: 'b1', channelId: chB, channelName: 'B chat', channelType: 'webchat', contactName: 'Customer One', agentId: ann.id, agentName: 'Ann', resolvedAt: '2026-01-07T12:00:00.000Z', reviews: 0, reviewedByMe: false });
    // Ordered by channel name, then resolution time.
    expect(sample.items.map((i: { channelName: string }) => i.channelName)).toEqual(['A chat', 'A chat', 'A chat', 'B chat']);
  });

  it('drawing again is idempotent (200, the same sample, nothing stored twice), even after more conversations resolve', async () => {
    const before = (await api(t.url, 'GET', `/api/v1/quality/samples/${W02}`, sup.token)).body;
    await conversation('a-late', chA, bob.id, 'resolved', '2026-01-10T10:00:00.000Z');
    const again = await api(t.url, 'POST', '/api/v1/quality/samples', sup.token, { week: W02 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(before);
    const stored = await t.server.store.db.selectFrom('quality_sample_items').select('conversation_id').where('week', '=', W02).execute();
    expect(stored).toHaveLength(4);
  });

  it('a running week is drawn on demand and topped up by later draws, never reduced; it is final once the week is over', async () => {
    const first = await api(t.url, 'POST', '/api/v1/quality/samples', sup.token, { week: W03 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ week: W03, drawnBy: sup.id, drawnByName: 'Sup', final: false, conversations: 1 });
    expect(sampleIds(first.body)).toEqual(['a-w03']);
    await conversation('b-w03', chB, bob.id, 'resolved', '2026-01-13T09:00:00.000Z');
    const second = await api(t.url, 'POST', '/api/v1/quality/samples', sup.token, { week: W03 });
    expect(second.status).toBe(200);
    expect(sampleIds(second.body).sort()).toEqual(['a-w03', 'b-w03']);
    // Next week: listing finalises W03 (the automatic draw of the previous week).
    clock.set(Date.parse('2026-01-19T08:00:00.000Z'));
    try {
      const list = (await api(t.url, 'GET', '/api/v1/quality/samples', sup.token)).body.items;
      expect(list.map((s: { week: string; final: boolean }) => [s.week, s.final])).toEqual([
        [W03, true],
        [W02, true],
      ]);
    } finally {
      clock.set(NOW);
    }
  });
});

describe('reviews', () => {
  const good = { scores: { tone: 4, accuracy: 5, speed: 2 }, comment: 'Good answer; greet the customer by name.' };

  it('validates scores and comments (400), roles (403), unknown conversations (404), unresolved ones (409)', async () => {
    const put = (token: string, id: string, body: unknown) => api(t.url, 'PUT', `/api/v1/quality/reviews/${id}`, token, body);
    expect((await put(ann.token, 'a1', good)).status).toBe(403);
    expect((await put(bob.token, 'a1', good)).status).toBe(403);
    const cases: [unknown, RegExp][] = [
      [{ scores: { tone: 4, accuracy: 5 } }, /"Speed" has no score/],
      [{ scores: { tone: 6, accuracy: 5, speed: 2 } }, /"Tone" takes a whole number from 0 to 5/],
      [{ scores: { tone: 4, accuracy: 5, speed: 2, extra: 1 } }, /"extra" is not a criterion/],
      [{ scores: { tone: 4.5, accuracy: 5, speed: 2 } }, /scores\.tone/],
      [{ scores: { tone: 4, accuracy: 5, speed: 2 }, comment: 'x'.repeat(2001) }, /comment: the comment is longer than 2000 characters/],
      [{ scores: { tone: 4, accuracy: 5, speed: 2 }, reviewer: 'me' }, /reviewer|Unrecognized/i],
    ];
    for (const [body, message] of cases) {
      const res = await put(sup.token, 'a1', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const huge = await api(t.url, 'PUT', '/api/v1/quality/reviews/a1', sup.token, undefined, JSON.stringify({ ...good, comment: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect((await put(sup.token, 'no-such-conversation', good)).status).toBe(404);
    const open = await put(sup.token, 'a-open', good);
    expect(open.status).toBe(409);
    expect(open.body.error.message).toBe('only resolved (or sampled) conversations can be reviewed');
    expect(await t.server.store.db.selectFrom('quality_reviews').selectAll().execute()).toEqual([]);
  });

  it('creates (201) then edits (200) one review per conversation and reviewer', async () => {
    const created = await api(t.url, 'PUT', '/api/v1/quality/reviews/a1', sup.token, good);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      conversationId: 'a1',
      channelId: chA,
      channelName: 'A chat',
      contactName: 'Customer One',
      agentId: ann.id,
      agentName: 'Ann',
      reviewerId: sup.id,
      reviewerName: 'Sup',
      scores: { tone: 4, accuracy: 5, speed: 2 },
      score: 11,
      maxScore: 13,
      // 11 / 13 = 84.615…%
      percent: 84.6,
      comment: good.comment,
      resolvedAt: '2026-01-05T00:00:00.000Z',
    });
    expect(created.body.criteria.map((c: { id: string }) => c.id)).toEqual(['tone', 'accuracy', 'speed']);

    const edited = await api(t.url, 'PUT', '/api/v1/quality/reviews/a1', sup.token, { scores: { tone: 4, accuracy: 5, speed: 3 }, comment: '  Great.  ' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: created.body.id, score: 12, percent: 92.3, comment: 'Great.' });
    // Back to the scores the results below are computed with.
    expect((await api(t.url, 'PUT', '/api/v1/quality/reviews/a1', sup.token, good)).status).toBe(200);

    // A second reviewer writes a second review of the same conversation.
    const second = await api(t.url, 'PUT', '/api/v1/quality/reviews/a1', t.adminToken, { scores: { tone: 3, accuracy: 4, speed: 1 }, comment: 'Slow start.' });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(created.body.id);
    expect((await api(t.url, 'PUT', '/api/v1/quality/reviews/a2', sup.token, { scores: { tone: 5, accuracy: 5, speed: 3 } })).status).toBe(201);
    expect((await api(t.url, 'PUT', '/api/v1/quality/reviews/b1', sup.token, { scores: { tone: 2, accuracy: 3, speed: 1 }, comment: 'Missed the question.' })).status).toBe(201);
    expect(await t.server.store.db.selectFrom('quality_reviews').select('id').execute()).toHaveLength(4);

    // The sample table knows what was reviewed.
    const sample = (await api(t.url, 'GET', `/api/v1/quality/samples/${W02}`, sup.token)).body;
    const b1 = sample.items.find((i: { conversationId: string }) => i.conversationId === 'b1');
    expect(b1).toMatchObject({ reviews: 1, reviewedByMe: true });
  });

  it('agents read the reviews of their own conversations only', async () => {
    const mine = await api(t.url, 'GET', '/api/v1/quality/reviews?agent=me', ann.token);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((r: { conversationId: string; reviewerName: string }) => `${r.conversationId}:${r.reviewerName}`).sort()).toEqual(['a1:Administrator', 'a1:Sup', 'b1:Sup']);
    expect(mine.body.items.find((r: { conversationId: string }) => r.conversationId === 'b1').comment).toBe('Missed the question.');
    const onA1 = await api(t.url, 'GET', '/api/v1/quality/reviews?conversationId=a1', ann.token);
    expect(onA1.body.items).toHaveLength(2);

    // Bob: a2 is his; a1 and b1 are not, whichever way he asks.
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews?agent=me', bob.token)).body.items.map((r: { conversationId: string }) => r.conversationId)).toEqual(['a2']);
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews?conversationId=a1', bob.token)).body.items).toEqual([]);
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews?conversationId=no-such', bob.token)).body.items).toEqual([]);
    const other = await api(t.url, 'GET', `/api/v1/quality/reviews?agent=${ann.id}`, bob.token);
    expect(other.status).toBe(403);

    // Supervisors read anyone's; bad queries 400, unknown ids 404.
    expect((await api(t.url, 'GET', `/api/v1/quality/reviews?agent=${ann.id}`, sup.token)).body.items).toHaveLength(3);
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews?conversationId=a1', sup.token)).body.items).toHaveLength(2);
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews', sup.token)).status).toBe(400);
    expect((await api(t.url, 'GET', `/api/v1/quality/reviews?agent=me&conversationId=a1`, sup.token)).status).toBe(400);
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews?conversationId=no-such', sup.token)).status).toBe(404);
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews?agent=no-such', sup.token)).status).toBe(404);
    expect((await api(t.url, 'GET', '/api/v1/quality/reviews?agent=me')).status).toBe(401);
  });
});

describe('results', () => {
  const W02_RANGE = '?from=2026-01-05T00:00:00Z&to=2026-01-12T00:00:00Z';

  it('per agent and per channel, computed by hand', async () => {
    expect((await api(t.url, 'GET', `/api/v1/quality/results${W02_RANGE}`, ann.token)).status).toBe(403);
    for (const q of ['', '?from=2026-01-05T00:00:00Z', '?from=2026-01-12T00:00:00Z&to=2026-01-05T00:00:00Z', '?from=monday&to=friday']) {
      expect((await api(t.url, 'GET', `/api/v1/quality/results${q}`, sup.token)).status, q).toBe(400);
    }
    const res = await api(t.url, 'GET', `/api/v1/quality/results${W02_RANGE}`, sup.token);
    expect(res.status).toBe(200);
    // Reviews: a1 by Sup 4/5/2 = 11, a1 by Admin 3/4/1 = 8, a2 (Bob) 5/5/3 = 13, b1 (Ann, B) 2/3/1 = 6; each out of 13.
    expect(res.body.byAgent).toEqual([
      {
        key: ann.id,
        label: 'Ann',
        conversations: 2,
        reviews: 3,
        score: 25,
        maxScore: 39,
        percent: 64.1, // 25/39
        criteria: [
          { id: 'tone', name: 'Tone', reviews: 3, average: 3, averageMax: 5, percent: 60 }, // (4+3+2)/3; 9/15
          { id: 'accuracy', name: 'Accuracy', reviews: 3, average: 4, averageMax: 5, percent: 80 }, // (5+4+3)/3; 12/15
          { id: 'speed', name: 'Speed', reviews: 3, average: 1.33, averageMax: 3, percent: 44.4 }, // (2+1+1)/3; 4/9
        ],
      },
      {
        key: bob.id,
        label: 'Bob',
        conversations: 1,
        reviews: 1,
        score: 13,
        maxScore: 13,
        percent: 100,
        criteria: [
          { id: 'tone', name: 'Tone', reviews: 1, average: 5, averageMax: 5, percent: 100 },
          { id: 'accuracy', name: 'Accuracy', reviews: 1, average: 5, averageMax: 5, percent: 100 },
          { id: 'speed', name: 'Speed', reviews: 1, average: 3, averageMax: 3, percent: 100 },
        ],
      },
    ]);
    expect(res.body.byChannel).toEqual([
      {
        key: chA,
        label: 'A chat',
        conversations: 2,
        reviews: 3,
        score: 32,
        maxScore: 39,
        percent: 82.1, // 32/39
        criteria: [
          { id: 'tone', name: 'Tone', reviews: 3, average: 4, averageMax: 5, percent: 80 }, // (4+3+5)/3; 12/15
          { id: 'accuracy', name: 'Accuracy', reviews: 3, average: 4.67, averageMax: 5, percent: 93.3 }, // (5+4+5)/3; 14/15
          { id: 'speed', name: 'Speed', reviews: 3, average: 2, averageMax: 3, percent: 66.7 }, // (2+1+3)/3; 6/9
        ],
      },
      {
        key: chB,
        label: 'B chat',
        conversations: 1,
        reviews: 1,
        score: 6,
        maxScore: 13,
        percent: 46.2, // 6/13
        criteria: [
          { id: 'tone', name: 'Tone', reviews: 1, average: 2, averageMax: 5, percent: 40 },
          { id: 'accuracy', name: 'Accuracy', reviews: 1, average: 3, averageMax: 5, percent: 60 },
          { id: 'speed', name: 'Speed', reviews: 1, average: 1, averageMax: 3, percent: 33.3 },
        ],
      },
    ]);
    // The range is on the conversation's resolution time: from Monday 10:00, a1 (resolved at 00:00) drops out.
    const later = (await api(t.url, 'GET', '/api/v1/quality/results?from=2026-01-05T10:00:00Z&to=2026-01-12T00:00:00Z', sup.token)).body;
    expect(later.byAgent.map((r: { label: string; reviews: number }) => [r.label, r.reviews])).toEqual([
      ['Ann', 1],
      ['Bob', 1],
    ]);
  });

  it('a new rubric never rewrites past reviews; edits keep the criteria they were scored against', async () => {
    const rubric2 = { criteria: [...RUBRIC.criteria, { id: 'empathy', name: 'Empathy', maxScore: 4 }], samplePerChannel: 3 };
    expect((await api(t.url, 'PUT', '/api/v1/quality/rubric', t.adminToken, rubric2)).status).toBe(200);
    const old = (await api(t.url, 'GET', '/api/v1/quality/reviews?conversationId=b1', sup.token)).body.items[0];
    expect(old.criteria.map((c: { id: string }) => c.id)).toEqual(['tone', 'accuracy', 'speed']);
    expect(old).toMatchObject({ score: 6, maxScore: 13 });
    // Editing the old review: its own three criteria, not the new four.
    const edit = await api(t.url, 'PUT', '/api/v1/quality/reviews/b1', sup.token, { scores: { tone: 3, accuracy: 3, speed: 1 }, comment: 'Missed the question.' });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ score: 7, maxScore: 13 });
    // A new review needs the new criterion too.
    const missing = await api(t.url, 'PUT', '/api/v1/quality/reviews/a3', sup.token, { scores: { tone: 5, accuracy: 5, speed: 3 } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/"Empathy" has no score/);
    const fresh = await api(t.url, 'PUT', '/api/v1/quality/reviews/a3', sup.token, { scores: { tone: 5, accuracy: 5, speed: 3, empathy: 2 } });
    expect(fresh.body).toMatchObject({ score: 15, maxScore: 17, percent: 88.2 });
    // Results: Ann now 11 + 8 + 7 + 15 = 41 of 13·3 + 17 = 56; empathy scored once.
    const ann2 = (await api(t.url, 'GET', '/api/v1/quality/results?from=2026-01-05T00:00:00Z&to=2026-01-12T00:00:00Z', sup.token)).body.byAgent[0];
    expect(ann2).toMatchObject({ label: 'Ann', conversations: 3, reviews: 4, score: 41, maxScore: 56, percent: 73.2 });
    expect(ann2.criteria.find((c: { id: string }) => c.id === 'empathy')).toEqual({ id: 'empathy', name: 'Empathy', reviews: 1, average: 2, averageMax: 4, percent: 50 });
  });

  it('a sampled conversation stays reviewable after it is reopened', async () => {
    const sampledA = expectedDraw(W02, chA, A_W02, 3).find((id) => id !== 'a1' && id !== 'a2' && id !== 'a3');
    if (!sampledA) throw new Error('fixture: the draw must hold a conversation without a review');
    await t.server.store.db.updateTable('conversations').set({ status: 'open' }).where('id', '=', sampledA).execute();
    await t.server.store.db.updateTable('conversation_stats').set({ resolved_at: null }).where('conversation_id', '=', sampledA).execute();
    const res = await api(t.url, 'PUT', `/api/v1/quality/reviews/${sampledA}`, sup.token, { scores: { tone: 1, accuracy: 1, speed: 1, empathy: 1 } });
    expect(res.status).toBe(201);
    // Its resolution time comes from the sample.
    const item = (await api(t.url, 'GET', `/api/v1/quality/samples/${W02}`, sup.token)).body.items.find((i: { conversationId: string }) => i.conversationId === sampledA);
    expect(res.body.resolvedAt).toBe(item.resolvedAt);
  });
});
