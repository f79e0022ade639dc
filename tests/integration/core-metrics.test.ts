// The Reports tab's ipc methods (src-main/core/metrics.ts) against a real server and SQLite store: a supervisor's
// core reads the report, trend, drill-down lists and CSV exports of real conversations (made through the public web
// chat and REST paths); an agent's core gets 'forbidden' for every one of them, CSV included; bad arguments are
// refused by the ipc contract or surfaced from the server's 400 unchanged.
import { describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core/index';
import { dispatchIpc, type IpcArgs, type IpcHandlers, type IpcMethod, type IpcValue } from '../../src-shared/ipc';
import { api, makeAgent, makeChannel, startTestServer, visitor, WidgetClient, type TestServer } from './server-support';
import { cleanupAfterEach } from './support/core-world';
import { until } from './support/wait';

const { defer, tempDir } = cleanupAfterEach();

async function server(): Promise<TestServer> {
  const t = await startTestServer();
  defer(() => t.close());
  return t;
}

async function core(t: TestServer, who: { email: string; password: string }): Promise<Core> {
  const c = await createCore({ dataDir: tempDir('threadline-core-metrics-'), backoff: { baseMs: 50, capMs: 200 } });
  defer(() => c.close());
  await c.handlers['session.login']({ serverUrl: t.url, email: who.email, password: who.password });
  return c;
}

/** A call as the renderer makes it: through the contract's validation (defaults applied), failures thrown. */
async function call<M extends IpcMethod>(h: IpcHandlers, method: M, args: IpcArgs<M>): Promise<IpcValue<M>> {
  const r = await dispatchIpc(h, method, args);
  if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { code: r.error.code });
  return r.value as IpcValue<M>;
}

/** A customer writes on web chat; returns the new conversation's id. */
async function customerWrites(t: TestServer, channelId: string, name: string, text: string, known: Set<string>): Promise<string> {
  const widget = await WidgetClient.connect(t.url);
  await widget.hello({ channelId, visitorId: visitor(), name });
  await widget.say(text);
  await widget.close();
  const id = await until(`the conversation of ${name}`, async () => {
    const list = await api<{ items: { id: string }[] }>(t.url, 'GET', '/api/v1/conversations?limit=100', t.adminToken);
    return list.body.items.map((c) => c.id).find((c) => !known.has(c));
  });
  known.add(id);
  return id;
}

describe('Reports ipc methods (core → REST metrics API)', () => {
  it('a supervisor gets the report, trend, drill-down and CSV; an agent is refused; bad arguments are refused', async () => {
    const t = await server();
    const channelId = await makeChannel(t, 'Website chat');
    const sup = await makeAgent(t, 'Sari', 'supervisor');
    const agent = await makeAgent(t, 'Budi', 'agent');
    const known = new Set<string>();
    const answered = await customerWrites(t, channelId, 'Ana', 'my order is late', known);
    const waiting = await customerWrites(t, channelId, 'Ben', 'where is my refund?', known);
    expect((await api(t.url, 'POST', `/api/v1/conversations/${answered}/messages`, t.adminToken, { text: 'On its way today.' })).status).toBe(201);
    expect((await api(t.url, 'PATCH', `/api/v1/conversations/${answered}`, t.adminToken, { status: 'resolved' })).status).toBe(200);

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const s = (await core(t, sup)).handlers;

    const report = await call(s, 'metrics.report', { from, to, groupBy: 'channel', clock: 'wall' });
    expect(report).toMatchObject({ groupBy: 'channel', clock: 'wall', fcrWindowDays: 7 });
    const row = report.rows.find((r) => r.key === channelId);
    expect(row).toMatchObject({ label: 'Website chat', volume: { created: 2, resolved: 1 }, firstResponse: { count: 1 }, resolution: { count: 1 } });
    expect(report.total.volume).toMatchObject({ created: 2, resolved: 1 });
    // The FCR window is passed through; grouping by agent names the replying admin's row or "unassigned".
    expect((await call(s, 'metrics.report', { from, to, groupBy: 'agent', fcrWindowDays: 14 })).fcrWindowDays).toBe(14);

    const trend = await call(s, 'metrics.trend', { from, to, interval: 'hour', clock: 'wall' });
    expect(trend.interval).toBe('hour');
    expect(trend.points.reduce((n, p) => n + p.created, 0)).toBe(2);
    expect(trend.points.reduce((n, p) => n + (p.createdByChannel[channelId] ?? 0), 0)).toBe(2);
    expect(trend.points.filter((p) => p.firstResponseMedianMs !== null)).toHaveLength(1);

    const resolved = await call(s, 'metrics.drill', { from, to, groupBy: 'channel', key: channelId, metric: 'resolved' });
    expect(resolved.items.map((i) => i.conversationId)).toEqual([answered]);
    expect(resolved.items[0]).toMatchObject({ contactName: 'Ana', channelName: 'Website chat', status: 'resolved' });
    // No key = the total row.
    const created = await call(s, 'metrics.drill', { from, to, metric: 'created' });
    expect(created.items.map((i) => i.conversationId).sort()).toEqual([answered, waiting].sort());
    const unanswered = await call(s, 'metrics.drill', { from, to, key: channelId, metric: 'unanswered' });
    expect(unanswered.items.map((i) => i.conversationId)).toEqual([waiting]);

    const csv = await call(s, 'metrics.exportCsv', { kind: 'report', from, to, groupBy: 'channel' });
    const lines = csv.trim().split(/\r?\n/);
    // Header, the channel's row, the total row; the same numbers as the JSON report.
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^channel,${channelId},Website chat,2,1,`));
    expect(lines[2]).toMatch(/^total,,[^,]*,2,1,/);
    const drillCsv = await call(s, 'metrics.exportCsv', { kind: 'drill', from, to, metric: 'created' });
    const drillLines = drillCsv.trim().split(/\r?\n/);
    expect(drillLines).toHaveLength(3); // header + both conversations, no cap
    expect(drillCsv).toContain(answered);
    expect(drillCsv).toContain(waiting);

    // Bad input: the contract refuses out-of-range args before any request; the server's 400 surfaces as is.
    expect(await dispatchIpc(s, 'metrics.report', { fcrWindowDays: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(await dispatchIpc(s, 'metrics.drill', { metric: 'everything' })).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
    expect(await dispatchIpc(s, 'metrics.report', { from: to, to: from })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await dispatchIpc(s, 'metrics.exportCsv', { kind: 'report', from: to, to: from })).toMatchObject({ ok: false, error: { code: 'invalid' } });

    // An agent: the server refuses the data itself, JSON and CSV alike.
    const a = (await core(t, agent)).handlers;
    for (const [method, args] of [
      ['metrics.report', {}],
      ['metrics.trend', { from, to }],
      ['metrics.drill', { metric: 'created' }],
      ['metrics.exportCsv', { kind: 'report' }],
      ['metrics.exportCsv', { kind: 'drill', metric: 'created' }],
    ] as const) {
      expect(await dispatchIpc(a, method, args), method).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});
