// Outbound media in the desktop core: the bytes of a file the agent attached go to the server
// (POST /api/v1/conversations/:id/attachments, Bearer) and the server's answer goes back to the renderer.
// Online only: a file is never queued in the cache, so offline the agent is told it was not sent.
import { MAX_UPLOAD_BYTES, UploadedFile } from '../../src-shared/ipc';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } });
const fail = (status: number, code: string, message: string) => json(status, { error: { code, message } });

export const OFFLINE_UPLOAD_MESSAGE = 'Cannot reach the server: files can be sent only while online. The file was not sent.';

export async function uploadAttachment(serverUrl: string | null, token: string | null, a: { conversationId: string; name: string; contentType: string; bytes: Uint8Array }): Promise<Response> {
  if (!serverUrl || !token) return fail(401, 'signed_out', 'Sign in first.');
  if (!/^[\w-]{1,64}$/.test(a.conversationId)) return fail(404, 'not_found', 'No such conversation.');
  if (a.bytes.byteLength === 0) return fail(400, 'invalid', 'The file is empty.');
  if (a.bytes.byteLength > MAX_UPLOAD_BYTES) return fail(413, 'payload_too_large', `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);
  const type = /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType) ? a.contentType : 'application/octet-stream';
  let res: Response;
  try {
    res = await fetch(`${serverUrl}/api/v1/conversations/${encodeURIComponent(a.conversationId)}/attachments?name=${encodeURIComponent(a.name.slice(0, 1024))}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: a.bytes,
      signal: AbortSignal.timeout(120_000),
    });
  } catch {
    return fail(503, 'offline', OFFLINE_UPLOAD_MESSAGE);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) return fail(res.status === 401 || res.status === 403 ? 401 : res.status, body?.error?.code ?? 'failed', body?.error?.message ?? `The server refused the file (HTTP ${res.status}).`);
  const parsed = UploadedFile.safeParse(body);
  if (!parsed.success) return fail(502, 'bad_response', 'The server answered with an unexpected shape.');
  return json(201, parsed.data);
}
