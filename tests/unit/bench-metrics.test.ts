// Response-time metrics (src-server/metrics/response-times.ts) over conversation_stats (0004_perf):
// hand-computed percentiles, the write path keeping the stats (first reply, resolve, reopen), and the
// migration's backfill from existing messages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { openStore, type Store } from '../../src-server/store/db';
import { migrateToLatest } from '../../src-server/store/migrations';
import { Commands, createAgent, createChannel, receiveInbound, sendMessage, updateConversation } from '../../src-server/domain/commands';
import { LiveHub } from '../../src-server/live-hub';
import { responseTimesByChannel } from '../../src-server/metrics/response-times';
import { writeServer } from '../../bench/generate';

const stores: Store[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-metrics-'));
  dirs.push(dir);
  const store = await openStore({ dataDir: dir });
  stores.push(store);
  const commands = new Commands(store.db, new LiveHub(), pino({ level: 'silent' }));
  const admin = await commands.run((w) => createAgent(w, { email: 'boss@example.com', name: 'Boss', role: 'admin', passwordHash: 'x' }));
  const actor = { id: admin.id, name: admin.name, role: admin.role };
  const chat = await commands.run((w) => createChannel(w, { type: 'webchat', name: 'A chat', config: {} }));
  const mail = await commands.run((w) => createChannel(w, { type: 'email', name: 'B mail', config: {} }));
  return { store, commands, actor, chat, mail };
}

