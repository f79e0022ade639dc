// Identity normalisation (issue 4): the one place that turns what a channel or a person wrote into the value
// stored in contact_identities. Pure: used by the server (inbound, API lookups) and the apps.
import type { ChannelType } from '../domain';
import { normaliseEmail } from './email';
import { normalisePhone, whatsappIdOf } from './phone';

export * from './email';
export * from './phone';

/** Identity kinds: the channel types plus `phone` (E.164, the cross-channel key a WhatsApp or SMS number proves). */
export type IdentityKind = ChannelType | 'phone';

/** The stored form of an identity value, or null when it is not a valid value of that kind. */
export function normaliseIdentity(kind: IdentityKind | string, raw: string, region?: string): string | null {
  const v = raw.trim();
  if (!v || v.length > 320) return null;
  switch (kind) {
    case 'email':
      return normaliseEmail(v);
    case 'phone': {
      const n = normalisePhone(v, { region });
      return n?.valid ? n.e164 : null;
    }
    case 'whatsapp': {
      // Business-scoped user ids (BSUIDs, letters and digits) are kept as they are; phone wa_ids are digits.
      if (/[a-z]/i.test(v)) return /^[A-Za-z0-9._:-]{1,128}$/.test(v) ? v : null;
      return whatsappIdOf(v);
    }
    case 'telegram':
      return /^-?\d{1,20}$/.test(v) ? v : null;
    default:
      return /^[\x21-\x7e]{1,200}$/.test(v) ? v : null;
  }
}

/** The canonical phone a WhatsApp wa_id proves (quirks fixed), or null for a business-scoped id. */
export function phoneOfWhatsappId(waId: string): string | null {
  if (!/^\d{6,16}$/.test(waId)) return null;
  const n = normalisePhone(waId, { international: true });
  return n?.valid ? n.e164 : null;
}
