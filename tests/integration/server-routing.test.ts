// Routing on a real server (SQLite in a temp dir, real sockets, a manual clock): teams and rules over REST (admin
// only, bad input changes nothing), atomic assignment under a burst of 500 concurrent inbound conversations, the
// queue draining highest priority / oldest first when capacity frees, reassignment when the assignee does not reply,
// overflow, presence with a grace period after the app disconnects, explainable routing events, escalation.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-shared/sla';
import type { RoutingEvent, Presence } from '../../src-shared/routing';
import { uuidv7 } from '../../src-shared/ids';
import { addMember, api, makeAgent, makeChannel, startTestServer, SyncClient, type TestServer } from './server-support';

const T0 = Date.parse('2026-05-04T03:00:00.000Z');
let servers: TestServer[] = [];
let sockets: SyncClient[] = [];

afterEach(async () => {
  for (const s of sockets) s.close();
  sockets = [];
  for (const s of servers.reverse()) await s.close().catch(() => undefined);
  servers = [];
});

async function start(clock = new ManualClock(T0)) {
  const t = await startTestServer({ clock, routing: { tickMs: 0, graceMs: 60_000 } });
  servers.push(t);
  return { t, clock };
}

async function inbound(t: TestServer, channelId: string, visitor: string, text = 'hello') {
  return t.server.commands.receiveInbound({ channelId, identity: { channelType: 'webchat', value: `visitor:${visitor}` }, profile: { name: visitor }, externalId: uuidv7(), text });
}

async function waitFor<T>(fn: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Agents in a channel, connected over real sync sockets (present), online. */
async function onlineAgents(t: TestServer, channelId: string, names: string[]) {
  const agents: (Awaited<ReturnType<typeof makeAgent>> & { socket: SyncClient })[] = [];
  for (const name of names) {
    const a = await makeAgent(t, name);
    await addMember(t, channelId, a.id);
    const s = await SyncClient.connect(t.url, a.token);
    sockets.push(s);
    await s.hello(`client-${a.id}`);
    agents.push({ ...a, socket: s });
  }
  await waitFor(async () => {
    const p = await api<{ items: Presence[] }>(t.url, 'GET', '/api/v1/presence', t.adminToken);
    return names.length > 0 && agents.every((a) => p.body.items.some((x) => x.id === a.id && x.effective === 'online'));
  });
  return agents;
}

async function setup(t: TestServer, names: string[], team: Record<string, unknown> = {}, rule: Record<string, unknown> = {}) {
  const channelId = await makeChannel(t);
  const agents = await onlineAgents(t, channelId, names);
  const created = await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'Chat', strategy: 'least_loaded', memberIds: agents.map((a) => a.id), defaultCapacity: { webchat: 3 }, ...team });
  expect(created.status).toBe(201);
  const r = await api(t.url, 'POST', '/api/v1/routing-rules', t.adminToken, { name: 'All chat', conditions: { channelTypes: ['webchat'] }, teamId: created.body.id, ...rule });
  expect(r.status).toBe(201);
  return { channelId, agents, teamId: created.body.id as string, ruleId: r.body.id as string };
}

