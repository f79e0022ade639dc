// GET /widget.js (the bundle built from src-widget) and GET /chat/:channelId (a ready chat page).
import fs from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../api/context';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function chatPageHtml(channelId: string, channelName: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat — ${escapeHtml(channelName)}</title>
<style>html,body{margin:0;height:100%;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f5f6f8}</style>
</head>
<body>
<script src="/widget.js" data-channel-id="${escapeHtml(channelId)}" data-mode="page" async></script>
</body>
</html>
`;
}

export function webchatPageRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/widget.js', async (_req, reply) => {
    let body: Buffer;
    try {
      body = await fs.readFile(ctx.widgetFile);
    } catch {
      return reply.code(503).type('text/plain; charset=utf-8').send('The chat widget is not built yet: run `npm run build:ui`.\n');
    }
    return reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('access-control-allow-origin', '*')
      .send(body);
  });

  // Browsers ask for it on every chat page; answer without a console error.
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'max-age=86400').send());

  app.get('/chat/:channelId', async (req, reply) => {
    const { channelId } = req.params as { channelId: string };
    const channel = await ctx.db.selectFrom('channels').select(['id', 'name', 'type']).where('id', '=', String(channelId).slice(0, 64)).executeTakeFirst();
    if (!channel || channel.type !== 'webchat') {
      return reply.code(404).type('text/html; charset=utf-8').send('<!doctype html><title>Chat not found</title><p>This chat does not exist.</p>\n');
    }
    const host = (req.headers.host ?? '').replace(/[^A-Za-z0-9.:[\]-]/g, '');
    return reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://${host} wss://${host}; base-uri 'none'; frame-ancestors 'none'`,
      )
      .header('x-content-type-options', 'nosniff')
      .send(chatPageHtml(channel.id, channel.name));
  });
}
