// Bearer tokens: random, shown once to the client, stored only as a SHA-256 hash; expire after
// 30 days; revocable (logout, password change, disabled agent).
import { createHash, randomBytes } from 'node:crypto';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import type { Role } from '../../src-shared/domain';
import type { Db } from '../store/db';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface AuthContext {
  sessionId: string;
  agent: { id: string; name: string; email: string; role: Role };
}

export async function createSession(db: Db, agentId: string, now = Date.now()): Promise<{ token: string; sessionId: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const sessionId = uuidv7();
  const expiresAt = new Date(now + SESSION_TTL_MS).toISOString();
  await db.insertInto('sessions').values({ id: sessionId, agent_id: agentId, token_hash: hashToken(token), created_at: new Date(now).toISOString(), expires_at: expiresAt, revoked_at: null }).execute();
  return { token, sessionId, expiresAt };
}

export async function authenticate(db: Db, token: string | undefined): Promise<AuthContext | null> {
  if (!token || token.length > 200) return null;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('agents', 'agents.id', 'sessions.agent_id')
    .select(['sessions.id as session_id', 'sessions.expires_at', 'sessions.revoked_at', 'agents.id', 'agents.name', 'agents.email', 'agents.role', 'agents.disabled'])
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.disabled || row.expires_at <= nowIso()) return null;
  return { sessionId: row.session_id, agent: { id: row.id, name: row.name, email: row.email, role: row.role as Role } };
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: nowIso() }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Bearer token from the Authorization header, or `?token=` for clients that cannot set headers (WebSocket in browsers). */
export function tokenFrom(headers: Record<string, string | string[] | undefined>, query: unknown): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (match) return match[1];
  }
  const token = (query as { token?: unknown } | null)?.token;
  return typeof token === 'string' ? token : undefined;
}
