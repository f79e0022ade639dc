// Precedence, per leaf: locked machine value > user value > machine value > default.
// A locked field with no machine value pins the default: the agent still cannot change it.
import { CONFIG_LEAVES, DEFAULT_CONFIG } from './schema';
import type { ConfigLeaf, EffectiveConfig, LockableField, MachineConfigFile, UserConfigFile } from './schema';

export type ConfigSource = 'default' | 'machine' | 'user' | 'locked';

export interface MergedConfig {
  config: EffectiveConfig;
  /** Which layer each leaf came from (shown in diagnostics, so support can see why a value is set). */
  sources: Record<ConfigLeaf, ConfigSource>;
  locked: ConfigLeaf[];
  /** User values that a machine lock overrode (worth a log line: the agent may wonder why). */
  overriddenUserValues: ConfigLeaf[];
}

type Dict = Record<string, unknown>;

function getLeaf(obj: unknown, leaf: string): unknown {
  let cur: unknown = obj;
  for (const key of leaf.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Dict)[key];
  }
  return cur;
}

function setLeaf(obj: Dict, leaf: string, value: unknown): void {
  const keys = leaf.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    cur[key] = { ...((cur[key] as Dict | undefined) ?? {}) };
    cur = cur[key] as Dict;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** "update" locks update.url, update.channel, …; a leaf locks itself. */
export function expandLocked(locked: readonly LockableField[] | undefined): ConfigLeaf[] {
  const out = new Set<ConfigLeaf>();
  for (const field of locked ?? []) {
    for (const leaf of CONFIG_LEAVES) if (leaf === field || leaf.startsWith(`${field}.`)) out.add(leaf);
  }
  return CONFIG_LEAVES.filter((l) => out.has(l));
}

export function mergeConfig(layers: { machine?: MachineConfigFile | null; user?: UserConfigFile | null; defaults?: EffectiveConfig }): MergedConfig {
  const defaults = layers.defaults ?? DEFAULT_CONFIG;
  const machine = layers.machine ?? {};
  const user = layers.user ?? {};
  const locked = expandLocked(layers.machine?.locked);
  const config = structuredClone(defaults) as unknown as Dict;
  const sources = {} as Record<ConfigLeaf, ConfigSource>;
  const overriddenUserValues: ConfigLeaf[] = [];

  for (const leaf of CONFIG_LEAVES) {
    const m = getLeaf(machine, leaf);
    const u = getLeaf(user, leaf);
    if (locked.includes(leaf)) {
      if (u !== undefined) overriddenUserValues.push(leaf);
      if (m !== undefined) setLeaf(config, leaf, m);
      sources[leaf] = 'locked';
    } else if (u !== undefined) {
      setLeaf(config, leaf, u);
      sources[leaf] = 'user';
    } else if (m !== undefined) {
      setLeaf(config, leaf, m);
      sources[leaf] = 'machine';
    } else {
      sources[leaf] = 'default';
    }
  }
  return { config: config as unknown as EffectiveConfig, sources, locked, overriddenUserValues };
}
