// Web chat identities. An anonymous visitor is `visitor:<visitorId>` (a random id kept in their
// browser); a user verified by the host site is `user:<userId>`. The prefixes keep a visitor from
// claiming a verified user's identity by choosing a visitorId.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../store/db';

export const visitorIdentity = (visitorId: string) => `visitor:${visitorId}`;
export const userIdentity = (userId: string) => `user:${userId}`;

/** userHash = hex(HMAC-SHA256(channel secret, userId)), compared in constant time. */
export function verifyUserHash(secret: string, userId: string, userHash: string): boolean {
  const expected = createHmac('sha256', secret).update(userId).digest();
  if (!/^[0-9a-f]+$/i.test(userHash) || userHash.length !== expected.length * 2) return false;
  return timingSafeEqual(expected, Buffer.from(userHash, 'hex'));
}

export function userHashOf(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

export async function webchatIdentitiesOf(db: Db, contactId: string): Promise<string[]> {
  const rows = await db.selectFrom('contact_identities').select('value').where('contact_id', '=', contactId).where('channel_type', '=', 'webchat').execute();
  return rows.map((r) => r.value);
}

/** The dedupe key of a widget message: scoped to the sender, so one visitor's id never matches another's message. */
export const externalIdOf = (identity: string, clientMessageId: string) => `${identity}|${clientMessageId}`;

export function clientMessageIdOf(externalId: string | null): string | null {
  if (!externalId) return null;
  const at = externalId.lastIndexOf('|');
  return at >= 0 ? externalId.slice(at + 1) : null;
}
