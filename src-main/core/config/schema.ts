// Managed configuration: what IT may set in the machine-wide file and the agent in the per-user file.
// Every field is optional in a file; the effective configuration always has every field (defaults).
// Files are strict: an unknown key is a problem, so a typo ("serverURL") is reported, not ignored.
import { z } from 'zod';

/** The project's public release feed; IT points `update.url` at its own mirror. */
export const DEFAULT_UPDATE_URL = 'https://updates.threadline.example/desktop';

const httpUrl = (what: string) =>
  z.string().trim().refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, `${what} must be an http(s) URL`);

/** Updates are fetched over HTTPS only: the feed's sha512 lines are protected by TLS alone. */
const httpsUrl = (what: string) =>
  z.string().trim().refine((s) => {
    try {
      return new URL(s).protocol === 'https:';
    } catch {
      return false;
    }
  }, `${what} must be an https:// URL`);

/** x.y.z with an optional -prerelease: what electron-builder writes into latest.yml. */
export const SEMVER_RE = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export const UpdateChannel = z.enum(['stable', 'beta']);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/** Proxy modes map one-to-one onto Electron's session.setProxy (see electronProxyConfig). */
export const ProxySetting = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('system') }),
  z.strictObject({ mode: z.literal('direct') }),
  z.strictObject({
    mode: z.literal('fixed'),
    /** e.g. "http://proxy.corp:3128" or "socks5://proxy.corp:1080". */
    server: z.string().trim().regex(/^(https?|socks4|socks5):\/\/[^\s/]+\/?$/, 'proxy.server must look like http://host:port'),
    /** Hosts that bypass the proxy, comma-separated ("<local>,*.corp.example"). */
    bypass: z.string().trim().optional(),
  }),
  z.strictObject({ mode: z.literal('pac'), pacUrl: httpUrl('proxy.pacUrl') }),
]);
export type ProxySetting = z.infer<typeof ProxySetting>;

const UpdateFile = z.strictObject({
  url: httpsUrl('update.url').optional(),
  channel: UpdateChannel.optional(),
  enabled: z.boolean().optional(),
  pinVersion: z.string().trim().regex(SEMVER_RE, 'update.pinVersion must be a version such as 1.4.2').nullable().optional(),
});
const NotificationsFile = z.strictObject({ enabled: z.boolean().optional(), sound: z.boolean().optional() });

/** Every leaf a file may set, by dotted path. Locking a group ("update") locks all its leaves. */
export const CONFIG_LEAVES = [
  'serverUrl',
  'update.url',
  'update.channel',
  'update.enabled',
  'update.pinVersion',
  'proxy',
  'startAtLogin',
  'notifications.enabled',
  'notifications.sound',
] as const;
export type ConfigLeaf = (typeof CONFIG_LEAVES)[number];
export const LOCKABLE_FIELDS = [...CONFIG_LEAVES, 'update', 'notifications'] as const;
export type LockableField = (typeof LOCKABLE_FIELDS)[number];

const commonFields = {
  $schema: z.string().optional(),
  serverUrl: httpUrl('serverUrl').nullable().optional(),
  update: UpdateFile.optional(),
  proxy: ProxySetting.optional(),
  startAtLogin: z.boolean().optional(),
  notifications: NotificationsFile.optional(),
};

export const UserConfigFile = z.strictObject(commonFields);
export type UserConfigFile = z.infer<typeof UserConfigFile>;

export const MachineConfigFile = z.strictObject({
  ...commonFields,
  /** Fields the agent cannot override in the per-user file. */
  locked: z.array(z.enum(LOCKABLE_FIELDS)).optional(),
});
export type MachineConfigFile = z.infer<typeof MachineConfigFile>;

export interface EffectiveConfig {
  serverUrl: string | null;
  update: { url: string; channel: UpdateChannel; enabled: boolean; pinVersion: string | null };
  proxy: ProxySetting;
  startAtLogin: boolean;
  notifications: { enabled: boolean; sound: boolean };
}

/** Safe defaults: no server preset, stable channel from the project feed, system proxy. */
export const DEFAULT_CONFIG: EffectiveConfig = Object.freeze({
  serverUrl: null,
  update: Object.freeze({ url: DEFAULT_UPDATE_URL, channel: 'stable', enabled: true, pinVersion: null }),
  proxy: Object.freeze({ mode: 'system' }),
  startAtLogin: false,
  notifications: Object.freeze({ enabled: true, sound: true }),
}) as EffectiveConfig;
