// Phone numbers → E.164 with libphonenumber-js (full metadata, so mobile vs. landline is known), with the
// two WhatsApp quirks every omnichannel inbox meets:
// - Mexico: mobiles used to be dialled as +52 1 XX XXXX XXXX; the "1" was dropped in 2019/2020, but WhatsApp
//   still reports many Mexican wa_ids as 521XXXXXXXXXX. The canonical number drops it (+52 + 10 digits).
// - Brazil: mobiles gained a ninth digit (a leading 9 after the two-digit area code) in 2012–2016; old WhatsApp
//   accounts still report 55 DD XXXXXXXX (8 digits). A Brazilian mobile with 8 subscriber digits starting 6–9
//   gets the 9 (+55 DD 9XXXXXXXX); landlines (subscriber numbers starting 2–5) keep 8 digits.
// The WhatsApp id itself (to send to) is kept as WhatsApp gave it; the canonical E.164 is the cross-channel key.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { ChannelType } from '../domain';

export interface NormalisedPhone {
  /** E.164, e.g. +6281234567890 */
  e164: string;
  /** ISO 3166 region of the number, e.g. ID; null when the number is not geographic. */
  region: string | null;
  valid: boolean;
}

/** Default region for numbers written without a country code, per channel (a channel config may override). */
export function defaultRegionFor(channelType: ChannelType | string, configured?: string | null): string | undefined {
  if (configured && /^[A-Z]{2}$/.test(configured)) return configured;
  // WhatsApp and Telegram always send full international numbers: no default region (digits are international).
  if (channelType === 'whatsapp' || channelType === 'telegram') return undefined;
  return undefined;
}

function fixQuirks(e164: string): string {
  // Mexico: +52 1 + 10 digits → +52 + 10 digits.
  if (/^\+521\d{10}$/.test(e164)) return '+52' + e164.slice(4);
  // Brazil: +55 DD + 8-digit mobile (starts 6-9) → +55 DD 9 + 8 digits.
  const br = /^\+55([1-9]\d)([6-9]\d{7})$/.exec(e164);
  if (br) return `+55${br[1]}9${br[2]}`;
  return e164;
}

/**
 * Normalises a phone number as written by a person or sent by a channel. `international` = the digits are known
 * to include the country code even without a "+" (WhatsApp wa_id, SMS sender ids).
 */
export function normalisePhone(raw: string, opts: { region?: string; international?: boolean } = {}): NormalisedPhone | null {
  let s = raw.trim();
  if (!s || s.length > 40) return null;
  if (/[a-z]/i.test(s.replace(/(ext\.?|x)\s*\d+$/i, ''))) return null;
  s = s.replace(/^00(?=[1-9])/, '+');
  const digits = s.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 16) return null;
  if (opts.international && !s.startsWith('+')) s = '+' + digits;
  let parsed = parsePhoneNumberFromString(s, (opts.region as CountryCode | undefined) ?? undefined);
  if (!parsed && !s.startsWith('+')) parsed = parsePhoneNumberFromString('+' + digits);
  if (!parsed) return null;
  const e164 = fixQuirks(parsed.number);
  const again = e164 === parsed.number ? parsed : parsePhoneNumberFromString(e164);
  if (!again) return null;
  return { e164, region: again.country ?? null, valid: again.isValid() };
}

/** A WhatsApp id as the Cloud API wants it: digits only, no "+". */
export function whatsappIdOf(raw: string): string | null {
  const digits = raw.replace(/[\s+\-().]/g, '');
  return /^\d{6,16}$/.test(digits) ? digits : null;
}

/** Phone numbers written in free text (an e-mail signature), normalised; invalid ones are dropped. */
export function phonesInText(text: string, region?: string): string[] {
  const out = new Set<string>();
  for (const m of text.slice(0, 20_000).matchAll(/(?:\+|00)?\d[\d\s().-]{6,20}\d/g)) {
    const n = normalisePhone(m[0], { region });
    if (n?.valid) out.add(n.e164);
  }
  return [...out];
}

const REGION_ZONES: Record<string, string> = {
  ID: 'Asia/Jakarta', TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh', PH: 'Asia/Manila', MY: 'Asia/Kuala_Lumpur', SG: 'Asia/Singapore',
  US: 'America/New_York', BR: 'America/Sao_Paulo', MX: 'America/Mexico_City', GB: 'Europe/London', DE: 'Europe/Berlin', FR: 'Europe/Paris',
  IN: 'Asia/Kolkata', JP: 'Asia/Tokyo', KR: 'Asia/Seoul', AU: 'Australia/Sydney', NL: 'Europe/Amsterdam', ES: 'Europe/Madrid', IT: 'Europe/Rome',
  HK: 'Asia/Hong_Kong', TW: 'Asia/Taipei', CN: 'Asia/Shanghai', AE: 'Asia/Dubai', ZA: 'Africa/Johannesburg', NG: 'Africa/Lagos', KE: 'Africa/Nairobi',
  CA: 'America/Toronto', AR: 'America/Argentina/Buenos_Aires', CO: 'America/Bogota', CL: 'America/Santiago', PE: 'America/Lima', TR: 'Europe/Istanbul',
};

/** A time zone guessed from a phone number's region (the region's most populous zone); null when unknown. */
export function timeZoneOfPhone(e164: string): string | null {
  const region = parsePhoneNumberFromString(e164)?.country;
  return region ? (REGION_ZONES[region] ?? null) : null;
}
