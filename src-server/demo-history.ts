// Two weeks of demo history (src-server/demo.ts) for the supervisor dashboard: ~100 conversations over three
// channels and three agents, mostly resolved, with varied response and resolution times, labels, priorities, a few
// reopened / transferred conversations and returning customers (so FCR and the reopen rate are not trivially
// 100 % / 0 %), and CSAT answers on the web chats. Deterministic: a fixed pseudo-random seed; only the times move
// with `now`. Pure: it returns the seeds, demo.ts writes them.
import type { Priority } from '../src-shared/domain';
import type { SeedConversation } from './domain/commands';
import { seededRandom } from '../src-shared/seeded-random';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
export const HISTORY_DAYS = 14;

type AgentKey = 'ana' | 'ben' | 'sam';
type Author = { id: string; name: string };
export interface DemoChannels {
  website: string;
  helpCenter: string;
  whatsapp: string;
}


interface Topic {
  lang: 'en' | 'id';
  labels: string[];
  priority: Priority;
  /** The customer's opening message(s); {o} = an order number, {first} = the customer's first name. */
  open: string[];
  reply: string;
  /** A customer follow-up and the agent's answer (a next response). */
  follow?: [string, string];
  thanks: string;
  /** The customer comes back after the resolve, and the agent's answer (a reopen). */
  reopen?: [string, string];
  /** When the conversation is handed to a colleague: why. */
  handover: string;
}

const TOPICS: readonly Topic[] = [
  {
    lang: 'en',
    labels: ['shipping'],
    priority: 'normal',
    open: ['Hi, my order #{o} was supposed to arrive yesterday. Any news?'],
    reply: 'Hi {first}! The courier had a delay at the depot; it’s out for delivery today and should be with you by 6 pm.',
    follow: ['Can they leave it with my neighbour at number 14 if I’m out?', 'Done — I’ve added that note to the delivery.'],
    thanks: 'Perfect, thanks!',
    reopen: ['It still hasn’t arrived and the tracking now says “exception”.', 'I’m sorry! I’ve opened a trace with the courier and sent a replacement by express; you’ll have it tomorrow.'],
    handover: 'courier trace needed',
  },
  {
    lang: 'en',
    labels: ['shipping'],
    priority: 'low',
    open: ['Do you ship to Canada?', 'And what does it cost?'],
    reply: 'We do! Standard shipping to Canada is $12 and takes 5–8 business days; it’s free on orders over $80.',
    thanks: 'Great, ordering now.',
    handover: 'international shipping question',
  },
  {
    lang: 'en',
    labels: ['billing'],
    priority: 'high',
    open: ['I was charged twice for order #{o}.'],
    reply: 'Hi {first}, I can see one payment and one pending authorisation that your bank will release within 2 days. You were only charged once.',
    follow: ['It’s been three days and the second charge is still there.', 'Thanks for checking — I’ve asked our payment team to void it manually; you’ll get a confirmation e-mail within the hour.'],
    thanks: 'Got the e-mail. Thank you!',
    reopen: ['My bank says the second charge went through after all.', 'You’re right, I’m sorry — I’ve refunded it now; it shows on your statement in 3–5 business days.'],
    handover: 'payment team question',
  },
  {
    lang: 'en',
    labels: ['billing'],
    priority: 'normal',
    open: ['Can I get an invoice with my company name for order #{o}?'],
    reply: 'Of course! Which company name and VAT number should it show?',
    follow: ['Northwind Traders Ltd, VAT GB123456789.', 'Here you go — the invoice is on your order page now.'],
    thanks: 'Thanks a lot.',
    handover: 'invoice for a business customer',
  },
  {
    lang: 'en',
    labels: ['returns'],
    priority: 'normal',
    open: ['The sneakers from order #{o} are half a size too small. Can I exchange them?'],
    reply: 'Sure! I’ve e-mailed you a prepaid return label; once we scan it we’ll send the next size up.',
    thanks: 'Brilliant, thanks.',
    reopen: ['The return label link says it has expired.', 'Sorry about that — here’s a fresh label, valid for 30 days.'],
    handover: 'exchange needs the warehouse',
  },
  {
    lang: 'en',
    labels: ['damaged', 'returns'],
    priority: 'high',
    open: ['My lamp from order #{o} arrived with a broken shade.'],
    reply: 'I’m so sorry! Could you send a photo of the damage?',
    follow: ['Here’s the photo: the glass is cracked right through.', 'Thank you. I’ve sent a replacement at no cost — no need to return the broken one.'],
    thanks: 'That’s very kind, thanks.',
    handover: 'replacement approval',
  },
  {
    lang: 'en',
    labels: [],
    priority: 'normal',
    open: ['I can’t log in — the password reset e-mail never arrives.'],
    reply: 'Hi {first}! It was caught by our spam filter. I’ve sent a new reset link from a different address; please check your inbox.',
    thanks: 'Got it, I’m back in. Thanks!',
    handover: 'account access',
  },
  {
    lang: 'en',
    labels: [],
    priority: 'low',
    open: ['Is the Alpine rain jacket fully waterproof or just water-resistant?'],
    reply: 'It’s fully waterproof (20,000 mm rating) with taped seams — good for heavy rain.',
    follow: ['And does it run small?', 'It’s true to size; if you’re between sizes, go up one for layering.'],
    thanks: 'Thanks, I’ll order the M.',
    handover: 'product question',
  },
  {
    lang: 'en',
    labels: ['billing'],
    priority: 'urgent',
    open: ['Your site charged me $1,240 instead of $124 for order #{o}!'],
    reply: 'Hi {first}, I’m very sorry — that’s a pricing error on our side. I’ve refunded the $1,116 difference right away; it shows in 1–3 business days.',
    follow: ['OK. Can you confirm that in writing?', 'Absolutely — a written confirmation is on its way to your e-mail.'],
    thanks: 'Received, thanks.',
    handover: 'refund above my limit',
  },
  {
    lang: 'id',
    labels: ['shipping'],
    priority: 'normal',
    open: ['Halo, pesanan saya #{o} belum sampai. Sudah seminggu.'],
    reply: 'Halo {first}, mohon maaf atas keterlambatannya! Paket Anda tertahan di gudang kurir di Surabaya dan akan dikirim besok.',
    thanks: 'Oke, terima kasih banyak!',
    reopen: ['Paketnya masih belum datang.', 'Maaf sekali — kami sudah mengirim paket pengganti dengan layanan ekspres.'],
    handover: 'courier in Indonesia',
  },
  {
    lang: 'id',
    labels: ['returns'],
    priority: 'normal',
    open: ['Bagaimana cara mengembalikan barang? Ukurannya kekecilan.'],
    reply: 'Bisa, kak! Kami sudah mengirim label retur gratis ke email Anda. Setelah paket kami terima, dana dikembalikan dalam 3–5 hari kerja.',
    thanks: 'Siap, terima kasih.',
    handover: 'return from Indonesia',
  },
  {
    lang: 'id',
    labels: ['billing'],
    priority: 'low',
    open: ['Apakah bisa bayar pakai transfer bank?'],
    reply: 'Bisa! Pilih “Transfer bank” saat checkout; nomor virtual account muncul setelah pesanan dibuat.',
    thanks: 'Mantap, terima kasih.',
    handover: 'payment method question',
  },
];

