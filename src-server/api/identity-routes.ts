// Issue 4 REST: customer profiles (PATCH, lookup by any identity), merge / unmerge / suggestions, the customer
// timeline, reachable channels for the composer, and search (contacts + messages in the agent's channels).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { whatsappReplyRule } from '../../src-shared/reply-window';
import { normaliseIdentity } from '../../src-shared/identity';
import { nowIso } from '../../src-shared/ids';
import { loadContact, messageOf, conversationOf } from '../domain/entities';
import { conflict, invalid, notFound } from '../domain/errors';
import { seesAllChannels, visibleChannelIds, type Actor } from '../domain/visibility';
import { audit, decideSuggestion, emitContactEverywhere, mergeContacts, unmergeContacts } from '../identity/service';
import type { Db } from '../store/db';
import { parse } from './http-errors';
import { actorOf, type ServerContext } from './context';

const Id = z.string().min(1).max(64);
const AttrValue = z.union([z.string().max(2000), z.number(), z.boolean()]);
const IdentityInput = z.object({ channelType: z.enum(['email', 'phone', 'whatsapp', 'telegram', 'webchat']), value: z.string().trim().min(1).max(320) });

export const ContactPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    tier: z.string().trim().max(40).nullable().optional(),
    language: z.string().trim().max(35).nullable().optional(),
    timeZone: z
      .string()
      .trim()
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'not a known IANA time zone')
      .nullable()
      .optional(),
    /** Merged key by key; a null value removes the key. */
    attributes: z.record(z.string().min(1).max(100), AttrValue.nullable()).optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    notes: z.string().max(10_000).nullable().optional(),
    /** Identities a CRM or an agent adds (claimed, not verified). One owned by another contact is a 409. */
    addIdentities: z.array(IdentityInput).max(20).optional(),
  })
  .strict();

/** A contact the actor may see: it has a conversation in one of their channels (supervisors/admins: all). */
async function canSeeContact(db: Db, actor: Actor, contactId: string): Promise<boolean> {
  const row = await db.selectFrom('contacts').select('id').where('id', '=', contactId).executeTakeFirst();
  if (!row) return false;
  if (seesAllChannels(actor.role)) return true;
  const seen = await db
    .selectFrom('conversations')
    .innerJoin('channel_members', 'channel_members.channel_id', 'conversations.channel_id')
    .select('conversations.id')
    .where('conversations.contact_id', '=', contactId)
    .where('channel_members.agent_id', '=', actor.id)
    .executeTakeFirst();
  return !!seen;
}

async function requireContact(ctx: ServerContext, req: FastifyRequest, id: string): Promise<Actor> {
  const actor = actorOf(req);
  if (!(await canSeeContact(ctx.db, actor, id))) throw notFound('contact');
  return actor;
}

