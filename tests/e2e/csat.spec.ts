// CSAT end to end (docs/csat.md) in the browser host: the admin enables the survey in the channel settings form; a
// web chat customer is answered, the agent resolves, the
// widget shows the inline rating, the customer rates 2 with a comment, and the agent's conversation view shows it
// (through sync, no reload) — while the conversation stays resolved and no message was added.
import { test, expect, type WebSocketRoute } from '@playwright/test';
import { api, fillSignIn, freePort, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@e2e.test', password: 'correct horse battery staple' };
const agentLogin = { email: 'cara@e2e.test', password: 'cara-password-123', name: 'Cara Diaz' };

test('web chat customer rates the resolved conversation; the agent sees the rating', async ({ browser }) => {
  const serverPort = await freePort();
  const hostPort = await freePort();
  const env = { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password };
  const server = await startServer(serverPort, tempDir('server'), env);
  const host = await startHost(hostPort, tempDir('desktop'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });

    // The admin turns the survey on in the channel settings form.
    const adminPage = await (await browser.newContext()).newPage();
    await adminPage.goto(host.url);
    await adminPage.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await adminPage.getByRole('textbox', { name: 'Email' }).fill(admin.email);
    await adminPage.getByRole('textbox', { name: 'Password' }).fill(admin.password);
    await adminPage.getByRole('button', { name: 'Sign in' }).click();
    await adminPage.getByRole('button', { name: 'Settings' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('button', { name: 'Edit Website chat' }).click();
    const csatFields = dialog.getByRole('group', { name: 'Satisfaction survey (CSAT)' });
    await expect(csatFields.getByRole('checkbox', { name: 'Send a satisfaction survey when a conversation is resolved' })).not.toBeChecked();
    await csatFields.getByRole('checkbox', { name: 'Send a satisfaction survey when a conversation is resolved' }).check();
    await csatFields.getByRole('textbox', { name: 'Survey question' }).fill('How did we do?');
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Saved “Website chat”.');
    const saved = await api<{ config: Record<string, unknown> }>(server.url, 'GET', `/api/v1/channels/${channel.id}`, token);
    expect(saved.config.csat).toEqual({ enabled: true, question: 'How did we do?' });
    // The browser host is one desktop app (one signed-in user): the admin signs out before the agent signs in.
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await adminPage.getByRole('button', { name: 'Sign out' }).click();
    await expect(adminPage.getByRole('textbox', { name: 'Server URL' })).toBeVisible();
    await adminPage.context().close();

    const cara = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...agentLogin, role: 'agent' });
    await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${cara.id}`, token);

    const agent = await (await browser.newContext()).newPage();
    await agent.goto(host.url);
    await fillSignIn(agent, server.url, agentLogin);
    const inbox = agent.getByRole('listbox', { name: 'Conversations' });
    await expect(inbox).toBeVisible();

    const customer = await (await browser.newContext()).newPage();
    // The chat's socket goes through the test, so it can drop (a network blip) while the survey is on screen.
    const sockets: WebSocketRoute[] = [];
    const surveysShown: string[] = [];
    await customer.routeWebSocket(/\/ws\/widget/, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((m) => {
        if (typeof m === 'string' && m.includes('"type":"csat"')) surveysShown.push(m);
        ws.send(m);
      });
      sockets.push(ws);
    });
    await customer.goto(`${server.url}/chat/${channel.id}`);
    await customer.getByRole('textbox', { name: 'Your message' }).fill('My parcel #77 is late');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();

    await agent.getByRole('tab', { name: 'All' }).click();
    const row = inbox.getByRole('option').filter({ hasText: 'parcel #77' });
    await expect(row).toBeVisible({ timeout: 5000 });
    await row.click();
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.fill('It ships today, sorry for the wait.');
    await reply.press('Enter');
    const chat = customer.getByRole('log', { name: 'Chat messages' });
    await expect(chat).toContainText('It ships today');

    // The agent resolves: the rating appears in the widget, with accessible controls.
    await agent.getByRole('button', { name: 'Resolve' }).click();
    const survey = customer.getByRole('region', { name: 'Rate our help' });
    await expect(survey).toBeVisible({ timeout: 5000 });
    await expect(survey.getByRole('group', { name: 'How did we do?' })).toBeVisible();
    await expect(survey.getByRole('radio')).toHaveCount(5);
    await expect(agent.getByRole('region', { name: 'Customer satisfaction' })).toContainText('no answer yet');

    // The customer writes on instead of rating: the form leaves the chat, and this page does not show it again.
    await customer.getByRole('textbox', { name: 'Your message' }).fill('Also, can I change the address?');
    await customer.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(survey).toBeHidden();
    await expect(chat).toContainText('Also, can I change the address?');
    // A later visit offers it again: the rated conversation is still resolved (the new message started another one).
    surveysShown.length = 0;
    await customer.reload();
    await expect(survey).toBeVisible({ timeout: 5000 });

    // Sending without a choice is refused with a message; then 2 with a comment, by keyboard for the score.
    await survey.getByRole('button', { name: 'Send rating' }).click();
    await expect(survey.getByRole('alert')).toHaveText('Choose a rating first.');
    await survey.getByRole('radio', { name: '1 out of 5, Very bad' }).focus();
    await customer.keyboard.press('ArrowRight');
    await expect(survey.getByRole('radio', { name: '2 out of 5, Bad' })).toBeChecked();
    await survey.getByRole('textbox', { name: 'Anything to add? (optional)' }).fill('Three days without news <b>at all</b>');
    // The connection drops; on reconnect the server shows the unanswered survey again: the form keeps what was entered.
    expect(surveysShown).toHaveLength(1);
    await sockets.at(-1)!.close();
    await expect.poll(() => surveysShown.length, { timeout: 15_000 }).toBe(2);
    await customer.waitForTimeout(300); // the page handles the frame just forwarded
    await expect(survey.getByRole('radio', { name: '2 out of 5, Bad' })).toBeChecked();
    await expect(survey.getByRole('textbox', { name: 'Anything to add? (optional)' })).toHaveValue('Three days without news <b>at all</b>');
    await survey.getByRole('button', { name: 'Send rating' }).click();
    await expect(survey.getByRole('status')).toHaveText('Thank you! You rated our help 2 out of 5.');
    // The form (and the button just pressed) is gone: focus is on the thank-you line, not lost to the page.
    await expect(survey.getByRole('status')).toBeFocused();

    // The agent's open conversation shows the rating and the comment as text; still resolved, no new message.
    const rating = agent.getByRole('region', { name: 'Customer satisfaction' });
    await expect(rating).toContainText('Customer rating 2/5', { timeout: 5000 });
    await expect(rating).toContainText('Three days without news <b>at all</b>');
    await expect(agent.getByRole('button', { name: 'Reopen' })).toBeVisible();
    const log = agent.getByRole('log', { name: 'Messages' });
    await expect(log.getByRole('article')).toHaveCount(2);
    await expect(chat.getByRole('listitem')).toHaveCount(3);
  } finally {
    await host.stop();
    await server.stop();
  }
});
