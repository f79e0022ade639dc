// Supervisor dashboard end to end (issue 8) in the browser host against the real server. The supervisor opens the
// dashboard from the header button in a page of its own (/dashboard); a customer writing on web chat raises the
// queue count there within 2 s (sync stream → every host socket → invalidation, no polling), puts the conversation
// on the at-risk list (an SLA policy whose warning is due at once) and into today's response-times table; a
// drill-down opens the conversation in the MAIN page (BroadcastChannel). An agent has no Dashboard button and the
// server refuses the agent's token on the metrics API (403).
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

test('dashboard window: opened from the header, live from the sync stream, drill-down into the main page, agents refused', async ({ browser }) => {
  const server = await startServer(await freePort(), tempDir('dash-server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const [hostS, hostA] = await Promise.all([startHost(await freePort(), tempDir('dash-sup'), server.url), startHost(await freePort(), tempDir('dash-agent'), server.url)]);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    await api(server.url, 'POST', '/api/v1/agents', token, { ...sup, role: 'supervisor' });
    const a = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...agent, role: 'agent' });
    await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${a.id}`, token);
    // The warning is due about a second into a 60-minute first-response target: a new conversation is at risk at once.
    await api(server.url, 'POST', '/api/v1/sla-policies', token, { name: 'Chat', channelType: 'webchat', firstResponseMinutes: 60, warnings: [{ kind: 'remaining', minutes: 59.98 }] });

    // The agent: no Dashboard button, and the server refuses the data itself.
    const agentPage = await (await browser.newContext()).newPage();
    await signIn(agentPage, hostA.url, server.url, agent);
    await expect(agentPage.getByRole('button', { name: 'Dashboard' })).toHaveCount(0);
    const agentToken = (await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, agent)).token;
    for (const path of ['/api/v1/metrics/live', '/api/v1/metrics/report?groupBy=channel']) {
      const refused = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${agentToken}` } });
      expect(refused.status, path).toBe(403);
    }

    // The supervisor opens the dashboard from the header: a page of its own on the /dashboard route.
    const supContext = await browser.newContext();
    const main = await supContext.newPage();
    await signIn(main, hostS.url, server.url, sup);
    const [dash] = await Promise.all([supContext.waitForEvent('page'), main.getByRole('button', { name: 'Dashboard' }).click()]);
    await expect(dash).toHaveURL(/\/dashboard$/); // the secret left the address bar
    await expect(dash.getByRole('heading', { level: 1, name: 'Supervisor dashboard' })).toBeVisible();
    const tabs = dash.getByRole('tablist', { name: 'Dashboard sections' });
    await expect(tabs.getByRole('tab')).toHaveText(['Live', 'Reports', 'Quality']);
    await expect(tabs.getByRole('tab', { name: 'Live' })).toHaveAttribute('aria-selected', 'true');
    // The main page keeps its inbox.
    await expect(main.getByRole('listbox', { name: 'Conversations' })).toBeVisible();

    const queues = dash.getByRole('table', { name: 'Queues by channel' });
    const waiting = queues.getByRole('row', { name: /Website chat/ }).getByRole('cell').first();
    await expect(waiting).toHaveText('0');
    await expect(dash.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /Aki Agent/ })).toBeVisible();
    const atRisk = dash.getByRole('table', { name: 'At risk' });
    await expect(atRisk).toContainText('None.');
    await expect(dash.getByRole('table', { name: 'Breached' })).toBeVisible();
    const today = dash.getByRole('table', { name: "Today's response times" });
    const todayRow = today.getByRole('row', { name: /Website chat/ });
    await expect(todayRow.getByRole('cell').first()).toHaveText('0');

    // A customer writes: the count rises within 2 s, pushed by the sync stream to the dashboard page.
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${server.url}/chat/${channel.id}`);
    await customer.getByRole('textbox', { name: 'Your message' }).fill('Is the dashboard live?');
    await customer.getByRole('button', { name: 'Send' }).click();
    await expect(waiting).toHaveText('1', { timeout: 2_000 });
    await expect(queues.getByRole('row', { name: /Website chat/ }).getByRole('cell').nth(1)).not.toHaveText('—');
    // The same event stream fills the at-risk list and today's table.
    const riskRow = atRisk.getByRole('row').nth(1);
    await expect(riskRow.getByRole('cell').first()).toHaveText('Website chat', { timeout: 5_000 });
    await expect(riskRow.getByRole('cell').nth(1)).toHaveText('Unassigned');
    await expect(riskRow.getByRole('cell').nth(2)).toHaveText(/^in \d+[mh]( \d+m)?$/);
    await expect(todayRow.getByRole('cell').first()).toHaveText('1');

    // Drill-down: the waiting number lists the conversation; opening it shows it in the MAIN page.
    await waiting.getByRole('button', { name: 'Show the 1 waiting conversation in Website chat' }).click();
    const drill = dash.getByRole('region', { name: 'Waiting in Website chat' });
    const open = drill.getByRole('button', { name: /^Open the conversation with .+ in the main window$/ });
    await expect(open).toHaveCount(1);
    await open.click();
    await expect(main.getByRole('log', { name: 'Messages' })).toContainText('Is the dashboard live?');
    // The inbox filters still drill down in the main page: the waiting ones of that channel.
    await drill.getByRole('button', { name: 'Show these in the inbox' }).click();
    await expect(main.getByRole('tab', { name: 'Unassigned' })).toHaveAttribute('aria-selected', 'true');
    await expect(main.getByRole('listbox', { name: 'Conversations' }).getByRole('option')).toHaveCount(1);

    // The other sections are tabs of the same window (keyboard: arrows move between them).
    await tabs.getByRole('tab', { name: 'Live' }).focus();
    await dash.keyboard.press('ArrowRight');
    await expect(tabs.getByRole('tab', { name: 'Reports' })).toHaveAttribute('aria-selected', 'true');
    await expect(dash.getByRole('tabpanel', { name: 'Reports' })).toBeVisible();
    await tabs.getByRole('tab', { name: 'Quality' }).click();
    await expect(dash.getByRole('tabpanel', { name: 'Quality' })).toBeVisible();
  } finally {
    await Promise.all([hostA.stop(), hostS.stop()]);
    await server.stop();
  }
});
