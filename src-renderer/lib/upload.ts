// Outbound media: the renderer POSTs the file's bytes to its own origin (the browser host or the Electron
// shell's app:// protocol), which hands them to the core; the core uploads them to the server (online only).
import { ATTACHMENTS_UPLOAD_PATH, UploadedFile } from '../../src-shared/ipc';

export async function uploadFile(conversationId: string, file: File, fetchImpl: typeof fetch = fetch): Promise<UploadedFile> {
  const url = `${ATTACHMENTS_UPLOAD_PATH}?conversationId=${encodeURIComponent(conversationId)}&name=${encodeURIComponent(file.name)}`;
  let res: Response;
  try {
    res = await fetchImpl(url, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' }, credentials: 'same-origin' });
  } catch {
    throw new Error('The app could not hand the file over; try again.');
  }
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  const parsed = UploadedFile.safeParse(body);
  if (!parsed.success) throw new Error('Unexpected answer to the upload.');
  return parsed.data;
}
