// Constant-time checks of webhook credentials.
import { createHmac, timingSafeEqual, createHash } from 'node:crypto';

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, raw body)>` (Meta). */
export function verifyHubSignature(appSecret: string, rawBody: Buffer, header: unknown): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const hex = header.slice(7);
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

export function hubSignatureOf(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Equal strings, compared in constant time (via fixed-length digests, so lengths do not leak). */
export function safeEqual(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}
