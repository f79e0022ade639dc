// The SLA engine on a real server (SQLite in a temp dir, real sockets) with a manual clock: policies and calendars
// over REST (admin only), due times stored on the conversation, warning then breach exactly once, a reply in time
// cancels them, escalation on breach, a restart in the middle of a running SLA, and slaEvent entities that reach a
// client pulling later (an agent who was offline).
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-shared/sla';
import type { SlaEvent } from '../../src-shared/sla';
import type { Conversation } from '../../src-shared/domain';
import { uuidv7 } from '../../src-shared/ids';
import { addMember, api, makeAgent, makeChannel, startTestServer, SyncClient, tempDir, type TestServer } from './server-support';

const MIN = 60_000;
const T0 = Date.parse('2026-05-04T10:00:00.000Z');
let servers: TestServer[] = [];

afterEach(async () => {
  for (const s of servers.reverse()) await s.close().catch(() => undefined);
  servers = [];
});

async function start(clock: ManualClock, dataDir?: string) {
  const t = await startTestServer({ clock, ...(dataDir ? { dataDir } : {}) });
  servers.push(t);
  return t;
}

async function inbound(t: TestServer, channelId: string, visitor: string, text: string) {
  return t.server.commands.receiveInbound({ channelId, identity: { channelType: 'webchat', value: `visitor:${visitor}` }, profile: { name: visitor }, externalId: uuidv7(), text });
}

async function conversation(t: TestServer, id: string): Promise<Conversation> {
  const res = await api<Conversation>(t.url, 'GET', `/api/v1/conversations/${id}`, t.adminToken);
  expect(res.status).toBe(200);
  return res.body;
}

async function events(t: TestServer, conversationId: string) {
  return t.server.store.db.selectFrom('sla_events').selectAll().where('conversation_id', '=', conversationId).orderBy('fired_at').orderBy('key').execute();
}

const chatPolicy = { name: 'Web chat', channelType: 'webchat', firstResponseMinutes: 10, nextResponseMinutes: 10, resolutionMinutes: 600 };

