// The sync WebSocket over real sockets: hello/welcome, exactly-once push, gaps, cursor pulls,
// visibility per channel, reset on scope change, pokes, drafts, typing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src-shared/ids';
import { POKE_INLINE_MAX_BYTES, POKE_INLINE_MAX_ROWS, type Change, type ServerMessage } from '../../src-shared/sync';
import { pruneTombstones } from '../../src-server/domain/change-log';
import { addMember, api, countRows, makeAgent, makeChannel, startTestServer, SyncClient, visitor, WidgetClient, type TestServer } from './server-support';

let t: TestServer;
let channelId: string;
let member: Awaited<ReturnType<typeof makeAgent>>;
let outsider: Awaited<ReturnType<typeof makeAgent>>;

async function inbound(text: string, visitorId = visitor(), channel = channelId) {
  const r = await t.server.commands.receiveInbound({
    channelId: channel,
    identity: { channelType: 'webchat', value: `visitor:${visitorId}` },
    profile: { name: 'Test Customer' },
    externalId: uuidv7(),
    text,
  });
  return r;
}

const sockets: SyncClient[] = [];
async function connect(token: string) {
  const c = await SyncClient.connect(t.url, token);
  sockets.push(c);
  return c;
}

beforeAll(async () => {
  t = await startTestServer();
  channelId = await makeChannel(t, 'Sync chat');
  member = await makeAgent(t, 'Member');
  outsider = await makeAgent(t, 'Outsider');
  await addMember(t, channelId, member.id);
});
afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await t.close();
});

