// Supervisor dashboard end to end (issue 8) in the browser host against the real server: a supervisor's queue count
// rises within 2 s of a customer writing on web chat (sync stream → invalidation, no polling), the number drills down
// into the inbox; an agent sees no Dashboard button and the server refuses the agent's token (403).
import { test, expect, type Page } from '@playwright/test';
import { api, freePort, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@dashboard.test', password: 'correct horse battery staple' };
const sup = { email: 'sup@dashboard.test', password: 'sup-password-123', name: 'Sara Supervisor' };
const agent = { email: 'agent@dashboard.test', password: 'agent-password-123', name: 'Aki Agent' };

async function signIn(page: Page, url: string, serverUrl: string, who: { email: string; password: string }) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Server URL' }).fill(serverUrl);
  await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
}

test('dashboard: live queue count from the sync stream, drill-down, agents refused', async ({ browser }) => {
  const server = await startServer(await freePort(), tempDir('dash-server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const hostS = await startHost(await freePort(), tempDir('dash-sup'), server.url);
  const hostA = await startHost(await freePort(), tempDir('dash-agent'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    await api(server.url, 'POST', '/api/v1/agents', token, { ...sup, role: 'supervisor' });
    const a = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...agent, role: 'agent' });
    await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${a.id}`, token);

    // The agent: no Dashboard button, and the server refuses the data itself.
    const agentPage = await (await browser.newContext()).newPage();
    await signIn(agentPage, hostA.url, server.url, agent);
    await expect(agentPage.getByRole('button', { name: 'Settings' })).toHaveCount(0);
    await expect(agentPage.getByRole('button', { name: 'Dashboard' })).toHaveCount(0);
    const agentToken = (await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, agent)).token;
    const refused = await fetch(`${server.url}/api/v1/metrics/live`, { headers: { authorization: `Bearer ${agentToken}` } });
    expect(refused.status).toBe(403);

    // The supervisor opens the dashboard: nobody waits yet.
    const supPage = await (await browser.newContext()).newPage();
    await signIn(supPage, hostS.url, server.url, sup);
    await supPage.getByRole('button', { name: 'Dashboard' }).click();
    const queues = supPage.getByRole('table', { name: 'Queues by channel' });
    const waiting = queues.getByRole('row', { name: /Website chat/ }).getByRole('cell').first();
    await expect(waiting).toHaveText('0');
    await expect(supPage.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /Aki Agent/ })).toBeVisible();

    // A customer writes: the count rises within 2 s, pushed by the sync stream.
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${server.url}/chat/${channel.id}`);
    await customer.getByRole('textbox', { name: 'Your message' }).fill('Is the dashboard live?');
    await customer.getByRole('button', { name: 'Send' }).click();
    await expect(waiting).toHaveText('1', { timeout: 2_000 });
    await expect(queues.getByRole('row', { name: /Website chat/ }).getByRole('cell').nth(1)).not.toHaveText('—');

    // Drill down: the inbox, filtered to the waiting conversations of that channel.
    await supPage.getByRole('button', { name: 'Show the 1 waiting conversation in Website chat' }).click();
    await expect(supPage.getByRole('table', { name: 'Queues by channel' })).toHaveCount(0);
    const rows = supPage.getByRole('listbox', { name: 'Conversations' }).getByRole('option');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Is the dashboard live?');
  } finally {
    await hostA.stop();
    await hostS.stop();
    await server.stop();
  }
});
