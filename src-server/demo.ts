// The demo workspace for `npm start`: a few agents, a "Website chat" channel and realistic
// conversations marked isDemo. Idempotent: a second call finds what the first one made.
import type { Role } from '../src-shared/domain';
import { hashPassword } from './auth/passwords';
import type { ThreadlineServer } from './app';
import type { SeedConversation } from './domain/commands';

export interface DemoAgent {
  email: string;
  password: string;
  name: string;
  role: Role;
}

export interface DemoWorkspace {
  agents: DemoAgent[];
  webchatChannelId: string;
  chatUrl: string;
}

export const DEMO_AGENTS: readonly DemoAgent[] = [
  { email: 'ana@demo.threadline.dev', password: 'ana-demo-1234', name: 'Ana Lima', role: 'agent' },
  { email: 'ben@demo.threadline.dev', password: 'ben-demo-1234', name: 'Ben Tran', role: 'agent' },
  { email: 'sam@demo.threadline.dev', password: 'sam-demo-1234', name: 'Sam Okafor', role: 'supervisor' },
];

const CHANNEL_SETTING = 'demo.webchatChannelId';

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

  const setting = await db.selectFrom('settings').select('value').where('key', '=', CHANNEL_SETTING).executeTakeFirst();
  let channelId = setting?.value;
  if (!channelId || !(await db.selectFrom('channels').select('id').where('id', '=', channelId).executeTakeFirst())) {
    channelId = (await server.commands.createChannel({ type: 'webchat', name: 'Website chat', config: { greeting: 'Hi! How can we help?', csat: { enabled: true } } })).id;
    for (const a of DEMO_AGENTS) await server.commands.setMembership(channelId, agentIds[a.email]!, true);
    await seedConversations(server, channelId, agentIds);
    await db
      .insertInto('settings')
      .values({ key: CHANNEL_SETTING, value: channelId })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: channelId! }))
      .execute();
  }

  return {
    agents: DEMO_AGENTS.map((a) => ({ ...a })),
    webchatChannelId: channelId,
    chatUrl: `${server.publicUrl}/chat/${channelId}`,
  };
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
