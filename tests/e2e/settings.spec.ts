// Issues 5 and 6, the admin screens: an admin configures business hours, teams, routing rules (ordered) and an SLA
// policy in Settings, with validation next to the fields and the server's refusal in an alert; the REST API shows
// what was saved. A supervisor sees Settings read-only; an agent does not see it at all.
import { test, expect } from '@playwright/test';
import { api, freePort, signIn, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@e2e.test', password: 'correct horse battery staple' };
const ana = { email: 'ana@e2e.test', password: 'ana-password-123', name: 'Ana' };
const sari = { email: 'sari@e2e.test', password: 'sari-password-123', name: 'Sari' };

test('admin configures business hours, teams, ordered routing rules and an SLA policy; agents do not see Settings', async ({ browser }) => {
  test.setTimeout(90_000);
  const server = await startServer(await freePort(), tempDir('server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const host = await startHost(await freePort(), tempDir('desktop'), server.url);
  const hosts = [host];
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const anaRow = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...ana, role: 'agent' });
    await api(server.url, 'POST', '/api/v1/agents', token, { ...sari, role: 'supervisor' });

    const page = await (await browser.newContext()).newPage();
    await signIn(page, host.url, server.url, admin);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const tabs = dialog.getByRole('tablist', { name: 'Settings sections' });
    await expect(tabs.getByRole('tab')).toHaveText(['Channels', 'Agents', 'Teams', 'Routing rules', 'Escalation rules', 'SLA policies', 'Business hours']);

    // Keyboard: arrows move between the tabs.
    await tabs.getByRole('tab', { name: 'Channels' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(tabs.getByRole('tab', { name: 'Agents' })).toBeFocused();
    await expect(tabs.getByRole('tab', { name: 'Agents' })).toHaveAttribute('aria-selected', 'true');

    // Agents: the server's 400 shows in an alert, nothing is created.
    const panel = dialog.getByRole('tabpanel');
    await panel.getByRole('button', { name: 'Add an agent' }).click();
    await panel.getByRole('textbox', { name: 'Name' }).fill('Budi');
    await panel.getByRole('textbox', { name: 'Email' }).fill('budi-at-example');
    await panel.getByLabel('Password', { exact: true }).fill('budi-password-1');
    await panel.getByRole('button', { name: 'Save agent' }).click();
    await expect(panel.getByRole('alert')).toContainText('Could not save: email');
    await panel.getByRole('textbox', { name: 'Email' }).fill('budi@e2e.test');
    await panel.getByRole('textbox', { name: 'Skills' }).fill('vip, billing');
    await panel.getByRole('spinbutton', { name: 'WhatsApp conversations at once' }).fill('2');
    await panel.getByRole('button', { name: 'Save agent' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved “Budi”.');

    // Business hours: a bad day is marked next to its field; then saved.
    await tabs.getByRole('tab', { name: 'Business hours' }).click();
    await panel.getByRole('button', { name: 'Add business hours' }).click();
    await panel.getByRole('textbox', { name: 'Calendar name' }).fill('Jakarta office');
    await panel.getByRole('combobox', { name: 'Time zone' }).selectOption('Asia/Jakarta');
    await panel.getByRole('textbox', { name: 'Monday' }).fill('08:00-12:00, 13:00-17:00');
    const saturday = panel.getByRole('textbox', { name: 'Saturday' });
    await saturday.fill('9-13');
    await expect(saturday).toHaveAttribute('aria-invalid', 'true');
    await expect(saturday).toHaveAccessibleDescription(/“9-13” is not a time range/);
    await panel.getByRole('button', { name: 'Save business hours' }).click();
    await expect(panel.getByRole('alert')).toHaveText('Correct the marked fields first.');
    await saturday.fill('09:00-13:00');
    await panel.getByRole('textbox', { name: 'Holidays (closed all day)' }).fill('2026-12-25\n2026-08-17');
    await panel.getByRole('button', { name: 'Save business hours' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved “Jakarta office”.');

    // Teams: members, strategy, overflow (which needs a limit).
    await tabs.getByRole('tab', { name: 'Teams' }).click();
    await panel.getByRole('button', { name: 'Add a team' }).click();
    await panel.getByRole('textbox', { name: 'Team name' }).fill('Generalists');
    await panel.getByRole('combobox', { name: 'Strategy' }).selectOption({ label: 'Round robin' });
    await panel.getByRole('checkbox', { name: 'Ana' }).check();
    await panel.getByRole('spinbutton', { name: 'Web chat conversations at once' }).fill('4');
    await panel.getByRole('button', { name: 'Save team' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved “Generalists”.');
    await panel.getByRole('button', { name: 'Add a team' }).click();
    await panel.getByRole('textbox', { name: 'Team name' }).fill('Night shift');
    await panel.getByRole('combobox', { name: 'Overflow to team' }).selectOption({ label: 'Generalists' });
    await panel.getByRole('button', { name: 'Save team' }).click();
    await expect(panel.getByRole('alert')).toHaveText('Correct the marked fields first.');
    await expect(panel.getByRole('spinbutton', { name: 'Overflow after waiting (seconds)' })).toHaveAccessibleDescription('Overflow needs a waiting time or a queue length.');
    await panel.getByRole('spinbutton', { name: 'Overflow after waiting (seconds)' }).fill('60');
    await panel.getByRole('button', { name: 'Save team' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved “Night shift”.');

    // Routing rules: two rules, then the second moves up.
    await tabs.getByRole('tab', { name: 'Routing rules' }).click();
    await panel.getByRole('button', { name: 'Add a routing rule' }).click();
    await panel.getByRole('textbox', { name: 'Rule name' }).fill('After hours');
    await panel.getByRole('combobox', { name: 'Target team' }).selectOption({ label: 'Night shift' });
    await panel.getByRole('combobox', { name: 'Business hours' }).selectOption({ label: 'Jakarta office' });
    await panel.getByRole('combobox', { name: 'Applies when the calendar is' }).selectOption('closed');
    await panel.getByRole('button', { name: 'Save rule' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved “After hours”.');
    await panel.getByRole('button', { name: 'Add a routing rule' }).click();
    await panel.getByRole('textbox', { name: 'Rule name' }).fill('Everything else');
    await panel.getByRole('combobox', { name: 'Target team' }).selectOption({ label: 'Generalists' });
    await panel.getByRole('button', { name: 'Save rule' }).click();
    const rules = panel.getByRole('list', { name: 'Routing rules' }).getByRole('listitem');
    await expect(rules).toHaveText([/^After hours/, /^Everything else/]);
    await panel.getByRole('button', { name: 'Move Everything else up' }).click();
    await expect(rules).toHaveText([/^Everything else/, /^After hours/]);

    // SLA policy counted in the business-hours calendar.
    await tabs.getByRole('tab', { name: 'SLA policies' }).click();
    await panel.getByRole('button', { name: 'Add an SLA policy' }).click();
    await panel.getByRole('textbox', { name: 'Policy name' }).fill('Chat in office hours');
    await panel.getByRole('combobox', { name: 'Channel type' }).selectOption({ label: 'Web chat' });
    await panel.getByRole('combobox', { name: 'Priority' }).selectOption({ label: 'Urgent' });
    await panel.getByRole('spinbutton', { name: 'First response (minutes)' }).fill('10');
    await panel.getByRole('spinbutton', { name: 'Resolution (minutes)' }).fill('480');
    await panel.getByRole('combobox', { name: 'Counts in' }).selectOption({ label: 'Jakarta office' });
    await panel.getByRole('checkbox', { name: 'Snoozed' }).check();
    await panel.getByRole('textbox', { name: 'Warn at' }).fill('50%, 2m');
    await panel.getByRole('button', { name: 'Save policy' }).click();
    await expect(panel.getByRole('status')).toHaveText('Saved “Chat in office hours”.');
    await expect(panel.getByRole('listitem').filter({ hasText: 'Chat in office hours' })).toContainText('Web chat × Urgent × any tier · Jakarta office');

    // The REST API shows all of it.
    const calendars = await api<{ items: { id: string; name: string; timeZone: string; weekly: unknown[]; holidays: string[] }[] }>(server.url, 'GET', '/api/v1/business-calendars', token);
    expect(calendars.items).toHaveLength(1);
    const cal = calendars.items[0]!;
    expect(cal).toMatchObject({
      name: 'Jakarta office',
      timeZone: 'Asia/Jakarta',
      weekly: [
        { day: 1, start: '08:00', end: '12:00' },
        { day: 1, start: '13:00', end: '17:00' },
        // Tuesday to Friday: the prefilled 09:00-17:00.
        ...[2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
        { day: 6, start: '09:00', end: '13:00' },
      ],
      holidays: ['2026-08-17', '2026-12-25'],
    });
    const teams = await api<{ items: { id: string; name: string; strategy: string; memberIds: string[]; defaultCapacity: object; overflow: object | null }[] }>(server.url, 'GET', '/api/v1/teams', token);
    const generalists = teams.items.find((x) => x.name === 'Generalists')!;
    expect(generalists).toMatchObject({ strategy: 'round_robin', memberIds: [anaRow.id], defaultCapacity: { webchat: 4 } });
    const night = teams.items.find((x) => x.name === 'Night shift')!;
    expect(night.overflow).toEqual({ teamId: generalists.id, afterSeconds: 60, queueLength: null });
    const ruleList = await api<{ items: { name: string; teamId: string; conditions: object }[] }>(server.url, 'GET', '/api/v1/routing-rules', token);
    expect(ruleList.items.map((r) => r.name)).toEqual(['Everything else', 'After hours']);
    expect(ruleList.items[1]).toMatchObject({ teamId: night.id, conditions: { businessHours: { calendarId: cal.id, when: 'closed' } } });
    const policies = await api<{ items: object[] }>(server.url, 'GET', '/api/v1/sla-policies', token);
    expect(policies.items).toEqual([
      expect.objectContaining({
        name: 'Chat in office hours',
        channelType: 'webchat',
        priority: 'urgent',
        calendarId: cal.id,
        firstResponseMinutes: 10,
        resolutionMinutes: 480,
        pauseOn: ['pending', 'snoozed'],
        warnings: [
          { kind: 'percent', value: 50 },
          { kind: 'remaining', minutes: 2 },
        ],
      }),
    ]);
    const agents = await api<{ items: { id: string; email: string }[] }>(server.url, 'GET', '/api/v1/agents', token);
    const budi = agents.items.find((a) => a.email === 'budi@e2e.test')!;
    expect(await api(server.url, 'GET', `/api/v1/agents/${budi.id}/routing`, token)).toMatchObject({ skills: ['vip', 'billing'], capacity: { whatsapp: 2 } });

    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    // A supervisor reads, without edit buttons.
    // (One desktop core per user: each signs in through their own browser host, as on their own machine.)
    const supHost = await startHost(await freePort(), tempDir('desktop-sup'), server.url);
    hosts.push(supHost);
    const supPage = await (await browser.newContext()).newPage();
    await signIn(supPage, supHost.url, server.url, sari);
    await supPage.getByRole('button', { name: 'Settings' }).click();
    const supDialog = supPage.getByRole('dialog', { name: 'Settings' });
    await supDialog.getByRole('tab', { name: 'Teams' }).click();
    await expect(supDialog.getByRole('listitem').filter({ hasText: 'Generalists' })).toBeVisible();
    await expect(supDialog.getByRole('button', { name: 'Add a team' })).toHaveCount(0);
    await expect(supDialog.getByRole('button', { name: 'Edit Generalists' })).toHaveCount(0);

    // An agent does not see Settings.
    const agentHost = await startHost(await freePort(), tempDir('desktop-agent'), server.url);
    hosts.push(agentHost);
    const agentPage = await (await browser.newContext()).newPage();
    await signIn(agentPage, agentHost.url, server.url, ana);
    await expect(agentPage.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await expect(agentPage.getByRole('button', { name: 'Settings' })).toHaveCount(0);
  } finally {
    for (const h of hosts) await h.stop();
    await server.stop();
  }
});
