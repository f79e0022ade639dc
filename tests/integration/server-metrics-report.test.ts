// GET /api/v1/metrics/report|trend|conversations (issue 8) on a real server and SQLite file, every fact written
// through the real write path (channel ingest = commands.receiveInbound, agents over REST: replies, assignment,
// status, transfer, merge / unmerge) at controlled times: Date is faked (only Date: sockets and timers stay real) and
// the server's SLA clock reads it, so message times and SLA times agree. Every expected number is computed by hand
// in the comments (nearest rank: median = value at rank ⌈0.5·n⌉, p90 = at rank ⌈0.9·n⌉ of the ascending values).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '../../src-shared/ids';
import type { Clock } from '../../src-shared/sla';
import { addMember, api, makeAgent, makeChannel, startTestServer, type TestServer } from './server-support';

const MIN = 60_000;
const HOUR = 3_600_000;
const dateClock: Clock = { now: () => Date.now(), scale: 1 };
type Agent = Awaited<ReturnType<typeof makeAgent>>;

const at = (iso: string) => vi.setSystemTime(new Date(iso));

async function say(t: TestServer, channelId: string, who: string, text: string, name = who) {
  return t.server.commands.receiveInbound({ channelId, identity: { channelType: 'webchat', value: `visitor:${who}` }, profile: { name }, externalId: uuidv7(), text });
}
async function reply(t: TestServer, agent: Agent, conversationId: string, text = 'Thanks, looking into it') {
  const res = await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, { text });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