describe('server sync', () => {
  it('refuses the socket without a valid token', async () => {
    await expect(SyncClient.connect(t.url, 'bogus')).rejects.toThrow('HTTP 401');
  });

  it('welcomes with the agent, scope key and head cursor, and requires hello first', async () => {
    const c = await connect(member.token);
    c.send({ type: 'pull', cursor: 0 });
    expect((await c.next('error')).code).toBe('hello_required');
    const welcome = await c.hello(uuidv7());
    expect(welcome).toMatchObject({ agent: { id: member.id, channelIds: [channelId] }, lastMutationSeq: 0, reset: false });
    expect(welcome.scopeKey).toMatch(/^\S{8,}$/);
    expect(welcome.headCursor).toBeGreaterThan(0);
    c.sendRaw('{nope');
    expect((await c.next('error')).code).toBe('malformed');
    c.send({ type: 'ping', t: 7 });
    expect((await c.next('pong')).t).toBe(7);
  });

  it('applies the same mutation pushed three times exactly once', async () => {
    const { conversationId } = await inbound('Please help with order #77');
    const c = await connect(member.token);
    const clientId = uuidv7();
    await c.hello(clientId);
    const m = c.mutation('sendMessage', { messageId: uuidv7(), conversationId, text: 'On it!' });
    const before = await countRows(t, 'messages');
    const first = await c.push([m]);
    expect(first).toMatchObject({ lastMutationSeq: 1, results: [{ seq: 1, id: m.id, status: 'applied' }] });
    expect(first.stoppedAt).toBeUndefined();
    const second = await c.push([m]);
    expect(second.results).toEqual([{ seq: 1, id: m.id, status: 'duplicate' }]);
    // Third time on a fresh connection (a reconnect after a lost answer).
    const c2 = await connect(member.token);
    expect((await c2.hello(clientId)).lastMutationSeq).toBe(1);
    expect((await c2.push([m])).results[0]!.status).toBe('duplicate');
    expect(await countRows(t, 'messages')).toBe(before + 1);
    const stored = await api(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages`, member.token);
    expect(stored.body.items.filter((x: { text: string }) => x.text === 'On it!')).toHaveLength(1);
  });

  it('stops a push at a gap; a rejected mutation still advances the number', async () => {
    const { conversationId } = await inbound('Another question');
    const c = await connect(member.token);
    await c.hello(uuidv7());
    const m1 = c.mutation('setStatus', { conversationId, status: 'pending' }, 1);
    const m2 = c.mutation('setStatus', { conversationId: 'does-not-exist', status: 'resolved' }, 2);
    const m4 = c.mutation('assign', { conversationId, assigneeId: member.id }, 4);
    const m5 = c.mutation('setStatus', { conversationId, status: 'resolved' }, 5);
    const res = await c.push([m1, m2, m4, m5]);
    expect(res.results).toEqual([
      { seq: 1, id: m1.id, status: 'applied' },
      { seq: 2, id: m2.id, status: 'rejected', error: { code: 'not_found', message: expect.any(String) } },
    ]);
    expect(res.stoppedAt).toEqual({ seq: 4, reason: 'gap' });
    expect(res.lastMutationSeq).toBe(2);
    const conv = await api(t.url, 'GET', `/api/v1/conversations/${conversationId}`, member.token);
    expect(conv.body).toMatchObject({ status: 'pending', assigneeId: null }); // m4, m5 not applied

    const m3 = c.mutation('markRead', { conversationId, readAt: new Date().toISOString() }, 3);
    const bad = c.mutation('sendMessage', { conversationId, text: '' }, 6);
    const resumed = await c.push([m3, m4, m5, bad]);
    expect(resumed.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'rejected']);
    expect(resumed.results[3]!.error!.code).toBe('invalid');
    expect(resumed.lastMutationSeq).toBe(6);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${conversationId}`, member.token)).body).toMatchObject({ status: 'resolved', assigneeId: member.id });
  });

  it('repeats rejections in the welcome, for a client whose pushResult was lost', async () => {
    const { conversationId } = await inbound('Lost result question');
    const clientId = uuidv7();
    const first = await connect(member.token);
    await first.hello(clientId);
    const ok = first.mutation('setStatus', { conversationId, status: 'pending' }, 1);
    const refused = first.mutation('assign', { conversationId, assigneeId: 'nobody-like-this' }, 2);
    await first.push([ok, refused]); // the result travels back, but this client "never reads it":
    first.ws.terminate();

    const second = await connect(member.token);
    const welcome = await second.hello(clientId, 0, null, 1);
    expect(welcome.lastMutationSeq).toBe(2);
    expect(welcome.rejected).toEqual([{ seq: 2, id: refused.id, status: 'rejected', error: { code: expect.any(String), message: expect.any(String) } }]);
    // Without an outbox to reconcile, nothing is repeated.
    const third = await connect(member.token);
    expect((await third.hello(clientId)).rejected).toBeUndefined();
  });

  it('a cursor pull resumes with nothing lost and nothing repeated', async () => {
    const c = await connect(t.adminToken);
    const welcome = await c.hello(uuidv7());
    // Start from the current head so the expected set is exactly what we write now.
    let cursor = welcome.headCursor;
    const written = new Set<string>();
    for (let i = 0; i < 12; i++) written.add((await inbound(`first wave ${i}`)).message.id);

    const seen: Change[] = [];
    let batches = 0;
    for (;;) {
      c.send({ type: 'pull', cursor, limit: 5 });
      const res = await c.next('changes');
      batches++;
      expect(res.changes.length).toBeLessThanOrEqual(5);
      for (const ch of res.changes) expect(ch.seq).toBeGreaterThan(cursor);
      seen.push(...res.changes);
      cursor = res.cursor;
      if (!res.more) break;
      if (batches === 2) for (let i = 0; i < 5; i++) written.add((await inbound(`mid-pull ${i}`)).message.id); // writes during the pull
    }
    expect(batches).toBeGreaterThan(3);
    for (let i = 0; i < 7; i++) written.add((await inbound(`second wave ${i}`)).message.id);
    const rest = await c.pullAll(cursor, 4);
    seen.push(...rest.changes);

    const messageIds = seen.filter((ch) => ch.entity === 'message').map((ch) => ch.id);
    expect(new Set(messageIds)).toEqual(written); // nothing lost
    expect(messageIds).toHaveLength(written.size); // nothing repeated
    const seqs = seen.map((ch) => ch.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect((await c.pullAll(rest.cursor)).changes).toEqual([]);
  });

  it('bootstraps from 0: one row per entity at its latest version', async () => {
    const c = await connect(member.token);
    await c.hello(uuidv7());
    const { changes } = await c.pullAll(0, 50);
    const keys = changes.map((ch) => `${ch.entity}:${ch.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const channel = changes.find((ch) => ch.entity === 'channel' && ch.id === channelId);
    expect(channel?.data).toMatchObject({ name: 'Sync chat' });
    expect(JSON.stringify(changes)).not.toMatch(/"secret"/);
    const agents = changes.filter((ch) => ch.entity === 'agent').map((ch) => ch.id);
    expect(agents).toEqual(expect.arrayContaining([member.id, outsider.id]));
  });

  it('an agent outside a channel sees none of it over sync, live or pulled', async () => {
    const lonely = await connect(outsider.token);
    const welcome = await lonely.hello(uuidv7());
    expect(welcome.agent.channelIds).toEqual([]);
    const watcher = await connect(member.token);
    const wWelcome = await watcher.hello(uuidv7());

    const { message, conversationId } = await inbound('secret business');
    expect((await watcher.next('poke')).cursor).toBeGreaterThan(wWelcome.headCursor);

    const { changes } = await lonely.pullAll(0);
    expect(changes.filter((ch) => ['channel', 'contact', 'conversation', 'message'].includes(ch.entity))).toEqual([]);
    expect(JSON.stringify(changes)).not.toContain('secret business');
    expect(lonely.frames.pending('poke')).toEqual([]);
    const push = await lonely.push([lonely.mutation('sendMessage', { messageId: uuidv7(), conversationId, text: 'hi' })]);
    expect(push.results[0]).toMatchObject({ status: 'rejected', error: { code: 'not_found' } });
    lonely.send({ type: 'typing', conversationId, on: true });
    expect((await lonely.next('error')).code).toBe('not_found');
    expect(message.text).toBe('secret business');
  });

  it('pokes clients live and deletes the draft when the agent sends', async () => {
    const { conversationId } = await inbound('draft test');
    const c = await connect(member.token);
    const welcome = await c.hello(uuidv7());
    const other = await connect(member.token); // the same agent on another device
    await other.hello(uuidv7());
    let cursor = (await other.pullAll(welcome.headCursor)).cursor;

    const save = await c.push([c.mutation('saveDraft', { conversationId, text: 'Dear customer, ' })]);
    expect(save.results[0]!.status).toBe('applied');
    await other.next('poke');
    let pulled = await other.pullAll(cursor);
    cursor = pulled.cursor;
    expect(pulled.changes).toEqual([expect.objectContaining({ entity: 'draft', id: `${member.id}:${conversationId}`, op: 'put', data: expect.objectContaining({ text: 'Dear customer, ' }) })]);

    const messageId = uuidv7();
    await c.push([c.mutation('sendMessage', { messageId, conversationId, text: 'Dear customer, it shipped.' })]);
    await other.next('poke');
    pulled = await other.pullAll(cursor);
    const byEntity = Object.fromEntries(pulled.changes.map((ch) => [ch.entity, ch]));
    expect(byEntity.draft).toMatchObject({ op: 'del', data: null });
    expect(byEntity.message).toMatchObject({ id: messageId, op: 'put', data: { status: 'sent', direction: 'outbound' } });
    expect(byEntity.conversation).toMatchObject({ op: 'put', data: { lastMessagePreview: 'Dear customer, it shipped.' } });
    expect(await countRows(t, 'drafts')).toBe(0);
  });

  it('another agent’s draft never reaches me', async () => {
    const { conversationId } = await inbound('drafts are personal');
    const admin = await connect(t.adminToken);
    await admin.hello(uuidv7());
    const c = await connect(member.token);
    const w = await c.hello(uuidv7());
    await admin.push([admin.mutation('saveDraft', { conversationId, text: 'admin draft' })]);
    const { changes } = await c.pullAll(w.headCursor);
    expect(changes.some((ch) => ch.entity === 'draft')).toBe(false);
  });

  it('resets a client whose visible channels changed', async () => {
    const newcomer = await makeAgent(t, 'Newcomer');
    const c = await connect(newcomer.token);
    const clientId = uuidv7();
    const first = await c.hello(clientId);
    const { cursor } = await c.pullAll(0);
    // Same scopes: no reset.
    const again = await connect(newcomer.token);
    expect((await again.hello(clientId, cursor, first.scopeKey)).reset).toBe(false);

    await addMember(t, channelId, newcomer.id);
    // Connected sockets are told and closed, so they reconnect and resync.
    expect((await c.next('error')).code).toBe('scope_changed');
    expect((await c.closed).code).toBe(4000);

    const back = await connect(newcomer.token);
    const welcome = await back.hello(clientId, cursor, first.scopeKey);
    expect(welcome.reset).toBe(true);
    expect(welcome.scopeKey).not.toBe(first.scopeKey);
    const { changes } = await back.pullAll(0);
    expect(changes.some((ch) => ch.entity === 'conversation')).toBe(true); // old rows, now visible
    // A cursor from the future (a replaced server store) also resets.
    expect((await back.hello(clientId, 10_000_000, welcome.scopeKey)).reset).toBe(true);
  });

  it('relays typing: agent → widget and other agents; customer → agents', async () => {
    const visitorId = visitor();
    const widget = await WidgetClient.connect(t.url);
    await widget.hello({ channelId, visitorId, name: 'Typing Tess' });
    await widget.say('hello?');
    const conv = (await api(t.url, 'GET', `/api/v1/conversations?channelId=${channelId}&limit=1`, member.token)).body.items[0];
    const c = await connect(member.token);
    await c.hello(uuidv7());
    const admin = await connect(t.adminToken);
    await admin.hello(uuidv7());
    const lonely = await connect(outsider.token);
    await lonely.hello(uuidv7());

    c.send({ type: 'typing', conversationId: conv.id, on: true });
    expect(await widget.next('typing')).toEqual({ type: 'typing', on: true, name: 'Member' });
    expect(await admin.next('typing')).toMatchObject({ conversationId: conv.id, who: 'agent', name: 'Member', on: true });

    widget.send({ type: 'typing', on: true });
    expect(await c.next('typing')).toEqual({ type: 'typing', conversationId: conv.id, who: 'customer', name: 'Typing Tess', on: true });
    await new Promise((r) => setTimeout(r, 100));
    expect(lonely.frames.pending('typing')).toEqual([]);
    await widget.close();
  });

  it('resets a client whose cursor is older than pruned tombstones', async () => {
    const { conversationId } = await inbound('tombstones');
    const c = await connect(member.token);
    const clientId = uuidv7();
    const w = await c.hello(clientId);
    const { cursor } = await c.pullAll(0);
    await c.push([c.mutation('saveDraft', { conversationId, text: 'x' }), c.mutation('saveDraft', { conversationId, text: '' })]);
    const head = (await c.pullAll(cursor)).cursor;
    await t.server.store.db.transaction().execute((trx) => pruneTombstones(trx, head));
    const back = await connect(member.token);
    expect((await back.hello(clientId, cursor, w.scopeKey)).reset).toBe(true); // it would miss the draft deletion
    expect((await back.hello(clientId, head, w.scopeKey)).reset).toBe(false);
    back.send({ type: 'pull', cursor });
    expect((await back.next('error')).code).toBe('reset_required');
  });

  it('signing out closes the sync socket of that session', async () => {
    const agent = await makeAgent(t, 'Leaver');
    const c = await connect(agent.token);
    await c.hello(uuidv7());
    await api(t.url, 'POST', '/api/v1/auth/logout', agent.token);
    expect((await c.closed).code).toBe(4001);
  });
});

// Inline pokes (src-shared/sync.ts §3): small changes travel in the poke itself.
type Poke = Extract<ServerMessage, { type: 'poke' }>;

/** Every poke until none came for quietMs (routing and SLA may commit after the write under test). */
async function pokesUntilQuiet(c: SyncClient, quietMs = 300): Promise<Poke[]> {
  const out: Poke[] = [];
  for (;;) {
    try {
      out.push(await c.next('poke', quietMs));
    } catch {
      return out;
    }
  }
}

/** What a client holds: one row per (entity, id, scope seq order), like the cache applying changes in order. */
function applyAll(into: Map<string, Change>, changes: readonly Change[]) {
  for (const ch of changes) into.set(`${ch.entity}:${ch.id}`, ch);
}

describe('inline pokes', () => {
  it('carries a live change in the poke: from = the client’s cursor, exactly what a pull would bring', async () => {
    const c = await connect(member.token);
    await c.hello(uuidv7());
    const start = (await c.pullAll(0)).cursor;
    await pokesUntilQuiet(c);
    const { message } = await inbound('inline please');
    const pokes = await pokesUntilQuiet(c);
    expect(pokes.length).toBeGreaterThan(0);
    // A contiguous chain of inline pokes from the pulled cursor: no pull needed.
    let cursor = start;
    const held = new Map<string, Change>();
    for (const p of pokes) {
      expect(p.from).toBe(cursor);
      expect(p.changes).toBeDefined();
      expect(p.cursor).toBeGreaterThan(cursor);
      for (const ch of p.changes!) expect(ch.seq).toBeGreaterThan(cursor);
      applyAll(held, p.changes!);
      cursor = p.cursor;
    }
    expect(held.get(`message:${message.id}`)).toMatchObject({ op: 'put', data: { text: 'inline please', direction: 'inbound' } });
    // Nothing was left for a pull, and a pull from the start gives the same latest rows.
    expect((await c.pullAll(cursor)).changes).toEqual([]);
    const pulled = new Map<string, Change>();
    applyAll(pulled, (await c.pullAll(start)).changes);
    expect(held).toEqual(pulled);
  });

  it('gives an agent outside the channel nothing of it, and its next poke starts at its own cursor', async () => {
    const lonely = await connect(outsider.token);
    await lonely.hello(uuidv7());
    const start = (await lonely.pullAll(0)).cursor;
    await pokesUntilQuiet(lonely);
    await inbound('members only');
    await inbound('members only, again');
    expect(await pokesUntilQuiet(lonely)).toEqual([]);
    await t.server.commands.updateAgent(outsider.id, { name: 'Outsider Renamed' });
    const [poke, ...rest] = await pokesUntilQuiet(lonely);
    expect(rest).toEqual([]);
    // The log moved past the channel's rows, which it may not see: the poke still chains from its cursor.
    expect(poke!.from).toBe(start);
    expect(poke!.changes!.map((ch) => `${ch.entity}:${ch.id}`)).toEqual([`agent:${outsider.id}`]);
    expect(JSON.stringify(poke)).not.toContain('members only');
    expect((await lonely.pullAll(poke!.cursor)).changes).toEqual([]);
  });

  it('sends a plain poke to a client that has not pulled, and inline ones once it has', async () => {
    const c = await connect(member.token);
    await c.hello(uuidv7());
    await inbound('before any pull');
    const [plain] = await pokesUntilQuiet(c);
    expect(plain).toBeDefined();
    expect(plain!.changes).toBeUndefined();
    expect(plain!.from).toBeUndefined();
    const { cursor } = await c.pullAll(0);
    await pokesUntilQuiet(c);
    await inbound('after the pull');
    const [inline] = await pokesUntilQuiet(c);
    expect(inline!.from).toBeGreaterThanOrEqual(cursor);
    expect(inline!.changes!.some((ch) => ch.entity === 'message' && (ch.data as { text: string }).text === 'after the pull')).toBe(true);
  });

  it('a commit racing a pull: the client falls back to pulling and ends with exactly the pulled rows', async () => {
    const c = await connect(member.token);
    await c.hello(uuidv7());
    const { cursor } = await c.pullAll(0);
    await pokesUntilQuiet(c);
    const arrived: ServerMessage[] = [];
    c.ws.on('message', (raw: Buffer) => arrived.push(JSON.parse(raw.toString()) as ServerMessage));
    // The pull is answered while the commit fans out: the server may not know where the client will be.
    c.send({ type: 'pull', cursor });
    await Promise.all([inbound('during a pull'), inbound('during a pull, too')]);
    await c.next('changes');
    await pokesUntilQuiet(c);
    // The desktop's rule, on the frames in arrival order: inline only at our cursor with no pull in flight.
    const held = new Map<string, Change>();
    let at = cursor;
    let pulling = true;
    let behind = false;
    for (const m of arrived) {
      if (m.type === 'changes') {
        applyAll(held, m.changes);
        at = m.cursor;
        pulling = false;
      } else if (m.type === 'poke') {
        if (m.changes && m.from === at && !pulling) {
          applyAll(held, m.changes);
          at = m.cursor;
        } else if (m.cursor > at) behind = true;
      }
    }
    if (behind) {
      const r = await c.pullAll(at);
      applyAll(held, r.changes);
      at = r.cursor;
    }
    expect((await c.pullAll(at)).changes).toEqual([]);
    const pulled = new Map<string, Change>();
    applyAll(pulled, (await c.pullAll(cursor)).changes);
    expect(held).toEqual(pulled);
    const texts = [...held.values()].filter((ch) => ch.entity === 'message').map((ch) => (ch.data as { text: string }).text);
    expect(texts).toEqual(expect.arrayContaining(['during a pull', 'during a pull, too']));
  });

  it('sends a plain poke when the change is too big (rows or bytes), and the pull brings it', async () => {
    const c = await connect(member.token);
    await c.hello(uuidv7());
    let { cursor } = await c.pullAll(0);
    await pokesUntilQuiet(c);
    const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, 0, i)).toISOString();
    const seed = (n: number, text: (i: number) => string) =>
      t.server.commands.seedConversation({
        channelId, contact: { name: 'Bulk', identity: { channelType: 'webchat', value: `visitor:${visitor()}` } }, status: 'open', assigneeId: null, isDemo: true,
        messages: Array.from({ length: n }, (_, i) => ({ direction: 'inbound' as const, text: text(i), at: at(i) })),
      });
    const cases = [
      [POKE_INLINE_MAX_ROWS + 5, (i: number) => `bulk ${i}`], // too many rows for one frame
      [Math.ceil(POKE_INLINE_MAX_BYTES / 9000) + 2, (i: number) => `${i} ${'x'.repeat(9000)}`], // too many bytes
      [2 * POKE_INLINE_MAX_ROWS + 5, (i: number) => `huge ${i}`], // more than the shared read takes
    ] as const;
    for (const [n, text] of cases) {
      await seed(n, text);
      const pokes = await pokesUntilQuiet(c);
      expect(pokes[0]!.changes).toBeUndefined();
      const pulled = await c.pullAll(cursor);
      expect(pulled.changes.filter((ch) => ch.entity === 'message')).toHaveLength(n);
      cursor = pulled.cursor;
      await pokesUntilQuiet(c);
    }
  });

  it('keeps order under concurrent commits: contiguous chains, nothing lost or repeated', async () => {
    const a = await connect(member.token);
    await a.hello(uuidv7());
    const b = await connect(t.adminToken);
    await b.hello(uuidv7());
    const starts = [(await a.pullAll(0)).cursor, (await b.pullAll(0)).cursor];
    await Promise.all([pokesUntilQuiet(a), pokesUntilQuiet(b)]);
    const ids = (await Promise.all(Array.from({ length: 12 }, (_, i) => inbound(`burst ${i}`, i % 3 === 0 ? visitor() : undefined)))).map((r) => r.message.id);
    for (const [i, c] of [a, b].entries()) {
      const held = new Map<string, Change>();
      let at = starts[i]!;
      for (const p of await pokesUntilQuiet(c, 500)) {
        if (p.changes && p.from === at) {
          const seqs = p.changes.map((ch) => ch.seq);
          expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
          applyAll(held, p.changes);
          at = p.cursor;
        } else if (p.cursor > at) {
          const r = await c.pullAll(at);
          applyAll(held, r.changes);
          at = r.cursor;
        }
      }
      expect((await c.pullAll(at)).changes).toEqual([]);
      const messages = [...held.values()].filter((ch) => ch.entity === 'message').map((ch) => ch.id);
      expect(messages.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      const pulled = new Map<string, Change>();
      applyAll(pulled, (await c.pullAll(starts[i]!)).changes);
      expect(held).toEqual(pulled);
    }
  });

  it('after a reconnect: hello with the cursor, one pull, then inline again', async () => {
    const clientId = uuidv7();
    const c = await connect(member.token);
    const w = await c.hello(clientId);
    const { cursor } = await c.pullAll(0);
    await c.close();
    await inbound('while away');
    const back = await connect(member.token);
    expect((await back.hello(clientId, cursor, w.scopeKey)).reset).toBe(false);
    const caught = await back.pullAll(cursor);
    expect(caught.changes.some((ch) => ch.entity === 'message' && (ch.data as { text: string }).text === 'while away')).toBe(true);
    await pokesUntilQuiet(back);
    await inbound('back again');
    const [p] = await pokesUntilQuiet(back);
    expect(p!.from).toBeGreaterThanOrEqual(caught.cursor);
    expect(p!.changes!.some((ch) => ch.entity === 'message' && (ch.data as { text: string }).text === 'back again')).toBe(true);
  });
});

describe('server shutdown', () => {
  it('tells connected clients it is going away (1001)', async () => {
    const own = await startTestServer();
    const c = await SyncClient.connect(own.url, own.adminToken);
    await c.hello(uuidv7());
    await own.close();
    expect(await c.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