describe('SLA policies and calendars over REST', () => {
  it('admin creates, reads, patches and deletes; agents get 403; bad input is a 400 that changes nothing', async () => {
    const t = await start(new ManualClock(T0));
    const agent = await makeAgent(t, 'Ana');
    const cal = await api(t.url, 'POST', '/api/v1/business-calendars', t.adminToken, {
      name: 'Jakarta office',
      timeZone: 'Asia/Jakarta',
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
      holidays: ['2026-08-17'],
    });
    expect(cal.status).toBe(201);
    const created = await api(t.url, 'POST', '/api/v1/sla-policies', t.adminToken, { ...chatPolicy, calendarId: cal.body.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Web chat', priority: null, pauseOn: ['pending'], warnings: [{ kind: 'percent', value: 75 }, { kind: 'remaining', minutes: 5 }] });

    expect((await api(t.url, 'GET', '/api/v1/sla-policies', agent.token)).status).toBe(403);
    expect((await api(t.url, 'POST', '/api/v1/sla-policies', agent.token, chatPolicy)).status).toBe(403);
    expect((await api(t.url, 'POST', '/api/v1/business-calendars', agent.token, { name: 'x', timeZone: 'UTC', weekly: [], holidays: [] })).status).toBe(403);

    for (const bad of [
      { ...chatPolicy, firstResponseMinutes: -5 },
      { ...chatPolicy, channelType: 'pigeon' },
      { ...chatPolicy, calendarId: 'no-such-calendar' },
      { ...chatPolicy, warnings: [{ kind: 'percent', value: 150 }] },
    ]) {
      expect((await api(t.url, 'POST', '/api/v1/sla-policies', t.adminToken, bad)).status).toBe(400);
    }
    expect((await api(t.url, 'POST', '/api/v1/business-calendars', t.adminToken, { name: 'x', timeZone: 'Mars/Base', weekly: [{ day: 1, start: '09:00', end: '17:00' }], holidays: [] })).status).toBe(400);
    expect((await api(t.url, 'PATCH', `/api/v1/sla-policies/${created.body.id}`, t.adminToken, { firstResponseMinutes: 0 })).status).toBe(400);
    expect((await api(t.url, 'GET', '/api/v1/sla-policies', t.adminToken)).body.items).toHaveLength(1);

    const patched = await api(t.url, 'PATCH', `/api/v1/sla-policies/${created.body.id}`, t.adminToken, { firstResponseMinutes: 5 });
    expect(patched.body).toMatchObject({ firstResponseMinutes: 5, calendarId: cal.body.id });
    expect((await api(t.url, 'DELETE', `/api/v1/business-calendars/${cal.body.id}`, t.adminToken)).status).toBe(400); // still used
    expect((await api(t.url, 'DELETE', `/api/v1/sla-policies/${created.body.id}`, t.adminToken)).status).toBe(204);
    expect((await api(t.url, 'DELETE', `/api/v1/business-calendars/${cal.body.id}`, t.adminToken)).status).toBe(204);
  });
});

describe('SLA engine and scheduler', () => {
  it('stores due times; fires the warnings then the breach exactly once, visible to the channel over sync', async () => {
    const clock = new ManualClock(T0);
    const t = await start(clock);
    const channelId = await makeChannel(t);
    const other = await makeChannel(t, 'Other site');
    const ana = await makeAgent(t, 'Ana');
    const bob = await makeAgent(t, 'Bob');
    await addMember(t, channelId, ana.id);
    await addMember(t, other, bob.id);
    await api(t.url, 'POST', '/api/v1/sla-policies', t.adminToken, chatPolicy);

    const { conversationId } = await inbound(t, channelId, 'budi', 'Where is my order?');
    const c = await conversation(t, conversationId);
    expect(c).toMatchObject({ priority: 'normal', firstResponseDueAt: new Date(T0 + 10 * MIN).toISOString(), nextResponseDueAt: null, slaState: 'ok' });
    expect(c.resolutionDueAt).toBe(new Date(T0 + 600 * MIN).toISOString());

    const fire = async (at: number) => (await t.server.sla.scheduler.tick()).map((e) => `${(at - T0) / MIN}:${e.target}:${e.label}`);
    clock.set(T0 + 4 * MIN);
    expect(await fire(clock.now())).toEqual([]);
    clock.set(T0 + 5 * MIN); // 5 minutes left
    expect(await fire(clock.now())).toEqual(['5:firstResponse:5m']);
    clock.set(T0 + 7.5 * MIN); // 75 %
    expect(await fire(clock.now())).toEqual(['7.5:firstResponse:75%']);
    expect((await conversation(t, conversationId)).slaState).toBe('warning');
    clock.set(T0 + 10 * MIN);
    expect(await fire(clock.now())).toEqual(['10:firstResponse:breach']);
    const all = await events(t, conversationId);
    expect(all.map((e) => e.kind)).toEqual(['warning', 'warning', 'breach']);
    expect(await t.server.sla.scheduler.tick()).toEqual([]);
    clock.advance(60 * MIN);
    expect((await t.server.sla.scheduler.tick()).filter((e) => e.target === 'firstResponse')).toEqual([]);
    expect((await conversation(t, conversationId)).slaState).toBe('breached');

    // Ana (member) gets them on a pull from 0 — an agent who was offline; Bob (other channel) does not.
    const anaSync = await SyncClient.connect(t.url, ana.token);
    await anaSync.hello(uuidv7());
    const seen = (await anaSync.pullAll(0)).changes.filter((ch) => ch.entity === 'slaEvent').map((ch) => ch.data as SlaEvent);
    expect(seen.map((e) => `${e.kind}:${e.label}`).sort()).toEqual(all.map((e) => `${e.kind}:${JSON.parse(e.data).label}`).sort());
    expect(seen.every((e) => e.conversationId === conversationId)).toBe(true);
    const bobSync = await SyncClient.connect(t.url, bob.token);
    await bobSync.hello(uuidv7());
    expect((await bobSync.pullAll(0)).changes.filter((ch) => ch.entity === 'slaEvent')).toEqual([]);
    anaSync.close();
    bobSync.close();
  });

  it('fires 5-minutes-left before 75% when the target is long enough, each once', async () => {
    const clock = new ManualClock(T0);
    const t = await start(clock);
    const channelId = await makeChannel(t);
    await api(t.url, 'POST', '/api/v1/sla-policies', t.adminToken, { ...chatPolicy, firstResponseMinutes: 60 });
    const { conversationId } = await inbound(t, channelId, 'sari', 'Hello');
    const fired: string[] = [];
    for (let m = 1; m <= 70; m++) {
      clock.set(T0 + m * MIN);
      for (const e of await t.server.sla.scheduler.tick()) if (e.target === 'firstResponse') fired.push(`${m}:${e.label}`);
    }
    expect(fired).toEqual(['45:75%', '55:5m', '60:breach']);
    expect(await events(t, conversationId)).toHaveLength(3);
  });

  it('a reply in time cancels warning and breach; pending pauses the clock', async () => {
    const clock = new ManualClock(T0);
    const t = await start(clock);
    const channelId = await makeChannel(t);
    await api(t.url, 'POST', '/api/v1/sla-policies', t.adminToken, chatPolicy);
    const { conversationId } = await inbound(t, channelId, 'tom', 'Hi');
    clock.set(T0 + 3 * MIN);
    expect((await api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, t.adminToken, { text: 'Hello Tom!' })).status).toBe(201);
    const c = await conversation(t, conversationId);
    expect(c.firstResponseDueAt).toBeNull();
    for (let m = 4; m <= 30; m++) {
      clock.set(T0 + m * MIN);
      expect((await t.server.sla.scheduler.tick()).filter((e) => e.target !== 'resolution')).toEqual([]);
    }
    // The customer writes again: next response; the agent sets it pending for 20 minutes: the due time moves 20 minutes.
    await inbound(t, channelId, 'tom', 'Any news?');
    expect((await conversation(t, conversationId)).nextResponseDueAt).toBe(new Date(T0 + 40 * MIN).toISOString());
    clock.set(T0 + 32 * MIN);
    await api(t.url, 'PATCH', `/api/v1/conversations/${conversationId}`, t.adminToken, { status: 'pending' });
    expect((await conversation(t, conversationId))).toMatchObject({ nextResponseDueAt: null, slaState: 'paused' });
    clock.set(T0 + 52 * MIN);
    expect((await t.server.sla.scheduler.tick()).filter((e) => e.target === 'nextResponse')).toEqual([]);
    await api(t.url, 'PATCH', `/api/v1/conversations/${conversationId}`, t.adminToken, { status: 'open' });
    expect((await conversation(t, conversationId)).nextResponseDueAt).toBe(new Date(T0 + 60 * MIN).toISOString());
    expect((await events(t, conversationId)).filter((e) => e.target !== 'resolution')).toEqual([]);
  });

  it('escalates on breach: raises priority, returns it to the queue, flags supervisors', async () => {
    const clock = new ManualClock(T0);
    const t = await start(clock);
    const channelId = await makeChannel(t);
    const ana = await makeAgent(t, 'Ana');
    await addMember(t, channelId, ana.id);
    await api(t.url, 'POST', '/api/v1/sla-policies', t.adminToken, { ...chatPolicy, escalation: { raisePriority: true, reassignTo: 'queue', notifySupervisors: true } });
    const { conversationId } = await inbound(t, channelId, 'budi', 'Hello?');
    await api(t.url, 'PATCH', `/api/v1/conversations/${conversationId}`, t.adminToken, { assigneeId: ana.id });
    clock.set(T0 + 10 * MIN);
    const fired = await t.server.sla.scheduler.tick();
    const breach = fired.find((e) => e.kind === 'breach')!;
    expect(breach).toMatchObject({ assigneeId: ana.id, actions: ['priority:high', 'unassigned'], notifySupervisors: true });
    expect(await conversation(t, conversationId)).toMatchObject({ priority: 'high', assigneeId: null });
  });

  it('survives a restart mid-SLA: due times and pending warnings persist; nothing fires twice', async () => {
    const clock = new ManualClock(T0);
    const dir = tempDir();
    const t1 = await start(clock, dir);
    const channelId = await makeChannel(t1);
    await api(t1.url, 'POST', '/api/v1/sla-policies', t1.adminToken, { ...chatPolicy, firstResponseMinutes: 60 });
    const { conversationId } = await inbound(t1, channelId, 'ayu', 'Halo');
    clock.set(T0 + 46 * MIN);
    expect((await t1.server.sla.scheduler.tick()).map((e) => e.label)).toEqual(['75%']);
    const before = await conversation(t1, conversationId);
    await t1.server.close();
    servers = servers.filter((s) => s !== t1);

    // Down while the 5-minutes-left warning comes due; up again before the breach.
    clock.set(T0 + 56 * MIN);
    const t2 = await start(clock, dir);
    const after = await conversation(t2, conversationId);
    expect(after.firstResponseDueAt).toBe(before.firstResponseDueAt);
    expect(after.firstResponseDueAt).toBe(new Date(T0 + 60 * MIN).toISOString());
    const fired = await t2.server.sla.scheduler.tick();
    // The scheduler's own first tick at start may already have fired it: either way, exactly once in the store.
    expect(fired.map((e) => e.label).filter((l) => l === '75%')).toEqual([]);
    clock.set(T0 + 61 * MIN);
    await t2.server.sla.scheduler.tick();
    await t2.server.sla.scheduler.tick();
    const rows = (await events(t2, conversationId)).filter((e) => e.target === 'firstResponse');
    expect(rows.map((e) => (JSON.parse(e.data) as SlaEvent).label)).toEqual(['75%', '5m', 'breach']);

    // Even a stale snapshot (a second process, a restored backup) cannot fire a key that already fired.
    const db = t2.server.store.db;
    const stale = await db.selectFrom('conversations').select('sla').where('id', '=', conversationId).executeTakeFirstOrThrow();
    const rewound = JSON.parse(stale.sla!) as { targets: { firstResponse: { fired: string[] } } };
    rewound.targets.firstResponse.fired = [];
    await db.updateTable('conversations').set({ sla: JSON.stringify(rewound), sla_next_at: new Date(T0).toISOString() }).where('id', '=', conversationId).execute();
    expect((await t2.server.sla.scheduler.tick()).filter((e) => e.target === 'firstResponse')).toEqual([]);
    expect((await events(t2, conversationId)).filter((e) => e.target === 'firstResponse')).toHaveLength(3);
  });
});
