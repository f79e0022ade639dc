import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  DEFAULT_CONFIG,
  INSTALL_ID_FILE,
  loadOrCreateInstallId,
  mergeConfig,
  parsePublisherNames,
  rolloutBucket,
  UPDATE_CHECK_INTERVAL_MS,
  updatePolicy,
  versionAllowed,
  withinRollout,
} from '../../src-main/core/config';

describe('update policy from configuration', () => {
  it('stable: the "latest" feed, no prereleases, checks every 4 hours', () => {
    const p = updatePolicy(DEFAULT_CONFIG);
    expect(p).toMatchObject({ enabled: true, allowPrerelease: false, pinVersion: null, feed: { provider: 'generic', url: DEFAULT_CONFIG.update.url, channel: 'latest' } });
    expect(p.checkIntervalMs).toBe(4 * 60 * 60 * 1000);
    expect(UPDATE_CHECK_INTERVAL_MS).toBe(p.checkIntervalMs);
  });

  it('beta: the "beta" feed and prereleases allowed; IT mirror URL and pin carried through', () => {
    const { config } = mergeConfig({ machine: { update: { channel: 'beta', url: 'https://mirror.corp/threadline', pinVersion: '2.1.0' } } });
    expect(updatePolicy(config)).toMatchObject({ allowPrerelease: true, pinVersion: '2.1.0', feed: { channel: 'beta', url: 'https://mirror.corp/threadline' } });
  });

  it('off by policy, with a reason for the log', () => {
    const { config } = mergeConfig({ machine: { update: { enabled: false }, locked: ['update.enabled'] }, user: { update: { enabled: true } } });
    const p = updatePolicy(config);
    expect(p.enabled).toBe(false);
    expect(p.disabledReason).toMatch(/turned off by configuration/);
  });
});

describe('versions and pinning', () => {
  it('orders versions by semver precedence', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('1.2.0', '1.2.0-beta.2')).toBe(1);
    expect(compareVersions('1.2.0-beta.10', '1.2.0-beta.9')).toBe(1);
    expect(compareVersions('1.2.0-alpha', '1.2.0-beta')).toBe(-1);
    expect(compareVersions('1.2.0-beta', '1.2.0-beta.1')).toBe(-1);
    expect(compareVersions('v2.0.0', '2.0.0')).toBe(0);
    expect(() => compareVersions('latest', '1.0.0')).toThrow(/not a version/);
  });

  it('never past the pin; the pinned version itself and older are allowed', () => {
    expect(versionAllowed('1.4.3', '1.4.2')).toEqual({ allowed: false, reason: 'version 1.4.3 is past the pinned version 1.4.2' });
    expect(versionAllowed('1.5.0-beta.1', '1.4.2').allowed).toBe(false);
    expect(versionAllowed('1.4.2', '1.4.2').allowed).toBe(true);
    expect(versionAllowed('1.4.2-beta.3', '1.4.2').allowed).toBe(true);
    expect(versionAllowed('9.0.0', null).allowed).toBe(true);
    expect(versionAllowed('not-a-version', null).allowed).toBe(false);
  });
});

describe('staged rollout', () => {
  it('the bucket is stable per install id and spread over [0, 100)', () => {
    expect(rolloutBucket('a')).toBe(rolloutBucket('a'));
    const buckets = Array.from({ length: 2000 }, (_, i) => rolloutBucket(`install-${i}`));
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(100);
    const under25 = buckets.filter((b) => withinRollout(b, 25)).length / buckets.length;
    expect(under25).toBeGreaterThan(0.21);
    expect(under25).toBeLessThan(0.29);
  });

  it("compares the bucket with the feed's stagingPercentage", () => {
    expect(withinRollout(10, 30)).toBe(true);
    expect(withinRollout(30, 30)).toBe(false);
    expect(withinRollout(99.9, 100)).toBe(true);
    expect(withinRollout(0, 0)).toBe(false);
    expect(withinRollout(50, undefined)).toBe(true); // no staging: everyone
    expect(withinRollout(5, '10')).toBe(true);
    expect(withinRollout(5, 'ten')).toBe(false); // unreadable: wait for a fixed feed
  });

  it('persists one install id in userData, and replaces a corrupt one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-installid-'));
    try {
      const first = loadOrCreateInstallId(path.join(dir, 'userData'));
      expect(first).toMatch(/^[0-9a-f-]{36}$/);
      expect(loadOrCreateInstallId(path.join(dir, 'userData'))).toBe(first);
      expect(fs.readFileSync(path.join(dir, 'userData', INSTALL_ID_FILE), 'utf8').trim()).toBe(first);
      fs.writeFileSync(path.join(dir, 'userData', INSTALL_ID_FILE), 'garbage');
      const second = loadOrCreateInstallId(path.join(dir, 'userData'));
      expect(second).not.toBe(first);
      expect(second).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('publisherName from app-update.yml', () => {
  it('reads the forms electron-builder writes, and nothing when absent', () => {
    expect(parsePublisherNames('provider: generic\nurl: https://u.example\npublisherName:\n  - Threadline Example Ltd\n  - "Other Corp"\nupdaterCacheDirName: threadline-updater\n')).toEqual([
      'Threadline Example Ltd',
      'Other Corp',
    ]);
    expect(parsePublisherNames("publisherName: 'Solo Ltd'\n")).toEqual(['Solo Ltd']);
    expect(parsePublisherNames('publisherName: [A, "B C"]\n')).toEqual(['A', 'B C']);
    expect(parsePublisherNames('provider: generic\nurl: https://u.example\n')).toEqual([]);
    expect(parsePublisherNames('publisherName:\nurl: x\n')).toEqual([]);
  });
});
