// The browser host: the desktop core served to a browser on loopback. Static renderer files over HTTP,
// the IPC contract over a WebSocket at /ipc. Only a page holding this launch's secret and served from
// this very origin may connect, so no other web page or local user can act as the agent.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ATTACHMENTS_UPLOAD_PATH, dispatchIpc, HostFrame, HOST_ATTACHMENTS_SESSION_PATH, HOST_WS_PATH, MAX_UPLOAD_BYTES, type HostReply } from '../../src-shared/ipc';
import { createCore, type Core } from '../core/index';

export interface HostOptions {
  port: number;
  host?: '127.0.0.1';
  dataDir: string;
  rendererDir: string;
  serverUrl?: string;
}

export interface RunningHost {
  /** Open this in a browser: http://127.0.0.1:PORT/#secret=SECRET (the hash never reaches a server log). */
  url: string;
  port: number;
  origin: string;
  core: Core;
  close(): Promise<void>;
}

const MAX_FRAME_BYTES = 256 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Strict CSP: our own scripts and styles only, sockets only back to this host, no frames, no plugins. */
export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Constant-time comparison that also hides the secret's length. */
export function secretMatches(given: string | null, secret: string): boolean {
  if (given === null) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(secret).digest();
  return crypto.timingSafeEqual(a, b);
}

const ATTACHMENT_SESSION_PATH = HOST_ATTACHMENTS_SESSION_PATH;
const ATTACH_COOKIE = 'tl_attach';

function cookieOf(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

async function serveAttachment(req: http.IncomingMessage, res: http.ServerResponse, p: string, h: { origin: string; secret: string; cookie: string; core: Core }): Promise<void> {
  const plain = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  if (p === ATTACHMENT_SESSION_PATH) {
    const header = req.headers['x-threadline-secret'];
    if (req.method !== 'POST' || req.headers.origin !== h.origin || !secretMatches(typeof header === 'string' ? header : null, h.secret)) {
      res.writeHead(403, plain).end('Forbidden');
      return;
    }
    res.writeHead(204, { ...plain, 'Set-Cookie': `${ATTACH_COOKIE}=${h.cookie}; Path=/attachments/; HttpOnly; SameSite=Strict` }).end();
    return;
  }
  if (p === ATTACHMENTS_UPLOAD_PATH) return uploadAttachment(req, res, h);
  if (req.method !== 'GET' || !secretMatches(cookieOf(req, ATTACH_COOKIE), h.cookie)) {
    res.writeHead(403, plain).end('Forbidden');
    return;
  }
  const id = decodeURIComponent(p.slice('/attachments/'.length));
  const answer = await h.core.fetchAttachment(id);
  const headers: Record<string, string> = { 'Cross-Origin-Resource-Policy': 'same-origin', 'Referrer-Policy': 'no-referrer' };
  answer.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(answer.status, headers);
  if (!answer.body) {
    res.end();
    return;
  }
  for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise<void>((r) => res.once('drain', () => r()));
  }
  res.end();
}