async function patch(t: TestServer, token: string, conversationId: string, body: Record<string, unknown>) {
  const res = await api(t.url, 'PATCH', `/api/v1/conversations/${conversationId}`, token, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
async function get(t: TestServer, token: string, path: string) {
  const res = await api(t.url, 'GET', path, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
async function csvOf(t: TestServer, token: string, path: string): Promise<string> {
  const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  return res.text();
}

const none = { count: 0, medianMs: null, p90Ms: null };

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
});

// ── Server A: a Mon–Fri 09–17 (UTC) SLA policy, labels from escalation rules, CSAT rows ────────────────────────
describe('report with business hours, SLA, labels and CSAT', () => {
  let t: TestServer;
  let sup: Agent;
  let ann: Agent;
  let bob: Agent;
  let zed: Agent;
  let chatA: string;
  let chatB: string;
  const c: Record<string, string> = {};

  beforeAll(async () => {
    at('2026-03-05T12:00:00.000Z');
    t = await startTestServer({ clock: dateClock });
    sup = await makeAgent(t, 'Sup', 'supervisor');
    ann = await makeAgent(t, 'Ann');
    bob = await makeAgent(t, 'Bob');
    zed = await makeAgent(t, 'Zed');
    chatA = await makeChannel(t, 'A chat');
    chatB = await makeChannel(t, 'B chat');
    for (const ch of [chatA, chatB]) for (const a of [ann, bob]) await addMember(t, ch, a.id);
    const cal = await api(t.url, 'POST', '/api/v1/business-calendars', t.adminToken, { name: 'Office', timeZone: 'UTC', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] });
    expect(cal.status).toBe(201);
    const policy = await api(t.url, 'POST', '/api/v1/sla-policies', t.adminToken, { name: 'Office hours', channelType: 'webchat', calendarId: cal.body.id, firstResponseMinutes: 120, resolutionMinutes: 600 });
    expect(policy.status).toBe(201);
    for (const [word, label] of [['invoice', 'billing'], ['refund', 'refund']]) {
      const rule = await api(t.url, 'POST', '/api/v1/escalation-rules', t.adminToken, { name: label, triggers: { keywordsAny: [word] }, actions: { addLabel: label } });
      expect(rule.status).toBe(201);
    }

    // A1 (A chat, Ann): Friday 16:30 → Monday 09:30 reply = 30 + 30 business minutes, 65 h wall.
    at('2026-03-06T16:30:00.000Z');
    c.a1 = (await say(t, chatA, 'cust1', 'Hello there')).conversationId;
    await patch(t, sup.token, c.a1, { assigneeId: ann.id });
    at('2026-03-09T09:30:00.000Z');
    await reply(t, ann, c.a1);
    // Two customer messages, one reply: next response = 10:10 − 09:40 (the first unanswered) = 30 min.
    at('2026-03-09T09:40:00.000Z');
    await say(t, chatA, 'cust1', 'One more thing');
    at('2026-03-09T09:50:00.000Z');
    await say(t, chatA, 'cust1', 'And another');
    // A2 (B chat, Bob): first response 20 min; never resolved → its resolution clock breaches (due Tue 12:00).
    at('2026-03-09T10:00:00.000Z');
    c.a2 = (await say(t, chatB, 'cust2', 'My invoice is wrong')).conversationId;
    await patch(t, sup.token, c.a2, { assigneeId: bob.id });
    at('2026-03-09T10:10:00.000Z');
    await reply(t, ann, c.a1);
    at('2026-03-09T10:20:00.000Z');
    await reply(t, bob, c.a2);
    // Monday 16:45 → Tuesday 09:20: next response 15 + 20 = 35 business minutes, 16 h 35 min wall.
    at('2026-03-09T16:45:00.000Z');
    await say(t, chatA, 'cust1', 'Still there?');
    at('2026-03-10T09:20:00.000Z');
    await reply(t, ann, c.a1);
    // Resolved Tuesday 09:30: Fri 0.5 h + Mon 8 h + Tue 0.5 h = 9 business hours; 89 h wall.
    at('2026-03-10T09:30:00.000Z');
    await patch(t, ann.token, c.a1, { status: 'resolved' });
    // A3 (A chat, Ann, label refund): first response 5 min, resolved, reopened, resolved again (10:00 → 11:30).
    at('2026-03-10T10:00:00.000Z');
    c.a3 = (await say(t, chatA, 'cust3', 'Can I get a refund?')).conversationId;
    await patch(t, sup.token, c.a3, { assigneeId: ann.id });
    at('2026-03-10T10:05:00.000Z');
    await reply(t, ann, c.a3);
    at('2026-03-10T10:30:00.000Z');
    await patch(t, ann.token, c.a3, { status: 'resolved' });
    at('2026-03-10T11:00:00.000Z');
    await patch(t, ann.token, c.a3, { status: 'open' });
    at('2026-03-10T11:30:00.000Z');
    await patch(t, ann.token, c.a3, { status: 'resolved' });
    // A4 (A chat, nobody, labels billing + refund; a formula as the customer's name): never answered → breaches.
    at('2026-03-11T10:00:00.000Z');
    c.a4 = (await say(t, chatA, 'cust4', 'Invoice refund please', '=HYPERLINK("http://x")')).conversationId;

    // CSAT (the CSAT helper's table; rows as its service writes them): A1 answered 5, A3 answered 2, A2 sent only.
    const survey = (id: string, conv: string, ch: string, score: number | null, answeredAt: string | null) => ({
      id, conversation_id: conv, contact_id: 'x', channel_id: ch, channel_type: 'webchat', agent_id: null, token: `tok-${id}`,
      state: score === null ? 'sent' : 'answered', detail: null, score, comment: null, sent_at: '2026-03-10T09:31:00.000Z', answered_at: answeredAt, created_at: '2026-03-10T09:30:00.000Z',
    });
    await t.server.store.db
      .insertInto('csat_surveys')
      .values([survey('s1', c.a1, chatA, 5, '2026-03-10T10:00:00.000Z'), survey('s3', c.a3, chatA, 2, '2026-03-10T12:00:00.000Z'), survey('s2', c.a2, chatB, null, null)])
      .execute();

    // Friday noon: every clock still running is overdue and breaches now.
    at('2026-03-13T12:00:00.000Z');
    await t.server.sla.scheduler.tick();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('by channel in business hours: volumes, first / next response, resolution, FCR, reopen, SLA, CSAT', async () => {
    const r = await get(t, sup.token, '/api/v1/metrics/report?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z');
    expect(r).toMatchObject({ groupBy: 'channel', clock: 'business', fcrWindowDays: 7, from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' });
    expect(r.rows).toEqual([
      {
        key: chatA,
        label: 'A chat',
        // A1, A3, A4; inbound 4 + 1 + 1, outbound 3 + 1 + 0.
        volume: { created: 3, resolved: 2, inbound: 6, outbound: 4 },
        // A3 5 min, A1 60 business min.
        firstResponse: { count: 2, medianMs: 5 * MIN, p90Ms: 60 * MIN },
        // A1: 30 min and 35 business min.
        nextResponse: { count: 2, medianMs: 30 * MIN, p90Ms: 35 * MIN },
        // A3 90 min (the current resolution: 10:00 → 11:30), A1 9 business hours.
        resolution: { count: 2, medianMs: 90 * MIN, p90Ms: 9 * HOUR },
        // A3 (first resolved Tue 10 March 10:30, reopened 30 min later) and A1 (resolved Tue 09:30): windows open until
        // Tue 17th, so both are pending, not in the rate; A3 has already missed.
        fcr: { of: 0, n: 0, rate: null, pending: 2, pendingMissed: 1 },
        reopen: { of: 2, n: 1, rate: 0.5 },
        // A1 and A3 resolved in time; A4 breached.
        slaCompliance: { of: 3, n: 2, rate: 2 / 3 },
        csat: { sent: 2, responses: 2, average: 3.5, satisfied: 0.5, responseRate: 1 },
      },
      {
        key: chatB,
        label: 'B chat',
        volume: { created: 1, resolved: 0, inbound: 1, outbound: 1 },
        firstResponse: { count: 1, medianMs: 20 * MIN, p90Ms: 20 * MIN },
        nextResponse: none,
        resolution: none,
        fcr: { of: 0, n: 0, rate: null, pending: 0, pendingMissed: 0 },
        reopen: { of: 0, n: 0, rate: null },
        slaCompliance: { of: 1, n: 0, rate: 0 },
        csat: { sent: 1, responses: 0, average: null, satisfied: null, responseRate: 0 },
      },
    ]);
    expect(r.total).toEqual({
      key: null,
      label: 'Total',
      volume: { created: 4, resolved: 2, inbound: 7, outbound: 5 },
      // 5, 20, 60 min: median rank 2, p90 rank 3.
      firstResponse: { count: 3, medianMs: 20 * MIN, p90Ms: 60 * MIN },
      nextResponse: { count: 2, medianMs: 30 * MIN, p90Ms: 35 * MIN },
      resolution: { count: 2, medianMs: 90 * MIN, p90Ms: 9 * HOUR },
      fcr: { of: 0, n: 0, rate: null, pending: 2, pendingMissed: 1 },
      reopen: { of: 2, n: 1, rate: 0.5 },
      slaCompliance: { of: 4, n: 2, rate: 0.5 },
      csat: { sent: 3, responses: 2, average: 3.5, satisfied: 0.5, responseRate: 2 / 3 },
    });
  });

  it('in wall-clock time', async () => {
    const r = await get(t, sup.token, '/api/v1/metrics/report?clock=wall');
    const a = r.rows.find((x: { key: string }) => x.key === chatA);
    // First: A3 5 min, A1 65 h. Next: 30 min, 16 h 35 min. Resolution: A3 90 min, A1 89 h.
    expect(a.firstResponse).toEqual({ count: 2, medianMs: 5 * MIN, p90Ms: 65 * HOUR });
    expect(a.nextResponse).toEqual({ count: 2, medianMs: 30 * MIN, p90Ms: 16 * HOUR + 35 * MIN });
    expect(a.resolution).toEqual({ count: 2, medianMs: 90 * MIN, p90Ms: 89 * HOUR });
    // Out of range: nothing.
    const empty = await get(t, sup.token, '/api/v1/metrics/report?from=2026-04-01T00:00:00Z');
    expect(empty.total.volume).toEqual({ created: 0, resolved: 0, inbound: 0, outbound: 0 });
    expect(empty.rows.map((x: { volume: { created: number } }) => x.volume.created)).toEqual([0, 0]);
  });

  it('by agent (current assignee) and by label, where a conversation with two labels counts in both', async () => {
    const byAgent = await get(t, sup.token, '/api/v1/metrics/report?groupBy=agent');
    const row = (k: string | null) => byAgent.rows.find((x: { key: string | null }) => x.key === k);
    expect(row(ann.id)).toMatchObject({ label: 'Ann', volume: { created: 2, resolved: 2 }, firstResponse: { count: 2, medianMs: 5 * MIN, p90Ms: 60 * MIN }, reopen: { of: 2, n: 1 }, slaCompliance: { of: 2, n: 2, rate: 1 } });
    expect(row(bob.id)).toMatchObject({ label: 'Bob', volume: { created: 1, resolved: 0 }, slaCompliance: { of: 1, n: 0 }, csat: { sent: 1, responses: 0 } });
    expect(row(null)).toMatchObject({ label: 'Unassigned', volume: { created: 1, resolved: 0, inbound: 1, outbound: 0 }, firstResponse: none, slaCompliance: { of: 1, n: 0 } });
    expect(row(zed.id)).toMatchObject({ label: 'Zed', volume: { created: 0 } });

    const byLabel = await get(t, sup.token, '/api/v1/metrics/report?groupBy=label');
    expect(byLabel.rows.map((x: { key: string | null; label: string; volume: { created: number } }) => [x.key, x.label, x.volume.created])).toEqual([
      ['billing', 'billing', 2], // A2, A4
      ['refund', 'refund', 2], // A3, A4
      [null, 'No label', 1], // A1
    ]);
    const refund = byLabel.rows[1];
    expect(refund).toMatchObject({ volume: { created: 2, resolved: 1, inbound: 2, outbound: 1 }, firstResponse: { count: 1, medianMs: 5 * MIN }, reopen: { of: 1, n: 1, rate: 1 }, slaCompliance: { of: 2, n: 1, rate: 0.5 }, csat: { sent: 1, responses: 1, average: 2, satisfied: 0 } });
    // The total counts A4 once.
    expect(byLabel.total.volume).toEqual({ created: 4, resolved: 2, inbound: 7, outbound: 5 });

    const byPriority = await get(t, sup.token, '/api/v1/metrics/report?groupBy=priority');
    expect(byPriority.rows.map((x: { key: string; volume: { created: number } }) => [x.key, x.volume.created])).toEqual([
      ['urgent', 0],
      ['high', 0],
      ['normal', 4],
      ['low', 0],
    ]);
  });

  it('CSV: every row, then the total; customer text is formula-safe', async () => {
    const text = await csvOf(t, sup.token, '/api/v1/metrics/report?groupBy=label&format=csv');
    const lines = text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(6); // header, billing, refund, No label, total, ''
    expect(lines[0]!.split(',').slice(0, 8)).toEqual(['group_by', 'key', 'label', 'created', 'resolved', 'inbound', 'outbound', 'first_response_count']);
    expect(lines[1]!.startsWith('label,billing,billing,2,0,2,1,1,1200000,1200000,')).toBe(true);
    expect(lines[3]!.startsWith('label,,No label,1,1,4,3,')).toBe(true);
    expect(lines[4]!.startsWith('total,,Total,4,2,7,5,3,1200000,3600000,2,1800000,2100000,2,5400000,32400000,0,0,,2,1,2,1,0.5,4,2,0.5,3,2,3.5,0.5,')).toBe(true);

    const drill = await csvOf(t, sup.token, `/api/v1/metrics/conversations?metric=unanswered&format=csv`);
    const dl = drill.split('\r\n');
    expect(dl[0]).toBe('conversation_id,contact_id,contact_name,channel_id,channel_name,status,assignee_name,created_at,resolved_at,csat_score');
    expect(dl).toHaveLength(3);
    expect(dl[1]).toContain(`,"'=HYPERLINK(""http://x"")",${chatA},A chat,open,,2026-03-11T10:00:00.000Z,,`);
  });

  it('drill-down: the conversations behind a number, newest first', async () => {
    const ids = async (q: string) => (await get(t, sup.token, `/api/v1/metrics/conversations?${q}`)).items.map((i: { conversationId: string }) => i.conversationId);
    expect(await ids(`groupBy=channel&key=${chatA}&metric=created`)).toEqual([c.a4, c.a3, c.a1]);
    expect(await ids('groupBy=label&key=refund&metric=reopened')).toEqual([c.a3]);
    expect(await ids('groupBy=label&key=none&metric=created')).toEqual([c.a1]);
    expect(await ids('groupBy=agent&key=none&metric=slaBreached')).toEqual([c.a4]);
    expect(await ids('metric=slaBreached')).toEqual([c.a4, c.a2]);
    expect(await ids('metric=slaMet')).toEqual([c.a3, c.a1]);
    // A3 already missed but its window is open: pending, like A1, not a decided miss.
    expect(await ids('metric=fcrMissed')).toEqual([]);
    expect(await ids('metric=fcrPending')).toEqual([c.a3, c.a1]);
    expect(await ids('metric=csatLow')).toEqual([c.a3]);
    const one = await get(t, sup.token, `/api/v1/metrics/conversations?metric=csatResponses&groupBy=agent&key=${ann.id}`);
    expect(one).toEqual({
      metric: 'csatResponses',
      items: [
        { conversationId: c.a3, contactId: expect.any(String), contactName: 'cust3', channelId: chatA, channelName: 'A chat', status: 'resolved', assigneeName: 'Ann', createdAt: '2026-03-10T10:00:00.000Z', resolvedAt: '2026-03-10T11:30:00.000Z', csatScore: 2 },
        { conversationId: c.a1, contactId: expect.any(String), contactName: 'cust1', channelId: chatA, channelName: 'A chat', status: 'resolved', assigneeName: 'Ann', createdAt: '2026-03-06T16:30:00.000Z', resolvedAt: '2026-03-10T09:30:00.000Z', csatScore: 5 },
      ],
    });
  });

  it('trend per day: created, resolved, first-response median, CSAT, created per channel', async () => {
    const tr = await get(t, sup.token, '/api/v1/metrics/trend?from=2026-03-09T00:00:00Z&to=2026-03-12T00:00:00Z&interval=day');
    expect(tr.points).toEqual([
      { start: '2026-03-09T00:00:00.000Z', created: 1, resolved: 0, firstResponseMedianMs: 20 * MIN, csatAverage: null, createdByChannel: { [chatB]: 1 } },
      { start: '2026-03-10T00:00:00.000Z', created: 1, resolved: 2, firstResponseMedianMs: 5 * MIN, csatAverage: 3.5, createdByChannel: { [chatA]: 1 } },
      { start: '2026-03-11T00:00:00.000Z', created: 1, resolved: 0, firstResponseMedianMs: null, csatAverage: null, createdByChannel: { [chatA]: 1 } },
    ]);
    const hourly = await get(t, sup.token, '/api/v1/metrics/trend?from=2026-03-10T09:30:00Z&to=2026-03-10T12:00:00Z&interval=hour');
    expect(hourly.points.map((p: { start: string; created: number; resolved: number }) => [p.start, p.created, p.resolved])).toEqual([
      ['2026-03-10T09:00:00.000Z', 0, 1],
      ['2026-03-10T10:00:00.000Z', 1, 0],
      ['2026-03-10T11:00:00.000Z', 0, 1],
    ]);
  });

  it('live: the SLA lists with contact, channel, assignee, state and due time, most urgent first', async () => {
    const live = await get(t, sup.token, '/api/v1/metrics/live');
    expect(live.sla.items).toEqual([
      // A2's resolution was due Tue 12:00; A4's first response Wed 12:00 (its resolution Thu 12:00).
      { conversationId: c.a2, contactName: 'cust2', channelName: 'B chat', assigneeName: 'Bob', state: 'breached', dueAt: '2026-03-10T12:00:00.000Z' },
      { conversationId: c.a4, contactName: '=HYPERLINK("http://x")', channelName: 'A chat', assigneeName: null, state: 'breached', dueAt: '2026-03-11T12:00:00.000Z' },
    ]);
  });

  it('refuses agents on every metrics route (403) and rejects bad queries (400)', async () => {
    const routes = [
      '/api/v1/metrics/report',
      '/api/v1/metrics/report?format=csv',
      '/api/v1/metrics/trend?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z',
      '/api/v1/metrics/conversations?metric=created',
      '/api/v1/metrics/conversations?metric=created&format=csv',
      '/api/v1/metrics/live',
      '/api/v1/metrics/response-times',
    ];
    for (const path of routes) {
      expect((await api(t.url, 'GET', path, zed.token)).status, path).toBe(403);
      expect((await api(t.url, 'GET', path)).status, path).toBe(401);
      expect((await api(t.url, 'GET', path, t.adminToken)).status, path).toBe(200);
    }
    for (const path of [
      '/api/v1/metrics/report?groupBy=country',
      '/api/v1/metrics/report?clock=sundial',
      '/api/v1/metrics/report?fcrWindowDays=0',
      '/api/v1/metrics/report?fcrWindowDays=91',
      '/api/v1/metrics/report?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z',
      '/api/v1/metrics/report?limit=10',
      '/api/v1/metrics/trend?from=2026-03-01T00:00:00Z',
      '/api/v1/metrics/trend?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&interval=week',
      '/api/v1/metrics/trend?from=2020-01-01T00:00:00Z&to=2026-03-02T00:00:00Z&interval=hour',
      '/api/v1/metrics/conversations',
      '/api/v1/metrics/conversations?metric=everything',
      '/api/v1/metrics/conversations?metric=created&format=xml',
      // Not dates at all (long enough to pass a length check): 400, never a 500 from an invalid Date.
      '/api/v1/metrics/report?from=not-a-date-at-all-really',
      '/api/v1/metrics/report?to=2026-13-45T99:99:99Z&format=csv',
      '/api/v1/metrics/trend?from=not-a-date-at-all-really&to=2026-03-02T00:00:00Z',
      '/api/v1/metrics/conversations?metric=created&from=not-a-date-at-all-really',
      '/api/v1/metrics/conversations?metric=created&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z',
      '/api/v1/metrics/response-times?from=not-a-date-at-all-really',
    ]) {
      const res = await api(t.url, 'GET', path, sup.token);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('invalid');
    }
  });
});

// ── Server B: first-contact resolution edge cases (no SLA; continuity reopens within 30 days on any channel) ──
describe('first-contact resolution', () => {
  let t: TestServer;
  let sup: Agent;
  let ann: Agent;
  let bob: Agent;
  let chatA: string;
  let chatB: string;
  const c: Record<string, string> = {};
  const contact: Record<string, string> = {};

  async function resolved(conv: string, replier: Agent, t0: string, t1: string) {
    at(t0);
    await reply(t, replier, conv);
    at(t1);
    await patch(t, replier.token, conv, { status: 'resolved' });
  }
  async function open(key: string, ch: string, who: string, time: string, assignee: Agent) {
    at(time);
    const res = await say(t, ch, who, 'Hello, I need help');
    c[key] = res.conversationId;
    contact[key] = res.contactId;
    await patch(t, sup.token, res.conversationId, { assigneeId: assignee.id });
  }
  const fcr = async (q = '') => (await get(t, sup.token, `/api/v1/metrics/report?groupBy=channel${q}`)).total.fcr;
  const drill = async (metric: string, q = '') => (await get(t, sup.token, `/api/v1/metrics/conversations?metric=${metric}${q}`)).items.map((i: { conversationId: string }) => i.conversationId).sort();

  beforeAll(async () => {
    at('2026-03-02T09:00:00.000Z');
    t = await startTestServer({ clock: dateClock, continuity: { reopenWindowMinutes: 30 * 24 * 60 } });
    sup = await makeAgent(t, 'Sup', 'supervisor');
    ann = await makeAgent(t, 'Ann');
    bob = await makeAgent(t, 'Bob');
    chatA = await makeChannel(t, 'A chat');
    chatB = await makeChannel(t, 'B chat');
    for (const ch of [chatA, chatB]) for (const a of [ann, bob]) await addMember(t, ch, a.id);

    // Monday 2 March, all resolved by Ann unless said otherwise.
    await open('f1', chatA, 'c5', '2026-03-02T10:00:00.000Z', ann);
    await resolved(c.f1!, ann, '2026-03-02T10:05:00.000Z', '2026-03-02T10:10:00.000Z');
    await open('f2', chatA, 'c6', '2026-03-02T11:00:00.000Z', ann);
    await resolved(c.f2!, ann, '2026-03-02T11:05:00.000Z', '2026-03-02T11:10:00.000Z');
    // F3: Ann transfers to Bob (explicit transfer), Bob resolves.
    await open('f3', chatA, 'c7', '2026-03-02T12:00:00.000Z', ann);
    at('2026-03-02T12:05:00.000Z');
    expect((await api(t.url, 'POST', `/api/v1/conversations/${c.f3}/transfer`, ann.token, { toAgentId: bob.id, note: 'Over to you' })).status).toBe(200);
    await resolved(c.f3!, bob, '2026-03-02T12:08:00.000Z', '2026-03-02T12:10:00.000Z');
    // F3b: a supervisor reassigns Ann → Bob (a reassignment is a transfer too).
    await open('f3b', chatA, 'c8', '2026-03-02T12:30:00.000Z', ann);
    at('2026-03-02T12:35:00.000Z');
    await patch(t, sup.token, c.f3b!, { assigneeId: bob.id });
    await resolved(c.f3b!, bob, '2026-03-02T12:38:00.000Z', '2026-03-02T12:40:00.000Z');
    // F4 (contact c9) and, the next day, F5 from ANOTHER contact (c10) on B chat, 23 h 50 min after F4's resolution.
    await open('f4', chatA, 'c9', '2026-03-02T13:00:00.000Z', ann);
    await resolved(c.f4!, ann, '2026-03-02T13:05:00.000Z', '2026-03-02T13:10:00.000Z');
    await open('f5', chatB, 'c10', '2026-03-03T13:00:00.000Z', bob);
    await resolved(c.f5!, bob, '2026-03-03T13:05:00.000Z', '2026-03-03T13:10:00.000Z');
    // Wednesday 4 March: c5 writes on B chat → F1 reopens 1 day 23 h 50 min after its first resolution (within 7 days).
    at('2026-03-04T10:00:00.000Z');
    expect((await say(t, chatB, 'c5', 'It broke again')).conversationId).toBe(c.f1);
    at('2026-03-04T10:30:00.000Z');
    await patch(t, ann.token, c.f1!, { status: 'resolved' });
    // Wednesday 11 March: c6 writes on B chat → F2 reopens 9 days 50 min after its first resolution (after 7 days).
    at('2026-03-11T12:00:00.000Z');
    expect((await say(t, chatB, 'c6', 'A new question')).conversationId).toBe(c.f2);
    at('2026-03-11T12:30:00.000Z');
    await patch(t, ann.token, c.f2!, { status: 'resolved' });
    // Thursday 12 March: F6 resolved, its window still open on Friday (pending); F7 never resolved.
    await open('f6', chatA, 'c11', '2026-03-12T10:00:00.000Z', ann);
    await resolved(c.f6!, ann, '2026-03-12T10:05:00.000Z', '2026-03-12T10:10:00.000Z');
    await open('f7', chatA, 'c12', '2026-03-12T11:00:00.000Z', ann);
    at('2026-03-13T12:00:00.000Z');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reopen on another channel within W misses, after W hits; transfers and reassignments miss; pending until W has passed', async () => {
    // Decided: F1 (reopened), F2 (reopened after W: hit), F3 (transfer), F3b (reassigned), F4 (hit), F5 (hit). F6 pending.
    expect(await fcr()).toEqual({ of: 6, n: 3, rate: 0.5, pending: 1, pendingMissed: 0 });
    expect(await drill('fcr')).toEqual([c.f2, c.f4, c.f5].sort());
    expect(await drill('fcrMissed')).toEqual([c.f1, c.f3, c.f3b].sort());
    expect(await drill('fcrPending')).toEqual([c.f6]);
    // W = 10 days: F2's reopen (9 d 50 min) now misses; F5 (resolved 3 March 13:10) is undecided until 13 March 13:10.
    expect(await fcr('&fcrWindowDays=10')).toEqual({ of: 5, n: 1, rate: 0.2, pending: 2, pendingMissed: 0 });
    expect(await drill('fcrPending', '&fcrWindowDays=10')).toEqual([c.f5, c.f6].sort());
    // Reopen rate: F1..F6 were resolved; F1 and F2 reopened.
    const total = (await get(t, sup.token, '/api/v1/metrics/report')).total;
    expect(total.reopen).toEqual({ of: 7, n: 2, rate: 2 / 7 });
    expect(total.volume.created).toBe(8);
  });

  it('merge: another contact writing within W breaks FCR once merged, and unmerge restores it', async () => {
    expect(await drill('fcr')).toContain(c.f4);
    const merged = await api(t.url, 'POST', `/api/v1/contacts/${contact.f4}/merge`, t.adminToken, { otherId: contact.f5 });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    // F5's message (3 March 13:00) is now the same customer writing 23 h 50 min after F4's resolution.
    expect(await fcr()).toEqual({ of: 6, n: 2, rate: 2 / 6, pending: 1, pendingMissed: 0 });
    expect(await drill('fcrMissed')).toEqual([c.f1, c.f3, c.f3b, c.f4].sort());
    const undone = await api(t.url, 'POST', `/api/v1/contacts/${contact.f4}/unmerge`, t.adminToken, { mergeId: merged.body.mergeId });
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(await fcr()).toEqual({ of: 6, n: 3, rate: 0.5, pending: 1, pendingMissed: 0 });
    expect(await drill('fcr')).toEqual([c.f2, c.f4, c.f5].sort());
  });
});

// ── Server C: a merge that folds one open conversation into another ───────────────────────────────────────────
describe('merge folding an open conversation into the survivor’s thread', () => {
  let t: TestServer;
  let sup: Agent;
  let ann: Agent;
  let chat: string;

  beforeAll(async () => {
    at('2026-05-04T09:00:00.000Z');
    t = await startTestServer({ clock: dateClock });
    sup = await makeAgent(t, 'Sup', 'supervisor');
    ann = await makeAgent(t, 'Ann');
    chat = await makeChannel(t, 'Chat');
    await addMember(t, chat, ann.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the folded conversation leaves the report (its messages count in the thread they joined); unmerge puts it back', async () => {
    const x = await say(t, chat, 'x', 'My order is late');
    await patch(t, sup.token, x.conversationId, { assigneeId: ann.id });
    at('2026-05-04T09:05:00.000Z');
    await reply(t, ann, x.conversationId);
    at('2026-05-04T09:10:00.000Z');
    const y = await say(t, chat, 'y', 'Hello? (from my other device)');
    await say(t, chat, 'y', 'Anyone there?');
    expect(y.conversationId).not.toBe(x.conversationId);

    const total = async () => (await get(t, sup.token, '/api/v1/metrics/report')).total;
    const ids = async (metric: string) => (await get(t, sup.token, `/api/v1/metrics/conversations?metric=${metric}`)).items.map((i: { conversationId: string }) => i.conversationId);
    // Before: two conversations, X answered in 5 min, Y waiting with 2 messages.
    expect((await total()).volume).toEqual({ created: 2, resolved: 0, inbound: 3, outbound: 1 });
    expect(await ids('unanswered')).toEqual([y.conversationId]);

    at('2026-05-04T09:15:00.000Z');
    const merged = await api(t.url, 'POST', `/api/v1/contacts/${x.contactId}/merge`, t.adminToken, { otherId: y.contactId });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    // After: one thread. Y's messages are in X's conversation; Y's emptied conversation is neither created nor unanswered.
    expect((await total()).volume).toEqual({ created: 1, resolved: 0, inbound: 3, outbound: 1 });
    expect((await total()).firstResponse).toEqual({ count: 1, medianMs: 5 * MIN, p90Ms: 5 * MIN });
    expect(await ids('created')).toEqual([x.conversationId]);
    expect(await ids('unanswered')).toEqual([]);
    // A later command touching the folded conversation's contact does not bring its row back.
    await patch(t, sup.token, x.conversationId, { priority: 'high' });
    expect((await total()).volume.created).toBe(1);

    const undone = await api(t.url, 'POST', `/api/v1/contacts/${x.contactId}/unmerge`, t.adminToken, { mergeId: merged.body.mergeId });
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect((await total()).volume).toEqual({ created: 2, resolved: 0, inbound: 3, outbound: 1 });
    expect(await ids('unanswered')).toEqual([y.conversationId]);
  });
});
