// A server killed (SIGKILL) while a WhatsApp send is in flight does not send it again after restart:
// the message is marked failed "in doubt" with a reason, the agent can retry, and a later status from
// WhatsApp for it (matched by biz_opaque_callback_data) wins over the doubt.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { api, tempDir } from './server-support';
import { startFakeGraph, waStatus, waText, type FakeGraph } from './support/fake-graph';
import { until } from './support/wait';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN = { email: 'admin@restart.test', password: 'restart-password-1' };
const PHONE_ID = '106540352242922';
const SECRETS = { accessToken: 'EAAG-restart', appSecret: 'restart-app-secret', verifyToken: 'v' };

const procs: ChildProcess[] = [];
let graph: FakeGraph | undefined;
let dir: string | undefined;
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await graph?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function startProcess(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  // node itself (not the tsx CLI, which runs a child process): SIGKILL must kill the server.
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src-server/cli.ts'), '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, THREADLINE_ADMIN_EMAIL: ADMIN.email, THREADLINE_ADMIN_PASSWORD: ADMIN.password, THREADLINE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { proc, url };
}

const post = (url: string, channelId: string, payload: unknown) => {
  const raw = JSON.stringify(payload);
  return fetch(`${url}/webhooks/whatsapp/${channelId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw });
};

describe('delivery across a crash', () => {
  it('a send in flight when the server is killed is not sent twice', async () => {
    graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
    dir = tempDir('threadline-restart-');
    let s = await startProcess(dir);
    const login = async (url: string) => (await api(url, 'POST', '/api/v1/auth/login', undefined, ADMIN)).body.token as string;
    let token = await login(s.url);
    const channelId = (await api(s.url, 'POST', '/api/v1/channels', token, { type: 'whatsapp', name: 'WA', config: { phoneNumberId: PHONE_ID, ...SECRETS, apiBaseUrl: graph.baseUrl } })).body.id as string;
    expect((await post(s.url, channelId, waText(PHONE_ID, '6281300000000', 'Budi', 'wamid.in-1', 'Halo'))).status).toBe(200);
    const conv = (await api(s.url, 'GET', '/api/v1/conversations', token)).body.items[0].id as string;

    graph.script.push('hold'); // WhatsApp receives the request… and the server dies before the answer
    const reply = await api(s.url, 'POST', `/api/v1/conversations/${conv}/messages`, token, { text: 'Kami cek sekarang' });
    expect(reply.status).toBe(201);
    const messageId = reply.body.id as string;
    await until('vendor received the send', async () => graph!.requests.length === 1);
    s.proc.kill('SIGKILL');
    await new Promise((r) => s.proc.once('exit', r));
    graph.release();

    s = await startProcess(dir);
    token = await login(s.url);
    const failed = await until('in doubt', async () => {
      const items = (await api(s.url, 'GET', `/api/v1/conversations/${conv}/messages`, token)).body.items as { id: string; status: string; failureReason: string | null }[];
      const m = items.find((x) => x.id === messageId);
      return m?.status === 'failed' ? m : null;
    });
    expect(failed.failureReason).toMatch(/may or may not have reached the customer/);
    await new Promise((r) => setTimeout(r, 1200)); // a few delivery polls
    expect(graph.requests).toHaveLength(1); // never sent again

    // WhatsApp later reports the message delivered (its callback data is our id): the vendor's word wins.
    expect((await post(s.url, channelId, waStatus(PHONE_ID, 'wamid.out-1', 'delivered', '6281300000000', { biz_opaque_callback_data: messageId }))).status).toBe(200);
    const items = (await api(s.url, 'GET', `/api/v1/conversations/${conv}/messages`, token)).body.items as { id: string; status: string; failureReason: string | null }[];
    expect(items.find((x) => x.id === messageId)).toMatchObject({ status: 'delivered', failureReason: null });
  }, 60_000);

  it('a media reply in flight when the server is killed is not sent again either; Retry uploads and sends once', async () => {
    const g = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
    const d = tempDir('threadline-restart-media-');
    try {
      let s = await startProcess(d);
      const login = async (url: string) => (await api(url, 'POST', '/api/v1/auth/login', undefined, ADMIN)).body.token as string;
      let token = await login(s.url);
      const channelId = (await api(s.url, 'POST', '/api/v1/channels', token, { type: 'whatsapp', name: 'WA', config: { phoneNumberId: PHONE_ID, ...SECRETS, apiBaseUrl: g.baseUrl } })).body.id as string;
      expect((await post(s.url, channelId, waText(PHONE_ID, '6281300000009', 'Budi', 'wamid.in-media-1', 'Faktur?'))).status).toBe(200);
      const conv = (await api(s.url, 'GET', '/api/v1/conversations', token)).body.items[0].id as string;
      const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
      const up = await fetch(`${s.url}/api/v1/conversations/${conv}/attachments?name=f.pdf`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' }, body: pdf });
      expect(up.status).toBe(201);
      const fileId = ((await up.json()) as { id: string }).id;

      g.script.push('hold'); // the media upload succeeds, the media message is held… and the server dies
      const reply = await api(s.url, 'POST', `/api/v1/conversations/${conv}/messages`, token, { text: 'Terlampir', attachmentIds: [fileId] });
      expect(reply.status).toBe(201);
      const messageId = reply.body.id as string;
      await until('vendor received the media message', async () => g.requests.length === 1);
      expect(g.uploads).toHaveLength(1);
      s.proc.kill('SIGKILL');
      await new Promise((r) => s.proc.once('exit', r));
      g.release();

      s = await startProcess(d);
      token = await login(s.url);
      const messages = async () => (await api(s.url, 'GET', `/api/v1/conversations/${conv}/messages`, token)).body.items as { id: string; status: string; failureReason: string | null }[];
      const failed = await until('in doubt', async () => (await messages()).find((x) => x.id === messageId && x.status === 'failed'));
      expect(failed.failureReason).toMatch(/may or may not have reached the customer/);
      await new Promise((r) => setTimeout(r, 1200));
      expect(g.requests).toHaveLength(1);
      expect(g.uploads).toHaveLength(1);

      // The agent's explicit Retry: the file (kept on disk) is uploaded again and sent once.
      expect((await api(s.url, 'POST', `/api/v1/messages/${messageId}/retry`, token)).status).toBeLessThan(300);
      await until('sent after retry', async () => (await messages()).find((x) => x.id === messageId && x.status === 'sent'));
      expect(g.uploads).toHaveLength(2);
      expect(g.requests).toHaveLength(2);
      expect(g.requests[1]!.body).toMatchObject({ type: 'document', document: { id: g.uploads[1]!.id, caption: 'Terlampir', filename: 'f.pdf' } });
    } finally {
      await g.close();
      fs.rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);
});