const conv = async (t: TestServer, id: string) => (await t.server.store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
const events = async (t: TestServer, id: string) =>
  (await api<{ items: RoutingEvent[] }>(t.url, 'GET', `/api/v1/conversations/${id}/routing-events`, t.adminToken)).body.items;

describe('routing configuration over REST', () => {
  it('admin CRUD for teams, rules, escalation rules and agent skills; agents 403; bad input 400 with nothing stored', async () => {
    const { t } = await start();
    const agent = await makeAgent(t, 'Ana');
    const team = await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'WhatsApp specialists', strategy: 'skills', memberIds: [agent.id], defaultCapacity: { whatsapp: 2, '*': 4 } });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({ name: 'WhatsApp specialists', strategy: 'skills', memberIds: [agent.id], overflow: null });
    for (const [method, path, body] of [
      ['GET', '/api/v1/teams', undefined],
      ['POST', '/api/v1/teams', { name: 'x' }],
      ['GET', '/api/v1/routing-rules', undefined],
      ['POST', '/api/v1/routing-rules', { name: 'x', teamId: team.body.id }],
      ['POST', '/api/v1/escalation-rules', { name: 'x', triggers: { vip: true } }],
      ['PATCH', `/api/v1/agents/${agent.id}/routing`, { skills: ['x'] }],
    ] as const) {
      expect((await api(t.url, method, path, agent.token, body)).status, `${method} ${path}`).toBe(403);
    }
    const bad = [
      { name: 'x', teamId: 'nope' },
      { name: 'x', teamId: team.body.id, conditions: { channelTypes: ['pigeon'] } },
      { name: 'x', teamId: team.body.id, conditions: { businessHours: { calendarId: 'nope', when: 'open' } } },
      { name: '', teamId: team.body.id },
      { name: 'x', teamId: team.body.id, surprise: 1 },
    ];
    for (const body of bad) expect((await api(t.url, 'POST', '/api/v1/routing-rules', t.adminToken, body)).status, JSON.stringify(body)).toBe(400);
    expect((await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'x', strategy: 'random' })).status).toBe(400);
    expect((await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'x', memberIds: ['ghost'] })).status).toBe(400);
    expect((await api(t.url, 'POST', '/api/v1/escalation-rules', t.adminToken, { name: 'x', triggers: {} })).status).toBe(400);
    expect((await api(t.url, 'GET', '/api/v1/routing-rules', t.adminToken)).body.items).toEqual([]);
    expect((await api(t.url, 'GET', '/api/v1/teams', t.adminToken)).body.items).toHaveLength(1);

    const r1 = await api(t.url, 'POST', '/api/v1/routing-rules', t.adminToken, { name: 'VIP', conditions: { customerTiers: ['vip'] }, teamId: team.body.id, requiredSkills: ['vip'] });
    const r2 = await api(t.url, 'POST', '/api/v1/routing-rules', t.adminToken, { name: 'Rest', teamId: team.body.id, position: 5 });
    expect(r1.status).toBe(201);
    expect((await api(t.url, 'GET', '/api/v1/routing-rules', t.adminToken)).body.items.map((r: { name: string }) => r.name)).toEqual(['Rest', 'VIP']);
    expect((await api(t.url, 'PATCH', `/api/v1/routing-rules/${r2.body.id}`, t.adminToken, { position: 50 })).body.position).toBe(50);
    expect((await api(t.url, 'PATCH', `/api/v1/routing-rules/${r2.body.id}`, t.adminToken, { teamId: 'nope' })).status).toBe(400);
    expect((await api(t.url, 'DELETE', `/api/v1/teams/${team.body.id}`, t.adminToken)).status).toBe(400); // a rule targets it
    const skills = await api(t.url, 'PATCH', `/api/v1/agents/${agent.id}/routing`, t.adminToken, { skills: ['vip', 'billing'], capacity: { webchat: 5 } });
    expect(skills.body).toMatchObject({ skills: ['vip', 'billing'], capacity: { webchat: 5 } });
    expect((await api(t.url, 'GET', `/api/v1/agents/${agent.id}/routing`, agent.token)).status).toBe(200);
    const esc = await api(t.url, 'POST', '/api/v1/escalation-rules', t.adminToken, { name: 'Angry', triggers: { sentimentAtMost: -0.4 }, actions: { raisePriority: true } });
    expect(esc.status).toBe(201);
    expect(esc.body.actions).toMatchObject({ raisePriority: true, reassign: false, moveToTeamId: null });
    expect((await api(t.url, 'DELETE', `/api/v1/routing-rules/${r1.body.id}`, t.adminToken)).status).toBe(204);
  });
});

