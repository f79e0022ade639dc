// Reconnect delays: exponential growth under a cap, with full jitter, and back to short after success.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src-shared/backoff';
import { CORE_BACKOFF } from '../../src-main/core/sync/sync-client';
import { syncUrl } from '../../src-main/core/sync/sync-client';

describe('Backoff', () => {
  it('grows exponentially up to the cap, jittered over [0, ceiling)', () => {
    const top = new Backoff({ ...CORE_BACKOFF, random: () => 0.999999 });
    expect(Array.from({ length: 8 }, () => top.next())).toEqual([499, 999, 1999, 3999, 7999, 11_999, 11_999, 11_999]);
    const bottom = new Backoff({ ...CORE_BACKOFF, random: () => 0 });
    expect([bottom.next(), bottom.next()]).toEqual([0, 0]);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ ...CORE_BACKOFF, baseMs: 100, random: () => 0.5 });
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(50);
  });
});

describe('syncUrl', () => {
  it('maps the server URL to its sync WebSocket', () => {
    expect(syncUrl('http://127.0.0.1:4820')).toBe('ws://127.0.0.1:4820/api/v1/sync');
    expect(syncUrl('https://support.example.com/')).toBe('wss://support.example.com/api/v1/sync');
    expect(syncUrl('https://example.com/threadline')).toBe('wss://example.com/threadline/api/v1/sync');
  });
});
