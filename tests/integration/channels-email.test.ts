// E-mail channel against REAL servers on loopback: dovecot (IMAP, started from a generated config) and an
// smtp-server receiver. Mail put into the mailbox becomes a conversation; the agent's reply reaches the
// SMTP receiver with the right threading headers; the customer's reply joins the same conversation showing
// only its new part; auto-replies never open conversations; a bounce fails the reply; the UID checkpoint
// survives a restart; a UIDVALIDITY change neither loses nor duplicates mail.
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ThreadlineServer } from '../../src-server/app';
import { ADMIN, api, tempDir } from './server-support';
import { dovecotAvailable, startDovecot, type Dovecot } from './support/dovecot';
import { until } from './support/wait';

const MAILBOX = { user: 'support', password: 'support-imap-pw' };
const FROM = 'support@shop.test';

let dovecot: Dovecot;
let smtp: SMTPServer;
let smtpPort: number;
const received: { raw: string; mail: ParsedMail; rcpt: string[] }[] = [];
let smtpReject: { code: number; message: string }[] = [];
let dataDir: string;
let server: ThreadlineServer;
let token: string;
let channelId: string;
let imap: ImapFlow;

async function start() {
  server = await createServer({ dataDir, port: 0, logLevel: process.env.TEST_LOG_LEVEL ?? 'silent', adminEmail: ADMIN.email, adminPassword: ADMIN.password, channels: { delivery: { pollMs: 50, baseBackoffMs: 100, maxBackoffMs: 300, maxAttempts: 3 } } });
  token = (await api(server.url, 'POST', '/api/v1/auth/login', undefined, ADMIN)).body.token;
}

function mail(opts: { from: string; subject: string; messageId: string; text: string; inReplyTo?: string; references?: string; headers?: string; html?: string }) {
  const head = [
    `From: ${opts.from}`,
    `To: Shop Support <${FROM}>`,
    `Subject: ${opts.subject}`,
    `Message-ID: ${opts.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`] : []),
    ...(opts.references ? [`References: ${opts.references}`] : []),
    ...(opts.headers ? [opts.headers] : []),
  ];
  if (!opts.html) return [...head, 'Content-Type: text/plain; charset=utf-8', '', opts.text, ''].join('\r\n');
  return [...head, 'Content-Type: multipart/alternative; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '', opts.text, '--b1', 'Content-Type: text/html; charset=utf-8', '', opts.html, '--b1--', ''].join('\r\n');
}

const messagesOf = async (conversationId: string) => (await api(server.url, 'GET', `/api/v1/conversations/${conversationId}/messages`, token)).body.items as { id: string; text: string; direction: string; status: string; failureReason: string | null }[];
const conversations = async () => (await api(server.url, 'GET', '/api/v1/conversations?limit=100', token)).body.items as { id: string; subject: string | null; contactId: string }[];
const checkpoint = async () => {
  const row = await server.store.db.selectFrom('settings').select('value').where('key', '=', `email:imap:${channelId}`).executeTakeFirst();
  return row ? (JSON.parse(row.value) as { uidValidity: string; lastUid: number }) : null;
};

// dovecot-imapd is part of the test environment (.ci/run installs it); skipping needs an explicit opt-out.
const available = dovecotAvailable();
const skip = !available && process.env.THREADLINE_SKIP_DOVECOT === '1';
if (!available && !skip) {
  describe('e-mail channel (dovecot + smtp-server)', () => {
    it('needs dovecot', () => {
      throw new Error('dovecot is not installed: apt-get install dovecot-imapd (or set THREADLINE_SKIP_DOVECOT=1 to skip the e-mail tests)');
    });
  });
}

