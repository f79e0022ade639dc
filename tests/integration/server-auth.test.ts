// Auth over real HTTP: health, login, 401/403, rate limit, logout, first admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, makeAgent, startTestServer, tempDir, type TestServer } from './server-support';
import { createServer } from '../../src-server/app';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

describe('server auth', () => {
  it('GET /health answers ok', async () => {
    expect(await api(t.url, 'GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('signs in with the right password and answers the agent', async () => {
    const res = await api(t.url, 'POST', '/api/v1/auth/login', undefined, { email: ADMIN.email.toUpperCase(), password: ADMIN.password });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(res.body.agent).toMatchObject({ email: ADMIN.email, role: 'admin', channelIds: [] });
    expect(JSON.stringify(res.body)).not.toMatch(/password|scrypt/);
    const me = await api(t.url, 'GET', '/api/v1/auth/me', res.body.token);
    expect(me.body.agent.email).toBe(ADMIN.email);
  });

  it('wrong password and unknown email are 401', async () => {
    const wrong = await api(t.url, 'POST', '/api/v1/auth/login', undefined, { email: ADMIN.email, password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } });
    const unknown = await api(t.url, 'POST', '/api/v1/auth/login', undefined, { email: 'ghost@test.local', password: 'whatever' });
    expect(unknown.status).toBe(401);
  });

  it('missing, malformed and unknown tokens are 401', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const res = await api(t.url, 'GET', '/api/v1/conversations', token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const res = await fetch(`${t.url}/api/v1/agents`, { headers: { authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
  });

  it('an agent on an admin route is 403 and changes nothing', async () => {
    const ana = await makeAgent(t, 'Ana');
    const before = await api(t.url, 'GET', '/api/v1/agents', t.adminToken);
    const create = await api(t.url, 'POST', '/api/v1/agents', ana.token, { email: 'x@test.local', name: 'X', role: 'admin', password: 'password-123' });
    expect(create.status).toBe(403);
    expect(create.body.error.code).toBe('forbidden');
    expect((await api(t.url, 'POST', '/api/v1/channels', ana.token, { type: 'webchat', name: 'Mine' })).status).toBe(403);
    expect((await api(t.url, 'PATCH', `/api/v1/agents/${ana.id}`, ana.token, { role: 'admin' })).status).toBe(403);
    const after = await api(t.url, 'GET', '/api/v1/agents', t.adminToken);
    expect(after.body.items).toEqual(before.body.items);
  });

  it('rate-limits failed sign-ins per email and IP with 429', async () => {
    const bob = await makeAgent(t, 'Bob');
    for (let i = 0; i < 5; i++) {
      expect((await api(t.url, 'POST', '/api/v1/auth/login', undefined, { email: bob.email, password: `wrong-${i}` })).status).toBe(401);
    }
    const limited = await api(t.url, 'POST', '/api/v1/auth/login', undefined, { email: bob.email, password: bob.password });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    // Another account from the same IP is unaffected.
    expect((await api(t.url, 'POST', '/api/v1/auth/login', undefined, ADMIN)).status).toBe(200);
  });

  it('logout revokes the token', async () => {
    const cid = await makeAgent(t, 'Cid');
    expect((await api(t.url, 'GET', '/api/v1/auth/me', cid.token)).status).toBe(200);
    expect((await api(t.url, 'POST', '/api/v1/auth/logout', cid.token)).status).toBe(204);
    expect((await api(t.url, 'GET', '/api/v1/auth/me', cid.token)).status).toBe(401);
  });

  it('a disabled agent cannot sign in and its tokens stop working', async () => {
    const dan = await makeAgent(t, 'Dan');
    expect((await api(t.url, 'PATCH', `/api/v1/agents/${dan.id}`, t.adminToken, { disabled: true })).status).toBe(200);
    expect((await api(t.url, 'GET', '/api/v1/auth/me', dan.token)).status).toBe(401);
    expect((await api(t.url, 'POST', '/api/v1/auth/login', undefined, { email: dan.email, password: dan.password })).status).toBe(401);
  });

  it('creates the first admin only on first start, generating a password when none is given', async () => {
    const dir = tempDir();
    const first = await createServer({ dataDir: dir, port: 0, logLevel: 'silent' });
    expect(first.initialAdmin).toMatchObject({ email: 'admin@threadline.local', generated: true });
    const password = first.initialAdmin!.password;
    expect(password.length).toBeGreaterThanOrEqual(12);
    await first.close();
    const second = await createServer({ dataDir: dir, port: 0, logLevel: 'silent', adminPassword: 'ignored-now' });
    expect(second.initialAdmin).toBeNull();
    expect((await api(second.url, 'POST', '/api/v1/auth/login', undefined, { email: 'admin@threadline.local', password })).status).toBe(200);
    await second.close();
  });
});
