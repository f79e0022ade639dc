// Issue 3 in the desktop core: WhatsApp templates, the original of an e-mail, and attachment bytes,
// all fetched from the server with the agent's token (online only: none of these is cached).
import { z } from 'zod';
import { WhatsAppTemplate, type IpcParsedArgs, type IpcValue } from '../../src-shared/ipc';
import { CoreError } from './session';

async function serverJson(serverUrl: string, token: string, method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${serverUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new CoreError('network', 'Cannot reach the server; try again when online.');
  }
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw new CoreError(json?.error?.code ?? 'failed', json?.error?.message ?? `The server refused (HTTP ${res.status})`);
  return json;
}

export async function listTemplates(serverUrl: string, token: string, channelId: string): Promise<IpcValue<'templates.list'>> {
  const json = await serverJson(serverUrl, token, 'GET', `/api/v1/channels/${encodeURIComponent(channelId)}/templates`);
  const parsed = z.object({ items: z.array(WhatsAppTemplate) }).safeParse(json);
  if (!parsed.success) throw new CoreError('bad_response', 'The server answered with an unexpected shape');
  return parsed.data.items;
}

export async function sendTemplate(serverUrl: string, token: string, a: IpcParsedArgs<'templates.send'>): Promise<null> {
  await serverJson(serverUrl, token, 'POST', `/api/v1/conversations/${encodeURIComponent(a.conversationId)}/template-messages`, { name: a.name, language: a.language, parameters: a.parameters });
  return null;
}

export async function messageOriginal(serverUrl: string, token: string, messageId: string): Promise<IpcValue<'message.original'>> {
  const json = await serverJson(serverUrl, token, 'GET', `/api/v1/messages/${encodeURIComponent(messageId)}/original`);
  const parsed = z.object({ html: z.string().nullable(), text: z.string() }).safeParse(json);
  if (!parsed.success) throw new CoreError('bad_response', 'The server answered with an unexpected shape');
  return parsed.data;
}

/** Headers of the server's attachment answer passed on to the renderer (nothing else). */
const PASS = ['content-type', 'content-length', 'content-disposition', 'x-content-type-options', 'content-security-policy', 'cache-control'];

/** The attachment's bytes from the server (Bearer), as a Response the host (or a shell protocol handler) can serve. */
export async function fetchAttachment(serverUrl: string | null, token: string | null, id: string): Promise<Response> {
  if (!serverUrl || !token) return new Response('Sign in first.', { status: 401 });
  if (!/^[\w-]{1,64}$/.test(id)) return new Response('Not found', { status: 404 });
  let res: Response;
  try {
    res = await fetch(`${serverUrl}/api/v1/attachments/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(120_000) });
  } catch {
    return new Response('Cannot reach the server.', { status: 502 });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    return new Response(res.status === 404 ? 'Not found' : 'Not available', { status: res.status === 404 || res.status === 401 || res.status === 403 ? 404 : 502 });
  }
  const headers = new Headers();
  for (const h of PASS) {
    const v = res.headers.get(h);
    if (v) headers.set(h, v);
  }
  headers.set('x-content-type-options', 'nosniff');
  if (!headers.has('content-security-policy')) headers.set('content-security-policy', "default-src 'none'; sandbox");
  return new Response(res.body, { status: 200, headers });
}