describe('assignment', () => {
  it('a burst of 500 concurrent conversations never exceeds any capacity and never assigns one twice; the rest queue', async () => {
    const { t } = await start();
    const { channelId, agents } = await setup(t, ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10']);
    // Capacity: 3 each by the team default, one agent overrides to 7.
    await api(t.url, 'PATCH', `/api/v1/agents/${agents[0]!.id}/routing`, t.adminToken, { capacity: { webchat: 7 } });
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => inbound(t, channelId, `v${i}`)));
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(500);
    const rows = await t.server.store.db.selectFrom('conversations').select(['id', 'assignee_id', 'queued_at']).execute();
    const load = new Map<string, number>();
    for (const r of rows) if (r.assignee_id) load.set(r.assignee_id, (load.get(r.assignee_id) ?? 0) + 1);
    expect(load.get(agents[0]!.id)).toBe(7);
    for (const a of agents.slice(1)) expect(load.get(a.id)).toBe(3);
    expect(rows.filter((r) => r.assignee_id).length).toBe(34);
    expect(rows.filter((r) => !r.assignee_id && r.queued_at).length).toBe(466);
    // Exactly one "assigned" event per assigned conversation (never assigned twice).
    const assignedEvents = await t.server.store.db.selectFrom('routing_events').select(['conversation_id']).where('kind', '=', 'assigned').execute();
    expect(assignedEvents.length).toBe(34);
    expect(new Set(assignedEvents.map((e) => e.conversation_id)).size).toBe(34);
  }, 60_000);

  it('two server processes on the same SQLite file: a concurrent burst still never exceeds a capacity or assigns twice', async () => {
    const t = await startTestServer({ routing: { tickMs: 0 } });
    servers.push(t);
    const { channelId, agents } = await setup(t, ['P1', 'P2', 'P3', 'P4', 'P5']);
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const peer = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/integration/support/routing-peer.ts'), t.dir, channelId, '250', 'peer'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    peer.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(async () => out.includes('ready'), 30_000);
      peer.stdin.write('go\n');
      const mine = await Promise.allSettled(Array.from({ length: 250 }, (_, i) => inbound(t, channelId, `main${i}`)));
      const theirs = await waitFor(async () => out.split('\n').find((l) => l.startsWith('{')), 60_000);
      const peerResult = JSON.parse(theirs) as { ok: number; failed: string[] };
      expect(mine.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
      expect(peerResult.failed).toEqual([]);
      // Whatever the peer left queued, a drain here finishes (capacity 3 × 5 = 15 in all).
      await t.server.router.drain();
      const rows = await t.server.store.db.selectFrom('conversations').select(['id', 'assignee_id']).execute();
      expect(rows).toHaveLength(500);
      const load = new Map<string, number>();
      for (const r of rows) if (r.assignee_id) load.set(r.assignee_id, (load.get(r.assignee_id) ?? 0) + 1);
      for (const a of agents) expect(load.get(a.id)).toBe(3);
      const assigned = await t.server.store.db.selectFrom('routing_events').select('conversation_id').where('kind', '=', 'assigned').execute();
      expect(assigned).toHaveLength(15);
      expect(new Set(assigned.map((e) => e.conversation_id)).size).toBe(15);
    } finally {
      peer.kill();
    }
  }, 120_000);

  it('explains the decision, queues when nobody can take it, then assigns highest priority / oldest first when capacity frees', async () => {
    const { t, clock } = await start();
    const { channelId, agents, teamId } = await setup(t, ['Ana', 'Budi'], { defaultCapacity: { webchat: 1 } });
    const first = await inbound(t, channelId, 'c1');
    const ev = await events(t, first.conversationId);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ kind: 'assigned', ruleName: 'All chat', teamId, strategy: 'least_loaded' });
    expect(ev[0]!.agentsSkipped).toHaveLength(1);
    expect(ev[0]!.agentsSkipped[0]!.reason).toBe('not_chosen');
    const second = await inbound(t, channelId, 'c2');
    expect((await conv(t, second.conversationId)).assignee_id).not.toBe((await conv(t, first.conversationId)).assignee_id);
    clock.advance(1000);
    const old = await inbound(t, channelId, 'c3');
    clock.advance(1000);
    const urgent = await inbound(t, channelId, 'c4');
    clock.advance(1000);
    const newer = await inbound(t, channelId, 'c5');
    const queued = (await events(t, old.conversationId))[0]!;
    expect(queued.kind).toBe('queued');
    expect(queued.agentsSkipped.map((s) => s.reason)).toEqual(['full', 'full']);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${newer.conversationId}/queue-position`, t.adminToken)).body.position).toBe(3);
    await api(t.url, 'PATCH', `/api/v1/conversations/${urgent.conversationId}`, t.adminToken, { priority: 'urgent' });
    expect((await api(t.url, 'GET', `/api/v1/conversations/${newer.conversationId}/queue-position`, t.adminToken)).body.position).toBe(3);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${urgent.conversationId}/queue-position`, t.adminToken)).body.position).toBe(1);

    // Ana resolves hers: the urgent one goes to her (not the older normal one).
    const anaConv = (await conv(t, first.conversationId)).assignee_id === agents[0]!.id ? first : second;
    expect((await api(t.url, 'PATCH', `/api/v1/conversations/${anaConv.conversationId}`, agents[0]!.token, { status: 'resolved' })).status).toBe(200);
    expect((await conv(t, urgent.conversationId)).assignee_id).toBe(agents[0]!.id);
    expect((await conv(t, old.conversationId)).assignee_id).toBeNull();
    // Budi resolves his: the oldest waiting goes next.
    const budiConv = anaConv === first ? second : first;
    await api(t.url, 'PATCH', `/api/v1/conversations/${budiConv.conversationId}`, agents[1]!.token, { status: 'resolved' });
    expect((await conv(t, old.conversationId)).assignee_id).toBe(agents[1]!.id);
    expect((await conv(t, newer.conversationId)).assignee_id).toBeNull();
    // A reopened conversation is routed again (and waits: everyone is full).
    // (A reopened conversation keeps an assignee it still has; without one it is routed.)
    await api(t.url, 'PATCH', `/api/v1/conversations/${budiConv.conversationId}`, t.adminToken, { status: 'open', assigneeId: null });
    expect((await events(t, budiConv.conversationId)).map((e) => e.kind)).toEqual(['assigned', 'queued']);
  });

  it('round robin, and a rule that does not match leaves the conversation alone (recorded with the failed condition)', async () => {
    const { t } = await start();
    const { channelId, agents } = await setup(t, ['R1', 'R2', 'R3'], { strategy: 'round_robin', defaultCapacity: { webchat: 10 } }, { conditions: { keywordsAny: ['refund', 'batal'] } });
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push((await conv(t, (await inbound(t, channelId, `rr${i}`, 'I want a refund')).conversationId)).assignee_id!);
    const order = [...agents.map((a) => a.id)].sort();
    expect(got).toEqual([...order, ...order]);
    const other = await inbound(t, channelId, 'plain', 'just saying hi');
    expect((await conv(t, other.conversationId)).assignee_id).toBeNull();
    expect((await events(t, other.conversationId))[0]).toMatchObject({ kind: 'unassigned', rulesSkipped: [{ name: 'All chat', failed: 'keywordsAny' }] });
  });

  it('reassigns when the assignee has not replied in time (notifying both), not when they replied', async () => {
    const { t, clock } = await start();
    const { channelId, agents } = await setup(t, ['Ana', 'Budi'], { replyTimeoutSeconds: 120 });
    const a = await inbound(t, channelId, 'slow');
    const firstAgent = (await conv(t, a.conversationId)).assignee_id!;
    const b = await inbound(t, channelId, 'fast');
    const fastId = (await conv(t, b.conversationId)).assignee_id;
    const fastAgent = agents.find((x) => x.id === fastId)!;
    const reply = await api(t.url, 'POST', `/api/v1/conversations/${b.conversationId}/messages`, fastAgent.token, { text: 'Hi!' });
    expect(reply.status).toBe(201);
    clock.advance(119_000);
    await t.server.router.tick();
    expect((await conv(t, a.conversationId)).assignee_id).toBe(firstAgent);
    clock.advance(2_000);
    await t.server.router.tick();
    const after = await conv(t, a.conversationId);
    expect(after.assignee_id).not.toBeNull();
    expect(after.assignee_id).not.toBe(firstAgent);
    const last = (await events(t, a.conversationId)).at(-1)!;
    expect(last).toMatchObject({ kind: 'reassigned', agentId: after.assignee_id });
    expect(last.why).toContain('did not reply within 120 s');
    expect(last.notify.sort()).toEqual([firstAgent, after.assignee_id].sort());
    expect(last.agentsSkipped).toContainEqual({ agentId: firstAgent, reason: 'previous_assignee' });
    expect((await conv(t, b.conversationId)).assignee_id).toBe(fastAgent.id);
    expect((await events(t, b.conversationId)).map((e) => e.kind)).toEqual(['assigned']);
  });

  it('overflows a specialist queue to generalists after N seconds', async () => {
    const { t, clock } = await start();
    const channelId = await makeChannel(t);
    const [spec, gen] = await onlineAgents(t, channelId, ['Spec', 'Gen']);
    const generalists = await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'Generalists', memberIds: [gen!.id], defaultCapacity: { webchat: 5 } });
    const specialists = await api(t.url, 'POST', '/api/v1/teams', t.adminToken, {
      name: 'Specialists',
      memberIds: [spec!.id],
      defaultCapacity: { webchat: 1 },
      overflow: { teamId: generalists.body.id, afterSeconds: 60 },
    });
    await api(t.url, 'POST', '/api/v1/routing-rules', t.adminToken, { name: 'Chat', teamId: specialists.body.id });
    const one = await inbound(t, channelId, 'o1');
    const two = await inbound(t, channelId, 'o2');
    expect((await conv(t, one.conversationId)).assignee_id).toBe(spec!.id);
    expect((await conv(t, two.conversationId)).assignee_id).toBeNull();
    clock.advance(30_000);
    await t.server.router.tick();
    expect((await conv(t, two.conversationId)).assignee_id).toBeNull();
    clock.advance(31_000);
    await t.server.router.tick();
    expect((await conv(t, two.conversationId)).assignee_id).toBe(gen!.id);
    const ev = (await events(t, two.conversationId)).at(-1)!;
    expect(ev).toMatchObject({ kind: 'overflow', teamName: 'Generalists', agentId: gen!.id });
    expect(ev.why).toContain('waited 61 s in Specialists');
  });
});

