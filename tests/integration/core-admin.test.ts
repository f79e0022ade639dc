// The Settings area's core ipc methods against a real server: an admin configures teams, rules, calendars, SLA
// policies and agents; a supervisor reads but cannot write; an agent gets 403 surfaced as {code,message}. Plus the
// priority mutation (sync, exactly once) and do-not-disturb surviving a restart of the core.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core/index';
import { dispatchIpc, type IpcArgs, type IpcHandlers, type IpcMethod, type IpcValue } from '../../src-shared/ipc';
import { addMember, api, login, makeAgent, makeChannel, startTestServer, tempDir, WidgetClient, visitor, ADMIN, type TestServer } from './server-support';
import { until } from './support/wait';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<TestServer> {
  const t = await startTestServer();
  cleanups.push(() => t.close());
  return t;
}

async function core(t: TestServer, email: string, password: string, dataDir = tempDir('threadline-core-')): Promise<Core> {
  const c = await createCore({ dataDir, backoff: { baseMs: 50, capMs: 200 } });
  cleanups.push(async () => {
    await c.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  await c.handlers['session.login']({ serverUrl: t.url, email, password });
  return c;
}

/** A call as the renderer makes it: through the contract's validation (defaults applied), failures thrown as {code,message}. */
async function call<M extends IpcMethod>(h: IpcHandlers, method: M, args: IpcArgs<M>): Promise<IpcValue<M>> {
  const r = await dispatchIpc(h, method, args);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as IpcValue<M>;
}

describe('Settings ipc methods (core → REST)', () => {
  it('an admin configures agents, teams, ordered rules, calendars, SLA policies and escalation; the server stores them', async () => {
    const t = await server();
    const channelId = await makeChannel(t);
    const admin = await core(t, ADMIN.email, ADMIN.password);
    const h = admin.handlers;

    const ana = await call(h, 'admin.agents.save', { name: 'Ana', email: 'ana@test.local', role: 'agent', password: 'ana-password-1' });
    await call(h, 'admin.agents.setChannels', { agentId: ana.id, channelIds: [channelId] });
    const routing = await call(h, 'admin.agents.setRouting', { agentId: ana.id, skills: ['vip', 'billing'], capacity: { webchat: 5, '*': 2 } });
    expect(routing).toMatchObject({ skills: ['vip', 'billing'], capacity: { webchat: 5, '*': 2 } });
    expect((await api(t.url, 'GET', `/api/v1/agents/${ana.id}`, t.adminToken)).body.channelIds).toEqual([channelId]);
    await call(h, 'admin.agents.setChannels', { agentId: ana.id, channelIds: [] });
    expect((await api(t.url, 'GET', `/api/v1/agents/${ana.id}`, t.adminToken)).body.channelIds).toEqual([]);
    expect((await call(h, 'admin.agents.list', {})).map((a) => a.email)).toContain('ana@test.local');

    const generalists = await call(h, 'admin.teams.save', { input: { name: 'Generalists', memberIds: [ana.id], defaultCapacity: { webchat: 4 } } });
    const night = await call(h, 'admin.teams.save', { input: { name: 'Night shift', strategy: 'round_robin', overflow: { teamId: generalists.id, afterSeconds: 60, queueLength: null } } });
    expect(night.overflow).toEqual({ teamId: generalists.id, afterSeconds: 60, queueLength: null });
    // The server's 400 comes back as {code, message}, nothing stored.
    const refused = await dispatchIpc(h, 'admin.teams.save', { id: generalists.id, input: { name: 'Generalists', overflow: { teamId: generalists.id, afterSeconds: 5 } } });
    expect(refused).toEqual({ ok: false, error: { code: 'invalid', message: 'overflow: a team cannot overflow to itself' } });
    expect((await call(h, 'admin.teams.list', {})).map((x) => x.name)).toEqual(['Generalists', 'Night shift']);

    const jakarta = await call(h, 'admin.calendars.save', { input: { name: 'Jakarta office', timeZone: 'Asia/Jakarta', weekly: [{ day: 1, start: '09:00', end: '17:00' }], holidays: ['2026-12-25'] } });
    const badZone = await dispatchIpc(h, 'admin.calendars.save', { input: { name: 'X', timeZone: 'Mars/Olympus', weekly: [], holidays: [] } });
    expect(badZone).toMatchObject({ ok: false, error: { code: 'invalid_args' } });

    const a = await call(h, 'admin.routingRules.save', { input: { name: 'After hours', teamId: night.id, conditions: { businessHours: { calendarId: jakarta.id, when: 'closed' } } } });
    const b = await call(h, 'admin.routingRules.save', { input: { name: 'Everything else', teamId: generalists.id } });
    const unknownTeam = await dispatchIpc(h, 'admin.routingRules.save', { input: { name: 'Lost', teamId: 'no-such-team' } });
    expect(unknownTeam).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect((await call(h, 'admin.routingRules.list', {})).map((r) => r.name)).toEqual(['After hours', 'Everything else']);
    const moved = await call(h, 'admin.routingRules.move', { id: b.id, direction: 'up' });
    expect(moved.map((r) => r.name)).toEqual(['Everything else', 'After hours']);
    expect((await api(t.url, 'GET', '/api/v1/routing-rules', t.adminToken)).body.items.map((r: { id: string }) => r.id)).toEqual([b.id, a.id]);
    await call(h, 'admin.routingRules.save', { id: a.id, input: { name: 'After hours (Jakarta)', teamId: night.id, enabled: false } });
    expect((await api(t.url, 'GET', `/api/v1/routing-rules/${a.id}`, t.adminToken)).body).toMatchObject({ name: 'After hours (Jakarta)', enabled: false, conditions: {} });

    const policy = await call(h, 'admin.slaPolicies.save', { input: { name: 'WhatsApp VIP', channelType: 'whatsapp', customerTier: 'vip', calendarId: jakarta.id, firstResponseMinutes: 5, pauseOn: ['pending', 'snoozed'], warnings: [{ kind: 'percent', value: 50 }] } });
    expect((await api(t.url, 'GET', `/api/v1/sla-policies/${policy.id}`, t.adminToken)).body).toMatchObject({ calendarId: jakarta.id, firstResponseMinutes: 5, pauseOn: ['pending', 'snoozed'] });

    const esc = await call(h, 'admin.escalationRules.save', { input: { name: 'Angry', triggers: { sentimentAtMost: -0.5 }, actions: { raisePriority: true, moveToTeamId: generalists.id } } });
    expect(esc.actions).toMatchObject({ raisePriority: true, moveToTeamId: generalists.id, reassign: false });
    // Deleting goes through too.
    await call(h, 'admin.escalationRules.delete', { id: esc.id });
    expect(await call(h, 'admin.escalationRules.list', {})).toEqual([]);
    await call(h, 'admin.routingRules.delete', { id: a.id });
    expect((await call(h, 'admin.routingRules.list', {})).map((r) => r.id)).toEqual([b.id]);
  });

  it('a supervisor reads but cannot write; an agent gets 403 surfaced as an error', async () => {
    const t = await server();
    const sup = await makeAgent(t, 'Sari', 'supervisor');
    const agent = await makeAgent(t, 'Budi', 'agent');
    await api(t.url, 'POST', '/api/v1/teams', t.adminToken, { name: 'Generalists' });

    const s = await core(t, sup.email, sup.password);
    expect((await s.handlers['admin.teams.list']({})).map((x) => x.name)).toEqual(['Generalists']);
    expect(await dispatchIpc(s.handlers, 'admin.teams.save', { input: { name: 'Mine' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const a = await core(t, agent.email, agent.password);
    for (const method of ['admin.teams.list', 'admin.routingRules.list', 'admin.escalationRules.list', 'admin.slaPolicies.list', 'admin.calendars.list'] as const) {
      const r = await dispatchIpc(a.handlers, method, {});
      expect(r.ok, method).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('forbidden');
        expect(r.error.message.length).toBeGreaterThan(0);
      }
    }
    expect(await dispatchIpc(a.handlers, 'admin.agents.save', { name: 'X', email: 'x@test.local', role: 'admin', password: 'password-123' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await api(t.url, 'GET', '/api/v1/teams', t.adminToken)).body.items).toHaveLength(1);
  });
});

describe('priority and do-not-disturb', () => {
  it('setPriority goes through sync once and the server stores it; do-not-disturb survives a restart of the core', async () => {
    const t = await server();
    const channelId = await makeChannel(t);
    const ana = await makeAgent(t, 'Ana');
    await addMember(t, channelId, ana.id);
    const widget = await WidgetClient.connect(t.url);
    await widget.hello({ channelId, visitorId: visitor(), name: 'Tess' });
    await widget.say('hello, my order is late');
    await widget.close();

    const dataDir = tempDir('threadline-core-');
    const c = await createCore({ dataDir, backoff: { baseMs: 50, capMs: 200 } });
    await c.handlers['session.login']({ serverUrl: t.url, email: ana.email, password: ana.password });
    const row = await until('conversation in the cache', async () => (await c.handlers['inbox.list']({ view: 'all', limit: 10, offset: 0 })).items[0]);
    await c.handlers['conversation.setPriority']({ conversationId: row.conversation.id, priority: 'urgent' });
    // Optimistic at once, then acknowledged.
    expect((await c.handlers['conversation.open']({ id: row.conversation.id })).conversation.priority).toBe('urgent');
    await until('outbox drained', async () => (await c.inspect.outbox()).length === 0);
    const { token } = await login(t.url, ana.email, ana.password);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${row.conversation.id}`, token)).body.priority).toBe('urgent');
    const r = await dispatchIpc(c.handlers, 'conversation.setPriority', { conversationId: row.conversation.id, priority: 'extreme' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_args' } });

    expect((await c.handlers['session.state']({})).doNotDisturb).toBe(false);
    await c.handlers['session.setDoNotDisturb']({ on: true });
    await c.close();
    const again = await createCore({ dataDir, backoff: { baseMs: 50, capMs: 200 } });
    cleanups.push(async () => {
      await again.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    expect((await again.handlers['session.state']({})).doNotDisturb).toBe(true);
    await again.handlers['session.setDoNotDisturb']({ on: false });
    expect((await again.handlers['session.state']({})).doNotDisturb).toBe(false);
  });
});
