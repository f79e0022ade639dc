// Pure auth pieces: scrypt hashes, the login limiter, web chat identity verification, channel secrets.
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src-server/auth/passwords';
import { LoginRateLimiter } from '../../src-server/auth/rate-limit';
import { userHashOf, verifyUserHash } from '../../src-server/channels/webchat/identity';
import { publicConfig } from '../../src-server/domain/channel-config';

describe('server auth units', () => {
  it('hashes passwords with scrypt and verifies only the right one', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(await verifyPassword('correct horse', 'garbage')).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash); // salted
  });

  it('limits failures per email and IP within the window', () => {
    const limiter = new LoginRateLimiter(3, 1000);
    for (let i = 0; i < 3; i++) limiter.fail('A@x.test', '1.1.1.1', 0);
    expect(limiter.retryAfter('a@x.test', '1.1.1.1', 10)).toBeGreaterThan(0);
    expect(limiter.retryAfter('a@x.test', '2.2.2.2', 10)).toBe(0);
    expect(limiter.retryAfter('b@x.test', '1.1.1.1', 10)).toBe(0);
    expect(limiter.retryAfter('a@x.test', '1.1.1.1', 1001)).toBe(0);
  });

  it('verifies web chat user hashes', () => {
    const hash = userHashOf('s3cret', 'user-42');
    expect(verifyUserHash('s3cret', 'user-42', hash)).toBe(true);
    expect(verifyUserHash('s3cret', 'user-42', hash.toUpperCase())).toBe(true);
    expect(verifyUserHash('s3cret', 'user-43', hash)).toBe(false);
    expect(verifyUserHash('other', 'user-42', hash)).toBe(false);
    expect(verifyUserHash('s3cret', 'user-42', 'zz')).toBe(false);
  });

  it('strips secrets from channel config', () => {
    expect(publicConfig({ greeting: 'hi', secret: 'x', appSecret: 'y', accessToken: 'z', nested: { apiKey: 'k', baseUrl: 'u' } })).toEqual({ greeting: 'hi', nested: { baseUrl: 'u' } });
  });
});