const NAMES_EN = [
  'Olivia Brown', 'Liam Johnson', 'Emma Davis', 'Noah Wilson', 'Ava Martinez', 'Ethan Clark', 'Sophia Lewis', 'Mason Walker',
  'Isabella Hall', 'Lucas Young', 'Mia Allen', 'James King', 'Charlotte Wright', 'Benjamin Scott', 'Amelia Green', 'Henry Adams',
  'Harper Baker', 'Jack Nelson', 'Evelyn Carter', 'Leo Mitchell', 'Chloe Perez', 'Oscar Roberts', 'Grace Turner', 'Arjun Mehta',
  'Fatima Haddad', 'Kenji Watanabe', 'Elena Rossi', 'Jonas Müller', 'Aisha Bello', 'Mateo García',
];
const NAMES_ID = ['Budi Santoso', 'Dewi Lestari', 'Agus Wijaya', 'Putri Maharani', 'Rizky Pratama', 'Intan Permata', 'Joko Susilo', 'Ayu Kartika', 'Fajar Nugroho', 'Nur Aini'];

const COMMENTS: Record<number, string[]> = {
  1: ['Took two days to get a real answer.', 'Still no refund.'],
  2: ['Slow, and I had to explain everything twice.', 'The label didn’t work.'],
  3: ['OK in the end.', 'Fine, but it took a while.'],
  4: ['Quick and friendly.', 'Helpful, thanks.', 'Cepat dan ramah.'],
  5: ['Brilliant help!', 'Super fast, thank you!', 'Best support I’ve had.', 'Sangat membantu, terima kasih!'],
};

type Contact = { name: string; email?: string; identity: { channelType: 'webchat' | 'whatsapp'; value: string } };

