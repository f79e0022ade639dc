// A WhatsApp conversation in the agent's workspace: the composer shows the 24-hour window, a reply that
// WhatsApp refuses shows "Failed: <reason in words>" with a Retry button, and Retry sends it.
import { test, expect } from '@playwright/test';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { startFakeGraph, waMedia, waText } from '../integration/support/fake-graph';
import { api, freePort, startHost, startServer, tempDir } from './support';

const admin = { email: 'admin@e2e.test', password: 'correct horse battery staple' };
const agentLogin = { email: 'wati@e2e.test', password: 'wati-password-123', name: 'Wati' };
const PHONE_ID = '106540352242922';
const SECRETS = { accessToken: 'EAAG-e2e', appSecret: 'e2e-app-secret', verifyToken: 'e2e-verify' };

test('WhatsApp: reply window in the composer; a failed reply shows why and can be retried', async ({ browser }) => {
  const graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  const server = await startServer(await freePort(), tempDir('server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const host = await startHost(await freePort(), tempDir('desktop'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'whatsapp', name: 'WhatsApp Jakarta', config: { phoneNumberId: PHONE_ID, ...SECRETS, apiBaseUrl: graph.baseUrl } });
    const wati = await api<{ id: string }>(server.url, 'POST', '/api/v1/agents', token, { ...agentLogin, role: 'agent' });
    await api(server.url, 'PUT', `/api/v1/channels/${channel.id}/members/${wati.id}`, token);

    const raw = JSON.stringify(waText(PHONE_ID, '6281234567890', 'Siti Rahma', 'wamid.e2e.1', 'Paket saya belum sampai'));
    const res = await fetch(`${server.url}/webhooks/whatsapp/${channel.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw });
    expect(res.status).toBe(200);

    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url);
    await page.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await page.getByRole('textbox', { name: 'Email' }).fill(agentLogin.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(agentLogin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').filter({ hasText: 'Paket saya belum sampai' }).click();

    const reply = page.getByRole('textbox', { name: 'Reply' });
    await expect(reply).toHaveAccessibleDescription(/WhatsApp reply window open until/);

    graph.script.push({ status: 400, code: 131026, message: 'Message undeliverable' });
    await reply.fill('Mohon maaf, kami cek sekarang.');
    await reply.press('Enter');
    const log = page.getByRole('log', { name: 'Messages' });
    const article = log.getByRole('article').filter({ hasText: 'Mohon maaf, kami cek sekarang.' });
    await expect(article).toContainText('Failed: Undeliverable: the number may not be on WhatsApp', { timeout: 10_000 });

    await article.getByRole('button', { name: 'Retry' }).click();
    await expect(article).toContainText('Sent', { timeout: 10_000 });
    await expect(article.getByRole('button', { name: 'Retry' })).toHaveCount(0);
    expect(graph.requests.filter((r) => (r.body.text as { body: string }).body === 'Mohon maaf, kami cek sekarang.')).toHaveLength(2);
  } finally {
    await host.stop();
    await server.stop();
    await graph.close();
  }
});

test('admin channel settings: create and edit a channel; secrets are write-only', async ({ browser }) => {
  const server = await startServer(await freePort(), tempDir('server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const host = await startHost(await freePort(), tempDir('desktop'), server.url);
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url);
    await page.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await page.getByRole('textbox', { name: 'Email' }).fill(admin.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Channels is the first section of Settings (src-renderer/settings).
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await expect(dialog.getByRole('tab', { name: 'Channels' })).toHaveAttribute('aria-selected', 'true');
    await dialog.getByRole('button', { name: 'Add a channel' }).click();
    await dialog.getByRole('combobox', { name: 'Channel type' }).selectOption('telegram');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Telegram support bot');
    // A malformed token is refused by the server's per-type validation, with the reason.
    await dialog.getByLabel('Bot token').fill('not-a-token');
    await dialog.getByLabel('Webhook secret token').fill('s3cret_token');
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await expect(dialog.getByRole('alert')).toContainText('Could not save: botToken');
    await dialog.getByLabel('Bot token').fill('123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Saved “Telegram support bot”.');
    await expect(dialog).toContainText(/\/webhooks\/telegram\//);

    await dialog.getByRole('button', { name: 'Edit Telegram support bot' }).click();
    await expect(dialog.getByLabel('Bot token')).toHaveValue(''); // never read back
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Telegram bot (ID)');
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Saved “Telegram bot (ID)”.');
    await expect(dialog.getByRole('listitem').filter({ hasText: 'Telegram bot (ID)' })).toBeVisible();

    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const list = await api<{ items: { name: string; config: Record<string, unknown> }[] }>(server.url, 'GET', '/api/v1/channels', token);
    const saved = list.items.find((c) => c.name === 'Telegram bot (ID)')!;
    expect(saved.config).toEqual({ apiBaseUrl: 'https://api.telegram.org', mode: 'webhook' });
  } finally {
    await host.stop();
    await server.stop();
  }
});

// Issue 3: media shown in the app (inline image with alt text, PDF as a download link with name and size,
// both through the host's authenticated /attachments route); outside the 24-hour window the composer offers
// only approved templates and sends one; an e-mail's original HTML only in a sandboxed frame, scripts dead.
test('WhatsApp media, templates outside the window, and the original HTML in a sandboxed frame', async ({ browser }) => {
  const Database = (await import('better-sqlite3')).default;
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  const PDF = Buffer.from(`%PDF-1.4\n${'x'.repeat(2000)}\n%%EOF\n`);
  const graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  graph.templates = [
    { name: 'order_update', language: 'id', status: 'APPROVED', category: 'UTILITY', id: '1', components: [{ type: 'BODY', text: 'Halo {{1}}, pesanan {{2}} sudah dikirim.' }] },
    { name: 'promo_rejected', language: 'id', status: 'REJECTED', category: 'MARKETING', id: '2', components: [{ type: 'BODY', text: 'Diskon' }] },
  ];
  graph.media.set('m-png', { bytes: PNG, mimeType: 'image/png' });
  graph.media.set('m-pdf', { bytes: PDF, mimeType: 'application/pdf' });
  const serverDir = tempDir('server');
  const server = await startServer(await freePort(), serverDir, { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const host = await startHost(await freePort(), tempDir('desktop'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'whatsapp', name: 'WhatsApp Jakarta', config: { phoneNumberId: PHONE_ID, businessAccountId: '102290129340398', ...SECRETS, apiBaseUrl: graph.baseUrl } });
    await api(server.url, 'POST', `/api/v1/channels/${channel.id}/templates/sync`, token);
    const post = async (payload: unknown) => {
      const raw = JSON.stringify(payload);
      const res = await fetch(`${server.url}/webhooks/whatsapp/${channel.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw });
      expect(res.status).toBe(200);
    };
    await post(waText(PHONE_ID, '6281234500001', 'Budi', 'wamid.e2e.m0', 'Ini fotonya'));
    await post(waMedia(PHONE_ID, '6281234500001', 'wamid.e2e.m1', 'image', { id: 'm-png', mime_type: 'image/png', caption: 'Kemasan rusak' }));
    await post(waMedia(PHONE_ID, '6281234500001', 'wamid.e2e.m2', 'document', { id: 'm-pdf', mime_type: 'application/pdf', filename: 'invoice-7.pdf' }));

    // Set-up straight in the server's store (before the app's first sync): the customer last wrote 25 hours ago,
    // and the first message carries an original HTML with a script (as if the sanitiser had missed it).
    const db = new Database(`${serverDir}/threadline.sqlite`);
    try {
      for (let i = 0; ; i++) {
        const n = db.prepare("SELECT COUNT(*) AS n FROM attachments WHERE state = 'ready'").get() as { n: number };
        if (n.n === 2) break;
        if (i > 100) throw new Error('attachments not downloaded');
        await new Promise((r) => setTimeout(r, 100));
      }
      const dayAgo = new Date(Date.now() - 25 * 3600_000).toISOString();
      db.prepare('UPDATE conversations SET last_inbound_at = ?').run(dayAgo);
      db.prepare("UPDATE change_log SET data = json_set(data, '$.lastInboundAt', ?) WHERE entity = 'conversation'").run(dayAgo);
      const html = '<p>Hello from HTML</p><script>parent.document.title = "pwned"; window.top.pwned = 1;</script><img src="x" onerror="parent.document.title=\'pwned\'">';
      const m0 = db.prepare("SELECT id FROM messages WHERE external_id = 'wamid.e2e.m0'").get() as { id: string };
      db.prepare('UPDATE messages SET has_original = 1, meta = ? WHERE id = ?').run(JSON.stringify({ kind: 'email', email: { messageId: 'x', html }, fullText: 'Ini fotonya' }), m0.id);
      db.prepare("UPDATE change_log SET data = json_set(data, '$.hasOriginal', json('true')) WHERE entity = 'message' AND entity_id = ?").run(m0.id);
    } finally {
      db.close();
    }

    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url);
    await page.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await page.getByRole('textbox', { name: 'Email' }).fill(admin.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').filter({ hasText: 'invoice-7.pdf' }).click();
    const title = await page.title();

    // Media: the image inline (loaded through the host with its cookie), the PDF as a named download with its size.
    const log = page.getByRole('log', { name: 'Messages' });
    const img = log.getByRole('img', { name: 'Image sent by the customer' });
    await expect(img).toBeVisible({ timeout: 10_000 });
    await expect.poll(() => img.evaluate((el) => { const i = el as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth; })).toBe(1);
    const link = log.getByRole('link', { name: /^Download invoice-7\.pdf \(2 kB\)$/ });
    await expect(link).toBeVisible();
    const href = await link.getAttribute('href');
    const status = await page.evaluate(async (u) => (await fetch(u!)).status, href);
    expect(status).toBe(200);
    // Without the host's cookie (another browser context) the route refuses.
    const other = await (await browser.newContext()).newPage();
    const refused = await other.request.get(new URL(href!, host.url).toString());
    expect(refused.status()).toBe(403);

    // Outside the window: free text refused, a template form instead (approved templates only).
    await expect(page.getByRole('textbox', { name: 'Reply' })).toHaveAccessibleDescription(/only accepts an approved template/);
    await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
    const form = page.getByRole('form', { name: 'Send a WhatsApp template' });
    const select = form.getByRole('combobox', { name: 'Template' });
    await expect(select.getByRole('option')).toHaveText(['order_update (id)']);
    await form.getByRole('textbox', { name: 'Body variable 1' }).fill('Budi');
    await expect(form.getByRole('button', { name: 'Send template' })).toBeDisabled();
    await form.getByRole('textbox', { name: 'Body variable 2' }).fill('INV-7');
    await form.getByRole('button', { name: 'Send template' }).click();
    const sent = log.getByRole('article').filter({ hasText: 'Halo Budi, pesanan INV-7 sudah dikirim.' });
    await expect(sent).toContainText('Sent', { timeout: 10_000 });
    const req = graph.requests.find((r) => r.body.type === 'template')!;
    expect(req.body.template).toEqual({ name: 'order_update', language: { code: 'id' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Budi' }, { type: 'text', text: 'INV-7' }] }] });

    // The original HTML: only on demand, only in a sandboxed frame; its script never runs.
    const first = log.getByRole('article').filter({ hasText: 'Ini fotonya' });
    await first.getByRole('button', { name: 'Show original' }).click();
    const frame = first.locator('iframe');
    await expect(frame).toHaveAttribute('sandbox', '');
    expect(await frame.getAttribute('srcdoc')).toContain("script-src 'none'");
    await expect(page.frameLocator('iframe[title^="Original e-mail"]').getByText('Hello from HTML')).toBeVisible();
    await expect(page.locator('p', { hasText: 'Hello from HTML' })).toHaveCount(0); // never in the app's DOM
    await page.waitForTimeout(300);
    expect(await page.title()).toBe(title);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
  } finally {
    await host.stop();
    await server.stop();
    await graph.close();
  }
});

// Outbound media (docs/channels.md §Sending files): the agent attaches a PDF in the composer (name and size
// shown, removable), sends it on WhatsApp; WhatsApp receives one media upload and one document message, and
// the sent file shows in the conversation as a download link.
test('WhatsApp: attach a PDF in the composer and send it', async ({ browser }) => {
  const graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  const server = await startServer(await freePort(), tempDir('server'), { THREADLINE_ADMIN_EMAIL: admin.email, THREADLINE_ADMIN_PASSWORD: admin.password });
  const host = await startHost(await freePort(), tempDir('desktop'), server.url);
  try {
    const { token } = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/login', undefined, admin);
    const channel = await api<{ id: string }>(server.url, 'POST', '/api/v1/channels', token, { type: 'whatsapp', name: 'WhatsApp Jakarta', config: { phoneNumberId: PHONE_ID, ...SECRETS, apiBaseUrl: graph.baseUrl } });
    const raw = JSON.stringify(waText(PHONE_ID, '6281234567000', 'Dewi', 'wamid.e2e.pdf.1', 'Minta fakturnya ya'));
    const res = await fetch(`${server.url}/webhooks/whatsapp/${channel.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw });
    expect(res.status).toBe(200);

    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url);
    await page.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
    await page.getByRole('textbox', { name: 'Email' }).fill(admin.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'All' }).click();
    await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').filter({ hasText: 'Minta fakturnya ya' }).click();

    const pdf = Buffer.from(`%PDF-1.4\n${'x'.repeat(3000)}\n%%EOF\n`);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach file' }).click();
    await (await chooser).setFiles({ name: 'Faktur Mei.pdf', mimeType: 'application/pdf', buffer: pdf });
    await expect(page.getByText(/Attached: Faktur Mei\.pdf \(2\.9 kB\)/)).toBeVisible();
    // Remove, then attach again: the remove button is named after the file.
    await page.getByRole('button', { name: 'Remove Faktur Mei.pdf' }).click();
    await expect(page.getByText(/Attached: Faktur Mei\.pdf/)).toHaveCount(0);
    const again = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Attach file' }).click();
    await (await again).setFiles({ name: 'Faktur Mei.pdf', mimeType: 'application/pdf', buffer: pdf });

    await page.getByRole('textbox', { name: 'Reply' }).fill('Ini fakturnya, Bu.');
    await page.getByRole('button', { name: 'Send' }).click();
    const article = page.getByRole('log', { name: 'Messages' }).getByRole('article').filter({ hasText: 'Ini fakturnya, Bu.' });
    await expect(article).toContainText('Sent', { timeout: 10_000 });
    await expect(article.getByRole('link', { name: /Download Faktur Mei\.pdf/ })).toBeVisible();
    await expect(page.getByText(/Attached: Faktur Mei\.pdf/)).toHaveCount(0);

    expect(graph.uploads).toHaveLength(1);
    expect(graph.uploads[0]).toMatchObject({ type: 'application/pdf', fileName: 'Faktur Mei.pdf' });
    expect(graph.uploads[0]!.bytes.equals(pdf)).toBe(true);
    const sends = graph.requests.filter((r) => r.body.type === 'document');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.body.document).toEqual({ id: graph.uploads[0]!.id, caption: 'Ini fakturnya, Bu.', filename: 'Faktur Mei.pdf' });
  } finally {
    await host.stop();
    await server.stop();
    await graph.close();
  }
});
