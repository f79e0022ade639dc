// The desktop core's SLA side against the real server, both on one manual clock: live countdown data in the cache,
// "Due soonest" / "At risk", OS notifications before and on breach (coalesced, once), none for a conversation answered
// meanwhile (even offline, reply still in the outbox), do-not-disturb, and a breach that fired while the app was
// closed arriving with the next sync.
import { describe, expect, it } from 'vitest';
import { createServer, type ThreadlineServer } from '../../src-server/app';
import { createCore } from '../../src-main/core/index';
import type { Channel } from '../../src-shared/domain';
import type { IpcEvent, Notification } from '../../src-shared/ipc';
import { ManualClock } from '../../src-shared/sla';
import { uuidv7 } from '../../src-shared/ids';
import { until } from './support/wait';
import { ADMIN, api, cleanupAfterEach } from './support/core-world';

const AGENT = { email: 'ana@example.com', password: 'ana-password-1', name: 'Ana' };
const MIN = 60_000;

const { cleanups, tempDir } = cleanupAfterEach();

async function world(clock: ManualClock) {
  const server = await createServer({ dataDir: tempDir('sla-server-'), port: 0, logLevel: 'silent', adminEmail: ADMIN.email, adminPassword: ADMIN.password, clock });
  cleanups.push(() => server.close());
  const { token } = await api<{ token: string }>(server, null, 'POST', '/api/v1/auth/login', ADMIN);
  const channel = await api<Channel>(server, token, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Website chat', config: {} });
  const agent = await api<{ id: string }>(server, token, 'POST', '/api/v1/agents', { ...AGENT, role: 'agent' });
  await api(server, token, 'PUT', `/api/v1/channels/${channel.id}/members/${agent.id}`);
  await api(server, token, 'POST', '/api/v1/sla-policies', { name: 'Chat', channelType: 'webchat', firstResponseMinutes: 10, nextResponseMinutes: 10, resolutionMinutes: null });
  return { server, channel, agentId: agent.id, adminToken: token };
}

async function openCore(dataDir: string, clock: ManualClock, server: ThreadlineServer, login = true) {
  const core = await createCore({ dataDir, clock, notifyWindowMs: 20, sla: { windowMs: 30, intervalMs: 25 }, backoff: { baseMs: 50, capMs: 200 } });
  const notes: Notification[] = [];
  core.onEvent((e: IpcEvent) => {
    if (e.type === 'notify' && /^(SLA|\d+ SLA)/.test(e.notification.title)) notes.push(e.notification);
  });
  if (login) await core.handlers['session.login']({ serverUrl: server.url, email: AGENT.email, password: AGENT.password });
  return { core, notes };
}

function customerWrites(server: ThreadlineServer, channelId: string, visitor: string, text: string) {
  return server.commands.receiveInbound({ channelId, identity: { channelType: 'webchat', value: `visitor:${visitor}` }, profile: { name: visitor }, externalId: uuidv7(), text });
}

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('desktop SLA watcher', () => {
  it('warns before the breach and on it, once each; sort and filter by due time', async () => {
    const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
    const w = await world(clock);
    const { core, notes } = await openCore(tempDir('sla-core-'), clock, w.server);
    cleanups.push(() => core.close());
    const { conversationId } = await customerWrites(w.server, w.channel.id, 'Budi', 'Hello?');
    clock.advance(MIN);
    await customerWrites(w.server, w.channel.id, 'Sari', 'Hi there');
    const rows = await until('both conversations synced with SLA', async () => {
      const r = await core.handlers['inbox.list']({ view: 'all', sort: 'due', limit: 50, offset: 0 });
      return r.items.length === 2 && r.items.every((i) => i.conversation.firstResponseDueAt) && r.items;
    });
    expect(rows.map((r) => r.contactName)).toEqual(['Budi', 'Sari']); // due soonest first (newest last by recency)
    expect((await core.handlers['inbox.list']({ view: 'all', atRisk: true, limit: 50, offset: 0 })).total).toBe(0);

    clock.set(Date.parse('2026-05-04T10:05:00Z')); // Budi: 5 minutes left
    await until('warning notification', () => notes.length >= 1);
    expect(notes[0]).toMatchObject({ title: 'SLA warning: Budi', body: 'First response: 5 min left', conversationId, count: 1 });
    expect((await core.handlers['inbox.list']({ view: 'all', atRisk: true, limit: 50, offset: 0 })).items.map((r) => r.contactName)).toEqual(['Budi']);

    clock.set(Date.parse('2026-05-04T10:10:00Z')); // Budi breached, Sari warned (75% and 5 min left)
    await w.server.sla.scheduler.tick();
    await until('breach notification', () => notes.some((n) => n.title.includes('breached')));
    await settle();
    const breach = notes.find((n) => n.title.includes('breached'))!;
    expect(breach).toMatchObject({ conversationId, body: 'First response overdue' });
    // Coalesced: the breach and Sari's warnings came due together → one notification with a count.
    expect(breach.count).toBeGreaterThanOrEqual(2);
    const count = notes.length;
    // The server's own slaEvents arrive by sync: the same keys, never shown again.
    clock.advance(30_000);
    await w.server.sla.scheduler.tick();
    await settle();
    expect(notes.length).toBe(count);
  });

  it('never notifies for a conversation answered meanwhile — even with the reply still in the outbox (offline)', async () => {
    const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
    const w = await world(clock);
    const { core, notes } = await openCore(tempDir('sla-core-'), clock, w.server);
    cleanups.push(() => core.close());
    const { conversationId } = await customerWrites(w.server, w.channel.id, 'Tom', 'Hello?');
    await until('synced', async () => (await core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 })).items[0]?.conversation.firstResponseDueAt);
    await w.server.close(); // offline from here
    await until('offline', async () => (await core.handlers['session.state']({})).connection === 'offline');
    clock.advance(3 * MIN);
    await core.handlers['message.send']({ conversationId, text: 'On it!', private: false });
    const row = (await core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 })).items[0]!;
    expect(row.conversation.firstResponseDueAt).toBeNull();
    clock.advance(20 * MIN);
    await settle();
    expect(notes).toEqual([]);
  });

  it('do-not-disturb swallows them; an agent offline at breach time is told on the next sync', async () => {
    const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
    const w = await world(clock);
    const dir = tempDir('sla-core-');
    let { core, notes } = await openCore(dir, clock, w.server);
    const { conversationId } = await customerWrites(w.server, w.channel.id, 'Ayu', 'Halo?');
    await until('synced', async () => (await core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 })).items[0]?.conversation.firstResponseDueAt);
    await core.handlers['session.setDoNotDisturb']({ on: true });
    clock.set(Date.parse('2026-05-04T10:06:00Z'));
    await settle();
    expect(notes).toEqual([]);
    // Do not disturb survives restarts (session meta): switched off before closing, so the breach below is told.
    await core.handlers['session.setDoNotDisturb']({ on: false });
    await core.close();

    // App closed: the breach fires on the server.
    clock.set(Date.parse('2026-05-04T10:12:00Z'));
    const fired = await w.server.sla.scheduler.tick();
    expect(fired.map((e) => e.kind)).toContain('breach');
    // Reopened: the server event (pulled now) and the local prediction share one key: told once.
    ({ core, notes } = await openCore(dir, clock, w.server, false));
    cleanups.push(() => core.close());
    await until('breach after sync', () => notes.some((n) => n.title === 'SLA breached: Ayu' && n.conversationId === conversationId));
    const detail = await core.handlers['conversation.open']({ id: conversationId });
    expect(detail.slaEvents?.map((e) => e.kind)).toContain('breach');
    await settle();
    expect(notes.filter((n) => n.title.includes('breached'))).toHaveLength(1);
  });
});