/** Outbound media: POST the file's bytes (cookie + same Origin: no other page can post here); the core uploads them. */
async function uploadAttachment(req: http.IncomingMessage, res: http.ServerResponse, h: { origin: string; cookie: string; core: Core }): Promise<void> {
  const answer = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
  if (req.method !== 'POST' || req.headers.origin !== h.origin || !secretMatches(cookieOf(req, ATTACH_COOKIE), h.cookie)) {
    req.resume();
    return void answer(403, { error: { code: 'forbidden', message: 'Forbidden' } });
  }
  const url = new URL(req.url ?? '/', h.origin);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_UPLOAD_BYTES) {
    req.resume();
    return void answer(413, { error: { code: 'payload_too_large', message: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` } });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_UPLOAD_BYTES) {
      answer(413, { error: { code: 'payload_too_large', message: `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` } });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  }
  const out = await h.core.uploadAttachment({
    conversationId: url.searchParams.get('conversationId') ?? '',
    name: url.searchParams.get('name') ?? 'file',
    contentType: String(req.headers['content-type'] ?? 'application/octet-stream'),
    bytes: Buffer.concat(chunks),
  });
  answer(out.status, await out.json().catch(() => ({ error: { code: 'failed', message: 'Upload failed' } })));
}

function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, rendererDir: string, origin: string): void {
  const security = {
    'Content-Security-Policy': contentSecurityPolicy(origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...security, 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }).end('Method not allowed');
    return;
  }
  const index = path.join(rendererDir, 'index.html');
  if (!fs.existsSync(index)) {
    res.writeHead(503, { ...security, 'Content-Type': 'text/plain; charset=utf-8' }).end('The renderer is not built: run npm run build:ui\n');
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
  } catch {
    res.writeHead(400, { ...security, 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request');
    return;
  }
  const root = path.resolve(rendererDir);
  let file = path.resolve(root, `.${pathname}`);
  // Never outside the renderer folder; unknown paths get the app (client-side routes), among them the supervisor
  // dashboard's own route, DASHBOARD_PATH (/dashboard): the renderer picks the dashboard app there. Its tab gets
  // the secret in the hash like the start URL, so the /ipc secret + Origin check is the same for both tabs.
  // Every tab's socket subscribes to the core's events (attachIpc), so the dashboard tab refreshes like the main one.
  if (!file.startsWith(root + path.sep) && file !== root) file = index;
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.extname(pathname) ? '' : index;
  if (!file) {
    res.writeHead(404, { ...security, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  const isIndex = file === index;
  res.writeHead(200, {
    ...security,
    'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
  socket.destroy();
}

function attachIpc(ws: WebSocket, core: Core): void {
  const send = (reply: HostReply) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  };
  const unsubscribe = core.onEvent((event) => send({ kind: 'event', event }));
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return;
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      return; // not a frame; there is no id to answer
    }
    const frame = HostFrame.safeParse(json);
    if (!frame.success) {
      const id = (json as { id?: unknown } | null)?.id;
      if (typeof id === 'number') send({ kind: 'result', id, result: { ok: false, error: { code: 'invalid_frame', message: 'Expected {kind:"call", id, method, args}' } } });
      return;
    }
    const { id, method, args } = frame.data;
    void dispatchIpc(core.handlers, method, args).then((result) => send({ kind: 'result', id, result }));
  });
  ws.on('close', unsubscribe);
  ws.on('error', unsubscribe);
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const bindHost = opts.host ?? '127.0.0.1';
  if (bindHost !== '127.0.0.1') throw new Error('The browser host listens on loopback (127.0.0.1) only');
  const core = await createCore({ dataDir: opts.dataDir, defaultServerUrl: opts.serverUrl });
  const secret = crypto.randomBytes(32).toString('base64url');
  let origin = '';

  // Attachments: <img>/<a> cannot carry the secret, so the page trades it (header, same origin) for an
  // HttpOnly SameSite=Strict cookie valid on /attachments/ only; the bytes come from the server via the core.
  const attachCookie = crypto.randomBytes(32).toString('base64url');
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0]!;
    if (p === ATTACHMENT_SESSION_PATH || p.startsWith('/attachments/')) {
      void serveAttachment(req, res, p, { origin, secret, cookie: attachCookie, core }).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    serveStatic(req, res, opts.rendererDir, origin);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    if (url.pathname !== HOST_WS_PATH) return refuse(socket, 404, 'Not Found');
    // Both checks: the secret keeps out other local users and processes; the Origin keeps out other web pages.
    if (req.headers.origin !== origin) return refuse(socket, 403, 'Forbidden');
    if (!secretMatches(url.searchParams.get('secret'), secret)) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => attachIpc(ws, core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  origin = `http://${bindHost}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/#secret=${secret}`,
    port,
    origin,
    core,
    close() {
      closing ??= (async () => {
        for (const client of wss.clients) client.close(1001, 'host shutting down');
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await core.close();
      })();
      return closing;
    },
  };
}
