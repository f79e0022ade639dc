// Signing in against the server's REST API (POST /api/v1/auth/login).
import { Agent } from '../../src-shared/domain';
import { z } from 'zod';

export class CoreError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

const LoginResponse = z.object({ token: z.string().min(1), agent: Agent });

/** The server URL as typed ("http://host:4820/") normalised to its origin plus path, without a trailing slash. */
export function normaliseServerUrl(raw: string): string {
  const u = new URL(raw);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CoreError('invalid_args', 'Server URL must start with http:// or https://');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

export async function login(serverUrl: string, email: string, password: string): Promise<{ token: string; agent: Agent }> {
  let res: Response;
  try {
    res = await fetch(`${serverUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new CoreError('network', `Cannot reach the server at ${serverUrl}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) {
    const code = res.status === 401 ? 'unauthorized' : res.status === 429 ? 'rate_limited' : (body?.error?.code ?? 'login_failed');
    throw new CoreError(code, body?.error?.message ?? `Sign-in failed (HTTP ${res.status})`);
  }
  const parsed = LoginResponse.safeParse(body);
  if (!parsed.success) throw new CoreError('bad_response', 'The server answered sign-in with an unexpected shape');
  return parsed.data;
}

/** Best effort: revoke the token on the server; signing out locally must not wait on the network. */
export async function revoke(serverUrl: string, token: string): Promise<void> {
  await fetch(`${serverUrl}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) }).catch(() => undefined);
}
