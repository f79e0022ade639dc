// The renderer is served from app://threadline/ (a privileged, standard, secure scheme) instead of
// file://, so it has a real origin, a CSP header, and no reach into the rest of the disk.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { ATTACHMENTS_UPLOAD_PATH, DASHBOARD_PATH, MAX_UPLOAD_BYTES } from '../../src-shared/ipc';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './security';
import type { ProtocolPort } from './ports';

/**
 * The renderer needs nothing else: it talks to the core over IPC only. Styles allow 'unsafe-inline'
 * because React/Vite may set style attributes; scripts never run inline.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Must run before app 'ready' (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: ProtocolPort): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** What the app:// handler needs from the core for attachments (null until the core is open). */
export interface AttachmentBackend {
  fetchAttachment(id: string): Promise<Response>;
  uploadAttachment(a: { conversationId: string; name: string; contentType: string; bytes: Uint8Array }): Promise<Response>;
}

/** Headers every attachment answer carries, whatever the server sent: never sniffed, never run. */
const ATTACHMENT_HEADERS = { 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox", 'cross-origin-resource-policy': 'same-origin', 'referrer-policy': 'no-referrer' };

/**
 * app://threadline/attachments/<id> (GET: the core's fetchAttachment, i.e. the server's bytes with its
 * content-type and content-disposition) and app://threadline/attachments/upload (POST: the core uploads the
 * file). Same origin as the renderer, so <img>/<a> need no extra scheme and the CSP stays 'self'.
 */
async function serveAttachment(request: Request, url: URL, backend: AttachmentBackend | null): Promise<Response> {
  if (!backend) return plain(503, 'Not ready');
  if (url.pathname === ATTACHMENTS_UPLOAD_PATH) {
    const origin = request.headers.get('origin');
    if (request.method !== 'POST' || (origin !== null && origin !== APP_ORIGIN)) return plain(403, 'Forbidden');
    const declared = Number(request.headers.get('content-length') ?? NaN);
    if (declared > MAX_UPLOAD_BYTES) return plain(413, 'The file is too large');
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > MAX_UPLOAD_BYTES) return plain(413, 'The file is too large');
    return backend.uploadAttachment({
      conversationId: url.searchParams.get('conversationId') ?? '',
      name: url.searchParams.get('name') ?? 'file',
      contentType: request.headers.get('content-type') ?? 'application/octet-stream',
      bytes,
    });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
  let id: string;
  try {
    id = decodeURIComponent(url.pathname.slice('/attachments/'.length));
  } catch {
    return plain(400, 'Bad URL');
  }
  if (!/^[\w-]{1,64}$/.test(id)) return plain(404, 'Not found');
  const answer = await backend.fetchAttachment(id);
  const headers = new Headers(answer.headers);
  for (const [k, v] of Object.entries(ATTACHMENT_HEADERS)) headers.set(k, v);
  return new Response(request.method === 'HEAD' ? null : answer.body, { status: answer.status, headers });
}

/** The request handler for protocol.handle('app', …), serving files under rendererDir only (and attachments via the core). */
export function createAppProtocolHandler(rendererDir: string, attachments?: () => AttachmentBackend | null): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererDir);
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad URL');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'Not found');
    if (attachments && url.pathname.startsWith('/attachments/')) return serveAttachment(request, url, attachments());
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');

    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      return plain(400, 'Bad URL');
    }
    // Encoded slashes and backslashes decode into separators: resolve, then insist we are still inside root.
    if (relative.includes('\0')) return plain(400, 'Bad URL');
    // The dashboard window's route is the same renderer (it reads its location to pick the dashboard app).
    if (relative === '/' || relative === '' || relative === DASHBOARD_PATH) relative = '/index.html';
    const candidate = path.resolve(root, `.${path.sep}${relative}`);
    if (!isInside(root, candidate)) return plain(403, 'Forbidden');

    let file: string;
    try {
      // Follow symlinks before the final check, so a link cannot point outside the renderer dir.
      file = await fs.realpath(candidate);
      const realRoot = await fs.realpath(root);
      if (!isInside(realRoot, file)) return plain(403, 'Forbidden');
      const stat = await fs.stat(file);
      if (stat.isDirectory()) file = path.join(file, 'index.html');
      const body = await fs.readFile(file);
      const headers: Record<string, string> = {
        'content-type': mimeTypeFor(file),
        'content-length': String(body.length),
        'x-content-type-options': 'nosniff',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'cache-control': 'no-cache',
      };
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
    } catch {
      return plain(404, 'Not found');
    }
  };
}
