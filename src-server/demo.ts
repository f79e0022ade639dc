// The demo workspace for `npm start`, everything marked isDemo:
// - three agents (Ana and Ben agents, Sam supervisor), members of every demo channel;
// - "Website chat" (web chat, CSAT on) with six live-looking conversations of the last day;
// - "Help center chat" (web chat, CSAT on) and "WhatsApp" (no credentials: it never calls Meta, and nothing polls);
// - two weeks of mostly resolved history (src-server/demo-history.ts) so the supervisor dashboard's Reports and Quality tabs
//   have something to show: ~100 conversations over the three channels and agents, labels, priorities, a few
//   reopened / transferred / returning customers, and CSAT answers.
// Idempotent: settings keys remember what was made, so a second start adds nothing.
import type { Role } from '../src-shared/domain';
import { hashPassword } from './auth/passwords';
import type { ThreadlineServer } from './app';
import { seedConversation, type NewChannel, type SeedConversation } from './domain/commands';
import { demoHistory } from './demo-history';

export interface DemoAgent {
  email: string;
  password: string;
  name: string;
  role: Role;
}

export interface DemoWorkspace {
  agents: DemoAgent[];
  webchatChannelId: string;
  /** The history's other channels. */
  helpCenterChannelId: string;
  whatsappChannelId: string;
  chatUrl: string;
}

export const DEMO_AGENTS: readonly DemoAgent[] = [
  { email: 'ana@demo.threadline.dev', password: 'ana-demo-1234', name: 'Ana Lima', role: 'agent' },
  { email: 'ben@demo.threadline.dev', password: 'ben-demo-1234', name: 'Ben Tran', role: 'agent' },
  { email: 'sam@demo.threadline.dev', password: 'sam-demo-1234', name: 'Sam Okafor', role: 'supervisor' },
];

const CHANNEL_SETTING = 'demo.webchatChannelId';
const HELP_CENTER_SETTING = 'demo.helpCenterChannelId';
const WHATSAPP_SETTING = 'demo.whatsappChannelId';
/** Written in the history's own transaction: the history is there exactly when this key is. */
const HISTORY_SETTING = 'demo.historySeededAt';

type Script = { who: 'customer' | 'ana' | 'ben' | 'sam' | 'note:ana' | 'note:sam'; minutesAgo: number; text: string }[];

const CONVERSATIONS: { name: string; email: string; status: SeedConversation['status']; assignee: 'ana' | 'ben' | 'sam' | null; script: Script }[] = [
  {
    name: 'Maya Rodríguez',
    email: 'maya.rodriguez@example.com',
    status: 'open',
    assignee: null,
    script: [
      { who: 'customer', minutesAgo: 14, text: 'Hi! I ordered a blue travel backpack last week (order #2817).' },
      { who: 'customer', minutesAgo: 13, text: 'The tracking page hasn’t changed in four days. Is it lost?' },
    ],
  },
  {
    name: 'Daniel Kim',
    email: 'daniel.kim@example.com',
    status: 'open',
    assignee: 'ana',
    script: [
      { who: 'customer', minutesAgo: 95, text: 'Can I still change the delivery address for order #2790? I’m moving on Friday.' },
      { who: 'ana', minutesAgo: 88, text: 'Hi Daniel! It hasn’t shipped yet, so yes. What’s the new address?' },
      { who: 'customer', minutesAgo: 41, text: 'Great — it’s 12 Harbour Street, Apt 4B, Portland, OR 97209.' },
    ],
  },
  {
    name: 'Priya Natarajan',
    email: 'priya.n@example.com',
    status: 'pending',
    assignee: 'ana',
    script: [
      { who: 'customer', minutesAgo: 320, text: 'The ceramic mug arrived with a crack in the handle. Can I get a refund?' },
      { who: 'note:ana', minutesAgo: 300, text: 'Photo checked — clear transit damage. Refund approved, no return needed.' },
      { who: 'ana', minutesAgo: 298, text: 'I’m so sorry, Priya! I’ve refunded the mug in full; you’ll see it in 3–5 business days. No need to send it back.' },
    ],
  },
  {
    name: 'Lukas Becker',
    email: 'lukas.becker@example.com',
    status: 'resolved',
    assignee: 'ben',
    script: [
      { who: 'customer', minutesAgo: 1500, text: 'The code WELCOME10 says it is invalid at checkout.' },
      { who: 'ben', minutesAgo: 1490, text: 'Hi Lukas, that code only works on the first order. I’ve sent you a 10% code that works on this one: THANKS10.' },
      { who: 'customer', minutesAgo: 1480, text: 'Worked, thank you!' },
    ],
  },
  {
    name: 'Siti Rahma',
    email: 'siti.rahma@example.co.id',
    status: 'open',
    assignee: null,
    script: [{ who: 'customer', minutesAgo: 6, text: 'Halo! Do you ship to Jakarta? How long does delivery usually take?' }],
  },
  {
    name: 'Tomás Silva',
    email: 'tomas.silva@example.com',
    status: 'open',
    assignee: 'sam',
    script: [
      { who: 'customer', minutesAgo: 55, text: 'I was charged twice for order #2755.' },
      { who: 'note:sam', minutesAgo: 50, text: 'Payment provider shows one capture and one pending authorisation — should drop off.' },
      { who: 'sam', minutesAgo: 49, text: 'Hi Tomás, one of those is only a temporary hold from your bank; it disappears within 2 days. You were charged once.' },
      { who: 'customer', minutesAgo: 22, text: 'OK, I’ll keep an eye on it. Thanks.' },
    ],
  },
];

