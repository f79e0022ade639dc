// Routing end to end in two browser hosts (two agents, each with its own real core): the status control in the
// header, automatic assignment that skips the agent who set Away, and collision detection — "Ana Lima is viewing"
// and then "… is replying" in the other agent's conversation header.
import { test, expect, type Page } from '@playwright/test';
import { api, freePort, signIn, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@routing.test', password: 'correct horse battery staple' };
const ana = { email: 'ana@routing.test', password: 'ana-password-123', name: 'Ana Lima' };
const budi = { email: 'budi@routing.test', password: 'budi-password-123', name: 'Budi Santoso' };

/** Signs in and shows every conversation (the tests watch routing decisions across queues). */
async function signInToAll(page: Page, url: string, serverUrl: string, who: { email: string; password: string }) {
  await signIn(page, url, serverUrl, who);
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
    await signInToAll(anaPage, hostA.url, server.url, ana);
    await signInToAll(budiPage, hostB.url, server.url, budi);

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

test('handoff: "Assigned to … by rule" in the timeline, claim, transfer with a note seen by the receiver, queue position for the customer', async ({ browser }) => {
  const server = await startServer(await freePort(), tempDir('handoff-server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const hostA = await startHost(await freePort(), tempDir('handoff-ana'), server.url);
  const hostB = await startHost(await freePort(), tempDir('handoff-budi'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const routed = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    const support = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Support chat', config: {} });
    const ids: string[] = [];
    for (const who of [ana, budi]) {
      const a = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...who, role: 'agent' });
      for (const ch of [routed, support]) await api(server.url, 'PUT', `/api/v1/channels/${ch.id}/members/${a.id}`, token);
      ids.push(a.id);
    }
    const team = await api<{ id: string }>(server.url, 'POST', '/api/v1/teams', token, { name: 'Chat', strategy: 'least_loaded', memberIds: ids, defaultCapacity: { webchat: 1 } });
    // Only the website chat is routed; the support chat's conversations wait to be claimed.
    await api(server.url, 'POST', '/api/v1/routing-rules', token, { name: 'VIP', conditions: { channelIds: [routed.id] }, teamId: team.id });

    const anaPage = await (await browser.newContext()).newPage();
    const budiPage = await (await browser.newContext()).newPage();
    await signInToAll(anaPage, hostA.url, server.url, ana);
    await signInToAll(budiPage, hostB.url, server.url, budi);
    // The inbox header counts who is online.
    await expect(anaPage.getByRole('status', { name: '2 of 3 agents online: Ana Lima, Budi Santoso' })).toBeVisible({ timeout: 10_000 });
    await anaPage.getByRole('combobox', { name: 'My status' }).selectOption('away');
    await expect
      .poll(async () => (await api<{ items: { id: string; status: string }[] }>(server.url, 'GET', '/api/v1/presence', token)).items.find((p) => p.id === ids[0])?.status)
      .toBe('away');

    // Routed: Budi gets it; the timeline says why (rule, strategy, who was skipped).
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${server.url}/chat/${routed.id}`);
    await customer.getByRole('textbox', { name: 'Your message' }).fill('Order #77 is late');
    await customer.getByRole('button', { name: 'Send' }).click();
    const row = (page: Page, text: string) => page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').filter({ hasText: text });
    await row(budiPage, 'Order #77').click();
    const budiLog = budiPage.getByRole('log', { name: 'Messages' });
    await expect(budiLog.getByRole('note').filter({ hasText: 'Assigned to Budi Santoso by rule “VIP” (least loaded; Ana Lima skipped: away)' })).toBeVisible({ timeout: 10_000 });
    await expect(budiPage.getByRole('img', { name: 'Budi Santoso: Online' }).first()).toBeVisible();

    // A second website customer waits (Budi is at capacity, Ana away) and is told their place in the queue.
    const waiting = await (await browser.newContext()).newPage();
    await waiting.goto(`${server.url}/chat/${routed.id}`);
    await waiting.getByRole('textbox', { name: 'Your message' }).fill('Hello, anyone?');
    await waiting.getByRole('button', { name: 'Send' }).click();
    await expect(waiting.getByRole('status').filter({ hasText: 'You are number 1 in the queue.' })).toBeVisible({ timeout: 10_000 });

    // Claim: an unrouted support conversation; Ana claims it (back online first, so the waiting customer goes to her).
    await anaPage.getByRole('combobox', { name: 'My status' }).selectOption('online');
    await expect(waiting.getByRole('status').filter({ hasText: 'You are number 1 in the queue.' })).toBeHidden({ timeout: 10_000 });
    const supportCustomer = await (await browser.newContext()).newPage();
    await supportCustomer.goto(`${server.url}/chat/${support.id}`);
    await supportCustomer.getByRole('textbox', { name: 'Your message' }).fill('Refund for invoice 12');
    await supportCustomer.getByRole('button', { name: 'Send' }).click();
    await row(anaPage, 'invoice 12').click();
    await anaPage.getByRole('button', { name: 'Claim' }).click();
    await expect(anaPage.getByRole('combobox', { name: 'Assignee' })).toHaveValue(ids[0]!);
    await expect(anaPage.getByRole('log', { name: 'Messages' }).getByRole('note').filter({ hasText: 'Claimed by Ana Lima' })).toBeVisible({ timeout: 10_000 });
    await expect(anaPage.getByRole('button', { name: 'Claim' })).toBeHidden();

    // Transfer to Budi with a note: Budi sees it assigned to him, the note in the thread and the transfer.
    await anaPage.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = anaPage.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByRole('combobox', { name: 'Transfer to' }).selectOption({ label: 'Budi Santoso (Online)' });
    await dialog.getByRole('textbox', { name: 'Handover note' }).fill('Refund approved by finance, please confirm');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await expect(dialog).toBeHidden();
    await expect(anaPage.getByRole('combobox', { name: 'Assignee' })).toHaveValue(ids[1]!);

    await budiPage.getByRole('tab', { name: 'Mine' }).click();
    await row(budiPage, 'invoice 12').click();
    await expect(budiPage.getByRole('combobox', { name: 'Assignee' })).toHaveValue(ids[1]!);
    await expect(budiLog.getByRole('article').filter({ hasText: 'Refund approved by finance, please confirm' })).toBeVisible({ timeout: 10_000 });
    await expect(budiLog.getByRole('note').filter({ hasText: 'Transferred to Budi Santoso by Ana Lima' })).toBeVisible();
    // The customer never sees the handover note.
    await expect(supportCustomer.getByText('Refund approved by finance')).toHaveCount(0);

    // A private note with an @mention: autocomplete in the composer.
    await budiPage.getByRole('checkbox', { name: 'Private note' }).check();
    const reply = budiPage.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Thanks @an');
    await budiPage.getByRole('listbox', { name: 'Mention an agent' }).getByRole('option', { name: 'Ana Lima' }).click();
    await expect(reply).toHaveValue('Thanks @Ana Lima ');
  } finally {
    await hostA.stop();
    await hostB.stop();
    await server.stop();
  }
});