/** `GET /api/v1/contacts?identity=…` (from contacts-routes): the contact owning that identity, in any kind. */
export async function contactsByIdentity(ctx: ServerContext, req: FastifyRequest, raw: string) {
  const actor = actorOf(req);
  const kinds = ['email', 'phone', 'whatsapp', 'telegram', 'webchat'];
  const [prefix, ...rest] = raw.split(':');
  const explicit = rest.length > 0 && kinds.includes(prefix!) ? { kind: prefix!, value: rest.join(':') } : null;
  const candidates: { kind: string; value: string }[] = [];
  for (const kind of explicit ? [explicit.kind] : kinds) {
    const v = normaliseIdentity(kind, explicit ? explicit.value : raw);
    if (v) candidates.push({ kind, value: v });
    // A phone also finds the WhatsApp number.
    if (kind === 'phone' && v) candidates.push({ kind: 'whatsapp', value: v.slice(1) });
  }
  if (!explicit && !candidates.length) candidates.push({ kind: 'webchat', value: raw.trim() });
  const ids = new Set<string>();
  for (const c of candidates) {
    const row = await ctx.db.selectFrom('contact_identities').select('contact_id').where('channel_type', '=', c.kind).where('value', '=', c.value).executeTakeFirst();
    if (row && (await canSeeContact(ctx.db, actor, row.contact_id))) ids.add(row.contact_id);
  }
  const items = [];
  for (const id of ids) {
    const c = await loadContact(ctx.db, id);
    if (c) items.push(c);
  }
  return { items, nextCursor: null };
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function identityRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.patch('/api/v1/contacts/:id', async (req) => {
    const { id } = parse(z.object({ id: Id }), req.params);
    const patch = parse(ContactPatch, req.body ?? {});
    const actor = await requireContact(ctx, req, id);
    return ctx.commands.run(async (w) => {
      const row = await w.trx.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      if (row.merged_into) throw conflict('this contact was merged into another; edit that one');
      const now = nowIso();
      // Identities first: a conflict refuses the whole PATCH (nothing changed).
      const added: { channelType: string; value: string }[] = [];
      for (const i of patch.addIdentities ?? []) {
        const value = normaliseIdentity(i.channelType, i.value);
        if (!value) throw invalid(`not a valid ${i.channelType}: ${i.value}`);
        const owner = await w.trx.selectFrom('contact_identities').select('contact_id').where('channel_type', '=', i.channelType).where('value', '=', value).executeTakeFirst();
        if (owner && owner.contact_id !== id) throw conflict(`${i.channelType} ${value} belongs to another contact (${owner.contact_id}); merge the two contacts instead`);
        if (!owner) {
          await w.trx.insertInto('contact_identities').values({ channel_type: i.channelType, value, contact_id: id, created_at: now, verified: 0, source: `agent:${actor.id}` }).execute();
          added.push({ channelType: i.channelType, value });
        }
      }
      const attributes = patch.attributes ? { ...(row.attributes ? (JSON.parse(row.attributes) as Record<string, unknown>) : {}) } : null;
      if (attributes && patch.attributes) {
        for (const [k, v] of Object.entries(patch.attributes)) {
          if (v === null) delete attributes[k];
          else attributes[k] = v;
        }
        if (Object.keys(attributes).length > 200) throw invalid('at most 200 custom attributes');
      }
      const set = {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.tier !== undefined ? { tier: patch.tier || null } : {}),
        ...(patch.language !== undefined ? { language: patch.language || null } : {}),
        ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone || null } : {}),
        ...(patch.notes !== undefined ? { notes: patch.notes || null } : {}),
        ...(patch.tags !== undefined ? { tags: JSON.stringify([...new Set(patch.tags)]) } : {}),
        ...(attributes ? { attributes: JSON.stringify(attributes) } : {}),
      };
      if (Object.keys(set).length) await w.trx.updateTable('contacts').set({ ...set, updated_at: now }).where('id', '=', id).execute();
      await audit(w, id, 'profile_updated', actor.id, { fields: Object.keys(patch), added }, now);
      await emitContactEverywhere(w, id);
      return (await loadContact(w.trx, id))!;
    });
  });

  app.post('/api/v1/contacts/:id/merge', async (req) => {
    const { id } = parse(z.object({ id: Id }), req.params);
    const { otherId } = parse(z.object({ otherId: Id }).strict(), req.body ?? {});
    const actor = await requireContact(ctx, req, id);
    if (!(await canSeeContact(ctx.db, actor, otherId))) throw notFound('contact');
    const mergeId = await ctx.commands.run((w) => mergeContacts(w, actor.id, id, otherId, 'merged by an agent'));
    return { mergeId, contact: await loadContact(ctx.db, id) };
  });

  app.post('/api/v1/contacts/:id/unmerge', async (req) => {
    const { id } = parse(z.object({ id: Id }), req.params);
    const { mergeId } = parse(z.object({ mergeId: Id }).strict(), req.body ?? {});
    const actor = await requireContact(ctx, req, id);
    const { restoredId } = await ctx.commands.run((w) => unmergeContacts(w, actor.id, id, mergeId));
    return { contact: await loadContact(ctx.db, id), restored: await loadContact(ctx.db, restoredId) };
  });

  app.get('/api/v1/contacts/:id/merges', async (req) => {
    const { id } = parse(z.object({ id: Id }), req.params);
    await requireContact(ctx, req, id);
    const rows = await ctx.db.selectFrom('contact_merges').selectAll().where('survivor_id', '=', id).orderBy('created_at', 'desc').execute();
    return {
      items: rows.map((r) => ({ id: r.id, mergedId: r.merged_id, reason: r.reason, actorId: r.actor_id, createdAt: r.created_at, undoneAt: r.undone_at })),
    };
  });

  app.get('/api/v1/contacts/:id/suggestions', async (req) => {
    const { id } = parse(z.object({ id: Id }), req.params);
    const actor = await requireContact(ctx, req, id);
    const rows = await ctx.db
      .selectFrom('merge_suggestions')
      .selectAll()
      .where('state', '=', 'open')
      .where((eb) => eb.or([eb('contact_id', '=', id), eb('other_id', '=', id)]))
      .orderBy('created_at', 'desc')
      .execute();
    const items = [];
    for (const r of rows) {
      const otherId = r.contact_id === id ? r.other_id : r.contact_id;
      if (!(await canSeeContact(ctx.db, actor, otherId))) continue;
      const other = await loadContact(ctx.db, otherId);
      if (other && !other.mergedInto) items.push({ id: r.id, reason: r.reason, createdAt: r.created_at, other });
    }
    return { items };
  });

  app.post('/api/v1/contacts/:id/suggestions/:suggestionId', async (req) => {
    const { id, suggestionId } = parse(z.object({ id: Id, suggestionId: Id }), req.params);
    const { action } = parse(z.object({ action: z.enum(['accept', 'dismiss']) }).strict(), req.body ?? {});
    const actor = await requireContact(ctx, req, id);
    const res = await ctx.commands.run((w) => decideSuggestion(w, actor.id, id, suggestionId, action === 'accept'));
    return { ...res, contact: await loadContact(ctx.db, id) };
  });

  app.get('/api/v1/contacts/:id/timeline', async (req) => {
    const { id } = parse(z.object({ id: Id }), req.params);
    const q = parse(z.object({ before: z.string().max(40).optional(), limit: z.coerce.number().int().positive().max(500).default(100) }), req.query);
    const actor = await requireContact(ctx, req, id);
    const visible = await visibleChannelIds(ctx.db, actor);
    const before = q.before ?? '9999';
    const convs = await ctx.db.selectFrom('conversations').selectAll().where('contact_id', '=', id).where('channel_id', 'in', visible.length ? visible : ['']).execute();
    const convIds = convs.map((c) => c.id);
    const inConvs = convIds.length ? convIds : [''];
    const [messages, sla, routing, auditRows, csatRows] = await Promise.all([
      ctx.db.selectFrom('messages').selectAll().where('conversation_id', 'in', inConvs).where('created_at', '<', before).orderBy('created_at', 'desc').limit(q.limit).execute(),
      ctx.db.selectFrom('sla_events').selectAll().where('conversation_id', 'in', inConvs).where('fired_at', '<', before).orderBy('fired_at', 'desc').limit(q.limit).execute(),
      ctx.db.selectFrom('routing_events').selectAll().where('conversation_id', 'in', inConvs).where('at', '<', before).orderBy('at', 'desc').limit(q.limit).execute(),
      ctx.db.selectFrom('contact_audit').selectAll().where('contact_id', '=', id).where('created_at', '<', before).orderBy('created_at', 'desc').limit(q.limit).execute(),
      // CSAT answers (docs/csat.md): one item per answered survey, at its (latest) answer time.
      ctx.db.selectFrom('csat_surveys').selectAll().where('conversation_id', 'in', inConvs).where('answered_at', 'is not', null).where('answered_at', '<', before).orderBy('answered_at', 'desc').limit(q.limit).execute(),
    ]);
    type Item = { kind: string; id: string; at: string; conversationId: string | null; channelId: string | null; data: unknown };
    const items: Item[] = [
      ...convs.filter((c) => c.created_at < before).map((c) => ({ kind: 'conversation', id: c.id, at: c.created_at, conversationId: c.id, channelId: c.channel_id, data: conversationOf(c) })),
      ...messages.map((m) => ({ kind: 'message', id: m.id, at: m.created_at, conversationId: m.conversation_id, channelId: m.channel_id, data: messageOf(m) })),
      ...sla.map((e) => ({ kind: 'sla', id: e.id, at: e.fired_at, conversationId: e.conversation_id, channelId: e.channel_id, data: { target: e.target, kind: e.kind, dueAt: e.due_at } })),
      ...routing.map((e) => ({ kind: 'routing', id: e.id, at: e.at, conversationId: e.conversation_id, channelId: e.channel_id, data: { kind: e.kind, ...(JSON.parse(e.data) as object) } })),
      ...csatRows.map((c) => ({ kind: 'csat', id: c.id, at: c.answered_at!, conversationId: c.conversation_id, channelId: c.channel_id, data: { score: c.score, comment: c.comment, agentId: c.agent_id } })),
      ...auditRows.map((a) => ({ kind: 'audit', id: a.id, at: a.created_at, conversationId: null, channelId: null, data: { kind: a.kind, actorId: a.actor_id, ...(JSON.parse(a.data) as object) } })),
    ];
    items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1));
    const page = items.slice(0, q.limit);
    const types = new Map((await ctx.db.selectFrom('channels').select(['id', 'type']).execute()).map((c) => [c.id, c.type]));
    return { items: page.map((i) => ({ ...i, channelType: i.channelId ? (types.get(i.channelId) ?? null) : null })), nextBefore: items.length > q.limit ? page.at(-1)!.at : null };
  });

  app.get('/api/v1/conversations/:id/reachability', async (req) => {
    const { id } = parse(z.object({ id: Id }), req.params);
    const actor = actorOf(req);
    const visible = new Set(await visibleChannelIds(ctx.db, actor));
    const conv = await ctx.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!conv || !visible.has(conv.channel_id)) throw notFound('conversation');
    const identities = await ctx.db.selectFrom('contact_identities').select(['channel_type', 'value']).where('contact_id', '=', conv.contact_id).execute();
    const types = new Set(identities.map((i) => i.channel_type));
    const channels = await ctx.db.selectFrom('channels').select(['id', 'type', 'name']).execute();
    const lastInbound = await ctx.db
      .selectFrom('messages')
      .select(['channel_id', 'created_at'])
      .where('conversation_id', '=', conv.id)
      .where('direction', '=', 'inbound')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    // Per channel the customer has used (or, for a channel type they have an identity of, any visible channel of it).
    const used = await ctx.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select((eb) => ['messages.channel_id as channel_id', eb.fn.max('messages.created_at').as('last_in')])
      .where('conversations.contact_id', '=', conv.contact_id)
      .where('messages.direction', '=', 'inbound')
      .groupBy('messages.channel_id')
      .execute();
    const lastInByChannel = new Map(used.map((u) => [u.channel_id, u.last_in as string]));
    const now = new Date();
    const items = [];
    for (const ch of channels) {
      if (!visible.has(ch.id) || !types.has(ch.type)) continue;
      // Of several channels of one type, offer those the customer used (the conversation's own always).
      const sameType = channels.filter((c) => c.type === ch.type && visible.has(c.id));
      if (sameType.length > 1 && !lastInByChannel.has(ch.id) && ch.id !== conv.channel_id) continue;
      let reachable = true;
      let reason: string | null = null;
      let closesAt: string | null = null;
      if (ch.type === 'whatsapp') {
        const rule = whatsappReplyRule(lastInByChannel.get(ch.id) ?? null, now);
        reachable = rule.allowed;
        reason = rule.reason ? 'whatsapp_window_closed' : null;
        closesAt = rule.closesAt;
      } else if (ch.type === 'webchat') {
        const webIds = identities.filter((i) => i.channel_type === 'webchat').map((i) => i.value);
        const online = ctx.hub.widgetOnline(ch.id, webIds);
        // Web chat replies are kept for the visitor's next visit; "online" says whether they see it now.
        reason = online ? null : 'visitor_offline';
      }
      items.push({ channelId: ch.id, channelType: ch.type, channelName: ch.name, reachable, reason, closesAt, isDefault: false });
    }
    const def = items.find((i) => i.channelId === lastInbound?.channel_id) ?? items.find((i) => i.channelId === conv.channel_id) ?? items[0];
    if (def) def.isDefault = true;
    return { items };
  });

  app.get('/api/v1/search', async (req) => {
    const q = parse(z.object({ q: z.string().trim().min(2).max(200), limit: z.coerce.number().int().positive().max(100).default(20) }), req.query);
    const actor = actorOf(req);
    const visible = await visibleChannelIds(ctx.db, actor);
    const inVisible = visible.length ? visible : [''];
    const pattern = `%${likeEscape(q.q.toLowerCase())}%`;
    // Messages: plain substring (case-insensitive) in the agent's channels, newest first, notes included.
    const messages = await ctx.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .selectAll('messages')
      .where('conversations.channel_id', 'in', inVisible)
      .where(sql<boolean>`lower(messages.text) LIKE ${pattern} ESCAPE '\\'`)
      .orderBy('messages.created_at', 'desc')
      .limit(q.limit)
      .execute();
    const contactIds = new Set<string>();
    const byName = await ctx.db.selectFrom('contacts').select('id').where('merged_into', 'is', null).where(sql<boolean>`lower(name) LIKE ${pattern} ESCAPE '\\'`).limit(q.limit).execute();
    byName.forEach((r) => contactIds.add(r.id));
    const byIdentity = await ctx.db.selectFrom('contact_identities').select('contact_id').where(sql<boolean>`lower(value) LIKE ${pattern} ESCAPE '\\'`).limit(q.limit).execute();
    byIdentity.forEach((r) => contactIds.add(r.contact_id));
    const contacts = [];
    for (const cid of contactIds) {
      if (contacts.length >= q.limit) break;
      if (!(await canSeeContact(ctx.db, actor, cid))) continue;
      const c = await loadContact(ctx.db, cid);
      if (c && !c.mergedInto) contacts.push(c);
    }
    return { contacts, messages: messages.map(messageOf) };
  });
}