/**
 * The history's seeds, oldest first: every time is in (now − 15 days, now − 26 h]. `agent` maps the demo agents
 * to their ids. A conversation that would go on past that end is cut after its last agent reply and stays pending
 * (awaiting the customer); one with no reply by then is left out.
 */
export function demoHistory(now: number, channels: DemoChannels, agent: (key: AgentKey) => Author): SeedConversation[] {
  const rnd = seededRandom(20261126);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
  const weighted = <T>(pairs: readonly (readonly [T, number])[]): T => {
    let r = rnd() * pairs.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of pairs) if ((r -= w) < 0) return v;
    return pairs.at(-1)![0];
  };
  /** Skewed waits: mostly short, sometimes long (exponential, mean `mean`, at least `min`). */
  const wait = (mean: number, min: number) => Math.max(min, -Math.log(1 - rnd()) * mean);

  // Ends before the first-day conversations of demo.ts (the oldest is 25 h old), so those stay on top of the inbox.
  const end = now - 26 * HOUR;
  const out: SeedConversation[] = [];
  const recent: { contact: Contact; channel: keyof DemoChannels; at: number }[] = [];
  let n = 0;
  // Day by day (oldest first), busier on weekdays, customers writing 07:00–20:00 UTC.
  for (let d = HISTORY_DAYS; d >= 1; d--) {
    const dayStart = Math.floor((now - d * DAY) / DAY) * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const count = weekday === 0 || weekday === 6 ? 4 + Math.floor(rnd() * 2) : 7 + Math.floor(rnd() * 3);
    const starts = Array.from({ length: count }, () => dayStart + between(7, 20) * HOUR).sort((a, b) => a - b);
    for (const createdAt of starts) {
      if (createdAt > end - 2 * HOUR) continue;
      n++;
      const channel = weighted<keyof DemoChannels>([['website', 45], ['helpCenter', 30], ['whatsapp', 25]]);
      const topic = channel === 'whatsapp' ? pick(TOPICS) : pick(TOPICS.filter((t) => t.lang === 'en' || rnd() < 0.3));
      const channelType = channel === 'whatsapp' ? 'whatsapp' : 'webchat';
      // A returning customer (same contact, same kind of channel, within five days) breaks the earlier one's FCR.
      const back = rnd() < 0.12 ? recent.filter((r) => r.at > createdAt - 5 * DAY && (r.channel === 'whatsapp') === (channel === 'whatsapp')).at(-1) : undefined;
      let contact: Contact;
      if (back) contact = back.contact;
      else {
        const name = topic.lang === 'id' ? pick(NAMES_ID) : pick(NAMES_EN);
        const slug = name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ /g, '.');
        contact =
          channelType === 'whatsapp'
            ? { name, identity: { channelType, value: `${topic.lang === 'id' ? '62812' : '1555'}${String(1_000_000 + n * 7919).slice(-7)}` } }
            : { name, email: `${slug}@example.${topic.lang === 'id' ? 'co.id' : 'com'}`, identity: { channelType, value: `visitor:demo-history-${n}` } };
      }
      recent.push({ contact, channel, at: createdAt });

      const owner = weighted<AgentKey>([['ana', 45], ['ben', 40], ['sam', 15]]);
      // Who is quick: Ana fastest, Ben slowest; WhatsApp answered slower than the web chats.
      const speed = { ana: 0.6, ben: 1.5, sam: 1 }[owner] * (channel === 'whatsapp' ? 1.8 : channel === 'website' ? 0.8 : 1);
      const order = String(2000 + ((n * 37) % 700));
      const first = contact.name.split(' ')[0]!;
      const fill = (s: string) => s.replace('{o}', order).replace('{first}', first);

      type Step = { at: number; msg?: SeedConversation['messages'][number]; event?: 'resolved' | 'reopened' | 'transferred' };
      const steps: Step[] = [];
      let t = createdAt;
      let assignee = owner;
      const customer = (text: string) => steps.push({ at: t, msg: { direction: 'inbound', text: fill(text), at: '' } });
      const reply = (who: AgentKey, text: string) => steps.push({ at: t, msg: { direction: 'outbound', text: fill(text), at: '', author: agent(who), status: 'delivered' } });

      for (const [i, text] of topic.open.entries()) {
        if (i > 0) t += between(0.3, 2) * MIN;
        customer(text);
      }
      // First response: minutes usually, hours now and then (a queue backlog, an overnight message).
      t += rnd() < 0.1 ? between(2, 9) * HOUR : wait(9 * MIN * speed, 30_000);
      const transfer = rnd() < 0.08;
      if (transfer) {
        const to = owner === 'ben' ? 'ana' : 'ben';
        reply(owner, 'Thanks for your patience — I’m handing this to my colleague who looks after these, they’ll be right with you.');
        t += between(0.5, 3) * MIN;
        steps.push({ at: t, msg: { direction: 'note', text: `Handing over to ${agent(to).name.split(' ')[0]}: ${topic.handover}.`, at: '', author: agent(owner), status: 'sent' } });
        steps.push({ at: t + 1000, event: 'transferred' });
        assignee = to;
        t += wait(12 * MIN, 2 * MIN);
      }
      reply(assignee, topic.reply);
      if (topic.follow) {
        t += wait(15 * MIN, 1 * MIN);
        customer(topic.follow[0]);
        t += wait(8 * MIN * speed, 20_000);
        reply(assignee, topic.follow[1]);
      }
      // A few recent ones still wait for the customer's answer (pending, never resolved).
      const waiting = d <= 4 && rnd() < 0.15;
      if (waiting) t = Infinity; // what follows is cut below, like everything after the end
      else if (rnd() < 0.85) {
        t += wait(6 * MIN, 30_000);
        customer(topic.thanks);
      }
      // Resolved a little later, sometimes only the next day (left pending in case the customer answers).
      t += rnd() < 0.12 ? between(5, 20) * HOUR : wait(20 * MIN, 1 * MIN);
      const resolvedAt = t;
      steps.push({ at: t, event: 'resolved' });
      if (topic.reopen && rnd() < 0.3) {
        t += between(0.5, 3) * DAY;
        steps.push({ at: t, event: 'reopened' });
        customer(topic.reopen[0]);
        t += wait(20 * MIN * speed, 1 * MIN);
        reply(assignee, topic.reopen[1]);
        t += wait(30 * MIN, 2 * MIN);
        steps.push({ at: t, event: 'resolved' });
      }

      // Cut at the end of the history: what happened later has not happened yet.
      const kept = steps.filter((s) => s.at <= end);
      // Never left waiting for an agent: an open conversation would count against its agent's capacity in routing.
      while (kept.length > 1 && (kept.at(-1)!.msg?.direction === 'inbound' || kept.at(-1)!.event === 'reopened')) kept.pop();
      if (!kept.some((s) => s.msg?.direction === 'outbound')) continue;
      const lastEvent = [...kept].reverse().find((s) => s.event && s.event !== 'transferred')?.event;
      const status: SeedConversation['status'] = lastEvent === 'resolved' ? 'resolved' : 'pending';
      const reopened = kept.some((s) => s.event === 'reopened');

      const seed: SeedConversation = {
        channelId: channels[channel],
        contact,
        status,
        assigneeId: agent(assignee).id,
        isDemo: true,
        priority: topic.priority === 'normal' && rnd() < 0.1 ? 'high' : topic.priority,
        labels: topic.labels,
        messages: kept.filter((s) => s.msg).map((s) => ({ ...s.msg!, at: new Date(Math.round(s.at)).toISOString() })),
        events: kept.filter((s) => s.event).map((s) => ({ at: new Date(Math.round(s.at)).toISOString(), kind: s.event! })),
      };
      // CSAT on the web chats (their surveys are on): most resolves send one, about 60 % are answered; slow or
      // reopened conversations score lower. One survey per conversation, sent at the first resolve.
      if (status === 'resolved' && channelType === 'webchat' && rnd() < 0.75) {
        const sentAt = resolvedAt + 5_000;
        const answeredAt = sentAt + wait(40 * MIN, 1 * MIN);
        const slow = kept.find((s) => s.msg?.direction === 'outbound')!.at - createdAt > 2 * HOUR;
        const penalty = (reopened ? 1 : 0) + (slow ? 1 : 0) + (transfer ? 1 : 0);
        const answered = rnd() < 0.6 && answeredAt <= end;
        const score = answered ? Math.max(1, weighted([[5, 45], [4, 30], [3, 13], [2, 7], [1, 5]] as const) - penalty) : undefined;
        seed.csat = {
          sentAt: new Date(Math.round(sentAt)).toISOString(),
          ...(score !== undefined ? { score, answeredAt: new Date(Math.round(answeredAt)).toISOString(), ...(rnd() < 0.45 ? { comment: pick(COMMENTS[score]!) } : {}) } : {}),
        };
      }
      out.push(seed);
    }
  }
  return out;
}
