// CSAT (docs/csat.md) against the real server over real sockets: the web chat survey on resolve (live and on the
// next hello), the answer over the widget socket (never a message, never a reopen), one survey per conversation,
// the e-mail rating page (GET never records, POST records and updates, bad token 404, bad score 400), the
// "CSAT at most N" escalation rule firing once, the synced `csat` field, the customer timeline, and the settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, api, makeAgent, startTestServer, SyncClient, tempDir, visitor, WidgetClient, type TestServer } from './server-support';
import { until } from './support/wait';
import { uuidv7 } from '../../src-shared/ids';
import { openStore } from '../../src-server/store/db';
import type { Conversation } from '../../src-shared/domain';

let t: TestServer;
let chatId: string;
let agent: Awaited<ReturnType<typeof makeAgent>>;

const db = () => t.server.store.db;
const surveysOf = (conversationId: string) => db().selectFrom('csat_surveys').selectAll().where('conversation_id', '=', conversationId).execute();
const messageCount = async (conversationId: string) => (await db().selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute()).length;
const conv = async (id: string) => (await api(t.url, 'GET', `/api/v1/conversations/${id}`, agent.token)).body as Conversation;
const setStatus = (id: string, status: string, token = agent.token) => api(t.url, 'PATCH', `/api/v1/conversations/${id}`, token, { status });

/** A visitor writes; returns their socket, identity and conversation. */
async function visitorWrites(channelId = chatId, text = 'My order has not arrived') {
  const w = await WidgetClient.connect(t.url);
  const id = { channelId, visitorId: visitor(), name: 'Rina' };
  await w.hello(id);
  const ack = await w.say(text);
  const row = await db().selectFrom('messages').select('conversation_id').where('id', '=', ack.message.id).executeTakeFirstOrThrow();
  return { w, id, conversationId: row.conversation_id };
}

beforeAll(async () => {
  t = await startTestServer({ csat: { pollMs: 100 } });
  const res = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'webchat', name: 'Shop chat', config: { csat: { enabled: true, question: 'How did Rina’s team do?' } } });
  expect(res.status).toBe(201);
  chatId = res.body.id;
  agent = await makeAgent(t, 'Agnes');
  await addMember(t, chatId, agent.id);
});
afterAll(async () => {
  await t?.close();
});

