// Who sees what: an agent sees the channels it is a member of; supervisors and admins see all.
// The same rule decides REST lists, sync scopes and live pokes.
import { createHash } from 'node:crypto';
import type { Role } from '../../src-shared/domain';
import type { Q } from './entities';
import { AGENTS_SCOPE, agentScope } from './change-log';

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

export const seesAllChannels = (role: Role) => role === 'admin' || role === 'supervisor';

export async function visibleChannelIds(q: Q, actor: Actor): Promise<string[]> {
  if (seesAllChannels(actor.role)) {
    const rows = await q.selectFrom('channels').select('id').orderBy('id').execute();
    return rows.map((r) => r.id);
  }
  const rows = await q.selectFrom('channel_members').select('channel_id').where('agent_id', '=', actor.id).orderBy('channel_id').execute();
  return rows.map((r) => r.channel_id);
}

export async function canSeeChannel(q: Q, actor: Actor, channelId: string): Promise<boolean> {
  const channel = await q.selectFrom('channels').select('id').where('id', '=', channelId).executeTakeFirst();
  if (!channel) return false;
  if (seesAllChannels(actor.role)) return true;
  const member = await q.selectFrom('channel_members').select('agent_id').where('channel_id', '=', channelId).where('agent_id', '=', actor.id).executeTakeFirst();
  return !!member;
}

export interface SyncScopes {
  scopes: string[];
  scopeKey: string;
}

/**
 * The change-log scopes a client may pull, and a key that changes whenever rows from before the
 * client's cursor could become visible (membership or role change) — then the client resets.
 * For all-seeing roles a newly created channel does not change the key: its rows are all newer
 * than any existing cursor.
 */
export async function syncScopes(q: Q, actor: Actor): Promise<SyncScopes> {
  const channels = await visibleChannelIds(q, actor);
  const basis = seesAllChannels(actor.role) ? `all|${actor.role}|${actor.id}` : `member|${actor.id}|${channels.join(',')}`;
  const scopeKey = createHash('sha256').update(basis).digest('base64url').slice(0, 16);
  return { scopes: [...channels, AGENTS_SCOPE, agentScope(actor.id)], scopeKey };
}
