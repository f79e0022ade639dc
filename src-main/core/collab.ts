// Handoff and collaboration in the core (docs/routing.md §Handoff): claim and transfer are sync mutations
// (optimistic, exactly once); @mentions in a private note become agent ids on the sendMessage mutation; the team
// directory comes from the server (REST); routing and mention notifications go through the core's notify path.
import type { Agent } from '../../src-shared/domain';
import { TeamDirectoryEntry } from '../../src-shared/collab';
import type { IpcHandlers, InboxRow } from '../../src-shared/ipc';
import { mentionIdsIn } from '../../src-shared/mentions';
import type { MutationName } from '../../src-shared/sync';
import type { CacheClient } from './cache/client';
import type { Fresh } from './cache/ops';
import { collabCandidatesFor, type CollabCandidate } from './notify/collab-policy';
import { CoreError } from './session';

type Handlers = Pick<IpcHandlers, 'conversation.claim' | 'conversation.transfer' | 'presence.list' | 'teams.directory'>;

export function collabHandlers(deps: {
  cache: CacheClient;
  mutate(name: MutationName, args: Record<string, unknown>): Promise<unknown>;
  server(): { serverUrl: string; token: string } | null;
}): Handlers {
  return {
    'conversation.claim': async (a) => {
      await deps.mutate('claim', a);
      return null;
    },
    'conversation.transfer': async (a) => {
      await deps.mutate('transfer', { conversationId: a.conversationId, ...(a.toAgentId ? { toAgentId: a.toAgentId } : { toTeamId: a.toTeamId }), ...(a.note ? { note: a.note } : {}) });
      return null;
    },
    'presence.list': () => deps.cache.call('presenceList', {}),
    'teams.directory': async () => {
      const s = deps.server();
      if (!s) throw new CoreError('signed_out', 'Sign in first.');
      let res: Response;
      try {
        res = await fetch(`${s.serverUrl}/api/v1/team-directory`, { headers: { authorization: `Bearer ${s.token}` }, signal: AbortSignal.timeout(15_000) });
      } catch {
        throw new CoreError('network', 'Cannot reach the server: teams can only be listed online.');
      }
      const json = (await res.json().catch(() => null)) as { items?: unknown; error?: { code?: string; message?: string } } | null;
      if (!res.ok) throw new CoreError(json?.error?.code ?? 'failed', json?.error?.message ?? `HTTP ${res.status}`);
      const parsed = TeamDirectoryEntry.array().safeParse(json?.items);
      if (!parsed.success) throw new CoreError('bad_response', 'The server answered with an unexpected shape');
      return parsed.data;
    },
  };
}

/** The agents @mentioned in a private note who can see the conversation's channel (others are left out, not refused). */
export async function mentionsFor(cache: CacheClient, me: Agent, conversationId: string, text: string): Promise<string[]> {
  if (!text.includes('@')) return [];
  const [agents, detail] = await Promise.all([cache.call('agentsList', {}), cache.call('conversationOpen', { id: conversationId, meId: me.id }).catch(() => null)]);
  const channelId = detail?.conversation.channelId;
  const eligible = agents.filter((a) => a.role !== 'agent' || (channelId !== undefined && a.channelIds.includes(channelId)));
  return mentionIdsIn(text, eligible, me.id);
}

/** Inbox rows with the assignee's presence. */
export async function withPresence(cache: CacheClient, page: { items: InboxRow[]; total: number }): Promise<{ items: InboxRow[]; total: number }> {
  if (!page.items.some((r) => r.conversation.assigneeId)) return page;
  const presence = new Map((await cache.call('presenceList', {})).map((p) => [p.agentId, p.status]));
  return { ...page, items: page.items.map((r) => (r.conversation.assigneeId ? { ...r, assigneePresence: presence.get(r.conversation.assigneeId) ?? 'offline' } : r)) };
}

/** Live changes → collaboration notifications, each shown at most once (claimed in the cache first). */
export async function collabNotifications(cache: CacheClient, me: Agent, fresh: Fresh): Promise<CollabCandidate[]> {
  const candidates = collabCandidatesFor(me, fresh);
  if (candidates.length === 0) return [];
  const fresh_keys = new Set(await cache.call('collabClaimNotifications', { keys: candidates.map((c) => c.key), at: new Date().toISOString() }));
  return candidates.filter((c) => fresh_keys.has(c.key));
}
