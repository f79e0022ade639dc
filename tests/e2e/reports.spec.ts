// The dashboard's Reports tab end to end in the browser host against the real server (issue 8, docs/metrics.md
// "Reports tab"): the supervisor opens Reports and reads the metrics table, toggles a chart's data table, exports
// the report as CSV (a real download), drills down into the conversations behind a number, exports that list and
// opens one in the main page; a new conversation reaches the report through the sync stream (throttled refetch).
import fs from 'node:fs';
import { test, expect, type Browser } from '@playwright/test';
import { api, freePort, signIn, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@reports.test', password: 'correct horse battery staple' };
const sup = { email: 'sup@reports.test', password: 'sup-password-123', name: 'Sara Supervisor' };

async function customerWrites(browser: Browser, serverUrl: string, channelId: string, text: string) {
  const customer = await (await browser.newContext()).newPage();
  await customer.goto(`${serverUrl}/chat/${channelId}`);
  await customer.getByRole('textbox', { name: 'Your message' }).fill(text);
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(customer.getByText(text)).toBeVisible();
}

test('reports: metrics table, chart data table, CSV export, drill-down into the main page, refresh from sync', async ({ browser }) => {
  const server = await startServer(await freePort(), tempDir('reports-server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const host = await startHost(await freePort(), tempDir('reports-sup'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'webchat', name: 'Website chat', config: {} });
    await api(server.url, 'POST', '/api/v1/agents', token, { ...sup, role: 'supervisor' });

    // Two customers write; the admin answers and resolves the first.
    await customerWrites(browser, server.url, channel.id, 'Where is my parcel?');
    await customerWrites(browser, server.url, channel.id, 'Can I change my address?');
    const list = await api<{ items: { id: string; lastMessagePreview?: string }[] }>(server.url, 'GET', '/api/v1/conversations?limit=10', token);
    expect(list.items).toHaveLength(2);
    const parcel = list.items.find((c) => JSON.stringify(c).includes('parcel'))!;
    await api(server.url, 'POST', `/api/v1/conversations/${parcel.id}/messages`, token, { text: 'It arrives tomorrow.' });
    await api(server.url, 'PATCH', `/api/v1/conversations/${parcel.id}`, token, { status: 'resolved' });

    const context = await browser.newContext({ acceptDownloads: true });
    const main = await context.newPage();
    await signIn(main, host.url, server.url, sup);
    const [dash] = await Promise.all([context.waitForEvent('page'), main.getByRole('button', { name: 'Dashboard' }).click()]);
    await dash.getByRole('tablist', { name: 'Dashboard sections' }).getByRole('tab', { name: 'Reports' }).click();

    // The table: Last 7 days by channel (the defaults), the channel's row and the total row.
    await expect(dash.getByRole('combobox', { name: 'Time range' })).toHaveValue('last7');
    await expect(dash.getByRole('combobox', { name: 'Group by' })).toHaveValue('channel');
    await expect(dash.getByRole('radio', { name: 'Business hours' })).toBeChecked();
    await expect(dash.getByRole('spinbutton', { name: 'FCR window (days)' })).toHaveValue('7');
    const table = dash.getByRole('table', { name: /^Metrics by channel, / });
    const row = table.getByRole('row', { name: /^Website chat/ });
    await expect(row.getByRole('button', { name: '2 created, Website chat: show the conversations' })).toBeVisible();
    await expect(row.getByRole('button', { name: '1 resolved, Website chat: show the conversations' })).toBeVisible();
    await expect(row.getByRole('button', { name: '1 no reply, Website chat: show the conversations' })).toBeVisible();
    await expect(table.getByRole('row', { name: /^Total/ }).getByRole('button', { name: '2 created, Total: show the conversations' })).toBeVisible();

    // A chart: an image with a spoken summary, and its numbers behind the data-table toggle.
    const volume = dash.getByRole('figure', { name: 'Conversations over time' });
    // (recharts' own svg elements sit inside the role="img" element, whose children assistive technology skips.)
    await expect(volume.locator('[role="img"]')).toHaveAttribute('aria-label', /^Conversations over time, 7 periods\. Totals: Created 2, Resolved in the period 1\.$/);
    await expect(volume.locator('[role="img"] svg.recharts-surface').last()).toBeVisible();
    const toggle = volume.getByRole('button', { name: 'Show data table' });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(volume.getByRole('table')).toHaveCount(0);
    await toggle.click();
    await expect(volume.getByRole('button', { name: 'Hide data table' })).toHaveAttribute('aria-expanded', 'true');
    const data = volume.getByRole('table', { name: 'Conversations over time' });
    await expect(data.getByRole('row', { name: /^Total/ })).toHaveText(/Total\s*2\s*1/);
    await volume.getByRole('button', { name: 'Hide data table' }).click();
    await expect(volume.getByRole('table')).toHaveCount(0);

    // CSV export of the report: a real download, named by group and range, with the server's rows.
    const [reportCsv] = await Promise.all([dash.waitForEvent('download'), dash.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(reportCsv.suggestedFilename()).toMatch(/^threadline-report-by-channel-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const reportLines = fs.readFileSync(await reportCsv.path(), 'utf8').trim().split('\r\n');
    expect(reportLines).toHaveLength(3);
    expect(reportLines[1]).toContain(',Website chat,2,1,');
    await expect(dash.getByRole('status').filter({ hasText: /^Saved threadline-report-by-channel-/ })).toBeVisible();

    // Drill down: the conversations behind "2 created"; the list's heading takes focus; CSV of the list.
    await row.getByRole('button', { name: '2 created, Website chat: show the conversations' }).click();
    const drill = dash.getByRole('region', { name: 'Website chat: created' });
    await expect(drill.getByRole('heading', { name: 'Website chat: created' })).toBeFocused();
    await expect(drill.getByRole('table').getByRole('row')).toHaveCount(3);
    const [drillCsv] = await Promise.all([dash.waitForEvent('download'), drill.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(drillCsv.suggestedFilename()).toMatch(/^threadline-conversations-created-channel-website-chat-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const drillLines = fs.readFileSync(await drillCsv.path(), 'utf8').trim().split('\r\n');
    expect(drillLines).toHaveLength(3);
    expect(drillLines.some((l) => l.startsWith(`${parcel.id},`))).toBe(true);
    // Closing the list gives focus back to the number that opened it (not to the page's top).
    await drill.getByRole('button', { name: 'Close list' }).click();
    await expect(drill).toHaveCount(0);
    await expect(row.getByRole('button', { name: '2 created, Website chat: show the conversations' })).toBeFocused();

    // The resolved one, opened in the main page.
    await row.getByRole('button', { name: '1 resolved, Website chat: show the conversations' }).click();
    const resolved = dash.getByRole('region', { name: 'Website chat: resolved' });
    await expect(resolved.getByRole('table').getByRole('row')).toHaveCount(2);
    await resolved.getByRole('button', { name: /^Open the conversation with / }).click();
    await expect(main.getByRole('log', { name: 'Messages' })).toContainText('Where is my parcel?');

    // Another customer writes: the report follows the sync stream (refetches at most every 5 s).
    await customerWrites(browser, server.url, channel.id, 'Do you ship abroad?');
    await expect(row.getByRole('button', { name: '3 created, Website chat: show the conversations' })).toBeVisible({ timeout: 12_000 });

    // Another grouping refetches at once; the drill-down list closes with it.
    await dash.getByRole('combobox', { name: 'Group by' }).selectOption('priority');
    await expect(dash.getByRole('table', { name: /^Metrics by priority, / })).toBeVisible();
    await expect(resolved).toHaveCount(0);

    // Another section and back: the report keeps its settings (the tab panel stays mounted, hidden).
    const sections = dash.getByRole('tablist', { name: 'Dashboard sections' });
    await sections.getByRole('tab', { name: 'Live' }).click();
    await expect(dash.getByRole('tabpanel', { name: 'Reports' })).toBeHidden();
    await sections.getByRole('tab', { name: 'Reports' }).click();
    await expect(dash.getByRole('combobox', { name: 'Group by' })).toHaveValue('priority');
    await expect(dash.getByRole('table', { name: /^Metrics by priority, / })).toBeVisible();
  } finally {
    await host.stop();
    await server.stop();
  }
});
