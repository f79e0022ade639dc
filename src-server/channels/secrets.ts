// Channel secrets are encrypted at rest: AES-256-GCM with a 32-byte key kept in the data directory
// (`channel-secrets.key`, created on first start, mode 0600). A sealed value is stored in the channel's
// config JSON in place of the plain string as {"$enc": "v1.<iv>.<tag>.<ciphertext>"} (base64url parts).
// Which keys are secret is decided by the same rule that keeps them out of API answers (channel-config.ts).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isSecretKey } from '../domain/channel-config';

export const KEY_FILE = 'channel-secrets.key';

interface Sealed {
  $enc: string;
}

function isSealed(v: unknown): v is Sealed {
  return !!v && typeof v === 'object' && typeof (v as Sealed).$enc === 'string' && Object.keys(v).length === 1;
}

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('channel secret key must be 32 bytes');
  }

  /** Reads the key file in dataDir, creating it (0600) on first start. */
  static open(dataDir: string): SecretBox {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, KEY_FILE);
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    return new SecretBox(key);
  }

  sealString(plain: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return { $enc: ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.') };
  }

  openString(sealed: Sealed): string {
    const [v, iv, tag, ct] = sealed.$enc.split('.');
    if (v !== 'v1' || iv === undefined || tag === undefined || ct === undefined) throw new Error('unknown sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Every string under a secret key (at any depth) replaced by its sealed form. */
  seal(config: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
      if (typeof v === 'string' && isSecretKey(k)) out[k] = this.sealString(v);
      else if (v && typeof v === 'object' && !Array.isArray(v) && !isSealed(v)) out[k] = this.seal(v as Record<string, unknown>);
      else out[k] = v;
    }
    return out;
  }

  /** The plain config (sealed values opened; plain ones, e.g. from before encryption, kept as they are). */
  open(config: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
      if (isSealed(v)) out[k] = this.openString(v);
      else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = this.open(v as Record<string, unknown>);
      else out[k] = v;
    }
    return out;
  }
}

/** Deep merge for config patches: nested objects merge key by key, so a patch without a secret keeps it. */
export function mergeConfig(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)) {
      out[k] = mergeConfig(b as Record<string, unknown>, v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}