describe('presence', () => {
  it('online while connected and for the grace period after the app disconnects, then offline; away and offline are never routed to', async () => {
    const { t, clock } = await start();
    const { channelId, agents } = await setup(t, ['Ana']);
    const ana = agents[0]!;
    const watcher = await SyncClient.connect(t.url, t.adminToken);
    sockets.push(watcher);
    await watcher.hello('watcher-client');
    const { cursor } = await watcher.pullAll(0);

    expect((await api(t.url, 'PUT', '/api/v1/presence', ana.token, { status: 'busy' })).status).toBe(400);
    expect((await api(t.url, 'PUT', '/api/v1/presence', ana.token, { status: 'away' })).body).toMatchObject({ id: ana.id, status: 'away', effective: 'away' });
    const c1 = await inbound(t, channelId, 'p1');
    expect((await conv(t, c1.conversationId)).assignee_id).toBeNull();
    expect((await events(t, c1.conversationId))[0]!.agentsSkipped).toEqual([{ agentId: ana.id, reason: 'away' }]);
    // Back online: the queue drains to her at once.
    const seenAway = await watcher.pullAll(cursor);
    expect(seenAway.changes.filter((c) => c.entity === 'presence').map((c) => c.data as Presence)).toContainEqual(expect.objectContaining({ id: ana.id, effective: 'away' }));
    await api(t.url, 'PUT', '/api/v1/presence', ana.token, { status: 'online' });
    expect((await conv(t, c1.conversationId)).assignee_id).toBe(ana.id);
    const seen = await watcher.pullAll(seenAway.cursor);
    expect(seen.changes.filter((c) => c.entity === 'presence').map((c) => c.data as Presence)).toContainEqual(expect.objectContaining({ id: ana.id, effective: 'online' }));
    expect(seen.changes.filter((c) => c.entity === 'routingEvent').map((c) => (c.data as RoutingEvent).kind)).toContain('assigned');

    // The app disconnects: still online within the grace period.
    clock.advance(1000);
    ana.socket.close();
    await waitFor(async () => (await t.server.store.db.selectFrom('agent_routing').select('last_seen_at').where('agent_id', '=', ana.id).executeTakeFirst())?.last_seen_at === new Date(clock.now()).toISOString());
    clock.advance(59_000);
    await t.server.router.tick();
    const p1 = (await api<{ items: Presence[] }>(t.url, 'GET', '/api/v1/presence', t.adminToken)).body.items.find((p) => p.id === ana.id)!;
    expect(p1.effective).toBe('online');
    const c2 = await inbound(t, channelId, 'p2');
    expect((await conv(t, c2.conversationId)).assignee_id).toBe(ana.id);
    clock.advance(2_000);
    await t.server.router.tick();
    const p2 = (await api<{ items: Presence[] }>(t.url, 'GET', '/api/v1/presence', t.adminToken)).body.items.find((p) => p.id === ana.id)!;
    expect(p2).toMatchObject({ status: 'online', effective: 'offline' });
    const c3 = await inbound(t, channelId, 'p3');
    expect((await conv(t, c3.conversationId)).assignee_id).toBeNull();
    expect((await events(t, c3.conversationId))[0]!.agentsSkipped).toEqual([{ agentId: ana.id, reason: 'offline' }]);
    // Reconnecting brings her back and drains the queue.
    const again = await SyncClient.connect(t.url, ana.token);
    sockets.push(again);
    await waitFor(async () => (await conv(t, c3.conversationId)).assignee_id === ana.id);
  });
});

