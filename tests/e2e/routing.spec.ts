// Routing end to end in two browser hosts (two agents, each with its own real core): the status control in the
// header, automatic assignment that skips the agent who set Away, and collision detection — "Ana Lima is viewing"
// and then "… is replying" in the other agent's conversation header.
import { test, expect, type Page } from '@playwright/test';
import { api, freePort, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@routing.test', password: 'correct horse battery staple' };
const ana = { email: 'ana@routing.test', password: 'ana-password-123', name: 'Ana Lima' };
const budi = { email: 'budi@routing.test', password: 'budi-password-123', name: 'Budi Santoso' };

async function signIn(page: Page, url: string, serverUrl: string, who: { email: string; password: string }) {
  await page.goto(url);
  await page.getByRole('textbox', { name: 'Server URL' }).fill(serverUrl);
  await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('listbox', { name: 'Conversations' })).toBeVisible();
  await page.getByRole('tab', { name: 'All' }).click();
}

test('routing: status control, automatic assignment skipping an away agent, "is viewing" / "is replying"', async ({ browser }) => {
  const server = await startServer(await freePort(), tempDir('routing-server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const hostA = await startHost(await freePort(), tempDir('routing-ana'), server.url);
  const hostB = await startHost(await freePort(), tempDir('routing-budi'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    const ids: string[] = [];
    for (const who of [ana, budi]) {
      const a = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...who, role: 'agent' });
      await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${a.id}`, token);
      ids.push(a.id);
    }
    const team = await api<{ id: string }>(server.url, 'POST', '/api/v1/teams', token, { name: 'Chat', strategy: 'least_loaded', memberIds: ids, defaultCapacity: { webchat: 4 } });
    await api(server.url, 'POST', '/api/v1/routing-rules', token, { name: 'All chat', teamId: team.id });

    const anaPage = await (await browser.newContext()).newPage();
    const budiPage = await (await browser.newContext()).newPage();
    await signIn(anaPage, hostA.url, server.url, ana);
    await signIn(budiPage, hostB.url, server.url, budi);

    // Ana steps away: the header control, then the server knows.
    const status = anaPage.getByRole('combobox', { name: 'My status' });
    await expect(status).toHaveValue('online');
    await status.selectOption('away');
    await expect
      .poll(async () => (await api<{ items: { id: string; status: string }[] }>(server.url, 'GET', '/api/v1/presence', token)).items.find((p) => p.id === ids[0])?.status)
      .toBe('away');

    // A customer writes: it goes to Budi (Ana is away), by itself.
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${server.url}/chat/${channel.id}`);
    await customer.getByRole('textbox', { name: 'Your message' }).fill('Where is order #5150?');
    await customer.getByRole('button', { name: 'Send' }).click();
    const row = (page: Page) => page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').filter({ hasText: 'order #5150' });
    await expect(row(budiPage)).toBeVisible({ timeout: 10_000 });
    await row(budiPage).click();
    await expect(budiPage.getByRole('combobox', { name: 'Assignee' })).toHaveValue(ids[1]!);
    const events = await api<{ items: { kind: string; agentsSkipped: { agentId: string; reason: string }[] }[] }>(
      server.url,
      'GET',
      `/api/v1/conversations/${(await api<{ items: { id: string }[] }>(server.url, 'GET', '/api/v1/conversations', token)).items[0]!.id}/routing-events`,
      token,
    );
    expect(events.items[0]).toMatchObject({ kind: 'assigned', agentsSkipped: [{ agentId: ids[0], reason: 'away' }] });

    // Ana opens the same conversation: Budi sees her viewing, then replying once she writes a draft.
    await status.selectOption('online');
    await row(anaPage).click();
    await expect(budiPage.getByRole('status').filter({ hasText: 'Ana Lima is viewing' })).toBeVisible({ timeout: 10_000 });
    await anaPage.getByRole('textbox', { name: 'Reply' }).fill('I can take this one');
    await expect(budiPage.getByRole('status').filter({ hasText: 'Ana Lima is replying' })).toBeVisible({ timeout: 10_000 });
    // And Ana sees Budi, who had it open first.
    await expect(anaPage.getByRole('status').filter({ hasText: 'Budi Santoso is viewing' })).toBeVisible({ timeout: 10_000 });
  } finally {
    await hostA.stop();
    await hostB.stop();
    await server.stop();
  }
});
