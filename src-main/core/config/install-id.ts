// A random id per installation (per user profile), kept in userData. Only used to place this
// install in a staged rollout; it identifies nothing else and is not sent anywhere by us.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const INSTALL_ID_FILE = 'install-id';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function loadOrCreateInstallId(userDataDir: string): string {
  const file = path.join(userDataDir, INSTALL_ID_FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (UUID_RE.test(existing)) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomUUID();
  fs.mkdirSync(userDataDir, { recursive: true });
  // Write then rename, so a crash never leaves a half-written id that would move the bucket.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${id}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return id;
}
