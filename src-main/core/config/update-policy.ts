// What the updater may do, decided from the effective configuration alone (pure, so every branch
// is tested without electron-updater): feed and channel, staged-rollout bucket, version pin, timing.
import { createHash } from 'node:crypto';
import { SEMVER_RE } from './schema';
import type { EffectiveConfig, UpdateChannel } from './schema';

/** Check at start, then every 4 hours. */
export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** electron-builder names the stable feed "latest" (latest.yml, latest-mac.yml, latest-linux.yml). */
export function feedChannel(channel: UpdateChannel): 'latest' | 'beta' {
  return channel === 'beta' ? 'beta' : 'latest';
}

export interface GenericFeed {
  provider: 'generic';
  url: string;
  channel: 'latest' | 'beta';
}

export interface UpdatePolicy {
  enabled: boolean;
  /** Why updates are off, for the log and diagnostics. */
  disabledReason: string | null;
  feed: GenericFeed;
  allowPrerelease: boolean;
  pinVersion: string | null;
  checkIntervalMs: number;
}

export function updatePolicy(config: EffectiveConfig): UpdatePolicy {
  const { update } = config;
  return {
    enabled: update.enabled,
    disabledReason: update.enabled ? null : 'auto-update is turned off by configuration (update.enabled = false)',
    feed: { provider: 'generic', url: update.url, channel: feedChannel(update.channel) },
    allowPrerelease: update.channel === 'beta',
    pinVersion: update.pinVersion,
    checkIntervalMs: UPDATE_CHECK_INTERVAL_MS,
  };
}

interface Semver {
  core: [number, number, number];
  pre: string[];
}

export function parseVersion(version: string): Semver | null {
  const m = SEMVER_RE.exec(version.trim().replace(/^v/, ''));
  if (!m) return null;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Semver 2.0 precedence: -1, 0 or 1. Throws on something that is not a version. */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) throw new Error(`not a version: ${!va ? a : b}`);
  for (let i = 0; i < 3; i++) if (va.core[i] !== vb.core[i]) return va.core[i]! < vb.core[i]! ? -1 : 1;
  // A release outranks its prereleases: 1.2.0 > 1.2.0-beta.1.
  if (!va.pre.length || !vb.pre.length) return va.pre.length === vb.pre.length ? 0 : va.pre.length ? -1 : 1;
  for (let i = 0; i < Math.max(va.pre.length, vb.pre.length); i++) {
    const x = va.pre[i];
    const y = vb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export type VersionDecision = { allowed: true } | { allowed: false; reason: string };

/** Never past the pin; anything unparseable is refused (fail closed). */
export function versionAllowed(candidate: string, pinVersion: string | null): VersionDecision {
  if (!parseVersion(candidate)) return { allowed: false, reason: `the feed's version "${candidate}" is not a valid version` };
  if (pinVersion === null) return { allowed: true };
  if (compareVersions(candidate, pinVersion) > 0) return { allowed: false, reason: `version ${candidate} is past the pinned version ${pinVersion}` };
  return { allowed: true };
}

/**
 * This install's place in a staged rollout, in [0, 100): a hash of the install id, so it is stable
 * across restarts and updates, and evenly spread across installs.
 */
export function rolloutBucket(installId: string): number {
  const digest = createHash('sha256').update(installId, 'utf8').digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

/**
 * The feed's `stagingPercentage` (latest.yml) against the bucket. No percentage means everyone.
 * A value that is not a number is treated as 0: an unreadable rollout waits for a fixed feed.
 */
export function withinRollout(bucket: number, stagingPercentage: unknown): boolean {
  if (stagingPercentage === undefined || stagingPercentage === null) return true;
  const pct = typeof stagingPercentage === 'number' ? stagingPercentage : Number.parseFloat(String(stagingPercentage));
  if (!Number.isFinite(pct)) return false;
  return bucket < Math.min(100, Math.max(0, pct));
}

/**
 * publisherName from electron-builder's app-update.yml (resources/app-update.yml): either
 * `publisherName: X` or a YAML list. Returns [] when absent, which the updater treats as "refuse".
 */
export function parsePublisherNames(appUpdateYml: string): string[] {
  const lines = appUpdateYml.split(/\r?\n/);
  const unquote = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2').trim();
  for (let i = 0; i < lines.length; i++) {
    const m = /^publisherName:\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const inline = m[1]!.trim();
    if (inline.startsWith('[')) {
      return inline.replace(/^\[|\]$/g, '').split(',').map(unquote).filter(Boolean);
    }
    if (inline) return [unquote(inline)].filter(Boolean);
    const names: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const item = /^\s+-\s+(.*)$/.exec(lines[j]!);
      if (!item) break;
      const name = unquote(item[1]!);
      if (name) names.push(name);
    }
    return names;
  }
  return [];
}