describe('collision detection and presence over the sync socket', () => {
  it('"viewing"/"replying" reach other agents who see the channel (not outsiders), and "off" when the viewer disconnects', async () => {
    const { t } = await start();
    const channelId = await makeChannel(t);
    const [ana, budi] = await onlineAgents(t, channelId, ['Ana', 'Budi']);
    const outsider = await makeAgent(t, 'Out');
    const out = await SyncClient.connect(t.url, outsider.token);
    sockets.push(out);
    await out.hello('outsider-client');
    const c = await inbound(t, channelId, 'v1');
    ana!.socket.send({ type: 'viewing', conversationId: c.conversationId, on: true, replying: false });
    expect(await budi!.socket.next('viewing')).toEqual({ type: 'viewing', conversationId: c.conversationId, agentId: ana!.id, name: 'Ana', on: true, replying: false });
    ana!.socket.send({ type: 'viewing', conversationId: c.conversationId, on: true, replying: true });
    expect((await budi!.socket.next('viewing')).replying).toBe(true);
    out.send({ type: 'viewing', conversationId: c.conversationId, on: true, replying: false });
    expect((await out.next('error')).code).toBe('not_found');
    // Budi opens it later: he learns Ana is already there.
    budi!.socket.send({ type: 'viewing', conversationId: c.conversationId, on: true, replying: false });
    expect(await budi!.socket.next('viewing')).toMatchObject({ agentId: ana!.id, on: true, replying: true });
    expect((await ana!.socket.next('viewing')).agentId).toBe(budi!.id);
    ana!.socket.close();
    expect(await budi!.socket.next('viewing')).toMatchObject({ agentId: ana!.id, on: false });
    expect(out.frames.pending('viewing')).toEqual([]);
    // The presence frame sets the chosen status.
    budi!.socket.send({ type: 'presence', status: 'away' });
    await waitFor(async () => (await api<{ items: Presence[] }>(t.url, 'GET', '/api/v1/presence', t.adminToken)).body.items.some((p) => p.id === budi!.id && p.status === 'away'));
  });
});

