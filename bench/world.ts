// The benchmark world: a deterministic, seeded description of a large help desk (contacts,
// conversations, messages across every channel type, agents), produced as a stream of entities in
// creation order. Both the server-store writer and the desktop-cache writer consume the same stream,
// so the two files describe the same data. No dependencies: a small PRNG (sfc32) and word lists.
import { channelTypes, type ChannelType, type ConversationStatus, type MessageDirection, type MessageStatus } from '../src-shared/domain';

export const FULL = { contacts: 100_000, conversations: 200_000, messages: 2_000_000, agents: 50, channels: 16 } as const;
/** Channels 0..3 (a quarter of all conversations) are the bench agent's view. */
export const AGENT_VIEW_CHANNELS = 4;
export const BENCH_PASSWORD = 'bench-password-1234';
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;
/** Fixed "now" of the world, so the data (and its ids) do not depend on the day it is generated. */
export const WORLD_END_MS = Date.UTC(2026, 10, 1);

export interface Sizes {
  contacts: number;
  conversations: number;
  messages: number;
  agents: number;
  channels: number;
}

export function sizesFor(scale: number): Sizes {
  return {
    contacts: Math.max(50, Math.round(FULL.contacts * scale)),
    conversations: Math.max(100, Math.round(FULL.conversations * scale)),
    messages: Math.max(1000, Math.round(FULL.messages * scale)),
    agents: FULL.agents,
    channels: FULL.channels,
  };
}

