// Everything the widget learns from the page: its own <script> tag and window.ThreadlineSettings.
import { WIDGET_PATH } from './constants';

export interface HostSettings {
  userId?: string;
  userHash?: string;
  name?: string;
  email?: string;
}

export interface WidgetConfig {
  channelId: string;
  mode: 'page' | 'floating';
  /** The Threadline server: where the script came from, not the page it is embedded in. */
  origin: string;
  socketUrl: string;
  settings: HostSettings;
}

export interface ScriptLike {
  src: string;
  getAttribute(name: string): string | null;
}

function pickString(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
}

/** Host-site settings, taking only known string fields (the object comes from an arbitrary page). */
export function readSettings(raw: unknown): HostSettings {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: HostSettings = {};
  const userId = pickString(r.userId, 200);
  const userHash = pickString(r.userHash, 128);
  const name = pickString(r.name, 200);
  const email = pickString(r.email, 320);
  if (userId) out.userId = userId;
  if (userHash) out.userHash = userHash;
  if (name) out.name = name;
  if (email) out.email = email;
  return out;
}

export function socketUrlFor(origin: string): string {
  const u = new URL(origin);
  return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}${WIDGET_PATH}`;
}

/** Returns a reason string instead of a config when the embed code is incomplete. */
export function readConfig(script: ScriptLike, pageUrl: string, settings: unknown): WidgetConfig | string {
  const channelId = script.getAttribute('data-channel-id')?.trim();
  if (!channelId) return 'Threadline widget: the script tag needs a data-channel-id attribute.';
  let origin: string;
  try {
    origin = new URL(script.src, pageUrl).origin;
  } catch {
    return 'Threadline widget: cannot tell the server address from the script src.';
  }
  const mode = script.getAttribute('data-mode') === 'page' ? 'page' : 'floating';
  return { channelId, mode, origin, socketUrl: socketUrlFor(origin), settings: readSettings(settings) };
}
