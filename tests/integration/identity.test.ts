// Issue 4 — one customer, one thread, against a real server (SQLite, HTTP, signed WhatsApp webhooks to a fake
// Graph API following Meta's documented contract, a real SMTP receiver for the e-mail channel):
// WhatsApp then e-mail → merge suggestion → accepted → one thread → replies on the chosen channel; verified
// identifiers merge automatically; two first messages at once make one contact and one conversation; merge then
// unmerge returns exactly the originals; profile PATCH, lookup by any identity, timeline, reachability, search.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignatureOf } from '../../src-server/channels/verify';
import { api, addMember, makeAgent, makeChannel, startTestServer, type TestServer } from './server-support';
import { startFakeGraph, waText, type FakeGraph } from './support/fake-graph';
import { until } from './support/wait';

const PHONE_ID = '106540352242922';
const SECRETS = { accessToken: 'EAAG-identity-token', appSecret: 'wa-identity-secret', verifyToken: 'verify-identity' };
const WA_ID = '6281234567890'; // +62 812-3456-7890 as WhatsApp reports it (no "+")

let t: TestServer;
let graph: FakeGraph;
let smtp: SMTPServer;
const mails: ParsedMail[] = [];
let waChannel: string;
let emailChannel: string;
let chatChannel: string;

