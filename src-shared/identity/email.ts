// E-mail addresses: trim, lowercase, IDN domain to punycode (via WHATWG URL, so this stays pure). No provider
// rules: Gmail dots and +tags are NOT stripped (a+b@x and ab@x may be different people on other providers, and
// even on Gmail the customer chose to write from that address).
// src-shared is compiled without DOM or Node types; the WHATWG URL class exists in both runtimes.
declare const URL: new (input: string) => { hostname: string };

export function normaliseEmail(raw: string): string | null {
  const s = raw.trim().replace(/^mailto:/i, '').replace(/^<(.*)>$/, '$1').trim();
  if (s.length > 320) return null;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  const local = s.slice(0, at).toLowerCase();
  const domainRaw = s.slice(at + 1).toLowerCase().replace(/\.$/, '');
  if (/[\s<>()[\]\\,;:"]/.test(local) || local.length > 64) return null;
  let domain: string;
  try {
    domain = new URL(`http://${domainRaw}`).hostname;
  } catch {
    return null;
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) return null;
  return `${local}@${domain}`;
}
