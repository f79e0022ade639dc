// Issue 3 routes: attachments (bytes to agents who may see the channel only), the original of an e-mail
// (sanitised HTML / full text, shown on demand in a sandboxed frame), WhatsApp templates (list, sync, send).
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../domain/errors';
import { canSeeChannel } from '../domain/visibility';
import { attachmentsDir } from '../channels/media';
import type { WhatsAppConfig } from '../channels/config-schemas';
import { approvedTemplates, buildTemplateSend, syncTemplates, TemplateSendBody } from '../channels/whatsapp/templates';
import { HttpError, parse } from './http-errors';
import { actorOf, requireRole, type ServerContext } from './context';

const IdParams = z.object({ id: z.string().max(64) });

/** Served inline only when the bytes were recognised as one of these (never SVG or HTML). */
const INLINE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A best-effort, fire-and-forget template sync (channel created or its config changed). */
export function syncTemplatesSoon(ctx: ServerContext, channelId: string): void {
  void (async () => {
    const row = await ctx.db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
    if (row?.type !== 'whatsapp') return;
    const r = await syncTemplates(ctx.db, channelId, ctx.channels.channelConfig(row) as WhatsAppConfig, AbortSignal.timeout(15_000));
    if (!r.ok) ctx.log.warn({ channelId, reason: r.reason }, 'WhatsApp template sync failed');
  })().catch((err: unknown) => ctx.log.warn({ err, channelId }, 'WhatsApp template sync failed'));
}

export function mediaRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/attachments/:id', async (req, reply) => {
    const { id } = parse(IdParams, req.params);
    const row = await ctx.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
    // Not there, not visible to this agent, or not downloaded (yet): the same 404, nothing to learn from it.
    if (!row || !(await canSeeChannel(ctx.db, actorOf(req), row.channel_id)) || row.state !== 'ready') throw notFound('attachment');
    const file = path.join(attachmentsDir(ctx.channels.opts.dataDir), row.id);
    if (!fs.existsSync(file)) throw notFound('attachment');
    const type = row.mime_type ?? 'application/octet-stream';
    const name = row.file_name ?? `${row.kind}-${row.id.slice(-8)}`;
    return reply
      .header('content-type', type)
      .header('content-length', String(fs.statSync(file).size))
      .header('content-disposition', contentDisposition(INLINE.has(type) ? 'inline' : 'attachment', name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'private, max-age=3600')
      .send(fs.createReadStream(file));
  });

  app.get('/api/v1/messages/:id/original', async (req) => {
    const { id } = parse(IdParams, req.params);
    const row = await ctx.db.selectFrom('messages').select(['id', 'channel_id', 'meta', 'text']).where('id', '=', id).executeTakeFirst();
    if (!row || !(await canSeeChannel(ctx.db, actorOf(req), row.channel_id))) throw notFound('message');
    const meta = row.meta ? (JSON.parse(row.meta) as { email?: { html?: string }; fullText?: string }) : {};
    // The HTML was sanitised when the mail was stored; the app still shows it only in a sandboxed frame.
    return { id: row.id, html: meta.email?.html ?? null, text: meta.fullText ?? row.text };
  });

  app.get('/api/v1/channels/:id/templates', async (req) => {
    const { id } = parse(IdParams, req.params);
    const row = await ctx.db.selectFrom('channels').select(['id', 'type']).where('id', '=', id).executeTakeFirst();
    if (!row || !(await canSeeChannel(ctx.db, actorOf(req), id))) throw notFound('channel');
    return { items: row.type === 'whatsapp' ? await approvedTemplates(ctx.db, id) : [] };
  });

  app.post('/api/v1/channels/:id/templates/sync', { preHandler: requireRole('admin') }, async (req) => {
    const { id } = parse(IdParams, req.params);
    const row = await ctx.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('channel');
    if (row.type !== 'whatsapp') throw new HttpError(400, 'invalid', 'templates exist on WhatsApp channels only');
    const r = await syncTemplates(ctx.db, id, ctx.channels.channelConfig(row) as WhatsAppConfig);
    if (!r.ok) throw new HttpError(r.status, r.status === 400 ? 'invalid' : 'vendor_error', r.reason);
    return { synced: r.count, items: await approvedTemplates(ctx.db, id) };
  });

  app.post('/api/v1/conversations/:id/template-messages', async (req, reply) => {
    const { id } = parse(IdParams, req.params);
    const body = parse(TemplateSendBody, req.body);
    const actor = actorOf(req);
    const conv = await ctx.db.selectFrom('conversations').select(['id', 'channel_id']).where('id', '=', id).executeTakeFirst();
    if (!conv || !(await canSeeChannel(ctx.db, actor, conv.channel_id))) throw notFound('conversation');
    const view = (await approvedTemplates(ctx.db, conv.channel_id)).find((t) => t.name === body.name && t.language === body.language);
    if (!view) throw new HttpError(400, 'invalid', `no approved template "${body.name}" (${body.language}) on this channel`);
    const built = buildTemplateSend(view, body);
    if (!built.ok) throw new HttpError(400, 'invalid', built.reason);
    const message = await ctx.commands.sendMessage(actor, {
      conversationId: id,
      ...(body.messageId ? { messageId: body.messageId } : {}),
      text: built.text,
      template: { name: view.name, language: view.language, components: built.components },
    });
    return reply.code(201).send(message);
  });
}
