// Handoff and collaboration through two real desktop cores (Ana and Ben, each with its own cache) and the real
// server: claim (optimistic, then confirmed; the loser's claim is rolled back with the reason), transfer with a
// note (the receiver sees the note in the thread and is notified, once), @mentions (the mentioned agent is notified
// once, the author never), the no-reply reassignment notifying both agents, and routing events + presence in the
// cache (the timeline and the assignee's presence).
import { describe, expect, it } from 'vitest';
import { createServer, type ThreadlineServer } from '../../src-server/app';
import { createCore, type Core } from '../../src-main/core/index';
import type { Channel } from '../../src-shared/domain';
import type { IpcEvent, Notification } from '../../src-shared/ipc';
import { ManualClock } from '../../src-shared/sla';
import { uuidv7 } from '../../src-shared/ids';
import { until } from './support/wait';
import { ADMIN, api, cleanupAfterEach } from './support/core-world';

const ANA = { email: 'ana@example.com', password: 'ana-password-1', name: 'Ana Lima' };
const BEN = { email: 'ben@example.com', password: 'ben-password-1', name: 'Ben Okafor' };

const { cleanups, tempDir } = cleanupAfterEach();

async function world(clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'))) {
  const server = await createServer({ dataDir: tempDir('collab-server-'), port: 0, logLevel: 'silent', adminEmail: ADMIN.email, adminPassword: ADMIN.password, clock, routing: { tickMs: 0 } });
  cleanups.push(() => server.close());
  const { token } = await api<{ token: string }>(server, null, 'POST', '/api/v1/auth/login', ADMIN);
  const channel = await api<Channel>(server, token, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Website chat', config: {} });
  const ids: string[] = [];
  for (const who of [ANA, BEN]) {
    const a = await api<{ id: string }>(server, token, 'POST', '/api/v1/agents', { ...who, role: 'agent' });
    await api(server, token, 'PUT', `/api/v1/channels/${channel.id}/members/${a.id}`);
    ids.push(a.id);
  }
  return { server, channel, anaId: ids[0]!, benId: ids[1]!, adminToken: token, clock };
}

async function openCore(server: ThreadlineServer, who: { email: string; password: string }) {
  const core = await createCore({ dataDir: tempDir('collab-core-'), notifyWindowMs: 20, backoff: { baseMs: 50, capMs: 200 } });
  cleanups.push(() => core.close());
  const notes: Notification[] = [];
  const rejected: Extract<IpcEvent, { type: 'rejected' }>[] = [];
  core.onEvent((e: IpcEvent) => {
    if (e.type === 'notify') notes.push(e.notification);
    if (e.type === 'rejected') rejected.push(e);
  });
  await core.handlers['session.login']({ serverUrl: server.url, email: who.email, password: who.password });
  return { core, notes, rejected };
}

const customerWrites = (server: ThreadlineServer, channelId: string, visitor: string, text: string) =>
  server.commands.receiveInbound({ channelId, identity: { channelType: 'webchat', value: `visitor:${visitor}` }, profile: { name: visitor }, externalId: uuidv7(), text });
const settle = () => new Promise((r) => setTimeout(r, 200));
const open = (core: Core, id: string) => core.handlers['conversation.open']({ id });

describe('handoff through the desktop core', () => {
  it('claim: optimistic, confirmed for the winner; the loser is rolled back and told who has it', async () => {
    const w = await world();
    const ana = await openCore(w.server, ANA);
    const ben = await openCore(w.server, BEN);
    const { conversationId } = await customerWrites(w.server, w.channel.id, 'Rudi', 'Anyone there?');
    await until('both synced', async () => (await open(ana.core, conversationId).catch(() => null)) && (await open(ben.core, conversationId).catch(() => null)));
    await ana.core.handlers['conversation.claim']({ conversationId });
    expect((await open(ana.core, conversationId)).conversation.assigneeId).toBe(w.anaId); // at once, before the server answers
    await until('claimed on the server', async () => (await w.server.store.db.selectFrom('conversations').select('assignee_id').where('id', '=', conversationId).executeTakeFirst())?.assignee_id === w.anaId);
    // Ben claims from a stale view: the server refuses; his optimistic claim is undone, with the reason.
    await ben.core.handlers['conversation.claim']({ conversationId });
    await until('rejection', () => ben.rejected.length > 0);
    expect(ben.rejected[0]).toMatchObject({ mutation: 'claim', conversationId, code: 'conflict', message: 'already assigned to Ana Lima' });
    await until('Ben sees Ana as the assignee', async () => (await open(ben.core, conversationId)).conversation.assigneeId === w.anaId);
    const detail = await open(ben.core, conversationId);
    expect(detail.routingEvents?.map((e) => e.kind)).toEqual(['claimed']);
    expect(detail.assigneePresence).toBe('online');
    const inbox = await ben.core.handlers['inbox.list']({ view: 'all', limit: 50, offset: 0 });
    expect(inbox.items[0]).toMatchObject({ assigneeName: 'Ana Lima', assigneePresence: 'online' });
    expect((await ben.core.handlers['presence.list']({})).filter((p) => p.status === 'online').map((p) => p.name)).toEqual(['Ana Lima', 'Ben Okafor']);
  });

  it('transfer with a note: the receiver sees the note in the thread and is notified once; mentions notify once, never the author', async () => {
    const w = await world();
    const ana = await openCore(w.server, ANA);
    const ben = await openCore(w.server, BEN);
    const { conversationId } = await customerWrites(w.server, w.channel.id, 'Sari', 'My refund?');
    await until('synced', async () => (await open(ana.core, conversationId).catch(() => null)) && (await open(ben.core, conversationId).catch(() => null)));
    await ana.core.handlers['conversation.claim']({ conversationId });
    await ana.core.handlers['conversation.transfer']({ conversationId, toAgentId: w.benId, note: 'She is a VIP, refund approved' });
    const mine = await open(ana.core, conversationId);
    expect(mine.conversation.assigneeId).toBe(w.benId);
    expect(mine.messages.find((m) => m.direction === 'note')).toMatchObject({ text: 'She is a VIP, refund approved', pending: true });

    await until('Ben notified', () => ben.notes.some((n) => n.title === 'Transferred to you'));
    expect(ben.notes.filter((n) => n.title === 'Transferred to you')).toEqual([{ title: 'Transferred to you', body: 'She is a VIP, refund approved', conversationId, count: 1 }]);
    const his = await until('Ben has the note and the event', async () => {
      const d = await open(ben.core, conversationId);
      return d.messages.some((m) => m.direction === 'note') && d.routingEvents?.some((e) => e.kind === 'transferred') && d;
    });
    expect(his.conversation.assigneeId).toBe(w.benId);
    expect(his.messages.find((m) => m.direction === 'note')).toMatchObject({ text: 'She is a VIP, refund approved', authorName: 'Ana Lima', pending: false });
    expect(his.routingEvents!.map((e) => e.kind)).toEqual(['claimed', 'transferred']);

    // Ben mentions Ana (and himself) in a private note: Ana is notified once, Ben never.
    await ben.core.handlers['message.send']({ conversationId, text: '@Ana Lima thanks! cc @Ben Okafor', private: true });
    await until('Ana notified of the mention', () => ana.notes.some((n) => n.title.startsWith('Ben Okafor mentioned you')));
    const stored = await until('stored', async () => w.server.store.db.selectFrom('messages').select('mentions').where('conversation_id', '=', conversationId).where('text', 'like', '@Ana%').executeTakeFirst());
    expect(JSON.parse(stored.mentions!)).toEqual([w.anaId]);
    // A public reply with an @ is not a mention.
    await ben.core.handlers['message.send']({ conversationId, text: 'Hi @Ana Lima', private: false });
    await settle();
    // Reconnects and re-pulls never repeat it.
    ana.core.retryNow();
    await settle();
    expect(ana.notes.filter((n) => n.title.includes('mentioned you'))).toHaveLength(1);
    expect(ben.notes.filter((n) => n.title.includes('mentioned you'))).toHaveLength(0);
    expect(ana.notes.filter((n) => n.title === 'Transferred to you')).toHaveLength(0);
  });

  it('no reply in time: the conversation is reassigned and both agents are notified', async () => {
    const w = await world();
    const team = await api<{ id: string }>(w.server, w.adminToken, 'POST', '/api/v1/teams', { name: 'Chat', strategy: 'round_robin', memberIds: [w.anaId, w.benId], replyTimeoutSeconds: 60 });
    await api(w.server, w.adminToken, 'POST', '/api/v1/routing-rules', { name: 'VIP', teamId: team.id });
    const ana = await openCore(w.server, ANA);
    const ben = await openCore(w.server, BEN);
    await until('both online', async () => (await ana.core.handlers['presence.list']({})).filter((p) => p.status === 'online').length === 2 || (await w.server.router.presence()).filter((p) => p.effective === 'online').length === 2);
    const { conversationId } = await customerWrites(w.server, w.channel.id, 'Tono', 'Halo');
    const first = await until('assigned', async () => (await w.server.store.db.selectFrom('conversations').select('assignee_id').where('id', '=', conversationId).executeTakeFirst())?.assignee_id);
    const [holder, other] = first === w.anaId ? [ana, ben] : [ben, ana];
    await until('timeline synced', async () => (await open(holder.core, conversationId).catch(() => null))?.routingEvents?.some((e) => e.kind === 'assigned'));
    const assigned = (await open(holder.core, conversationId)).routingEvents!.find((e) => e.kind === 'assigned')!;
    expect(assigned).toMatchObject({ ruleName: 'VIP', strategy: 'round_robin' });
    w.clock.advance(61_000);
    await w.server.router.tick();
    await until('both notified', () => holder.notes.some((n) => n.title === 'Reassigned to someone else') && other.notes.some((n) => n.title === 'Reassigned to you'));
  });
});
