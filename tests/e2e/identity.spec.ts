// Issue 4 in the browser host: a customer on WhatsApp, then in web chat (an anonymous visitor typing the same
// e-mail the CRM put on the WhatsApp contact) → the agent accepts the merge suggestion in the customer panel → one
// thread holds both channels, each message marked with its channel; the reply goes out on the channel chosen in the
// composer; the customer timeline lists the thread and the merge; with the server gone, local search still finds
// "1042" and opens the conversation.
import { test, expect } from '@playwright/test';
import WebSocket from 'ws';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { startFakeGraph, waText } from '../integration/support/fake-graph';
import { api, freePort, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@e2e.test', password: 'correct horse battery staple' };
const PHONE_ID = '106540352242922';
const SECRETS = { accessToken: 'EAAG-e2e', appSecret: 'e2e-app-secret', verifyToken: 'e2e-verify' };

async function visitorSays(serverUrl: string, channelId: string, text: string): Promise<void> {
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/ws/widget`, { headers: { origin: serverUrl } });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string };
      if (msg.type === 'welcome') ws.send(JSON.stringify({ type: 'message', clientMessageId: 'client-msg-0001', text }));
      if (msg.type === 'ack') resolve();
      if (msg.type === 'error') reject(new Error(String(raw)));
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', identity: { channelId, visitorId: 'visitor-budi-0001', name: 'Budi S.', email: 'Budi@Example.co.id' } })));
  });
  ws.close();
}

test('one customer, one thread: WhatsApp + web chat merged, reply channel, timeline, offline search', async ({ browser }) => {
  const graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  const server = await startServer(await freePort(), tempDir('server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const host = await startHost(await freePort(), tempDir('desktop'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const wa = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'whatsapp', name: 'WhatsApp Jakarta', config: { phoneNumberId: PHONE_ID, ...SECRETS, apiBaseUrl: graph.baseUrl } });
    const chat = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    const raw = JSON.stringify(waText(PHONE_ID, '6281234567890', 'Budi Santoso', 'wamid.e2e.id-1', 'Halo, pesanan 1042 belum sampai'));
    const res = await fetch(`${server.url}/webhooks/whatsapp/${wa.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw });
    expect(res.status).toBe(200);
    // A CRM keeps the profile in sync: lookup by the phone as a person writes it, then PATCH.
    const found = await api<{ items: { id: string }[] }>(server.url, 'GET', `/api/v1/contacts?identity=${encodeURIComponent('+62 812-3456-7890')}`, token);
    const budi = found.items[0]!.id;
    await api(server.url, 'PATCH', `/api/v1/contacts/${budi}`, token, { tier: 'vip', addIdentities: [{ channelType: 'email', value: 'budi@example.co.id' }] });

    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url);
    await page.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await page.getByRole('textbox', { name: 'Email' }).fill(admin.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'All' }).click();
    const inbox = page.getByRole('listbox', { name: 'Conversations' });

    // The same person in web chat, anonymously, typing the e-mail the CRM gave: a suggestion, not an automatic merge.
    await visitorSays(server.url, chat.id, 'Saya juga tanya lewat chat: nomor resi?');
    await expect(inbox.getByRole('option')).toHaveCount(2, { timeout: 10_000 });
    await inbox.getByRole('option').filter({ hasText: 'Halo, pesanan 1042' }).click();
    const panel = page.getByRole('complementary', { name: 'Customer' });
    await expect(panel.getByRole('region', { name: 'Profile' })).toContainText('vip');
    await expect(panel.getByRole('region', { name: 'Possibly the same customer' })).toContainText('Budi S.');
    await panel.getByRole('button', { name: 'Merge with Budi S.' }).click();

    // One thread, each message marked with its channel.
    const log = page.getByRole('log', { name: 'Messages' });
    const chatMsg = log.getByRole('article').filter({ hasText: 'nomor resi?' });
    await expect(chatMsg).toBeVisible({ timeout: 10_000 });
    await expect(chatMsg).toContainText('Web chat');
    await expect(log.getByRole('article').filter({ hasText: 'Halo, pesanan 1042' })).toContainText('WhatsApp');

    // The composer defaults to the channel of the last inbound message (web chat); one click switches to WhatsApp.
    const via = page.getByRole('combobox', { name: 'Reply via' });
    await expect(via.locator('option:checked')).toContainText('Website chat');
    await via.selectOption({ label: 'WhatsApp Jakarta (WhatsApp)' });
    const reply = page.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Resi: JNE 8812');
    await reply.press('Enter');
    await expect.poll(() => graph.requests.filter((r) => JSON.stringify(r.body).includes('Resi: JNE 8812')).length, { timeout: 10_000 }).toBe(1);
    await expect(log.getByRole('article').filter({ hasText: 'Resi: JNE 8812' })).toContainText('WhatsApp');

    // The customer timeline: newest first, with the merge.
    await panel.getByRole('button', { name: 'Show timeline' }).click();
    const timeline = panel.getByRole('list', { name: 'Customer timeline' });
    await expect(timeline).toContainText('Resi: JNE 8812');
    await expect(timeline).toContainText('merged');
    await expect(timeline.getByRole('listitem').first()).toContainText('Resi: JNE 8812');

    // Offline: the server goes away; local search still finds "1042" and opens the thread.
    await server.stop();
    await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({ timeout: 15_000 });
    await inbox.getByRole('option').filter({ hasText: 'Resi' }).first().click().catch(() => undefined);
    const search = page.getByRole('searchbox', { name: 'Search messages' });
    await search.fill('pesanan-1042');
    const results = page.getByRole('list', { name: 'Search results' });
    await expect(results.getByRole('button').filter({ hasText: 'Halo, pesanan 1042 belum sampai' })).toBeVisible();
    await results.getByRole('button').filter({ hasText: 'Halo, pesanan 1042 belum sampai' }).click();
    await expect(log.getByRole('article').filter({ hasText: 'Halo, pesanan 1042 belum sampai' })).toBeVisible();
  } finally {
    await host.stop();
    await server.stop();
    await graph.close();
  }
});