export async function seedDemo(server: ThreadlineServer): Promise<DemoWorkspace> {
  const { db } = server.store;
  const agentIds: Record<string, string> = {};
  for (const a of DEMO_AGENTS) {
    const existing = await db.selectFrom('agents').select('id').where('email', '=', a.email).executeTakeFirst();
    agentIds[a.email] = existing?.id ?? (await server.commands.createAgent({ email: a.email, name: a.name, role: a.role, passwordHash: await hashPassword(a.password) })).id;
  }

  const channelId = await ensureChannel(server, CHANNEL_SETTING, agentIds, { type: 'webchat', name: 'Website chat', config: { greeting: 'Hi! How can we help?', csat: { enabled: true } } }, (id) =>
    seedConversations(server, id, agentIds),
  );
  const helpCenterChannelId = await ensureChannel(server, HELP_CENTER_SETTING, agentIds, { type: 'webchat', name: 'Help center chat', config: { greeting: 'Questions about an order? Ask us here.', csat: { enabled: true } } });
  // No credentials: the WhatsApp adapter has no receiver and nothing is sent unless an agent replies here.
  const whatsappChannelId = await ensureChannel(server, WHATSAPP_SETTING, agentIds, { type: 'whatsapp', name: 'WhatsApp', config: {} });

  if (!(await setting(server, HISTORY_SETTING))) {
    const agent = (key: 'ana' | 'ben' | 'sam') => {
      const a = DEMO_AGENTS.find((d) => d.email.startsWith(`${key}@`))!;
      return { id: agentIds[a.email]!, name: a.name };
    };
    const seeds = demoHistory(Date.now(), { website: channelId, helpCenter: helpCenterChannelId, whatsapp: whatsappChannelId }, agent);
    // One transaction for the whole history (fast, and all or nothing with its settings key).
    await server.commands.run(async (w) => {
      for (const seed of seeds) await seedConversation(w, seed);
      await w.trx.insertInto('settings').values({ key: HISTORY_SETTING, value: new Date().toISOString() }).execute();
    });
  }

  return {
    agents: DEMO_AGENTS.map((a) => ({ ...a })),
    webchatChannelId: channelId,
    helpCenterChannelId,
    whatsappChannelId,
    chatUrl: `${server.publicUrl}/chat/${channelId}`,
  };
}

async function setting(server: ThreadlineServer, key: string): Promise<string | undefined> {
  return (await server.store.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

/** The demo channel remembered under `key`; created (every demo agent a member, then `afterCreate`) when missing. */
async function ensureChannel(
  server: ThreadlineServer,
  key: string,
  agentIds: Record<string, string>,
  input: NewChannel,
  afterCreate?: (id: string) => Promise<void>,
): Promise<string> {
  const { db } = server.store;
  const known = await setting(server, key);
  if (known && (await db.selectFrom('channels').select('id').where('id', '=', known).executeTakeFirst())) return known;
  const id = (await server.commands.createChannel(input)).id;
  for (const a of DEMO_AGENTS) await server.commands.setMembership(id, agentIds[a.email]!, true);
  await afterCreate?.(id);
  await db
    .insertInto('settings')
    .values({ key, value: id })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: id }))
    .execute();
  return id;
}

async function seedConversations(server: ThreadlineServer, channelId: string, agentIds: Record<string, string>): Promise<void> {
  const byKey = (key: 'ana' | 'ben' | 'sam') => DEMO_AGENTS.find((a) => a.email.startsWith(`${key}@`))!;
  const author = (key: 'ana' | 'ben' | 'sam') => ({ id: agentIds[byKey(key).email]!, name: byKey(key).name });
  const now = Date.now();
  for (const [i, c] of CONVERSATIONS.entries()) {
    await server.commands.seedConversation({
      channelId,
      contact: { name: c.name, email: c.email, identity: { channelType: 'webchat', value: `visitor:demo-${i + 1}` } },
      status: c.status,
      assigneeId: c.assignee ? author(c.assignee).id : null,
      isDemo: true,
      messages: c.script.map((m) => {
        const at = new Date(now - m.minutesAgo * 60_000).toISOString();
        if (m.who === 'customer') return { direction: 'inbound' as const, text: m.text, at };
        if (m.who.startsWith('note:')) return { direction: 'note' as const, text: m.text, at, author: author(m.who.slice(5) as 'ana' | 'sam'), status: 'sent' as const };
        return { direction: 'outbound' as const, text: m.text, at, author: author(m.who as 'ana' | 'ben' | 'sam'), status: 'delivered' as const };
      }),
    });
  }
}