describe('escalation', () => {
  it('negative sentiment raises the priority, labels, moves to the senior team and notifies supervisors — once', async () => {
    const { t } = await start();
    const { channelId } = await setup(t, ['Ana'], { defaultCapacity: { webchat: 5 } });
    const senior = await onlineAgents(t, channelId, ['Senior']);
    const sup = await makeAgent(t, 'Sup', 'supervisor');
    const seniorTeam = await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'Senior', memberIds: [senior[0]!.id] });
    const rule = await api(t.url, 'POST', '/api/v1/escalation-rules', t.adminToken, {
      name: 'Angry customer',
      triggers: { sentimentAtMost: -0.5, keywordsAny: ['lawyer'] },
      actions: { raisePriority: true, addLabel: 'angry', moveToTeamId: seniorTeam.body.id, notifySupervisors: true },
    });
    expect(rule.status).toBe(201);
    const calm = await inbound(t, channelId, 'calm', 'Hello, where is my order?');
    expect((await conv(t, calm.conversationId)).priority).toBe('normal');
    const angry = await inbound(t, channelId, 'calm', 'Saya sangat kecewa, pelayanan buruk dan lambat!!');
    expect(angry.conversationId).toBe(calm.conversationId);
    const row = await conv(t, calm.conversationId);
    expect(row.priority).toBe('high');
    expect(JSON.parse(row.labels!)).toEqual(['angry']);
    expect(row.assignee_id).toBe(senior[0]!.id);
    const ev = await events(t, calm.conversationId);
    const esc = ev.find((e) => e.kind === 'escalated')!;
    expect(esc.why).toContain('Angry customer');
    expect(esc.notify).toContain(sup.id);
    expect(ev.at(-1)).toMatchObject({ kind: 'reassigned', agentId: senior[0]!.id, teamName: 'Senior' });
    await inbound(t, channelId, 'calm', 'I will call my lawyer, terrible');
    expect((await conv(t, calm.conversationId)).priority).toBe('high');
    expect((await events(t, calm.conversationId)).filter((e) => e.kind === 'escalated')).toHaveLength(1);
  });
});