describe('response times by channel', () => {
  it('computes nearest-rank median and p90 per channel, with empty channels and a time range', async () => {
    const { store, chat, mail } = await setup();
    // Ten conversations in the chat channel with first responses of 10…100 s, five of them resolved after 1…5 h.
    for (let i = 1; i <= 10; i++) {
      const id = `c${i}`;
      const created = new Date(Date.UTC(2025, 0, i)).toISOString();
      await store.db.insertInto('contacts').values({ id: `ct${i}`, name: 'C', email: null, is_demo: 0, created_at: created, updated_at: created }).execute();
      await store.db
        .insertInto('conversations')
        .values({ id, contact_id: `ct${i}`, channel_id: chat.id, status: 'open', assignee_id: null, subject: null, last_message_at: created, last_message_preview: '', last_inbound_at: null, is_demo: 0, created_at: created, updated_at: created })
        .execute();
      await store.db
        .insertInto('conversation_stats')
        .values({ conversation_id: id, channel_id: chat.id, created_at: created, first_response_at: created, first_response_ms: i * 10_000, resolved_at: i <= 5 ? created : null, resolution_ms: i <= 5 ? i * 3_600_000 : null })
        .execute();
    }
    const rows = await responseTimesByChannel(store.db);
    expect(rows.map((r) => r.channelName)).toEqual(['A chat', 'B mail']);
    const [a, b] = rows;
    expect(a!.conversations).toBe(10);
    expect(a!.firstResponse).toEqual({ count: 10, medianMs: 50_000, p90Ms: 90_000 });
    expect(a!.resolution).toEqual({ count: 5, medianMs: 3 * 3_600_000, p90Ms: 5 * 3_600_000 });
    expect(b!.channelType).toBe('email');
    expect(b!.firstResponse).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(b!.channelId).toBe(mail.id);

    // Only conversations created from Jan 6: first responses 60…100 s.
    const ranged = await responseTimesByChannel(store.db, { from: new Date(Date.UTC(2025, 0, 6)).toISOString(), channelIds: [chat.id] });
    expect(ranged).toHaveLength(1);
    expect(ranged[0]!.firstResponse).toEqual({ count: 5, medianMs: 80_000, p90Ms: 100_000 });
    expect(ranged[0]!.resolution.count).toBe(0);
    expect(await responseTimesByChannel(store.db, { channelIds: [] })).toEqual([]);
  });

  it('is kept by the write path: first reply only, notes ignored, resolve stamps, reopen clears', async () => {
    const { store, commands, actor, chat } = await setup();
    const inbound = await commands.run((w) => receiveInbound(w, { channelId: chat.id, identity: { channelType: 'webchat', value: 'v1' }, profile: { name: 'Ana' }, externalId: 'e1', text: 'Hello?' }));
    const stats = () => store.db.selectFrom('conversation_stats').selectAll().where('conversation_id', '=', inbound.conversationId).executeTakeFirst();

    await commands.run((w) => sendMessage(w, actor, { conversationId: inbound.conversationId, text: 'internal note', private: true }));
    expect((await stats())?.first_response_at ?? null).toBeNull();
    const reply = await commands.run((w) => sendMessage(w, actor, { conversationId: inbound.conversationId, text: 'Hi Ana!' }));
    const first = await stats();
    expect(first!.first_response_at).toBe(reply.createdAt);
    expect(first!.first_response_ms).toBe(Date.parse(reply.createdAt) - Date.parse(first!.created_at));
    await commands.run((w) => sendMessage(w, actor, { conversationId: inbound.conversationId, text: 'Anything else?' }));
    expect((await stats())!.first_response_at).toBe(reply.createdAt);

    await commands.run((w) => updateConversation(w, actor, inbound.conversationId, { status: 'resolved' }));
    expect((await stats())!.resolved_at).not.toBeNull();
    expect(Number((await stats())!.resolution_ms)).toBeGreaterThanOrEqual(0);
    await commands.run((w) => updateConversation(w, actor, inbound.conversationId, { status: 'open' }));
    expect((await stats())!.resolved_at).toBeNull();
    const [row] = await responseTimesByChannel(store.db, { channelIds: [chat.id] });
    expect(row!.firstResponse.count).toBe(1);
    expect(row!.resolution.count).toBe(0);
  });

  it('the 0004_perf migration backfills existing conversations from their messages', async () => {
    const { store, commands, actor, chat } = await setup();
    const a = await commands.run((w) => receiveInbound(w, { channelId: chat.id, identity: { channelType: 'webchat', value: 'v1' }, profile: {}, externalId: 'e1', text: 'one' }));
    const b = await commands.run((w) => receiveInbound(w, { channelId: chat.id, identity: { channelType: 'webchat', value: 'v2' }, profile: {}, externalId: 'e2', text: 'two' }));
    const reply = await commands.run((w) => sendMessage(w, actor, { conversationId: a.conversationId, text: 'answer' }));
    await commands.run((w) => updateConversation(w, actor, b.conversationId, { status: 'resolved' }));
    // As if the store predated 0004_perf: drop what it made and run the migrations again.
    await sql`DROP TABLE conversation_stats`.execute(store.db);
    await sql`DELETE FROM kysely_migration WHERE name = '0004_perf'`.execute(store.db);
    expect(await migrateToLatest(store.db as never)).toEqual(['0004_perf']);
    const rows = await store.db.selectFrom('conversation_stats').selectAll().orderBy('conversation_id').execute();
    const byId = new Map(rows.map((r) => [r.conversation_id, r]));
    expect(byId.get(a.conversationId)!.first_response_at).toBe(reply.createdAt);
    expect(byId.get(a.conversationId)!.resolved_at).toBeNull();
    expect(byId.get(b.conversationId)!.first_response_at).toBeNull();
    const conv = await store.db.selectFrom('conversations').select('updated_at').where('id', '=', b.conversationId).executeTakeFirstOrThrow();
    expect(byId.get(b.conversationId)!.resolved_at).toBe(conv.updated_at);
  });

  it('the 0012_metrics migration backfills the report facts exactly as the write path keeps them', async () => {
    const { store, commands, actor, chat } = await setup();
    // Each write one second apart (only Date is faked): messages of the same millisecond would have no defined order.
    vi.useFakeTimers({ toFake: ['Date'] });
    let clock = Date.parse('2026-02-02T10:00:00.000Z');
    const tick = () => vi.setSystemTime((clock += 1000));
    onTestFinished(() => void vi.useRealTimers());
    const say = (value: string, text: string) => (tick(), commands.run((w) => receiveInbound(w, { channelId: chat.id, identity: { channelType: 'webchat', value }, profile: {}, externalId: `${value}-${text}`, text })));
    const agentSays = (conversationId: string, text: string, isNote = false) => (tick(), commands.run((w) => sendMessage(w, actor, { conversationId, text, private: isNote })));
    const a = await say('v1', 'one');
    await agentSays(a.conversationId, 'first answer');
    await say('v1', 'two');
    await say('v1', 'three');
    await agentSays(a.conversationId, 'note', true);
    await agentSays(a.conversationId, 'second answer');
    tick();
    await commands.run((w) => updateConversation(w, actor, a.conversationId, { status: 'resolved' }));
    const again = await say('v1', 'four'); // a new conversation: the next contact after a's resolution
    const b = await say('v2', 'hello');
    await store.db.updateTable('conversations').set({ labels: JSON.stringify(['vip', 'billing']) }).where('id', '=', b.conversationId).execute();
    const facts = async () =>
      new Map(
        (
          await store.db
            .selectFrom('conversation_stats')
            .select(['conversation_id', 'contact_id', 'first_response_ms', 'first_response_policy_ms', 'inbound_count', 'outbound_count', 'next_response_list', 'next_response_policy_list', 'awaiting_since', 'first_resolved_at', 'next_contact_at', 'fcr_break_ms', 'resolution_policy_ms'])
            .execute()
        ).map((r) => [r.conversation_id, r]),
      );
    const kept = await facts();
    const fa = kept.get(a.conversationId)!;
    expect(fa).toMatchObject({ inbound_count: 3, outbound_count: 2, first_resolved_at: expect.any(String) });
    expect(fa.next_response_list).toBe('3000'); // one interval: 'two' → 'second answer' (3 s, the note does not answer)
    const msgs = await store.db.selectFrom('messages').select(['text', 'created_at']).where('conversation_id', '=', a.conversationId).execute();
    const t = (text: string) => Date.parse(msgs.find((m) => m.text === text)!.created_at);
    expect(Number(fa.next_response_list)).toBe(t('second answer') - t('two'));
    const fourAt = (await store.db.selectFrom('messages').select('created_at').where('conversation_id', '=', again.conversationId).executeTakeFirstOrThrow()).created_at;
    expect(fa.next_contact_at).toBe(fourAt);
    expect(Number(fa.fcr_break_ms)).toBe(Date.parse(fourAt) - Date.parse(fa.first_resolved_at!));

    // As if the store predated 0012_metrics (and 0004_perf): drop what they made and run them again.
    for (const table of ['conversation_labels', 'response_intervals', 'conversation_stats']) await sql`DROP TABLE ${sql.table(table)}`.execute(store.db);
    await sql`DELETE FROM kysely_migration WHERE name IN ('0004_perf', '0012_metrics')`.execute(store.db);
    expect(await migrateToLatest(store.db as never)).toEqual(['0004_perf', '0012_metrics']);
    const backfilled = await facts();
    for (const id of [a.conversationId, again.conversationId, b.conversationId]) {
      const { resolution_policy_ms: _k, ...k } = kept.get(id)!;
      const { resolution_policy_ms: _b, ...f } = backfilled.get(id)!;
      // 0004 backfills the resolution at the conversation's last update, so only that differs.
      expect(f, id).toEqual({ ...k, first_resolved_at: f.first_resolved_at, fcr_break_ms: f.fcr_break_ms });
    }
    expect(await store.db.selectFrom('conversation_labels').select('label').where('conversation_id', '=', b.conversationId).orderBy('label').execute()).toEqual([{ label: 'billing' }, { label: 'vip' }]);
    expect(await store.db.selectFrom('response_intervals').select(['conversation_id', 'wall_ms']).execute()).toEqual([{ conversation_id: a.conversationId, wall_ms: t('second answer') - t('two') }]);
  });

  it('the benchmark generator writes the same report facts as the 0012_metrics backfill derives', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-facts-'));
    dirs.push(dir);
    await writeServer(dir, 11, 0.0005);
    const store = await openStore({ dataDir: dir });
    stores.push(store);
    const cols = ['conversation_id', 'contact_id', 'assignee_id', 'labels', 'inbound_count', 'outbound_count', 'next_response_list', 'awaiting_since', 'first_resolved_at', 'next_contact_at', 'fcr_break_ms', 'first_response_policy_ms'] as const;
    const read = () => store.db.selectFrom('conversation_stats').select(cols).orderBy('conversation_id').execute();
    const generated = await read();
    expect(generated).toHaveLength(100);
    expect(generated.filter((r) => r.next_response_list !== null).length).toBeGreaterThan(10);
    expect(generated.filter((r) => r.next_contact_at !== null).length).toBeGreaterThan(0);
    expect(generated.filter((r) => r.labels !== null).length).toBeGreaterThan(10);
    for (const table of ['conversation_labels', 'response_intervals', 'conversation_stats']) await sql`DROP TABLE ${sql.table(table)}`.execute(store.db);
    await sql`DELETE FROM kysely_migration WHERE name IN ('0004_perf', '0012_metrics')`.execute(store.db);
    expect(await migrateToLatest(store.db as never)).toEqual(['0004_perf', '0012_metrics']);
    expect(await read()).toEqual(generated);
  });
});
