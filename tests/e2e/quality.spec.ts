// Quality review end to end (issue 8, docs/quality.md) in the browser host against the real server: a customer
// writes on web chat, the agent's conversation is resolved; the supervisor opens the dashboard window's Quality
// tab, draws this week's sample, reviews the conversation with a comment and sees the result; the agent reads the
// score and comment under "My reviews" and in the conversation itself. The server refuses the agent's review.
import { test, expect } from '@playwright/test';
import { isoWeekOf } from '../../src-shared/quality';
import { api, freePort, signIn, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@quality.test', password: 'correct horse battery staple' };
const sup = { email: 'sup@quality.test', password: 'sup-password-123', name: 'Sara Supervisor' };
const agent = { email: 'agent@quality.test', password: 'agent-password-123', name: 'Aki Agent' };
const COMMENT = 'Lovely tone. Next time link the refund policy.';

test('quality: the supervisor draws the sample and reviews; the agent reads the comment', async ({ browser }) => {
  const server = await startServer(await freePort(), tempDir('quality-server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const hostS = await startHost(await freePort(), tempDir('quality-sup'), server.url);
  const hostA = await startHost(await freePort(), tempDir('quality-agent'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    await api(server.url, 'POST', '/api/v1/agents', token, { ...sup, role: 'supervisor' });
    const a = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...agent, role: 'agent' });
    await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${a.id}`, token);

    // A customer writes; the agent is assigned and resolves the conversation.
    const customer = await (await browser.newContext()).newPage();
    await customer.goto(`${server.url}/chat/${channel.id}`);
    await customer.getByRole('textbox', { name: 'Your message' }).fill('Where is my refund?');
    await customer.getByRole('button', { name: 'Send' }).click();
    let conv: { id: string; contactId: string } | undefined;
    await expect(async () => {
      conv = (await api<{ items: { id: string; contactId: string }[] }>(server.url, 'GET', `/api/v1/conversations?channelId=${channel.id}`, token)).items[0];
      expect(conv).toBeDefined();
    }).toPass({ timeout: 5_000 });
    const agentToken = (await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, agent)).token;
    await api(server.url, 'PATCH', `/api/v1/conversations/${conv!.id}`, token, { assigneeId: a.id });
    await api(server.url, 'POST', `/api/v1/conversations/${conv!.id}/messages`, agentToken, { text: 'Your refund went out today.' });
    await api(server.url, 'PATCH', `/api/v1/conversations/${conv!.id}`, agentToken, { status: 'resolved' });
    const contactName = (await api<{ name: string }>(server.url, 'GET', `/api/v1/contacts/${conv!.contactId}`, token)).name;
    const week = isoWeekOf(Date.now());

    // The agent cannot review (the server refuses, not just the UI).
    const refused = await fetch(`${server.url}/api/v1/quality/reviews/${conv!.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scores: {}, comment: '' }),
    });
    expect(refused.status).toBe(403);

    // The supervisor: dashboard window → Quality → this week → Draw sample.
    const supContext = await browser.newContext();
    const supPage = await supContext.newPage();
    await signIn(supPage, hostS.url, server.url, sup);
    const [dash] = await Promise.all([supContext.waitForEvent('page'), supPage.getByRole('button', { name: 'Dashboard' }).click()]);
    await expect(dash.getByRole('tab', { name: 'Quality' })).toBeVisible();
    await dash.getByRole('tab', { name: 'Quality' }).click();
    await expect(dash.getByRole('combobox', { name: 'Week' })).toBeVisible();
    await dash.getByRole('combobox', { name: 'Week' }).selectOption(week);
    await expect(dash.getByText('No sample has been drawn for this week yet.')).toBeVisible();
    await dash.getByRole('button', { name: 'Draw sample' }).click();
    const table = dash.getByRole('table', { name: 'Sample: Website chat' });
    const row = table.getByRole('row', { name: new RegExp(contactName) });
    await expect(row).toBeVisible();
    await expect(row.getByRole('cell', { name: agent.name })).toBeVisible();
    await expect(row.getByRole('cell', { name: 'No', exact: true })).toBeVisible();

    // Review it: every criterion of the default rubric, and a comment.
    await row.getByRole('button', { name: `Review the conversation with ${contactName}` }).click();
    const form = dash.getByRole('form', { name: `Review of the conversation with ${contactName} (Website chat)` });
    await form.getByRole('combobox', { name: 'Tone and courtesy' }).selectOption('4');
    await form.getByRole('combobox', { name: 'Understanding' }).selectOption('3');
    await form.getByRole('button', { name: 'Save review' }).click();
    // A criterion left unscored is named, and nothing is saved.
    await expect(form.getByRole('alert')).toHaveText('Choose a score for “Correct and complete answer”.');
    await form.getByRole('combobox', { name: 'Correct and complete answer' }).selectOption('5');
    await form.getByRole('combobox', { name: 'Clear writing' }).selectOption('2');
    await form.getByRole('textbox', { name: 'Comment for the agent' }).fill(COMMENT);
    await form.getByRole('button', { name: 'Save review' }).click();
    await expect(form.getByRole('status')).toHaveText('Review saved.');
    await expect(row.getByRole('cell', { name: 'Yes (by you)' })).toBeVisible();
    // Closing the form gives focus back to the row's button, which now says what it does.
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect(form).toHaveCount(0);
    await expect(row.getByRole('button', { name: `Edit review of the conversation with ${contactName}` })).toBeFocused();
    // Results for the week: 4 + 3 + 5 + 2 = 14 of 20 = 70 %.
    const byAgent = dash.getByRole('table', { name: 'Results by agent' });
    await expect(byAgent.getByRole('row', { name: new RegExp(agent.name) }).getByRole('cell').nth(2)).toHaveText('70 %');
    await expect(dash.getByRole('table', { name: 'Results by channel' }).getByRole('row', { name: /Website chat/ })).toBeVisible();

    // The agent: "My reviews" shows the score and the comment; the conversation shows them too.
    const agentPage = await (await browser.newContext()).newPage();
    await signIn(agentPage, hostA.url, server.url, agent);
    await agentPage.getByRole('button', { name: 'My reviews' }).click();
    const dialog = agentPage.getByRole('dialog', { name: 'Quality reviews of my conversations' });
    await expect(dialog.getByText(COMMENT)).toBeVisible();
    await expect(dialog.getByText('14 / 20 (70 %)')).toBeVisible();
    await dialog.getByRole('button', { name: `Open the conversation with ${contactName}` }).click();
    await expect(dialog).toHaveCount(0);
    const section = agentPage.getByRole('region', { name: 'Quality review' });
    await expect(section.getByText(COMMENT)).toBeVisible();
    await expect(section.getByRole('heading', { name: `Quality review by ${sup.name}` })).toBeVisible();
  } finally {
    await hostA.stop();
    await hostS.stop();
    await server.stop();
  }
});
