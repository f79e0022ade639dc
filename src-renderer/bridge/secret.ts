// The browser host prints a URL with #secret=…; the secret proves this tab was opened by the person
// who started the host. Keep it for this tab only (sessionStorage) and take it out of the address bar.
import { HOST_WS_PATH } from '../../src-shared/ipc';

export const SECRET_STORAGE_KEY = 'threadline:host-secret';

export interface LocationLike {
  protocol: string;
  host: string;
  pathname: string;
  search: string;
  hash: string;
}

export interface SecretStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Reads the secret from the hash (and stores it) or from storage; `replaceUrl` receives the URL without it. */
export function takeHostSecret(loc: LocationLike, store: SecretStore, replaceUrl: (url: string) => void): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromHash = params.get('secret');
  if (fromHash) {
    store.setItem(SECRET_STORAGE_KEY, fromHash);
    params.delete('secret');
    const rest = params.toString();
    replaceUrl(`${loc.pathname}${loc.search}${rest ? `#${rest}` : ''}`);
    return fromHash;
  }
  return store.getItem(SECRET_STORAGE_KEY);
}

export function hostSocketUrl(loc: Pick<LocationLike, 'protocol' | 'host'>, secret: string): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${HOST_WS_PATH}?secret=${encodeURIComponent(secret)}`;
}
