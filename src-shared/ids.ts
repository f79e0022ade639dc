// UUIDv7 ids: time-ordered, generated on any side (client mutation ids, optimistic message ids).
// Web Crypto exists in Node 20, browsers and Electron; typed here without pulling in DOM or Node types.
const webCrypto = (globalThis as unknown as { crypto: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;

/** The last millisecond an id was made for and its 12-bit counter (RFC 9562 §6.2, method 1). */
let lastMs = -1;
let counter = 0;

export function uuidv7(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  webCrypto.getRandomValues(bytes);
  const ms = BigInt(now);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  // Ids made in the same millisecond rise (messages of one webhook keep their order when sorted by time, id):
  // rand_a is a counter, started at a random value with room to count; an earlier time (seeds) stays random.
  if (now > lastMs) {
    lastMs = now;
    counter = ((bytes[6]! << 8) | bytes[7]!) & 0x7ff;
  } else if (now === lastMs && counter < 0xfff) counter++;
  if (now === lastMs) {
    bytes[6] = counter >> 8;
    bytes[7] = counter & 0xff;
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