function postWhatsApp(payload: unknown) {
  const raw = JSON.stringify(payload);
  return fetch(`${t.url}/webhooks/whatsapp/${waChannel}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignatureOf(SECRETS.appSecret, raw) }, body: raw });
}

/** An e-mail as the e-mail adapter hands it to the single write path (the IMAP part is tested in channels-email). */
function emailIn(from: string, text: string, externalId: string, subject = 'Order question') {
  return t.server.commands.receiveInbound({ channelId: emailChannel, identity: { channelType: 'email', value: from }, profile: { email: from }, externalId, text, thread: { newThread: true, subject } });
}

const db = () => t.server.store.db;
const contactOfIdentity = async (type: string, value: string) =>
  (await db().selectFrom('contact_identities').select('contact_id').where('channel_type', '=', type).where('value', '=', value).executeTakeFirst())?.contact_id;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth: (_a, _s, cb) => cb(null, { user: 'support' }),
    onData(stream, _s, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m);
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  graph = await startFakeGraph({ accessToken: SECRETS.accessToken, phoneNumberId: PHONE_ID });
  t = await startTestServer({ channels: { receivers: false, delivery: { pollMs: 50, baseBackoffMs: 50, maxBackoffMs: 100, maxAttempts: 2 } } });
  waChannel = (await api(t.url, 'POST', '/api/v1/channels', t.adminToken, { type: 'whatsapp', name: 'WhatsApp ID', config: { phoneNumberId: PHONE_ID, businessAccountId: '102290129340398', ...SECRETS, apiBaseUrl: graph.baseUrl } })).body.id;
  const email = await api(t.url, 'POST', '/api/v1/channels', t.adminToken, {
    type: 'email',
    name: 'Support mailbox',
    config: {
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'support', password: 'imap-pw', mailbox: 'INBOX' },
      smtp: { host: '127.0.0.1', port: smtpPort, secure: false, user: 'support', password: 'smtp-pw' },
      fromAddress: 'support@shop.test',
      fromName: 'Shop Support',
    },
  });
  expect(email.status).toBe(201);
  emailChannel = email.body.id;
  chatChannel = await makeChannel(t, 'Website chat');
}, 30_000);

afterAll(async () => {
  await t?.close();
  await graph?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

describe('one customer, one thread', () => {
  let budi: string; // the WhatsApp contact (survivor)
  let thread: string;

  it('WhatsApp from +62 812-3456-7890, then e-mail → suggestion → accepted → one thread; replies go out on the chosen channel', async () => {
    expect((await postWhatsApp(waText(PHONE_ID, WA_ID, 'Budi', 'wamid.id-1', 'Halo, where is order 1042?'))).status).toBe(200);
    budi = (await until('WhatsApp contact', () => contactOfIdentity('whatsapp', WA_ID)))!;
    // The number WhatsApp proves is the cross-channel key, normalised to E.164; the time zone is inferred from it.
    expect(await contactOfIdentity('phone', '+6281234567890')).toBe(budi);
    const profile = await api(t.url, 'GET', `/api/v1/contacts/${budi}`, t.adminToken);
    expect(profile.body.phones).toEqual(['+6281234567890']);
    thread = (await db().selectFrom('conversations').select('id').where('contact_id', '=', budi).executeTakeFirstOrThrow()).id;

    // Later by e-mail (mixed case: normalised), with the number in the signature: a weaker match → a suggestion.
    const mail = await emailIn('Budi.Santoso@Example.CO.ID', 'Any news on my order?\n\nBudi\nHP: +62 812-3456-7890', '<m1@example.co.id>');
    expect(mail.contactId).not.toBe(budi);
    expect(await contactOfIdentity('email', 'budi.santoso@example.co.id')).toBe(mail.contactId);
    expect(mail.conversationId).not.toBe(thread);

    const sugg = await api(t.url, 'GET', `/api/v1/contacts/${budi}/suggestions`, t.adminToken);
    expect(sugg.status).toBe(200);
    expect(sugg.body.items).toHaveLength(1);
    expect(sugg.body.items[0].other.id).toBe(mail.contactId);
    expect(sugg.body.items[0].reason).toContain('+6281234567890');

    const accepted = await api(t.url, 'POST', `/api/v1/contacts/${budi}/suggestions/${sugg.body.items[0].id}`, t.adminToken, { action: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.survivorId).toBe(budi);
    expect(accepted.body.contact.identities.map((i: { channelType: string }) => i.channelType).sort()).toEqual(['email', 'whatsapp']);

    // One thread holds both, each message marked with its channel.
    const msgs = await api(t.url, 'GET', `/api/v1/conversations/${thread}/messages`, t.adminToken);
    expect(msgs.status).toBe(200);
    const items = (msgs.body.items ?? msgs.body) as { text: string; channelId: string }[];
    expect(items.map((m) => m.channelId).sort()).toEqual([emailChannel, waChannel].sort());
    // The merged contact points at the survivor; its emptied conversation is resolved.
    const old = await db().selectFrom('conversations').selectAll().where('id', '=', mail.conversationId).executeTakeFirstOrThrow();
    expect(old.status).toBe('resolved');
    expect(old.contact_id).toBe(budi);

    // Another e-mail from the customer (new subject) joins the same open thread: continuity across channels.
    const again = await emailIn('budi.santoso@example.co.id', 'Also: can I change the address?', '<m2@example.co.id>', 'Address');
    expect(again.conversationId).toBe(thread);
    expect(again.contactId).toBe(budi);

    // Reachability: WhatsApp window open, e-mail known; the default is the last inbound message's channel (e-mail).
    const reach = await api(t.url, 'GET', `/api/v1/conversations/${thread}/reachability`, t.adminToken);
    expect(reach.status).toBe(200);
    const byType = Object.fromEntries(reach.body.items.map((i: { channelType: string }) => [i.channelType, i]));
    expect(byType.whatsapp.reachable).toBe(true);
    expect(byType.email.reachable).toBe(true);
    expect(byType.email.isDefault).toBe(true);
    expect(byType.webchat).toBeUndefined();

    // Reply by e-mail from the WhatsApp-started thread: subject + a short quote of the last exchange.
    const byMail = await api(t.url, 'POST', `/api/v1/conversations/${thread}/messages`, t.adminToken, { text: 'Your order ships tomorrow.', channelId: emailChannel });
    expect(byMail.status).toBe(201);
    expect(byMail.body.channelId).toBe(emailChannel);
    const sent = await until('mail delivered', async () => mails.find((m) => m.text?.includes('Your order ships tomorrow.')));
    expect((sent.to as { value: { address: string }[] }).value[0]!.address).toBe('budi.santoso@example.co.id');
    expect(sent.subject).toMatch(/^Re: /);

    // …and on WhatsApp (one click: the channelId), to the wa_id WhatsApp gave us.
    const byWa = await api(t.url, 'POST', `/api/v1/conversations/${thread}/messages`, t.adminToken, { text: 'Tracking: JNE 123', channelId: waChannel });
    expect(byWa.status).toBe(201);
    const req = await until('Graph send', async () => graph.requests.find((r) => JSON.stringify(r.body ?? '').includes('Tracking: JNE 123')));
    expect(JSON.stringify(req.body)).toContain(`"to":"${WA_ID}"`);

    // A channel the customer has no address on: a clear 400, nothing stored.
    const before = (await db().selectFrom('messages').select('id').where('conversation_id', '=', thread).execute()).length;
    const refused = await api(t.url, 'POST', `/api/v1/conversations/${thread}/messages`, t.adminToken, { text: 'hi', channelId: chatChannel });
    expect(refused.status).toBe(400);
    expect((await db().selectFrom('messages').select('id').where('conversation_id', '=', thread).execute()).length).toBe(before);
  });

  it('an e-mail started from a WhatsApp-only thread gets a subject and a short quote of the last exchange', async () => {
    expect((await postWhatsApp(waText(PHONE_ID, '6591234567', 'Wei', 'wamid.sg-1', 'Is the blue one in stock?'))).status).toBe(200);
    const wei = (await until('SG contact', () => contactOfIdentity('whatsapp', '6591234567')))!;
    const conv = (await db().selectFrom('conversations').select('id').where('contact_id', '=', wei).executeTakeFirstOrThrow()).id;
    expect((await api(t.url, 'PATCH', `/api/v1/contacts/${wei}`, t.adminToken, { addIdentities: [{ channelType: 'email', value: 'Wei@Example.SG' }] })).status).toBe(200);
    const reach = await api(t.url, 'GET', `/api/v1/conversations/${conv}/reachability`, t.adminToken);
    expect(reach.body.items.find((i: { isDefault: boolean }) => i.isDefault).channelType).toBe('whatsapp');
    const res = await api(t.url, 'POST', `/api/v1/conversations/${conv}/messages`, t.adminToken, { text: 'Yes, sending the details by mail.', channelId: emailChannel });
    expect(res.status).toBe(201);
    const sent = await until('mail delivered', async () => mails.find((m) => m.text?.includes('sending the details by mail')));
    expect((sent.to as { value: { address: string }[] }).value[0]!.address).toBe('wei@example.sg');
    expect(sent.subject).toBe('Re: About your message: Is the blue one in stock?');
    expect(sent.text).toContain('> Wei');
    expect(sent.text).toContain('Is the blue one in stock?');
  });

  it('timeline: every conversation, message and merge of the customer, newest first', async () => {
    const tl = await api(t.url, 'GET', `/api/v1/contacts/${budi}/timeline?limit=200`, t.adminToken);
    expect(tl.status).toBe(200);
    const items = tl.body.items as { kind: string; at: string; conversationId: string | null; data: { kind?: string } }[];
    const ats = items.map((i) => i.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    const kinds = new Set(items.map((i) => i.kind));
    for (const k of ['conversation', 'message', 'audit']) expect(kinds.has(k)).toBe(true);
    expect(items.some((i) => i.kind === 'audit' && i.data.kind === 'merged')).toBe(true);
    expect(items.filter((i) => i.kind === 'message').every((i) => typeof i.conversationId === 'string')).toBe(true);
  });

  it('profile: PATCH (tier, language, time zone, attributes, tags, notes, identities) and lookup by any identity', async () => {
    const res = await api(t.url, 'PATCH', `/api/v1/contacts/${budi}`, t.adminToken, {
      tier: 'vip',
      language: 'id',
      attributes: { plan: 'gold', orders: 12 },
      tags: ['wholesale', 'wholesale', 'jakarta'],
      notes: 'Prefers WhatsApp.',
      addIdentities: [{ channelType: 'phone', value: '+62 21 555 0100' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'vip', language: 'id', timeZone: 'Asia/Jakarta', attributes: { plan: 'gold', orders: 12 }, tags: ['wholesale', 'jakarta'], notes: 'Prefers WhatsApp.' });
    const row = await db().selectFrom('contacts').selectAll().where('id', '=', budi).executeTakeFirstOrThrow();
    expect(row.tier).toBe('vip'); // the column SLA and routing read

    const rm = await api(t.url, 'PATCH', `/api/v1/contacts/${budi}`, t.adminToken, { attributes: { plan: null } });
    expect(rm.body.attributes).toEqual({ orders: 12 });

    for (const q of ['+62 812-3456-7890', '0062 812 3456 7890', 'email:BUDI.santoso@example.co.id', '6281234567890', 'phone:+62215550100']) {
      const found = await api(t.url, 'GET', `/api/v1/contacts?identity=${encodeURIComponent(q)}`, t.adminToken);
      expect(found.status, q).toBe(200);
      expect(found.body.items.map((c: { id: string }) => c.id), q).toEqual([budi]);
    }
    expect((await api(t.url, 'GET', `/api/v1/contacts?identity=${encodeURIComponent('nobody@example.com')}`, t.adminToken)).body.items).toEqual([]);

    // Bad input → 400, nothing changed.
    for (const bad of [{ timeZone: 'Mars/Olympus' }, { nope: 1 }, { tags: 'x' }, { addIdentities: [{ channelType: 'phone', value: 'call me' }] }]) {
      expect((await api(t.url, 'PATCH', `/api/v1/contacts/${budi}`, t.adminToken, bad)).status).toBe(400);
    }
    expect((await db().selectFrom('contacts').select('time_zone').where('id', '=', budi).executeTakeFirstOrThrow()).time_zone).toBe('Asia/Jakarta');
    // An identity of another contact → 409 (merge instead).
    await emailIn('someone.else@example.com', 'hello', '<other@example.com>');
    const taken = await api(t.url, 'PATCH', `/api/v1/contacts/${budi}`, t.adminToken, { tier: 'gold', addIdentities: [{ channelType: 'email', value: 'someone.else@example.com' }] });
    expect(taken.status).toBe(409);
    expect((await db().selectFrom('contacts').select('tier').where('id', '=', budi).executeTakeFirstOrThrow()).tier).toBe('vip');
  });

  it('search: contacts and messages, only in the agent’s channels', async () => {
    const all = await api(t.url, 'GET', `/api/v1/search?q=${encodeURIComponent('order 1042')}`, t.adminToken);
    expect(all.status).toBe(200);
    expect(all.body.messages.map((m: { text: string }) => m.text)).toContain('Halo, where is order 1042?');
    const byName = await api(t.url, 'GET', `/api/v1/search?q=budi`, t.adminToken);
    expect(byName.body.contacts.map((c: { id: string }) => c.id)).toContain(budi);
    // An agent in the web chat channel only sees neither.
    const agent = await makeAgent(t, 'Chatonly');
    await addMember(t, chatChannel, agent.id);
    const limited = await api(t.url, 'GET', `/api/v1/search?q=${encodeURIComponent('order 1042')}`, agent.token);
    expect(limited.body.messages).toEqual([]);
    expect((await api(t.url, 'GET', `/api/v1/search?q=budi`, agent.token)).body.contacts).toEqual([]);
    expect((await api(t.url, 'GET', `/api/v1/search?q=%25%25`, t.adminToken)).body.messages).toEqual([]); // LIKE wildcards are literal
    expect((await api(t.url, 'GET', `/api/v1/search?q=x`, t.adminToken)).status).toBe(400);
    expect((await api(t.url, 'GET', `/api/v1/contacts/${budi}/timeline`, agent.token)).status).toBe(404);
  });
});

describe('verified identifiers merge automatically', () => {
  it('an HMAC-verified web chat user whose host site vouches for an e-mail joins the e-mail contact', async () => {
    const mail = await emailIn('ana@shop-customer.test', 'Hi from mail', '<ana-1@test>');
    // First message as a verified user (identity user:…), e-mail passed by the host site.
    const chat = await t.server.commands.receiveInbound({ channelId: chatChannel, identity: { channelType: 'webchat', value: 'user:ana-42' }, profile: { name: 'Ana', email: 'Ana@Shop-Customer.test' }, externalId: 'user:ana-42|c1', text: 'Hi from chat' });
    expect(chat.contactId).toBe(mail.contactId);
    // Continuity: the chat message joined the open e-mail thread.
    expect(chat.conversationId).toBe(mail.conversationId);
    const audit = await db().selectFrom('contact_audit').selectAll().where('contact_id', '=', mail.contactId).where('kind', '=', 'identity_linked').execute();
    expect(audit).toHaveLength(1);
  });

  it('two existing contacts proven to be one person are merged (the older survives)', async () => {
    const chat = await t.server.commands.receiveInbound({ channelId: chatChannel, identity: { channelType: 'webchat', value: 'user:rio-7' }, profile: { name: 'Rio' }, externalId: 'user:rio-7|c1', text: 'first' });
    const mail = await emailIn('rio@example.org', 'by mail', '<rio-1@test>');
    expect(mail.contactId).not.toBe(chat.contactId);
    const again = await t.server.commands.receiveInbound({ channelId: chatChannel, identity: { channelType: 'webchat', value: 'user:rio-7' }, profile: { email: 'rio@example.org' }, externalId: 'user:rio-7|c2', text: 'second' });
    expect(again.contactId).toBe(chat.contactId);
    const merged = await db().selectFrom('contacts').selectAll().where('id', '=', mail.contactId).executeTakeFirstOrThrow();
    expect(merged.merged_into).toBe(chat.contactId);
  });

  it('an anonymous visitor typing a known e-mail only raises a suggestion', async () => {
    const mail = await emailIn('mei@example.net', 'mail', '<mei-1@test>');
    const chat = await t.server.commands.receiveInbound({ channelId: chatChannel, identity: { channelType: 'webchat', value: 'visitor:v-mei' }, profile: { email: 'mei@example.net' }, externalId: 'visitor:v-mei|c1', text: 'chat' });
    expect(chat.contactId).not.toBe(mail.contactId);
    const s = await db().selectFrom('merge_suggestions').selectAll().where('state', '=', 'open').where((eb) => eb.or([eb('contact_id', '=', chat.contactId), eb('other_id', '=', chat.contactId)])).execute();
    expect(s).toHaveLength(1);
    // Dismissed: not raised again for that pair.
    const res = await api(t.url, 'POST', `/api/v1/contacts/${chat.contactId}/suggestions/${s[0]!.id}`, t.adminToken, { action: 'dismiss' });
    expect(res.status).toBe(200);
    await t.server.commands.receiveInbound({ channelId: chatChannel, identity: { channelType: 'webchat', value: 'visitor:v-mei' }, profile: { email: 'mei@example.net' }, externalId: 'visitor:v-mei|c2', text: 'chat 2' });
    expect((await db().selectFrom('merge_suggestions').select('state').where('id', '=', s[0]!.id).executeTakeFirstOrThrow()).state).toBe('dismissed');
    expect(await db().selectFrom('merge_suggestions').select('id').where('state', '=', 'open').where('contact_id', 'in', [chat.contactId, mail.contactId]).execute()).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('two first messages from one new customer at the same instant make ONE contact and ONE conversation', async () => {
    const from = '5215512345678'; // a Mexican wa_id with the old "1": canonical +525512345678
    const res = await Promise.all([
      postWhatsApp(waText(PHONE_ID, from, 'Lupe', 'wamid.mx-1', 'hola')),
      postWhatsApp(waText(PHONE_ID, from, 'Lupe', 'wamid.mx-2', '¿hay alguien?')),
      t.server.commands.receiveInbound({ channelId: waChannel, identity: { channelType: 'whatsapp', value: from }, profile: { name: 'Lupe' }, externalId: 'wamid.mx-3', text: 'y otra' }),
    ]);
    expect(res[0].status).toBe(200);
    expect(res[1].status).toBe(200);
    const contacts = await db().selectFrom('contact_identities').select('contact_id').where('channel_type', 'in', ['whatsapp', 'phone']).where('value', 'in', [from, '+525512345678']).execute();
    expect(new Set(contacts.map((c) => c.contact_id)).size).toBe(1);
    expect(contacts).toHaveLength(2);
    const convs = await db().selectFrom('conversations').select('id').where('contact_id', '=', contacts[0]!.contact_id).execute();
    expect(convs).toHaveLength(1);
    const msgs = await db().selectFrom('messages').select('id').where('conversation_id', '=', convs[0]!.id).execute();
    expect(msgs).toHaveLength(3);
  });
});

describe('manual merge and unmerge', () => {
  async function snapshot(ids: string[]) {
    const contacts = await db().selectFrom('contacts').selectAll().where('id', 'in', ids).orderBy('id').execute();
    const identities = await db().selectFrom('contact_identities').select(['channel_type', 'value', 'contact_id', 'verified']).where('contact_id', 'in', ids).orderBy('value').execute();
    const conversations = await db().selectFrom('conversations').select(['id', 'contact_id', 'channel_id', 'status', 'last_message_at', 'last_message_preview', 'last_inbound_at']).where('contact_id', 'in', ids).orderBy('id').execute();
    const messages = await db().selectFrom('messages').select(['id', 'conversation_id', 'channel_id']).where('conversation_id', 'in', conversations.map((c) => c.id)).orderBy('id').execute();
    return { contacts: contacts.map(({ updated_at: _u, ...c }) => c), identities, conversations, messages };
  }

  it('merge then unmerge returns exactly the original two contacts with their conversations', async () => {
    const a = await t.server.commands.receiveInbound({ channelId: chatChannel, identity: { channelType: 'webchat', value: 'visitor:v-a' }, profile: { name: 'Alya' }, externalId: 'visitor:v-a|1', text: 'chat A' });
    const b = await emailIn('alya.work@example.com', 'mail B', '<b-1@test>', 'Work');
    // B also has a resolved, older conversation besides its open one.
    await t.server.commands.updateConversation({ id: 'x', name: 'x', role: 'admin' }, b.conversationId, { status: 'resolved' });
    const b3 = await emailIn('alya.work@example.com', 'a new question', '<b-2@test>', 'New');
    expect(b3.conversationId).not.toBe(b.conversationId);

    const before = await snapshot([a.contactId, b.contactId]);
    const merged = await api(t.url, 'POST', `/api/v1/contacts/${a.contactId}/merge`, t.adminToken, { otherId: b.contactId });
    expect(merged.status).toBe(200);
    const mid = await snapshot([a.contactId, b.contactId]);
    expect(new Set(mid.identities.map((i) => i.contact_id))).toEqual(new Set([a.contactId]));
    expect(new Set(mid.conversations.map((c) => c.contact_id))).toEqual(new Set([a.contactId]));
    // B's open thread folded into A's open one.
    expect(mid.messages.filter((m) => m.conversation_id === a.conversationId)).toHaveLength(2);
    expect(mid.conversations.find((c) => c.id === b3.conversationId)!.status).toBe('resolved');
    const audit = await db().selectFrom('contact_audit').select('kind').where('contact_id', '=', a.contactId).where('kind', '=', 'merged').execute();
    expect(audit).toHaveLength(1);

    // Bad input: nothing changes.
    expect((await api(t.url, 'POST', `/api/v1/contacts/${a.contactId}/merge`, t.adminToken, { otherId: a.contactId })).status).toBe(400);
    expect((await api(t.url, 'POST', `/api/v1/contacts/${a.contactId}/merge`, t.adminToken, { otherId: 'nope' })).status).toBe(404);
    expect((await api(t.url, 'POST', `/api/v1/contacts/${a.contactId}/merge`, t.adminToken, {})).status).toBe(400);
    expect((await api(t.url, 'POST', `/api/v1/contacts/${a.contactId}/unmerge`, t.adminToken, { mergeId: 'nope' })).status).toBe(404);

    const merges = await api(t.url, 'GET', `/api/v1/contacts/${a.contactId}/merges`, t.adminToken);
    expect(merges.body.items[0].id).toBe(merged.body.mergeId);
    const un = await api(t.url, 'POST', `/api/v1/contacts/${a.contactId}/unmerge`, t.adminToken, { mergeId: merged.body.mergeId });
    expect(un.status).toBe(200);
    expect(un.body.restored.id).toBe(b.contactId);
    const after = await snapshot([a.contactId, b.contactId]);
    expect(after).toEqual(before);
    expect((await api(t.url, 'POST', `/api/v1/contacts/${a.contactId}/unmerge`, t.adminToken, { mergeId: merged.body.mergeId })).status).toBe(409);
    const unAudit = await db().selectFrom('contact_audit').select('kind').where('contact_id', '=', b.contactId).where('kind', '=', 'unmerged_from').execute();
    expect(unAudit).toHaveLength(1);
  });
});
