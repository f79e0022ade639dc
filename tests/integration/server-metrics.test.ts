// GET /api/v1/metrics/response-times and /api/v1/metrics/live (issue 8) over a real server and SQLite store:
// a fixed fixture written straight into the store, every expected number computed by hand (nearest-rank
// percentiles: median = value at rank ceil(0.5·n), p90 = value at rank ceil(0.9·n)); agents get 403; bad queries 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-shared/sla/time-source';
import { api, makeAgent, makeChannel, startTestServer, type TestServer } from './server-support';

const NOW = Date.parse('2026-01-06T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 3_600_000;

let t: TestServer;
let sup: Awaited<ReturnType<typeof makeAgent>>;
let agent: Awaited<ReturnType<typeof makeAgent>>;
let ann: Awaited<ReturnType<typeof makeAgent>>;
let bob: Awaited<ReturnType<typeof makeAgent>>;
let chatA: string;
let chatB: string;
const TEAM = 'team-tier1';

beforeAll(async () => {
  t = await startTestServer({ clock: new ManualClock(NOW) });
  sup = await makeAgent(t, 'Sup', 'supervisor');
  agent = await makeAgent(t, 'Zed', 'agent');
  ann = await makeAgent(t, 'Ann', 'agent');
  bob = await makeAgent(t, 'Bob', 'agent');
  chatA = await makeChannel(t, 'A chat');
  chatB = await makeChannel(t, 'B chat');
  const db = t.server.store.db;
  const iso = (ms: number) => new Date(ms).toISOString();
  await db.insertInto('teams').values({ id: TEAM, name: 'Tier 1', strategy: 'round_robin', default_capacity: '{}', overflow_team_id: null, overflow_after_seconds: null, overflow_queue_length: null, reply_timeout_seconds: null, sticky_window_minutes: null, last_assigned_id: null, created_at: iso(NOW), updated_at: iso(NOW) }).execute();
  await db.deleteFrom('agent_routing').where('agent_id', '=', ann.id).execute();
  await db.insertInto('agent_routing').values({ agent_id: ann.id, skills: '[]', capacity: '{"*":5}', status: 'away', effective: 'away', last_seen_at: null, updated_at: iso(NOW) }).execute();
  await db.insertInto('contacts').values({ id: 'ct-1', name: 'Customer', email: null, is_demo: 0, created_at: iso(NOW), updated_at: iso(NOW) }).execute();

  const jan5 = Date.parse('2026-01-05T00:00:00.000Z');
  type Row = { id: string; ch: string; who: string | null; team: string | null; prio: string; status: string; fr: number | null; res: number | null; created: number; queued?: number; sla?: string; due?: number };
  const rows: Row[] = [
    { id: 'c1', ch: chatA, who: ann.id, team: TEAM, prio: 'high', status: 'open', fr: 1 * MIN, res: null, created: jan5, sla: 'warning', due: NOW + 10 * MIN },
    { id: 'c2', ch: chatA, who: ann.id, team: TEAM, prio: 'normal', status: 'resolved', fr: 2 * MIN, res: 1 * HOUR, created: jan5 },
    { id: 'c3', ch: chatA, who: bob.id, team: null, prio: 'normal', status: 'resolved', fr: 5 * MIN, res: 2 * HOUR, created: jan5, sla: 'breached' },
    { id: 'c4', ch: chatB, who: bob.id, team: TEAM, prio: 'urgent', status: 'pending', fr: 30_000, res: null, created: jan5 },
    { id: 'c5', ch: chatB, who: null, team: null, prio: 'normal', status: 'open', fr: null, res: null, created: jan5, queued: NOW - 5 * MIN },
    { id: 'c6', ch: chatA, who: null, team: null, prio: 'low', status: 'open', fr: null, res: null, created: NOW - 10 * MIN },
    { id: 'c7', ch: chatA, who: null, team: TEAM, prio: 'normal', status: 'open', fr: null, res: null, created: jan5, queued: NOW - 25 * MIN, sla: 'breached', due: NOW - 5 * MIN },
    // Outside the January range: counted only without one.
    { id: 'c8', ch: chatA, who: ann.id, team: null, prio: 'normal', status: 'resolved', fr: 999_000, res: 999_000, created: Date.parse('2025-12-01T00:00:00.000Z') },
  ];
  for (const r of rows) {
    const created = iso(r.created);
    await db
      .insertInto('conversations')
      .values({ id: r.id, contact_id: 'ct-1', channel_id: r.ch, status: r.status, assignee_id: r.who, subject: null, last_message_at: created, last_message_preview: '', last_inbound_at: created, is_demo: 0, created_at: created, updated_at: created, priority: r.prio, routing_team_id: r.team, queued_at: r.queued === undefined ? null : iso(r.queued), sla_state: r.sla ?? null, sla_next_at: null, resolution_due_at: r.due === undefined ? null : iso(r.due) })
      .execute();
    await db
      .insertInto('conversation_stats')
      .values({ conversation_id: r.id, channel_id: r.ch, created_at: created, first_response_at: r.fr === null ? null : created, first_response_ms: r.fr, resolved_at: r.res === null ? null : created, resolution_ms: r.res })
      .execute();
  }
});

afterAll(async () => {
  await t?.close();
});

const JAN = '?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z';
const none = { count: 0, medianMs: null, p90Ms: null };

describe('metrics API access', () => {
  it('refuses agents (403) and anonymous callers (401); supervisors and admins get the data', async () => {
    for (const path of ['/api/v1/metrics/response-times', '/api/v1/metrics/live', '/api/v1/metrics/response-times?format=csv']) {
      expect((await api(t.url, 'GET', path, agent.token)).status).toBe(403);
      expect((await api(t.url, 'GET', path)).status).toBe(401);
      expect((await api(t.url, 'GET', path, sup.token)).status).toBe(200);
      expect((await api(t.url, 'GET', path, t.adminToken)).status).toBe(200);
    }
  });

  it('rejects invalid queries with 400', async () => {
    for (const q of ['?groupBy=label', '?from=yesterday', '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '?format=xml', '?limit=5']) {
      const res = await api(t.url, 'GET', `/api/v1/metrics/response-times${q}`, sup.token);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('invalid');
    }
    expect((await api(t.url, 'GET', '/api/v1/metrics/live?x=1', sup.token)).status).toBe(400);
  });
});

describe('response times', () => {
  it('by channel, with and without a time range', async () => {
    const ranged = await api(t.url, 'GET', `/api/v1/metrics/response-times${JAN}`, sup.token);
    expect(ranged.body.groupBy).toBe('channel');
    expect(ranged.body.rows).toEqual([
      // A: c1 c2 c3 c6 c7; first responses 1, 2, 5 min; resolutions 1 h, 2 h.
      { key: chatA, label: 'A chat', conversations: 5, firstResponse: { count: 3, medianMs: 2 * MIN, p90Ms: 5 * MIN }, resolution: { count: 2, medianMs: 1 * HOUR, p90Ms: 2 * HOUR } },
      // B: c4 c5; one first response of 30 s.
      { key: chatB, label: 'B chat', conversations: 2, firstResponse: { count: 1, medianMs: 30_000, p90Ms: 30_000 }, resolution: none },
    ]);
    const all = await api(t.url, 'GET', '/api/v1/metrics/response-times', sup.token);
    // A with c8: first responses 1, 2, 5 min, 999 s → median rank 2 = 2 min, p90 rank 4 = 999 s.
    expect(all.body.rows[0]).toMatchObject({ conversations: 6, firstResponse: { count: 4, medianMs: 2 * MIN, p90Ms: 999_000 } });
  });

  it('by agent (current assignee), team and priority', async () => {
    const byAgent = (await api(t.url, 'GET', `/api/v1/metrics/response-times${JAN}&groupBy=agent`, sup.token)).body.rows as { key: string | null }[];
    const row = (k: string | null) => byAgent.find((r) => r.key === k);
    expect(row(ann.id)).toEqual({ key: ann.id, label: 'Ann', conversations: 2, firstResponse: { count: 2, medianMs: 1 * MIN, p90Ms: 2 * MIN }, resolution: { count: 1, medianMs: HOUR, p90Ms: HOUR } });
    expect(row(bob.id)).toEqual({ key: bob.id, label: 'Bob', conversations: 2, firstResponse: { count: 2, medianMs: 30_000, p90Ms: 5 * MIN }, resolution: { count: 1, medianMs: 2 * HOUR, p90Ms: 2 * HOUR } });
    expect(row(null)).toEqual({ key: null, label: 'Unassigned', conversations: 3, firstResponse: none, resolution: none });
    expect(row(sup.id)).toEqual({ key: sup.id, label: 'Sup', conversations: 0, firstResponse: none, resolution: none });

    const byTeam = (await api(t.url, 'GET', `/api/v1/metrics/response-times${JAN}&groupBy=team`, sup.token)).body.rows;
    expect(byTeam).toEqual([
      // c1 c2 c4 c7: first responses 30 s, 1 min, 2 min.
      { key: TEAM, label: 'Tier 1', conversations: 4, firstResponse: { count: 3, medianMs: 1 * MIN, p90Ms: 2 * MIN }, resolution: { count: 1, medianMs: HOUR, p90Ms: HOUR } },
      { key: null, label: 'No team', conversations: 3, firstResponse: { count: 1, medianMs: 5 * MIN, p90Ms: 5 * MIN }, resolution: { count: 1, medianMs: 2 * HOUR, p90Ms: 2 * HOUR } },
    ]);

    const byPriority = (await api(t.url, 'GET', `/api/v1/metrics/response-times${JAN}&groupBy=priority`, sup.token)).body.rows;
    expect(byPriority).toEqual([
      { key: 'urgent', label: 'urgent', conversations: 1, firstResponse: { count: 1, medianMs: 30_000, p90Ms: 30_000 }, resolution: none },
      { key: 'high', label: 'high', conversations: 1, firstResponse: { count: 1, medianMs: MIN, p90Ms: MIN }, resolution: none },
      { key: 'normal', label: 'normal', conversations: 4, firstResponse: { count: 2, medianMs: 2 * MIN, p90Ms: 5 * MIN }, resolution: { count: 2, medianMs: HOUR, p90Ms: 2 * HOUR } },
      { key: 'low', label: 'low', conversations: 1, firstResponse: none, resolution: none },
    ]);
  });

  it('exports CSV with every row', async () => {
    const res = await fetch(`${t.url}/api/v1/metrics/response-times${JAN}&groupBy=priority&format=csv`, { headers: { authorization: `Bearer ${sup.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await res.text()).toBe(
      [
        'group_by,key,label,conversations,first_response_count,first_response_median_ms,first_response_p90_ms,resolution_count,resolution_median_ms,resolution_p90_ms',
        'priority,urgent,urgent,1,1,30000,30000,0,,',
        'priority,high,high,1,1,60000,60000,0,,',
        'priority,normal,normal,4,2,120000,300000,2,3600000,7200000',
        'priority,low,low,1,0,,,0,,',
        '',
      ].join('\r\n'),
    );
  });
});

describe('live', () => {
  it('queues per channel, agents with presence and load, SLA at risk and breached', async () => {
    const res = await api(t.url, 'GET', '/api/v1/metrics/live', sup.token);
    expect(res.status).toBe(200);
    expect(res.body.at).toBe(new Date(NOW).toISOString());
    expect(res.body.channels).toEqual([
      // c6 waits since creation (10 min), c7 since it was queued (25 min).
      { channelId: chatA, channelName: 'A chat', channelType: 'webchat', waiting: 2, longestWaitMs: 25 * MIN, oldestWaitingSince: new Date(NOW - 25 * MIN).toISOString() },
      { channelId: chatB, channelName: 'B chat', channelType: 'webchat', waiting: 1, longestWaitMs: 5 * MIN, oldestWaitingSince: new Date(NOW - 5 * MIN).toISOString() },
    ]);
    const agents = res.body.agents as { agentId: string }[];
    expect(agents.find((a) => a.agentId === ann.id)).toEqual({ agentId: ann.id, name: 'Ann', role: 'agent', presence: 'away', load: 1, capacity: 5, current: 1 });
    // Bob: c4 is pending (current, not load); no routing row → offline, default capacity 3.
    expect(agents.find((a) => a.agentId === bob.id)).toMatchObject({ presence: 'offline', load: 0, capacity: 3, current: 1 });
    // c3 is resolved: its breach no longer counts.
    // The lists: most urgent (earliest due) first — c7 was due 5 min ago, c1 is due in 10 min.
    expect(res.body.sla).toEqual({
      atRisk: 1,
      breached: 1,
      atRiskIds: ['c1'],
      breachedIds: ['c7'],
      items: [
        { conversationId: 'c7', contactName: 'Customer', channelName: 'A chat', assigneeName: null, state: 'breached', dueAt: new Date(NOW - 5 * MIN).toISOString() },
        { conversationId: 'c1', contactName: 'Customer', channelName: 'A chat', assigneeName: 'Ann', state: 'warning', dueAt: new Date(NOW + 10 * MIN).toISOString() },
      ],
    });
  });
});