describe('CSAT settings per channel', () => {
  it('are part of the channel config: validated, returned, editable; off by default', async () => {
    const ch = await api(t.url, 'GET', `/api/v1/channels/${chatId}`, t.adminToken);
    expect(ch.body.config.csat).toEqual({ enabled: true, question: 'How did Rina’s team do?' });
    const bad = await api(t.url, 'PATCH', `/api/v1/channels/${chatId}`, t.adminToken, { config: { csat: { enabled: true, question: 'x'.repeat(301) } } });
    expect(bad.status).toBe(400);
    const unknownKey = await api(t.url, 'PATCH', `/api/v1/channels/${chatId}`, t.adminToken, { config: { csat: { enabled: true, surprise: 1 } } });
    expect(unknownKey.status).toBe(400);
    expect((await api(t.url, 'GET', `/api/v1/channels/${chatId}`, t.adminToken)).body.config.csat.question).toBe('How did Rina’s team do?');
    // A channel without CSAT settings sends nothing on resolve.
    const plain = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'webchat', name: 'No survey chat', config: {} });
    const { w, conversationId } = await visitorWrites(plain.body.id);
    expect((await setStatus(conversationId, 'resolved', t.adminToken)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await surveysOf(conversationId)).toHaveLength(0);
    expect(w.frames.pending('csat')).toHaveLength(0);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${conversationId}/csat`, t.adminToken)).status).toBe(404);
    await w.close();
  });
});

describe('web chat survey', () => {
  it('is shown live on resolve; the rating is recorded on the survey and the conversation, not as a message, without reopening', async () => {
    const sync = await SyncClient.connect(t.url, agent.token);
    await sync.hello(uuidv7());
    const { cursor } = await sync.pullAll(0);
    const { w, conversationId } = await visitorWrites();
    expect((await setStatus(conversationId, 'resolved')).status).toBe(200);

    const frame = await w.next('csat', 5000);
    expect(frame.survey).toMatchObject({ question: 'How did Rina’s team do?', score: null, comment: null });
    const [survey] = await until('survey sent', async () => {
      const rows = await surveysOf(conversationId);
      return rows[0]?.sent_at ? rows : null;
    });
    expect(survey).toMatchObject({ state: 'sent', channel_type: 'webchat', channel_id: chatId, agent_id: null, score: null, token: frame.survey.token });
    expect(survey!.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await conv(conversationId)).csat).toMatchObject({ state: 'sent', score: null, channelType: 'webchat' });

    const before = await messageCount(conversationId);
    w.send({ type: 'csat', token: frame.survey.token, score: 2, comment: 'Took three days to answer' });
    const thanks = await w.next('csat', 5000, (f) => f.survey.score !== null);
    expect(thanks.survey).toMatchObject({ score: 2, comment: 'Took three days to answer' });

    const [answered] = await surveysOf(conversationId);
    expect(answered).toMatchObject({ state: 'answered', score: 2, comment: 'Took three days to answer' });
    expect(answered!.answered_at).not.toBeNull();
    const c = await conv(conversationId);
    expect(c.status).toBe('resolved');
    expect(c.csat).toMatchObject({ state: 'answered', score: 2, comment: 'Took three days to answer' });
    expect(await messageCount(conversationId)).toBe(before);
    expect((await db().selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('direction', '=', 'inbound').execute()).length).toBe(1);

    // The agent's app sees the rating through sync (the conversation entity carries `csat`).
    const pulled = await until('csat synced', async () => {
      const { changes } = await sync.pullAll(cursor);
      const change = changes.filter((ch) => ch.entity === 'conversation' && ch.id === conversationId).at(-1);
      return (change?.data as Conversation | undefined)?.csat?.score === 2 ? change : null;
    });
    expect((pulled.data as Conversation).csat?.comment).toBe('Took three days to answer');

    // Reopen + resolve: no second survey, no second frame.
    expect((await setStatus(conversationId, 'open')).status).toBe(200);
    expect((await setStatus(conversationId, 'resolved')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await surveysOf(conversationId)).toHaveLength(1);
    expect(w.frames.pending('csat')).toHaveLength(0);
    expect((await conv(conversationId)).csat?.score).toBe(2);

    // The customer timeline shows the answer.
    const timeline = await api(t.url, 'GET', `/api/v1/contacts/${c.contactId}/timeline`, agent.token);
    expect(timeline.body.items.filter((i: { kind: string }) => i.kind === 'csat')).toEqual([
      expect.objectContaining({ kind: 'csat', conversationId, channelType: 'webchat', data: expect.objectContaining({ score: 2, comment: 'Took three days to answer' }) }),
    ]);
    // And the REST view of the survey.
    const rest = await api(t.url, 'GET', `/api/v1/conversations/${conversationId}/csat`, agent.token);
    expect(rest.body).toMatchObject({ conversationId, state: 'answered', score: 2 });
    sync.ws.close();
    await w.close();
  });

  it('is shown the next time the visitor opens the chat; a foreign or unknown token changes nothing', async () => {
    const { w, id, conversationId } = await visitorWrites();
    await w.close();
    expect((await setStatus(conversationId, 'resolved')).status).toBe(200);
    const [survey] = await until('survey sent', async () => {
      const rows = await surveysOf(conversationId);
      return rows[0]?.sent_at ? rows : null;
    });

    // Another visitor cannot answer it.
    const other = await visitorWrites();
    other.w.send({ type: 'csat', token: survey!.token, score: 1 });
    expect((await other.w.next('error')).code).toBe('not_found');
    other.w.send({ type: 'csat', token: 'AAAAAAAAAAAAAAAAAAAAAA', score: 1 });
    expect((await other.w.next('error')).code).toBe('not_found');
    other.w.send({ type: 'csat', token: survey!.token, score: 9 } as never);
    expect((await other.w.next('error')).code).toBe('invalid');
    expect((await surveysOf(conversationId))[0]).toMatchObject({ state: 'sent', score: null });
    await other.w.close();

    const again = await WidgetClient.connect(t.url);
    await again.hello(id);
    const frame = await again.next('csat');
    expect(frame.survey).toMatchObject({ token: survey!.token, score: null });
    again.send({ type: 'csat', token: survey!.token, score: 5 });
    expect((await again.next('csat', 5000, (f) => f.survey.score === 5)).survey.comment).toBeNull();
    await again.close();
    // Answered: not shown again.
    const third = await WidgetClient.connect(t.url);
    await third.hello(id);
    await new Promise((r) => setTimeout(r, 200));
    expect(third.frames.pending('csat')).toHaveLength(0);
    await third.close();
  });

  it('is not offered again once the customer carried on and the conversation is open again', async () => {
    const { w, id, conversationId } = await visitorWrites();
    expect((await setStatus(conversationId, 'resolved')).status).toBe(200);
    await w.next('csat');
    // Instead of rating, the customer writes again: the conversation reopens (a rating now would be about help in progress).
    expect((await setStatus(conversationId, 'open')).status).toBe(200);
    await w.close();
    const again = await WidgetClient.connect(t.url);
    await again.hello(id);
    await new Promise((r) => setTimeout(r, 200));
    expect(again.frames.pending('csat')).toHaveLength(0);
    await again.close();
    // Resolved again (no second survey is sent): the first, still unanswered, is offered again.
    expect((await setStatus(conversationId, 'resolved')).status).toBe(200);
    const third = await WidgetClient.connect(t.url);
    await third.hello(id);
    expect((await third.next('csat')).survey.score).toBeNull();
    await third.close();
    expect(await surveysOf(conversationId)).toHaveLength(1);
  });

  it('is still shown and answerable after the customer was merged into another contact', async () => {
    const survivor = await visitorWrites(chatId, 'Hello from my phone');
    const merged = await visitorWrites(chatId, 'Hello from my laptop');
    expect((await setStatus(merged.conversationId, 'resolved')).status).toBe(200);
    const live = await merged.w.next('csat', 5000);
    const [survey] = await until('survey sent', async () => {
      const rows = await surveysOf(merged.conversationId);
      return rows[0]?.sent_at ? rows : null;
    });
    const survivorContact = (await conv(survivor.conversationId)).contactId;
    const mergedContact = (await conv(merged.conversationId)).contactId;
    expect((await api(t.url, 'POST', `/api/v1/contacts/${survivorContact}/merge`, t.adminToken, { otherId: mergedContact })).status).toBe(200);
    expect((await conv(merged.conversationId)).contactId).toBe(survivorContact);

    // The chat that was open during the merge answers the survey it was shown.
    merged.w.send({ type: 'csat', token: live.survey.token, score: 3 });
    expect((await merged.w.next('csat', 5000, (f) => f.survey.score === 3)).survey.score).toBe(3);
    await merged.w.close();
    await db().updateTable('csat_surveys').set({ state: 'sent', score: null, answered_at: null }).where('id', '=', survey!.id).execute();

    // The merged visitor opens the chat again: the survey of their conversation is shown and their answer counts.
    const again = await WidgetClient.connect(t.url);
    await again.hello(merged.id);
    expect((await again.next('csat')).survey.token).toBe(survey!.token);
    again.send({ type: 'csat', token: survey!.token, score: 4 });
    expect((await again.next('csat', 5000, (f) => f.survey.score === 4)).survey.score).toBe(4);
    expect((await surveysOf(merged.conversationId))[0]).toMatchObject({ state: 'answered', score: 4 });
    await again.close();
    await survivor.w.close();
  });
});

describe('rating page (the e-mail links)', () => {
  it('GET shows the page with the score preselected and records nothing; POST records; a second POST updates the same survey', async () => {
    const { w, conversationId } = await visitorWrites();
    await w.close();
    await setStatus(conversationId, 'resolved');
    const [survey] = await until('survey sent', async () => {
      const rows = await surveysOf(conversationId);
      return rows[0]?.sent_at ? rows : null;
    });
    const page = await fetch(`${t.url}/csat/${survey!.token}?score=4`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<legend>How did Rina’s team do?</legend>');
    expect(html).toMatch(/value="4" required checked/);
    expect(html).not.toMatch(/value="[1235]" required checked/);
    expect(html).toContain('<label class="comment" for="comment">');
    // A mail scanner prefetching every link records nothing.
    for (const s of [1, 2, 3, 5]) expect((await fetch(`${t.url}/csat/${survey!.token}?score=${s}`)).status).toBe(200);
    expect((await surveysOf(conversationId))[0]).toMatchObject({ state: 'sent', score: null, answered_at: null });

    const post = await fetch(`${t.url}/csat/${survey!.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'score=4&comment=Quick+and+kind' });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('You rated our help 4 out of 5');
    expect((await surveysOf(conversationId))[0]).toMatchObject({ state: 'answered', score: 4, comment: 'Quick and kind' });

    const second = await api(t.url, 'POST', `/csat/${survey!.token}`, undefined, { score: 3, comment: 'On reflection, OK' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ score: 3, comment: 'On reflection, OK' });
    const rows = await surveysOf(conversationId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ score: 3, comment: 'On reflection, OK' });
    expect((await conv(conversationId)).status).toBe('resolved');
    // The page now shows the answer.
    expect(await (await fetch(`${t.url}/csat/${survey!.token}`)).text()).toMatch(/value="3" required checked/);
  });

  it('unknown token 404, bad score 400, nothing changes', async () => {
    const unknown = await api(t.url, 'GET', '/csat/BBBBBBBBBBBBBBBBBBBBBB?score=3');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await api(t.url, 'POST', '/csat/BBBBBBBBBBBBBBBBBBBBBB', undefined, { score: 3 })).status).toBe(404);
    const [any] = await db().selectFrom('csat_surveys').selectAll().where('state', '=', 'answered').limit(1).execute();
    const before = JSON.stringify(any);
    for (const q of ['9', '0', 'abc', '2.5']) expect((await api(t.url, 'GET', `/csat/${any!.token}?score=${q}`)).status).toBe(400);
    for (const body of [{ score: 6 }, { score: 0 }, {}, { score: 3, comment: 'x'.repeat(2001) }]) expect((await api(t.url, 'POST', `/csat/${any!.token}`, undefined, body)).status).toBe(400);
    const form = await fetch(`${t.url}/csat/${any!.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'score=7' });
    expect(form.status).toBe(400);
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await form.text()).toContain('role="alert"');
    // A public route: the JSON body has the form's small limit, not the API's megabyte (413, nothing parsed).
    const big = await api(t.url, 'POST', `/csat/${any!.token}`, undefined, { score: 3, comment: 'x'.repeat(30_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const bigForm = await fetch(`${t.url}/csat/${any!.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `score=3&comment=${'x'.repeat(30_000)}` });
    expect(bigForm.status).toBe(413);
    // …yet the longest comment the page allows fits: 2000 CJK characters are 18,000 bytes once form-encoded.
    const longest = await fetch(`${t.url}/csat/${any!.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ score: '3', comment: '好'.repeat(2000) }).toString() });
    expect(longest.status).toBe(200);
    expect((await db().selectFrom('csat_surveys').select('comment').where('id', '=', any!.id).executeTakeFirstOrThrow()).comment).toHaveLength(2000);
    await db().updateTable('csat_surveys').set({ score: any!.score, comment: any!.comment, answered_at: any!.answered_at }).where('id', '=', any!.id).execute();
    expect(JSON.stringify((await db().selectFrom('csat_surveys').selectAll().where('id', '=', any!.id).execute())[0])).toBe(before);
  });
});

describe('escalation on a low score', () => {
  it('a "CSAT at most 2" rule fires once, on the resolved conversation, without reopening it', async () => {
    const supervisor = await makeAgent(t, 'Suri', 'supervisor');
    const rule = await api(t.url, 'POST', '/api/v1/escalation-rules', t.adminToken, { name: 'Unhappy customer', triggers: { csatAtMost: 2 }, actions: { notifySupervisors: true, raisePriority: true } });
    expect(rule.status).toBe(201);
    expect((await api(t.url, 'POST', '/api/v1/escalation-rules', t.adminToken, { name: 'bad', triggers: { csatAtMost: 6 } })).status).toBe(400);
    const escalations = async (conversationId: string) =>
      (await db().selectFrom('routing_events').selectAll().where('conversation_id', '=', conversationId).where('kind', '=', 'escalated').execute()).map((e) => ({ ...e, data: JSON.parse(e.data) as { why: string; notify?: string[] } }));

    // A happy customer: nothing.
    const happy = await visitorWrites();
    await setStatus(happy.conversationId, 'resolved');
    const h = await happy.w.next('csat');
    happy.w.send({ type: 'csat', token: h.survey.token, score: 5 });
    await happy.w.next('csat', 5000, (f) => f.survey.score === 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(await escalations(happy.conversationId)).toHaveLength(0);
    await happy.w.close();

    const unhappy = await visitorWrites();
    await setStatus(unhappy.conversationId, 'resolved');
    const frame = await unhappy.w.next('csat');
    unhappy.w.send({ type: 'csat', token: frame.survey.token, score: 2, comment: 'Not solved' });
    await unhappy.w.next('csat', 5000, (f) => f.survey.score === 2);
    const [fired] = await until('escalated', async () => {
      const e = await escalations(unhappy.conversationId);
      return e.length ? e : null;
    });
    expect(fired!.data.why).toContain('Unhappy customer');
    expect(fired!.data.why).toContain('CSAT 2/5 ≤ 2');
    expect(fired!.data.notify).toContain(supervisor.id);
    const c = await conv(unhappy.conversationId);
    expect(c.status).toBe('resolved');
    expect(c.priority).toBe('high');

    // A second (still low) answer updates the survey but does not fire the rule again.
    unhappy.w.send({ type: 'csat', token: frame.survey.token, score: 1 });
    await unhappy.w.next('csat', 5000, (f) => f.survey.score === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await escalations(unhappy.conversationId)).toHaveLength(1);
    expect((await conv(unhappy.conversationId)).status).toBe('resolved');
    await unhappy.w.close();
  });
});

describe('durability across a restart', () => {
  it('a queued survey is sent after a restart; one caught mid-send is failed "in doubt", never sent twice', async () => {
    const dir = tempDir();
    const a = await startTestServer({ dataDir: dir });
    const ch = await api(a.url, 'POST', '/api/v1/channels', a.adminToken, { type: 'webchat', name: 'Chat', config: { csat: { enabled: true } } });
    const convs: string[] = [];
    for (const text of ['first', 'second']) {
      const w = await WidgetClient.connect(a.url);
      await w.hello({ channelId: ch.body.id, visitorId: visitor() });
      const ack = await w.say(text);
      await w.close();
      const row = await a.server.store.db.selectFrom('messages').select('conversation_id').where('id', '=', ack.message.id).executeTakeFirstOrThrow();
      convs.push(row.conversation_id);
      expect((await api(a.url, 'PATCH', `/api/v1/conversations/${row.conversation_id}`, a.adminToken, { status: 'resolved' })).status).toBe(200);
    }
    await until('both sent', async () => (await a.server.store.db.selectFrom('csat_surveys').select('id').where('sent_at', 'is not', null).execute()).length === 2);
    await a.server.close();
    // As the store looks after a crash: one survey still queued, one claimed by the sender (committed) but not finished.
    const store = await openStore({ dataDir: dir });
    await store.db.updateTable('csat_surveys').set({ state: 'sent', sent_at: null, detail: null }).where('conversation_id', '=', convs[0]!).execute();
    await store.db.updateTable('csat_surveys').set({ state: 'sent', sent_at: null, detail: 'sending' }).where('conversation_id', '=', convs[1]!).execute();
    await store.close();

    const b = await startTestServer({ dataDir: dir, csat: { pollMs: 50 } });
    try {
      const byConv = async (id: string) => b.server.store.db.selectFrom('csat_surveys').selectAll().where('conversation_id', '=', id).executeTakeFirstOrThrow();
      await until('queued one sent', async () => (await byConv(convs[0]!)).sent_at !== null);
      expect(await byConv(convs[0]!)).toMatchObject({ state: 'sent', detail: null });
      const doubt = await byConv(convs[1]!);
      expect(doubt.state).toBe('failed');
      expect(doubt.detail).toMatch(/not sent again/);
      expect(doubt.sent_at).toBeNull();
      expect(await b.server.store.db.selectFrom('csat_surveys').select('id').execute()).toHaveLength(2);
    } finally {
      await b.close();
    }
  });
});