beforeAll(async () => {
  if (!available) return;
  dovecot = await startDovecot([MAILBOX]);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const reject = smtpReject.shift();
        if (reject) return cb(Object.assign(new Error(reject.message), { responseCode: reject.code }));
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((m) => {
          received.push({ raw, mail: m, rcpt: session.envelope.rcptTo.map((r) => r.address) });
          cb();
        });
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: MAILBOX.user, pass: MAILBOX.password }, logger: false });
  await imap.connect();
  dataDir = tempDir('threadline-email-');
  await start();
  const res = await api(server.url, 'POST', '/api/v1/channels', token, {
    type: 'email',
    name: 'Support mailbox',
    config: {
      imap: { host: dovecot.host, port: dovecot.port, secure: false, user: MAILBOX.user, password: MAILBOX.password, mailbox: 'INBOX' },
      smtp: { host: '127.0.0.1', port: smtpPort, secure: false, user: 'support', password: 'smtp-pw' },
      fromAddress: FROM,
      fromName: 'Shop Support',
      pollSeconds: 5,
    },
  });
  expect(res.status).toBe(201);
  expect(JSON.stringify(res.body)).not.toContain('support-imap-pw');
  channelId = res.body.id;
  await until('IMAP checkpoint', checkpoint);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await imap?.logout().catch(() => undefined);
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  await dovecot?.stop();
});

