// Issue 2's story, end to end: a customer writes on web chat, the agent answers from the desktop
// workspace (browser host + real core), the server goes away, the agent keeps working, restarts the
// app, the server comes back, and the queued replies reach the customer exactly once, in order.
import { test, expect, type Page } from '@playwright/test';
import { api, fillSignIn, freePort, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@e2e.test', password: 'correct horse battery staple' };
const agentLogin = { email: 'ana@e2e.test', password: 'ana-password-123', name: 'Ana Lima' };

async function customerTexts(customer: Page): Promise<string[]> {
  return customer.getByRole('log', { name: 'Chat messages' }).getByRole('listitem').allInnerTexts();
}

test('web chat → server → agent desktop → reply, offline-tolerant', async ({ browser }) => {
  const serverPort = await freePort();
  const hostPort = await freePort();
  const serverDir = tempDir('server');
  const desktopDir = tempDir('desktop');
  const env = { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password };

  let server = await startServer(serverPort, serverDir, env);
  let host = await startHost(hostPort, desktopDir, server.url);
  try {
    // Set-up through the public API: a web chat channel and an agent who is a member of it.
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    const ana = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...agentLogin, role: 'agent' });
    await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${ana.id}`, token);

    const agent = await (await browser.newContext()).newPage();
    await agent.goto(host.url);
    await fillSignIn(agent, server.url, agentLogin);
    const inbox = agent.getByRole('listbox', { name: 'Conversations' });
    await expect(inbox).toBeVisible();

    // The customer writes.
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${server.url}/chat/${channel.id}`);
    await customer.getByRole('textbox', { name: 'Your message' }).fill('Hi, my order #1042 has not arrived');
    await customer.getByRole('button', { name: 'Send' }).click();

    // It reaches the unified inbox live (All view: nobody is assigned yet).
    await agent.getByRole('tab', { name: 'All' }).click();
    const row = inbox.getByRole('option').filter({ hasText: 'order #1042' });
    await expect(row).toBeVisible({ timeout: 5000 });
    await expect(row).toHaveAccessibleName(/unread/);
    await row.click();
    const log = agent.getByRole('log', { name: 'Messages' });
    await expect(log.getByRole('article').filter({ hasText: 'Hi, my order #1042 has not arrived' })).toBeVisible();
    await expect(agent.getByRole('complementary', { name: 'Customer' })).toBeVisible();

    // The agent replies; the customer sees it live and the status reaches Delivered.
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Sorry about that! Let me check order #1042 right away.');
    await reply.press('Enter');
    await expect(customer.getByRole('log', { name: 'Chat messages' })).toContainText('Let me check order #1042 right away.');
    const firstReply = log.getByRole('article').filter({ hasText: 'Let me check order #1042' });
    await expect(firstReply).toContainText('Delivered');

    // Customer content is text, never markup.
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await customer.getByRole('textbox', { name: 'Your message' }).fill(hostile);
    await customer.getByRole('button', { name: 'Send' }).click();
    await expect(log.getByRole('article').filter({ hasText: '<script>window.__pwned=2</script>' })).toBeVisible();
    expect(await agent.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await customer.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await agent.locator('img[src="x"]').count()).toBe(0);

    // The network goes away.
    await server.stop();
    await expect(agent.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({ timeout: 15_000 });
    await expect(log).toContainText('order #1042'); // still readable from the local cache

    const queued = ['Queued reply one: the parcel left our warehouse on Monday.', 'Queued reply two: the courier reference is TL-88-1042.', 'Queued reply three: I will follow up tomorrow morning.'];
    for (const text of queued) {
      await reply.fill(text);
      await reply.press('Enter');
    }
    for (const text of queued) {
      await expect(log.getByRole('article').filter({ hasText: text })).toContainText('Queued — will send when connected');
    }
    const draft = 'Draft: I am asking the warehouse whether';
    await reply.fill(draft);
    await expect(agent.getByText('Draft saved')).toBeVisible();

    // The agent closes and reopens the app (the browser host restarts; the server is still down).
    await agent.context().close();
    await host.stop();
    host = await startHost(hostPort, desktopDir, server.url);
    const agent2 = await (await browser.newContext()).newPage();
    await agent2.goto(host.url);
    const inbox2 = agent2.getByRole('listbox', { name: 'Conversations' });
    await agent2.getByRole('tab', { name: 'All' }).click();
    await inbox2.getByRole('option').filter({ hasText: /Queued reply three|order #1042|pwned/ }).first().click();
    const log2 = agent2.getByRole('log', { name: 'Messages' });
    for (const text of queued) {
      await expect(log2.getByRole('article').filter({ hasText: text })).toContainText('Queued — will send when connected');
    }
    await expect(agent2.getByRole('textbox', { name: 'Reply' })).toHaveValue(draft);

    // The server comes back: exactly once, in order, queued → sent → delivered.
    server = await startServer(serverPort, serverDir, env);
    for (const text of queued) {
      await expect(log2.getByRole('article').filter({ hasText: text })).toContainText('Delivered', { timeout: 30_000 });
    }
    const texts = await customerTexts(customer);
    const positions = queued.map((q) => texts.findIndex((t) => t.includes(q)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const q of queued) expect(texts.filter((t) => t.includes(q))).toHaveLength(1);

    // And the server's own record agrees: each reply stored once, in order.
    const conversations = await api<{ items: { id: string }[] }>(server.url, 'GET', `/api/v1/conversations?channelId=${channel.id}`, token);
    const messages = await api<{ items: { text: string; status: string }[] }>(server.url, 'GET', `/api/v1/conversations/${conversations.items[0]!.id}/messages`, token);
    const stored = messages.items.filter((m) => queued.includes(m.text));
    expect(stored.map((m) => m.text)).toEqual(queued);
    expect(stored.every((m) => m.status === 'delivered')).toBe(true);
  } finally {
    await host.stop();
    await server.stop();
  }
});
