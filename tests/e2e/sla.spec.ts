// SLA end to end in the browser host, with a SCALED clock (THREADLINE_CLOCK_SCALE=60 for server and host: one real
// second is one SLA minute). A web chat conversation under an 8-minute first-response target raises a warning
// notification at 50% (≈4 s), then a breach notification (≈8 s) — captured from the page's Notification API —
// and shows the countdown badge and the SLA events in its timeline. A second conversation answered in time raises
// neither.
import { test, expect, type Page } from '@playwright/test';
import { api, freePort, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@sla.test', password: 'correct horse battery staple' };
const agentLogin = { email: 'ana@sla.test', password: 'ana-password-123', name: 'Ana Lima' };
const SCALE = { THREADLINE_CLOCK_SCALE: '60' };

interface Captured {
  title: string;
  body: string;
  tag: string;
  at: number;
}

/** The page's Notification API, captured; the tab counts as in the background so notifications go to the OS. */
async function captureNotifications(page: Page) {
  await page.addInitScript(() => {
    // Runs in the page; the test project has no DOM types, so the page globals are reached through globalThis.
    const g = globalThis as unknown as { __notes: Captured[]; document: object };
    g.__notes = [];
    class CapturedNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, opts: { body?: string; tag?: string } = {}) {
        g.__notes.push({ title, body: opts.body ?? '', tag: opts.tag ?? '', at: Date.now() });
      }
      close() {}
    }
    Object.defineProperty(globalThis, 'Notification', { value: CapturedNotification, configurable: true });
    Object.defineProperty(g.document, 'visibilityState', { get: () => 'hidden', configurable: true });
  });
}

const slaNotes = async (page: Page) => (await page.evaluate(() => (globalThis as unknown as { __notes: Captured[] }).__notes)).filter((n) => n.title.includes('SLA'));

async function customerSays(browserNewPage: () => Promise<Page>, chatUrl: string, text: string): Promise<Page> {
  const customer = await browserNewPage();
  await customer.goto(chatUrl);
  await customer.getByRole('textbox', { name: 'Your message' }).fill(text);
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(customer.getByRole('log', { name: 'Chat messages' })).toContainText(text);
  return customer;
}

test('SLA: warning at the threshold, then breach; a reply in time cancels both (scaled clock)', async ({ browser }) => {
  const serverPort = await freePort();
  const hostPort = await freePort();
  const server = await startServer(serverPort, tempDir('sla-server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password, ...SCALE });
  const host = await startHost(hostPort, tempDir('sla-desktop'), server.url, SCALE);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    const ana = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...agentLogin, role: 'agent' });
    await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${ana.id}`, token);
    await api(server.url, 'POST', '/api/v1/sla-policies', token, {
      name: 'Web chat first response',
      channelType: 'webchat',
      firstResponseMinutes: 8,
      warnings: [{ kind: 'percent', value: 50 }],
    });

    const agent = await (await browser.newContext()).newPage();
    await captureNotifications(agent);
    await agent.goto(host.url);
    await agent.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await agent.getByRole('textbox', { name: 'Email' }).fill(agentLogin.email);
    await agent.getByRole('textbox', { name: 'Password' }).fill(agentLogin.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const inbox = agent.getByRole('listbox', { name: 'Conversations' });
    await expect(inbox).toBeVisible();
    await agent.getByRole('tab', { name: 'All' }).click();

    const newPage = async () => (await browser.newContext()).newPage();
    const chatUrl = `${server.url}/chat/${channel.id}`;

    // Conversation 1: nobody answers.
    await customerSays(newPage, chatUrl, 'Is anyone there? Order #77');
    const late = inbox.getByRole('option').filter({ hasText: 'Order #77' });
    await expect(late).toBeVisible({ timeout: 5000 });
    // Countdown badge: text, not colour alone, also in the row's accessible name.
    await expect(late).toContainText(/FRT \d+m left/);
    await expect(late).toHaveAccessibleName(/First response due in \d+m/);

    // Conversation 2: the agent answers within two SLA minutes.
    await customerSays(newPage, chatUrl, 'Quick question about shipping');
    const answered = inbox.getByRole('option').filter({ hasText: 'shipping' });
    await answered.click();
    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Happy to help with shipping!');
    await reply.press('Enter');
    await expect(agent.getByRole('log', { name: 'Messages' }).getByRole('article').filter({ hasText: 'Happy to help' })).toContainText(/Sent|Delivered/);
    await expect(answered).not.toContainText(/FRT|Breached/);

    // Warning at 50% (≈4 s), then the breach (≈8 s).
    await expect.poll(async () => (await slaNotes(agent)).map((n) => n.title.split(':')[0]), { timeout: 15_000 }).toContain('SLA warning');
    await expect.poll(async () => (await slaNotes(agent)).map((n) => n.title.split(':')[0]), { timeout: 15_000 }).toContain('SLA breached');
    const notes = await slaNotes(agent);
    const warning = notes.find((n) => n.title.startsWith('SLA warning'))!;
    const breach = notes.find((n) => n.title.startsWith('SLA breached'))!;
    expect(warning.body).toBe('First response: 50% of the time used');
    expect(breach.body).toBe('First response overdue');
    expect(warning.at).toBeLessThan(breach.at);
    expect(warning.tag).toBe(breach.tag);
    await expect(late).toContainText(/Breached \d+m ago/);

    // Past the second conversation's due time too, with margin: still nothing for it, nothing twice for the first.
    await agent.waitForTimeout(4000);
    const after = await slaNotes(agent);
    expect(after.filter((n) => n.tag !== warning.tag)).toEqual([]);
    expect(after.filter((n) => n.title.startsWith('SLA warning'))).toHaveLength(1);
    expect(after.filter((n) => n.title.startsWith('SLA breached'))).toHaveLength(1);

    // The conversation timeline shows the SLA events.
    await late.click();
    const log = agent.getByRole('log', { name: 'Messages' });
    await expect(log.getByRole('note').filter({ hasText: 'SLA warning: First response' })).toBeVisible();
    await expect(log.getByRole('note').filter({ hasText: 'SLA breached: First response' })).toBeVisible();

    // Sort "Due soonest" and filter "At risk": only the breached conversation is at risk.
    await agent.getByRole('checkbox', { name: 'At risk' }).check();
    await expect(inbox.getByRole('option')).toHaveCount(1);
    await expect(inbox.getByRole('option').first()).toContainText('Order #77');
    await agent.getByRole('checkbox', { name: 'At risk' }).uncheck();
    await agent.getByRole('combobox', { name: 'Sort' }).selectOption({ label: 'Due soonest' });
    await expect(inbox.getByRole('option').first()).toContainText('Order #77');
  } finally {
    await host.stop();
    await server.stop();
  }
});
