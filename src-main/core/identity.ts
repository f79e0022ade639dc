// Issue 4 in the desktop core: local search (the cache's FTS5 index: works offline), and the customer profile,
// merge suggestions, timeline and reachable channels (REST with the agent's token: online only).
import { z } from 'zod';
import { Contact } from '../../src-shared/domain';
import { MergeSuggestion, ReachableChannel, TimelineItem } from '../../src-shared/identity/ipc';
import type { IpcHandlers } from '../../src-shared/ipc';
import type { CacheClient } from './cache/client';
import { CoreError } from './session';

type Handlers = Pick<IpcHandlers, 'search.local' | 'contact.update' | 'contact.timeline' | 'contact.suggestions' | 'contact.decideSuggestion' | 'conversation.reachability'>;
type Server = () => { serverUrl: string; token: string } | null;

async function rest<S extends z.ZodType>(server: Server, method: 'GET' | 'POST' | 'PATCH', pathname: string, schema: S, body?: unknown): Promise<z.infer<S>> {
  const s = server();
  if (!s) throw new CoreError('signed_out', 'Sign in first.');
  let res: Response;
  try {
    res = await fetch(`${s.serverUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${s.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new CoreError('network', 'Cannot reach the server; try again when online.');
  }
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw new CoreError(json?.error?.code ?? 'failed', json?.error?.message ?? `The server refused (HTTP ${res.status})`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new CoreError('bad_response', 'The server answered with an unexpected shape');
  return parsed.data;
}

const enc = encodeURIComponent;

export function identityHandlers(deps: { cache: CacheClient; server: Server }): Handlers {
  const { server } = deps;
  return {
    'search.local': async (a) => deps.cache.call('searchLocal', { query: a.query, limit: a.limit }),
    'contact.update': (a) => rest(server, 'PATCH', `/api/v1/contacts/${enc(a.contactId)}`, Contact, a.patch),
    'contact.timeline': (a) =>
      rest(server, 'GET', `/api/v1/contacts/${enc(a.contactId)}/timeline?limit=200${a.before ? `&before=${enc(a.before)}` : ''}`, z.object({ items: z.array(TimelineItem), nextBefore: z.string().nullable() })),
    'contact.suggestions': async (a) => (await rest(server, 'GET', `/api/v1/contacts/${enc(a.contactId)}/suggestions`, z.object({ items: z.array(MergeSuggestion) }))).items,
    'contact.decideSuggestion': async (a) => {
      await rest(server, 'POST', `/api/v1/contacts/${enc(a.contactId)}/suggestions/${enc(a.suggestionId)}`, z.unknown(), { action: a.action });
      return null;
    },
    'conversation.reachability': async (a) => (await rest(server, 'GET', `/api/v1/conversations/${enc(a.conversationId)}/reachability`, z.object({ items: z.array(ReachableChannel) }))).items,
  };
}
