// /api/v1/contacts: a contact is visible when it has a conversation in a channel the agent sees.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { contactOf } from '../domain/entities';
import { notFound } from '../domain/errors';
import { seesAllChannels, type Actor } from '../domain/visibility';
import type { Db } from '../store/db';
import { decodeCursor, ListQuery, pageOf } from './pagination';
import { parse } from './http-errors';
import { actorOf, type ServerContext } from './context';
import { contactsByIdentity } from './identity-routes';

function visibleContacts(db: Db, actor: Actor) {
  const query = db.selectFrom('contacts').selectAll();
  if (seesAllChannels(actor.role)) return query;
  return query.where(({ exists, selectFrom }) =>
    exists(
      selectFrom('conversations')
        .innerJoin('channel_members', 'channel_members.channel_id', 'conversations.channel_id')
        .select('conversations.id')
        .whereRef('conversations.contact_id', '=', 'contacts.id')
        .where('channel_members.agent_id', '=', actor.id),
    ),
  );
}

async function identitiesOf(db: Db, contactIds: string[]) {
  if (contactIds.length === 0) return [];
  return db.selectFrom('contact_identities').select(['contact_id', 'channel_type', 'value']).where('contact_id', 'in', contactIds).orderBy('created_at').orderBy('value').execute();
}

export function contactRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/contacts', async (req) => {
    // Issue 4: lookup by any identity (`?identity=+62 812…`, `?identity=email:a@b.c`): identity-routes.ts.
    const identity = (req.query as { identity?: unknown } | undefined)?.identity;
    if (typeof identity === 'string') return contactsByIdentity(ctx, req, parse(z.string().trim().min(1).max(320), identity));
    const q = parse(ListQuery, req.query);
    const after = decodeCursor(q.cursor, 1);
    let query = visibleContacts(ctx.db, actorOf(req)).orderBy('contacts.id').limit(q.limit + 1);
    if (after) query = query.where('contacts.id', '>', after[0]!);
    const rows = await query.execute();
    const identities = await identitiesOf(ctx.db, rows.map((r) => r.id));
    return pageOf(
      rows,
      q.limit,
      (r) => contactOf(r, identities.filter((i) => i.contact_id === r.id)),
      (r) => [r.id],
    );
  });

  app.get('/api/v1/contacts/:id', async (req) => {
    const { id } = parse(z.object({ id: z.string().max(64) }), req.params);
    const row = await visibleContacts(ctx.db, actorOf(req)).where('contacts.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('contact');
    return contactOf(row, await identitiesOf(ctx.db, [id]));
  });
}
