import { describe, expect, it } from 'vitest';
import { normaliseEmail, normaliseIdentity, normalisePhone, phoneOfWhatsappId, phonesInText, timeZoneOfPhone } from '../../src-shared/identity';

// Real-world ways people and channels write numbers; [input, default region, expected E.164].
const phones: [string, string | undefined, string][] = [
  // Indonesia
  ['+62 812-3456-7890', undefined, '+6281234567890'],
  ['0812-3456-7890', 'ID', '+6281234567890'],
  ['(0812) 3456 7890', 'ID', '+6281234567890'],
  ['0062 812 3456 7890', undefined, '+6281234567890'],
  ['6281234567890', 'ID', '+6281234567890'],
  // Thailand
  ['081 234 5678', 'TH', '+66812345678'],
  ['+66 81-234-5678', undefined, '+66812345678'],
  // Vietnam
  ['091 234 56 78', 'VN', '+84912345678'],
  ['+84 (0)91 234 5678', undefined, '+84912345678'],
  // Philippines
  ['0917 123 4567', 'PH', '+639171234567'],
  ['+63 917-123-4567', undefined, '+639171234567'],
  // Malaysia
  ['012-345 6789', 'MY', '+60123456789'],
  ['+60 12-345 6789', undefined, '+60123456789'],
  // Singapore
  ['8123 4567', 'SG', '+6581234567'],
  ['+65 8123-4567', undefined, '+6581234567'],
  // United States
  ['(415) 555-2671', 'US', '+14155552671'],
  ['+1 415.555.2671', undefined, '+14155552671'],
  ['1-415-555-2671', 'US', '+14155552671'],
  // Brazil: with the ninth digit, and the old 8-digit mobile form gets it added; a landline keeps 8 digits
  ['+55 11 98765-4321', undefined, '+5511987654321'],
  ['(11) 98765-4321', 'BR', '+5511987654321'],
  ['+55 11 8765-4321', undefined, '+5511987654321'],
  ['+55 11 3456-7890', undefined, '+551134567890'],
  // Mexico: the old mobile prefix 1 is dropped
  ['+52 1 55 1234 5678', undefined, '+525512345678'],
  ['+52 55 1234 5678', undefined, '+525512345678'],
  ['55 1234 5678', 'MX', '+525512345678'],
];

describe('phone normalisation', () => {
  it.each(phones)('%s (region %s) → %s', (input, region, expected) => {
    const n = normalisePhone(input, { region });
    expect(n?.e164).toBe(expected);
    expect(n?.valid).toBe(true);
  });

  it('WhatsApp ids carry no "+" and map to the canonical phone, quirks fixed', () => {
    expect(phoneOfWhatsappId('6281234567890')).toBe('+6281234567890');
    expect(phoneOfWhatsappId('5215512345678')).toBe('+525512345678');
    expect(phoneOfWhatsappId('551187654321')).toBe('+5511987654321');
    expect(phoneOfWhatsappId('abc')).toBeNull();
    expect(normaliseIdentity('whatsapp', '+62 812 3456 7890')).toBe('6281234567890');
    expect(normaliseIdentity('whatsapp', 'US.13491208655302741918')).toBe('US.13491208655302741918');
  });

  it('rejects what is not a phone number', () => {
    for (const bad of ['', 'hello', '12', '+999 123', 'call me maybe 123']) expect(normaliseIdentity('phone', bad)).toBeNull();
    expect(normalisePhone('0812-3456-7890')?.valid ?? false).toBe(false); // national form without a region is not guessed
  });

  it('finds numbers in an e-mail signature', () => {
    expect(phonesInText('Thanks!\nBudi\nMobile: +62 812-3456-7890\nOrder 1042')).toEqual(['+6281234567890']);
    expect(phonesInText('call 0812 3456 7890', 'ID')).toEqual(['+6281234567890']);
  });

  it('infers a time zone from the region', () => {
    expect(timeZoneOfPhone('+6281234567890')).toBe('Asia/Jakarta');
    expect(timeZoneOfPhone('+525512345678')).toBe('America/Mexico_City');
  });
});

describe('email normalisation', () => {
  it.each([
    ['  Budi@Example.CO.ID ', 'budi@example.co.id'],
    ['<budi@example.com>', 'budi@example.com'],
    ['mailto:Budi@example.com', 'budi@example.com'],
    ['first.last+tag@Gmail.com', 'first.last+tag@gmail.com'],
    ['user@bücher.de', 'user@xn--bcher-kva.de'],
    ['user@例え.テスト', 'user@xn--r8jz45g.xn--zckzah'],
  ])('%s → %s', (input, expected) => expect(normaliseEmail(input)).toBe(expected));

  it.each(['', 'no-at', '@x.com', 'a@', 'a b@x.com', 'a@localhost'])('rejects %j', (bad) => expect(normaliseEmail(bad)).toBeNull());
});