/** sfc32: small, fast, good enough for test data; seeded through splitmix32. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.next();
  }
  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
}

/** A UUIDv7-shaped id for a time: ids sort by creation time, as the real ones do. */
export function idAt(rng: Rng, ms: number): string {
  const t = Math.floor(ms).toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${rng.hex(3)}-${'89ab'[rng.int(4)]}${rng.hex(3)}-${rng.hex(12)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

const FIRST = ['Anna', 'Ben', 'Chloé', 'Daniel', 'Elif', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kavya', 'Liam', 'Maria', 'Noah', 'Olga', 'Pablo', 'Qi', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Amara', 'Björn', 'Carmen', 'Dmitri', 'Emma', 'Fatima', 'Giulia', 'Hannah', 'Ivan', 'Julia', 'Kenji', 'Lena', 'Mateo', 'Nadia'];
const LAST = ['Smith', 'Müller', 'García', 'Rossi', 'Kowalski', 'Nguyen', 'Okafor', 'Silva', 'Tanaka', 'Dubois', 'Jensen', 'Novak', 'Ahmed', 'Kim', 'Larsen', 'Moreau', 'Petrov', 'Costa', 'Öztürk', 'Schmidt', 'Johansson', 'Fernández', 'Wang', 'Singh', 'Brown', 'Hoffmann', 'Yilmaz', 'Bianchi', 'Murphy', 'Lopez'];
const PRODUCTS = ['router', 'subscription', 'invoice', 'headphones', 'laptop', 'charger', 'voucher', 'parcel', 'account', 'password', 'refund', 'warranty', 'delivery', 'app', 'tablet', 'camera', 'printer', 'modem', 'speaker', 'watch'];
const RARE = ['zephyrine', 'quokkabox', 'lumenforge', 'driftwood', 'saffronia', 'kettlebrook', 'obsidianx', 'marigoldpro'];
const OPENERS = ['Hello,', 'Hi there,', 'Good morning,', 'Hey,', 'Dear support team,', 'Hi,', 'Hello again,', ''];
const CUSTOMER = [
  'my order #{n} has not arrived yet and the tracking page shows no update since {d}.',
  'I was charged twice for my {p} this month, can you please check the invoice?',
  'the {p} stopped working after the last update, it just restarts every few minutes.',
  'I would like to return the {p} I bought last week, how do I get a refund?',
  'can you change the delivery address for order #{n} to my office?',
  'I cannot log in to my account, the password reset email never comes.',
  'is the {p} compatible with the {q} I already have at home?',
  'the courier left a note but I was at home all day, what happened to my parcel?',
  'I received the wrong colour of the {p}, I ordered black and got silver.',
  'please cancel my subscription, I no longer need it after this month.',
  'the discount code from your newsletter does not work at checkout.',
  'thanks for the quick help yesterday, it works perfectly now!',
  'how long does the warranty on the {p} last and what does it cover?',
  'the {r} model was out of stock online, will it be available again soon?',
];
const AGENT = [
  'thanks for reaching out, I am sorry for the trouble with order #{n}.',
  'I have checked your account and I can see the double charge, a refund is on its way.',
  'could you send me a photo of the {p} and the serial number on the back?',
  'I have updated the delivery address, the courier will pick up the change tomorrow.',
  'the return label for the {p} is attached, please drop the parcel at any post office.',
  'a new password reset link has been sent, please also check your spam folder.',
  'yes, the {p} works with the {q}, you only need the latest firmware.',
  'I have escalated this to our logistics team and will get back to you within 24 hours.',
  'your subscription is cancelled, you keep access until the end of the billing period.',
  'the code has expired, but I have applied the same discount to your order manually.',
  'happy to help, is there anything else I can do for you today?',
];
const NOTES = ['customer is a VIP, handle with care', 'waiting for logistics about #{n}', 'refund approved by finance', 'duplicate of an earlier ticket', 'asked for callback tomorrow'];
const CLOSERS = ['Thanks!', 'Best regards,', 'Kind regards,', 'Cheers', 'Thank you in advance.', '', ''];

function fill(rng: Rng, template: string, atMs: number): string {
  return template
    .replace('{n}', String(100000 + rng.int(900000)))
    .replace('{d}', new Date(atMs - rng.int(10) * 86400000).toISOString().slice(0, 10))
    .replace('{p}', rng.pick(PRODUCTS))
    .replace('{q}', rng.pick(PRODUCTS))
    .replace('{r}', rng.pick(RARE));
}

/** Chat texts are a sentence or two; email bodies run to several paragraphs. */
function textFor(rng: Rng, type: ChannelType, direction: MessageDirection, atMs: number): string {
  if (direction === 'note') return fill(rng, rng.pick(NOTES), atMs);
  const pool = direction === 'inbound' ? CUSTOMER : AGENT;
  const email = type === 'email';
  const sentences = email ? 2 + rng.int(9) : 1 + (rng.next() < 0.3 ? 1 : 0) + (rng.next() < 0.1 ? 1 : 0);
  const parts: string[] = [];
  if (email || rng.next() < 0.4) parts.push(rng.pick(OPENERS));
  for (let i = 0; i < sentences; i++) {
    const s = fill(rng, rng.pick(pool), atMs);
    parts.push(s[0]!.toUpperCase() + s.slice(1));
  }
  if (email) parts.push(rng.pick(CLOSERS));
  return parts.filter(Boolean).join(email ? '\n\n' : ' ');
}

// ── the stream ───────────────────────────────────────────────────────────────────────────────
export interface WAgent {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  channelIds: string[];
  createdAt: string;
}
export interface WChannel {
  id: string;
  type: ChannelType;
  name: string;
  createdAt: string;
}
export interface WContact {
  id: string;
  name: string;
  email: string | null;
  identities: { channelType: ChannelType; value: string }[];
  createdAt: string;
  /** Channels this contact has conversations in (its change-log scopes). */
  channelIds: string[];
}
export interface WConversation {
  id: string;
  contactId: string;
  channelId: string;
  status: ConversationStatus;
  assigneeId: string | null;
  subject: string | null;
  lastMessageAt: string;
  lastMessagePreview: string;
  lastInboundAt: string | null;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
}
export interface WMessage {
  id: string;
  conversationId: string;
  channelId: string;
  direction: MessageDirection;
  text: string;
  status: MessageStatus;
  authorId: string | null;
  authorName: string;
  externalId: string | null;
  createdAt: string;
}

export interface World {
  sizes: Sizes;
  agents: WAgent[];
  channels: WChannel[];
  /** Index 0: the bench agent (role agent, member of channels 0..3); 1: the bench supervisor. */
  benchAgentId: string;
  supervisorId: string;
  /** Contacts, conversations and messages, in creation order; a contact comes before its first conversation. */
  stream(): Generator<{ kind: 'contact'; contact: WContact } | { kind: 'conversation'; conversation: WConversation; messages: WMessage[] }>;
}

export function makeWorld(seed: number, scale: number): World {
  const sizes = sizesFor(scale);
  const rng = new Rng(seed);
  const start = WORLD_END_MS - TWO_YEARS_MS;

  const channels: WChannel[] = Array.from({ length: sizes.channels }, (_, i) => {
    const type = channelTypes[i % channelTypes.length]!;
    const at = start - 86400000 * (30 - i);
    return { id: idAt(rng, at), type, name: `${type[0]!.toUpperCase()}${type.slice(1)} ${1 + Math.floor(i / channelTypes.length)}`, createdAt: iso(at) };
  });
  const agents: WAgent[] = Array.from({ length: sizes.agents }, (_, i) => {
    const at = start - 86400000 * 60 + i * 60000;
    const role = i === 1 ? 'supervisor' : i === 2 ? 'admin' : 'agent';
    const name = i === 0 ? 'Bench Agent' : i === 1 ? 'Bench Supervisor' : `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    let channelIds: string[];
    if (i === 0) channelIds = channels.slice(0, AGENT_VIEW_CHANNELS).map((c) => c.id);
    else if (role !== 'agent') channelIds = [];
    else channelIds = [...new Set(Array.from({ length: 3 + rng.int(3) }, () => rng.pick(channels).id))].sort();
    return { id: idAt(rng, at), email: i === 0 ? 'bench-agent@threadline.test' : i === 1 ? 'bench-supervisor@threadline.test' : `agent${i}@threadline.test`, name, role, channelIds, createdAt: iso(at) };
  });
  const membersOf = channels.map((c) => agents.filter((a) => a.channelIds.includes(c.id)));

  // Who talks where: contact and channel of each conversation, decided up front so a contact's scopes are known.
  const nConv = sizes.conversations;
  const convContact = new Int32Array(nConv);
  const convChannel = new Int32Array(nConv);
  const contactFirstConv = new Int32Array(sizes.contacts).fill(-1);
  const contactChannels: (Set<number> | undefined)[] = new Array(sizes.contacts);
  for (let i = 0; i < nConv; i++) {
    // Every contact gets at least one conversation (first pass), then a skew towards returning customers.
    const contact = i < sizes.contacts ? Math.floor((i * 7919) % sizes.contacts) : Math.floor(Math.pow(rng.next(), 2) * sizes.contacts);
    convContact[i] = contact;
    convChannel[i] = i % sizes.channels;
    if (contactFirstConv[contact] === -1) contactFirstConv[contact] = i;
    (contactChannels[contact] ??= new Set()).add(i % sizes.channels);
  }
  const meanMessages = sizes.messages / nConv;
  const seedStream = rng.int(2 ** 31);

  return {
    sizes,
    agents,
    channels,
    benchAgentId: agents[0]!.id,
    supervisorId: agents[1]!.id,
    *stream() {
      const r = new Rng(seedStream);
      const contactIds: string[] = new Array(sizes.contacts);
      const contactNames: string[] = new Array(sizes.contacts);
      let messagesLeft = sizes.messages;
      for (let i = 0; i < nConv; i++) {
        const createdMs = start + Math.floor(((i + r.next()) / nConv) * TWO_YEARS_MS);
        const ci = convContact[i]!;
        const channel = channels[convChannel[i]!]!;
        if (contactFirstConv[ci] === i) {
          const first = r.pick(FIRST);
          const last = r.pick(LAST);
          const at = createdMs - r.int(3600000);
          const id = idAt(r, at);
          const email = `${first}.${last}.${ci}@example.com`.toLowerCase();
          const chans = [...contactChannels[ci]!].map((k) => channels[k]!);
          const identities = [...new Set(chans.map((c) => c.type))].map((t) => ({
            channelType: t,
            value: t === 'email' ? email : t === 'webchat' ? `visitor-${ci}` : t === 'telegram' ? String(100000000 + ci) : `+4915${String(10000000 + ci).padStart(9, '0')}`,
          }));
          contactIds[ci] = id;
          contactNames[ci] = `${first} ${last}`;
          yield { kind: 'contact', contact: { id, name: `${first} ${last}`, email, identities, createdAt: iso(at), channelIds: chans.map((c) => c.id) } };
        }
        // Message counts: 1..(2·mean−1), so the total comes out at the requested size; the last conversation takes the rest.
        const convsLeft = nConv - i;
        let n = i === nConv - 1 ? messagesLeft : 1 + r.int(Math.max(1, Math.round(2 * meanMessages - 1)));
        n = Math.max(1, Math.min(n, messagesLeft - (convsLeft - 1)));
        messagesLeft -= n;
        const id = idAt(r, createdMs);
        const members = membersOf[convChannel[i]!]!;
        const ageDays = (WORLD_END_MS - createdMs) / 86400000;
        const status: ConversationStatus = ageDays > 7 ? (r.next() < 0.97 ? 'resolved' : 'pending') : r.pick(['open', 'open', 'pending', 'resolved'] as const);
        const assignee = members.length && (status !== 'open' || r.next() < 0.6) ? r.pick(members) : null;
        const chat = channel.type !== 'email';
        const messages: WMessage[] = [];
        let t = createdMs;
        let lastInbound: number | null = null;
        let firstResponse: number | null = null;
        let preview = '';
        for (let k = 0; k < n; k++) {
          const direction: MessageDirection = k === 0 ? 'inbound' : r.next() < 0.05 ? 'note' : k % 2 === 1 ? 'outbound' : 'inbound';
          if (k > 0) t += chat ? 10000 + r.int(15 * 60000) : 5 * 60000 + r.int(20 * 3600000);
          if (t > WORLD_END_MS) t = WORLD_END_MS - (n - k) * 1000;
          const text = textFor(r, channel.type, direction, t);
          const author = direction === 'inbound' ? null : (assignee ?? agents[3 + r.int(agents.length - 3)]!);
          if (direction === 'inbound') lastInbound = t;
          if (direction === 'outbound' && firstResponse === null) firstResponse = t;
          if (direction !== 'note') preview = text.replace(/\s+/g, ' ').trim().slice(0, 140);
          messages.push({
            id: idAt(r, t),
            conversationId: id,
            channelId: channel.id,
            direction,
            text,
            status: direction === 'inbound' ? 'received' : direction === 'note' ? 'sent' : r.pick(['sent', 'delivered', 'read', 'read'] as const),
            authorId: author?.id ?? null,
            authorName: author?.name ?? contactNames[ci]!,
            externalId: direction === 'inbound' ? `ext-${i}-${k}` : null,
            createdAt: iso(t),
          });
        }
        const resolvedAt = status === 'resolved' ? t + 60000 + r.int(3600000) : null;
        yield {
          kind: 'conversation',
          conversation: {
            id,
            contactId: contactIds[ci]!,
            channelId: channel.id,
            status,
            assigneeId: assignee?.id ?? null,
            subject: channel.type === 'email' ? `Re: ${r.pick(PRODUCTS)} question` : null,
            lastMessageAt: iso(t),
            lastMessagePreview: preview,
            lastInboundAt: lastInbound === null ? null : iso(lastInbound),
            createdAt: iso(createdMs),
            updatedAt: iso(resolvedAt ?? t),
            firstResponseAt: firstResponse === null ? null : iso(firstResponse),
            resolvedAt: resolvedAt === null ? null : iso(resolvedAt),
          },
          messages,
        };
      }
    },
  };
}

/** Search terms with very different match counts, for the full-text benchmark. */
export const SEARCH_QUERIES = ['order', 'refund', 'password reset', 'zephyrine', 'deliv*', 'courier parcel', '"wrong colour"', 'warranty headphones'];
