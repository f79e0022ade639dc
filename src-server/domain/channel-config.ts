// Channel config holds secrets (webhook/app secrets, tokens, the web chat HMAC secret) next to
// public settings. Clients only ever get the public part.
const secretKey = /(secret|token|password|passwd|api_?key|private_?key|credential)/i;

export const isSecretKey = (key: string): boolean => secretKey.test(key);

export function publicConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (secretKey.test(key)) continue;
    out[key] = value && typeof value === 'object' && !Array.isArray(value) ? publicConfig(value as Record<string, unknown>) : value;
  }
  return out;
}

export function parseConfig(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