describe.runIf(available)('e-mail channel (dovecot + smtp-server)', () => {
  let conv: string;
  let reply: { id: string };

  it('a mail in the mailbox becomes a conversation; the agent’s reply goes out threaded', async () => {
    await imap.append('INBOX', mail({ from: 'Budi Santoso <Budi@Example.com>', subject: 'Order 1042 has not arrived', messageId: '<c1.1042@example.com>', text: 'Hello,\nmy order 1042 has not arrived yet.\n\nBudi', html: '<p>Hello,</p><p>my order <b>1042</b> has not arrived yet.</p><script>alert(1)</script><img src="x" onerror="alert(2)">' }));
    const c = await until('conversation', async () => (await conversations()).find((x) => x.subject === 'Order 1042 has not arrived'));
    conv = c.id;
    const msgs = await messagesOf(conv);
    expect(msgs.map((m) => m.text)).toEqual(['Hello,\nmy order 1042 has not arrived yet.\n\nBudi']);
    const contact = (await api(server.url, 'GET', `/api/v1/contacts/${c.contactId}`, token)).body;
    expect(contact.name).toBe('Budi Santoso');
    expect(contact.identities).toEqual([{ channelType: 'email', value: 'budi@example.com' }]);
    const meta = JSON.parse((await server.store.db.selectFrom('messages').select('meta').where('id', '=', msgs[0]!.id).executeTakeFirstOrThrow()).meta!);
    expect(meta.email.html).toContain('<b>1042</b>');
    expect(meta.email.html).not.toMatch(/script|onerror/);

    const res = await api(server.url, 'POST', `/api/v1/conversations/${conv}/messages`, token, { text: 'Sorry Budi, it ships today.' });
    expect(res.status).toBe(201);
    reply = res.body;
    const got = await until('SMTP receiver got the reply', async () => received.find((r) => r.mail.text?.includes('ships today')));
    expect(got.rcpt).toEqual(['budi@example.com']);
    expect(got.mail.from?.value[0]).toMatchObject({ address: FROM, name: 'Shop Support' });
    expect(got.mail.subject).toBe('Re: Order 1042 has not arrived');
    expect(got.mail.inReplyTo).toBe('<c1.1042@example.com>');
    expect([got.mail.references].flat()).toContain('<c1.1042@example.com>');
    expect(got.mail.messageId).toMatch(new RegExp(`^<tl\\.${conv}\\.${reply.id}@shop\\.test>$`));
    await until('sent', async () => (await messagesOf(conv)).find((m) => m.id === reply.id)?.status === 'sent');
  });

  it('the customer’s reply joins the same conversation, showing only the new part', async () => {
    const ours = received.at(-1)!.mail.messageId!;
    await imap.append(
      'INBOX',
      mail({
        from: 'Budi Santoso <budi@example.com>',
        subject: 'Re: Order 1042 has not arrived',
        messageId: '<c2.1042@example.com>',
        inReplyTo: ours,
        references: `<c1.1042@example.com> ${ours}`,
        text: 'Great, thank you!\n\nOn Tue, 26 Nov 2026 at 10:00, Shop Support <support@shop.test> wrote:\n> Sorry Budi, it ships today.\n',
      }),
    );
    await until('reply stored', async () => (await messagesOf(conv)).length === 3);
    const msgs = await messagesOf(conv);
    expect(msgs[2]!.text).toBe('Great, thank you!');
    const meta = JSON.parse((await server.store.db.selectFrom('messages').select('meta').where('id', '=', msgs[2]!.id).executeTakeFirstOrThrow()).meta!);
    expect(meta.fullText).toContain('> Sorry Budi, it ships today.'); // the original is kept
    expect((await conversations()).filter((c) => c.subject === 'Order 1042 has not arrived')).toHaveLength(1);
  });

  it('without threading headers, a "Re:" with the same subject joins by subject; a new subject opens a new conversation', async () => {
    await imap.append('INBOX', mail({ from: 'budi@example.com', subject: 'RE: Order 1042 has not arrived', messageId: '<c3@example.com>', text: 'One more thing: gift wrap please.' }));
    await until('joined by subject', async () => (await messagesOf(conv)).some((m) => m.text.includes('gift wrap')));
    await imap.append('INBOX', mail({ from: 'budi@example.com', subject: 'Invoice request', messageId: '<c4@example.com>', text: 'Can I get an invoice?' }));
    await until('new conversation', async () => (await conversations()).some((c) => c.subject === 'Invoice request'));
  });

  it('attachments come with the mail: staged, checked against their bytes and filed by the media job; the original HTML on demand', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n');
    const raw = [
      'From: Dewi <dewi@example.com>',
      `To: ${FROM}`,
      'Subject: Invoice attached',
      'Message-ID: <att1@example.com>',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>See the <b>invoice</b>.</p><script>alert(1)</script>',
      '--b1',
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--b1',
      'Content-Type: image/png; name="photo.png"',
      'Content-Disposition: attachment; filename="photo.png"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('this is not a png').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    await imap.append('INBOX', raw);
    const c = await until('conversation', async () => (await conversations()).find((x) => x.subject === 'Invoice attached'));
    const [m] = await messagesOf(c.id);
    const rows = await until('attachments filed', async () => {
      const r = await server.store.db.selectFrom('attachments').selectAll().where('message_id', '=', m!.id).orderBy('position').execute();
      return r.length === 2 && r.every((x) => x.state !== 'pending' && x.state !== 'downloading') && r;
    });
    expect(rows.map((r) => [r.file_name, r.state, r.mime_type])).toEqual([
      ['invoice.pdf', 'ready', 'application/pdf'],
      ['photo.png', 'skipped', null],
    ]);
    expect(rows[1]!.reason).toMatch(/Declared as image\/png/);
    const file = await fetch(`${server.url}/api/v1/attachments/${rows[0]!.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(pdf);
    // The staging copies are gone once filed.
    expect(fs.readdirSync(path.join(dataDir, 'attachments', 'staging'))).toEqual([]);
    const original = await api(server.url, 'GET', `/api/v1/messages/${m!.id}/original`, token);
    expect(original.body.html).toContain('<b>invoice</b>');
    expect(original.body.html).not.toContain('script');
    const synced = JSON.parse((await server.store.db.selectFrom('change_log').select('data').where('entity', '=', 'message').where('entity_id', '=', m!.id).executeTakeFirstOrThrow()).data!);
    expect(synced.hasOriginal).toBe(true);
  });

  it('auto-replies never open a conversation; a bounce fails the reply it is about', async () => {
    const before = (await conversations()).length;
    await imap.append('INBOX', mail({ from: 'Someone <someone@example.org>', subject: 'Automatic reply: hello', messageId: '<auto1@example.org>', text: 'I am out of office.', headers: 'Auto-Submitted: auto-replied' }));
    await imap.append('INBOX', mail({ from: 'news@example.org', subject: 'Newsletter', messageId: '<news1@example.org>', text: 'Deals!', headers: 'Precedence: bulk' }));
    const ours = received.at(-1)!.mail.messageId!;
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
      `To: ${FROM}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn1@mx.example.com>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"',
      '',
      '--r1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--r1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      'Final-Recipient: rfc822; budi@example.com',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <budi@example.com>: Recipient address rejected: User unknown',
      '',
      '--r1',
      'Content-Type: text/rfc822-headers',
      '',
      `From: Shop Support <${FROM}>`,
      'To: budi@example.com',
      `Message-ID: ${ours}`,
      'Subject: Re: Order 1042 has not arrived',
      '',
      '--r1--',
      '',
    ].join('\r\n');
    await imap.append('INBOX', dsn);
    const failed = await until('bounce marks the reply failed', async () => (await messagesOf(conv)).find((m) => m.id === reply.id && m.status === 'failed'));
    expect(failed.failureReason).toMatch(/bounced: 550 5\.1\.1/);
    const status = await imap.status('INBOX', { uidNext: true });
    const uidNext = status ? status.uidNext! : 0;
    // Skipped mail still moves the checkpoint (it is never read again).
    await until('checkpoint past the DSN', async () => (await checkpoint())!.lastUid === uidNext - 1);
    expect((await conversations()).length).toBe(before);
  });

  it('a 4xx from SMTP is retried, a 5xx fails with the server’s words', async () => {
    smtpReject = [{ code: 451, message: '4.3.0 Try again later' }];
    const a = (await api(server.url, 'POST', `/api/v1/conversations/${conv}/messages`, token, { text: 'retry me' })).body;
    await until('sent after 451', async () => (await messagesOf(conv)).find((m) => m.id === a.id)?.status === 'sent');
    smtpReject = [{ code: 554, message: '5.7.1 Message rejected as spam' }];
    const b = (await api(server.url, 'POST', `/api/v1/conversations/${conv}/messages`, token, { text: 'spammy?' })).body;
    const failed = await until('failed on 554', async () => (await messagesOf(conv)).find((m) => m.id === b.id && m.status === 'failed'));
    expect(failed.failureReason).toMatch(/refused the message .*554/);
  });

  it('the UID checkpoint survives a restart: mail that arrived while down is read once, nothing twice', async () => {
    const count = async () => Number((await server.store.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('channel_id', '=', channelId).executeTakeFirstOrThrow()).n);
    const before = await count();
    await server.close();
    await imap.append('INBOX', mail({ from: 'Rina <rina@example.com>', subject: 'While you were away', messageId: '<down1@example.com>', text: 'Written while the server was down.' }));
    await start();
    await until('read after restart', async () => (await conversations()).some((c) => c.subject === 'While you were away'));
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(before + 1);
  });

  it('a UIDVALIDITY change rescans without duplicates and without loss', async () => {
    const count = async () => Number((await server.store.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('channel_id', '=', channelId).executeTakeFirstOrThrow()).n);
    const before = await count();
    const old = (await checkpoint())!;
    // Rebuild the mailbox as a new one (new UIDVALIDITY): move everything out, recreate, move back, plus one new mail.
    await api(server.url, 'PATCH', `/api/v1/channels/${channelId}`, token, { config: { imap: { mailbox: 'Support' } } });
    await imap.mailboxCreate('Support');
    const lock = await imap.getMailboxLock('INBOX');
    try {
      await imap.messageCopy('1:*', 'Support');
    } finally {
      lock.release();
    }
    await until('checkpoint for the new mailbox', async () => (await checkpoint())?.uidValidity !== old.uidValidity);
    // The first sight of the Support mailbox after a known checkpoint of another UIDVALIDITY: rescan, all duplicates.
    await imap.append('Support', mail({ from: 'Rina <rina@example.com>', subject: 'Re: While you were away', messageId: '<after-change@example.com>', text: 'And one more.' }));
    await until('new mail after the change', async () => (await count()) === before + 1, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(before + 1);
  });
});
