// The `npm start` demo workspace (src-server/demo.ts, demo-history.ts): two weeks of history that gives the supervisor
// dashboard something to show, written through the real seed path, read back through the real metrics / quality API.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src-shared/metrics';
import type { ThreadlineServer } from '../../src-server/app';
import { seedDemo, type DemoWorkspace } from '../../src-server/demo';
import { demoHistory } from '../../src-server/demo-history';
import { api, login, tempDir } from './server-support';

const DAY = 86_400_000;
let dir: string;
let server: ThreadlineServer;
let demo: DemoWorkspace;
let seedMs: number;
let token: string;

async function counts() {
  const { db } = server.store;
  const n = async (t: 'conversations' | 'messages' | 'contacts' | 'channels' | 'csat_surveys' | 'conversation_stats' | 'agents') =>
    Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { conversations: await n('conversations'), messages: await n('messages'), contacts: await n('contacts'), channels: await n('channels'), surveys: await n('csat_surveys'), stats: await n('conversation_stats'), agents: await n('agents') };
}

async function report(groupBy: string): Promise<Report> {
  const from = new Date(Date.now() - 15 * DAY).toISOString();
  const res = await api<Report>(server.url, 'GET', `/api/v1/metrics/report?from=${encodeURIComponent(from)}&groupBy=${groupBy}`, token);
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  dir = tempDir();
  const { createServer } = await import('../../src-server/app');
  server = await createServer({ dataDir: dir, port: 0, logLevel: 'silent', adminPassword: 'admin-password-1' });
  const started = performance.now();
  demo = await seedDemo(server);
  seedMs = performance.now() - started;
  const sam = demo.agents.find((a) => a.role === 'supervisor')!;
  token = (await login(server.url, sam.email, sam.password)).token;
});

afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('demo workspace history', () => {
  it('is fast, all demo, and a second seed adds nothing', async () => {
    console.log(`demo seed: ${Math.round(seedMs)} ms`);
    expect(seedMs).toBeLessThan(2000 * 3); // 2 s on an idle machine; slack for a loaded CI box
    const before = await counts();
    expect(before.conversations).toBeGreaterThanOrEqual(86);
    expect(before.conversations).toBeLessThanOrEqual(126);
    expect(before.stats).toBe(before.conversations);
    expect(before.channels).toBe(3);
    const again = await seedDemo(server);
    expect(again).toEqual(demo);
    expect(await counts()).toEqual(before);
    const { db } = server.store;
    expect(await db.selectFrom('conversations').select('id').where('is_demo', '=', 0).execute()).toEqual([]);
    // Only the four first-day conversations are open (history never adds to an agent's routing load).
    expect((await db.selectFrom('conversations').select('id').where('status', '=', 'open').execute()).length).toBe(4);
    expect(await db.selectFrom('contacts').select('id').where('is_demo', '=', 0).execute()).toEqual([]);
  });

  it('is deterministic apart from the clock', () => {
    const ids = { website: 'w', helpCenter: 'h', whatsapp: 'a' };
    const agent = (k: string) => ({ id: k, name: k });
    const shape = (now: number) => demoHistory(now, ids, agent).map((s) => ({ ...s, messages: s.messages.map((m) => ({ ...m, at: Date.parse(m.at) - now })), events: s.events?.map((e) => ({ ...e, at: Date.parse(e.at) - now })), csat: s.csat && { ...s.csat, sentAt: 0, answeredAt: 0 } }));
    // The same day of the week (day buckets are UTC days, weekends are quieter): exactly the same history, shifted.
    const t = Date.UTC(2026, 10, 26, 12, 0, 0);
    expect(shape(t + 7 * DAY)).toEqual(shape(t));
    // At any time of day: within the two weeks before the first-day conversations, and never waiting for an agent.
    for (const hour of [0, 5, 11, 17, 23]) {
      const now = t + hour * 3_600_000;
      const seeds = demoHistory(now, ids, agent);
      expect(seeds.length).toBeGreaterThanOrEqual(80);
      expect(seeds.length).toBeLessThanOrEqual(120);
      expect(seeds.filter((s) => s.status === 'resolved').length).toBeGreaterThan(seeds.length * 0.85);
      for (const s of seeds) {
        for (const m of s.messages) expect(Date.parse(m.at)).toBeLessThanOrEqual(now - 26 * 3_600_000);
        expect(Date.parse(s.messages[0]!.at)).toBeGreaterThan(now - 15 * DAY);
        expect(['resolved', 'pending']).toContain(s.status);
        expect(s.messages.at(-1)!.direction === 'inbound' && s.status !== 'resolved').toBe(false);
      }
    }
  });

  it('keeps the first-day conversations at the top of the inbox', async () => {
    const ana = demo.agents.find((a) => a.name === 'Ana Lima')!;
    const { token: anaToken } = await login(server.url, ana.email, ana.password);
    const res = await api(server.url, 'GET', '/api/v1/conversations?limit=6', anaToken);
    expect(res.status).toBe(200);
    const { db } = server.store;
    const names = await Promise.all(res.body.items.map(async (c: { contactId: string }) => (await db.selectFrom('contacts').select('name').where('id', '=', c.contactId).executeTakeFirstOrThrow()).name));
    expect(new Set(names)).toEqual(new Set(['Maya Rodríguez', 'Daniel Kim', 'Priya Natarajan', 'Lukas Becker', 'Siti Rahma', 'Tomás Silva']));
  });

  it('gives the report several channels, labels and agents, non-trivial FCR / reopen rates, and CSAT', async () => {
    const byChannel = await report('channel');
    const withData = byChannel.rows.filter((r) => r.volume.created > 0);
    expect(withData.map((r) => r.label).sort()).toEqual(['Help center chat', 'Website chat', 'WhatsApp']);
    for (const r of withData) {
      expect(r.volume.resolved).toBeGreaterThan(r.volume.created / 2);
      expect(r.firstResponse.count).toBeGreaterThan(0);
    }
    const total = byChannel.total;
    expect(total.volume.resolved / total.volume.created).toBeGreaterThan(0.75);
    expect(total.nextResponse.count).toBeGreaterThan(10);
    expect(total.firstResponse.p90Ms!).toBeGreaterThan(2 * total.firstResponse.medianMs!);
    expect(total.fcr.rate).toBeGreaterThan(0);
    expect(total.fcr.rate).toBeLessThan(1);
    expect(total.reopen.rate).toBeGreaterThan(0);
    expect(total.reopen.rate).toBeLessThan(1);
    expect(total.csat.responses).toBeGreaterThan(10);
    expect(total.csat.sent).toBeGreaterThan(total.csat.responses);
    expect(total.csat.average).toBeGreaterThan(2.5);
    expect(total.csat.satisfied).toBeLessThan(1);
    // The surveys went out on the web chats only (the WhatsApp channel has no CSAT configured).
    expect(withData.find((r) => r.label === 'WhatsApp')!.csat.sent).toBe(0);

    const byLabel = await report('label');
    const labels = byLabel.rows.filter((r) => r.volume.created > 0).map((r) => r.key);
    expect(labels).toEqual(expect.arrayContaining(['billing', 'shipping', 'returns', 'damaged', null]));

    const byAgent = await report('agent');
    expect(byAgent.rows.filter((r) => r.volume.created > 0).map((r) => r.label).sort()).toEqual(['Ana Lima', 'Ben Tran', 'Sam Okafor', 'Unassigned']);

    const byPriority = await report('priority');
    expect(byPriority.rows.filter((r) => r.volume.created > 0).length).toBeGreaterThanOrEqual(3);

    // Transfers happened (the FCR of a transferred conversation fails).
    const transferred = await server.store.db.selectFrom('conversation_stats').select('conversation_id').where('transfer_count', '>', 0).execute();
    expect(transferred.length).toBeGreaterThan(0);
  });

  it('stores CSAT like a real survey: the synced summary matches csat_surveys', async () => {
    const { db } = server.store;
    const rows = await db.selectFrom('csat_surveys as s').innerJoin('conversations as c', 'c.id', 's.conversation_id').select(['s.state', 's.score', 's.comment', 's.sent_at', 's.answered_at', 's.channel_id', 'c.csat', 'c.status', 'c.channel_id as conv_channel']).execute();
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      expect(r.status).toBe('resolved');
      expect(r.channel_id).toBe(r.conv_channel);
      expect(JSON.parse(r.csat!)).toMatchObject({ state: r.state, score: r.score, comment: r.comment, sentAt: r.sent_at, answeredAt: r.answered_at, channelId: r.channel_id, channelType: 'webchat' });
      if (r.state === 'answered') expect(r.score).toBeGreaterThanOrEqual(1);
      else expect([r.state, r.score]).toEqual(['sent', null]);
    }
    expect(rows.some((r) => r.comment)).toBe(true);
    expect(new Set(rows.map((r) => r.score)).size).toBeGreaterThanOrEqual(4);
    // The conversation API shows the same summary.
    const res = await api(server.url, 'GET', '/api/v1/conversations?status=resolved&limit=100', token);
    expect(res.body.items.some((c: { csat?: { state: string } }) => c.csat?.state === 'answered')).toBe(true);
  });

  it('leaves last week a quality sample', async () => {
    const res = await api<{ items: { week: string; conversations: number }[] }>(server.url, 'GET', '/api/v1/quality/samples', token);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items[0]!.conversations).toBeGreaterThan(0);
  });
});
