// Channel administration from the app: create or edit a channel over the server's REST API
// (admins only; the server validates each type's config and keeps secrets write-only).
import { Channel } from '../../src-shared/domain';
import type { IpcParsedArgs } from '../../src-shared/ipc';
import { CoreError } from './session';

export async function saveChannel(serverUrl: string, token: string, args: IpcParsedArgs<'channels.save'>): Promise<Channel> {
  const url = args.id ? `${serverUrl}/api/v1/channels/${encodeURIComponent(args.id)}` : `${serverUrl}/api/v1/channels`;
  const body = args.id ? { name: args.name, config: args.config } : { type: args.type, name: args.name, config: args.config };
  let res: Response;
  try {
    res = await fetch(url, {
      method: args.id ? 'PATCH' : 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new CoreError('network', 'Cannot reach the server: channel settings can only be saved online.');
  }
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw new CoreError(json?.error?.code ?? 'failed', json?.error?.message ?? `The server refused the channel (HTTP ${res.status})`);
  const parsed = Channel.safeParse(json);
  if (!parsed.success) throw new CoreError('bad_response', 'The server answered with an unexpected shape');
  return parsed.data;
}
