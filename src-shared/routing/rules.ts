// Routing rules: an ordered list, evaluated on every new and reopened conversation. The first enabled rule whose
// every condition holds picks the team (pool). Pure: the server and the simulation call the same function, and the
// trace says, rule by rule, which condition failed (the conversation timeline shows it).
import { z } from 'zod';
import { ChannelType, Priority } from '../domain';
import type { BusinessCalendar } from '../sla/calendar';
import { isOpenAt } from '../sla/calendar';

export const RoutingConditions = z
  .object({
    channelTypes: z.array(ChannelType).min(1).max(20),
    channelIds: z.array(z.string().min(1).max(64)).min(1).max(200),
    /** At least one of these labels is on the conversation. */
    labelsAny: z.array(z.string().min(1).max(64)).min(1).max(50),
    /** At least one keyword (case-insensitive, whole word or phrase) in the conversation's first customer message. */
    keywordsAny: z.array(z.string().trim().min(1).max(100)).min(1).max(100),
    /** Language codes (`en`, `id`); compared on the primary subtag, case-insensitive. */
    languages: z.array(z.string().min(2).max(16)).min(1).max(50),
    customerTiers: z.array(z.string().min(1).max(32)).min(1).max(20),
    priorities: z.array(Priority).min(1).max(4),
    /** `open`: only while the calendar is open; `closed`: only outside its hours. */
    businessHours: z.object({ calendarId: z.string().min(1).max(64), when: z.enum(['open', 'closed']) }),
  })
  .partial()
  .strict();
export type RoutingConditions = z.infer<typeof RoutingConditions>;

export const RoutingRuleInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().default(true),
    conditions: RoutingConditions.default({}),
    teamId: z.string().min(1).max(64),
    /** Skills the conversation needs (the `skills` strategy requires an agent covering all of them). */
    requiredSkills: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
  })
  .strict();
export type RoutingRuleInput = z.infer<typeof RoutingRuleInput>;

export interface RoutingRule extends RoutingRuleInput {
  id: string;
  /** Evaluation order: lower first. */
  position: number;
}

/** What the evaluator knows about a conversation. */
export interface RoutingFacts {
  channelType: ChannelType;
  channelId: string;
  labels: readonly string[];
  firstMessage: string;
  language: string | null;
  customerTier: string | null;
  priority: Priority;
  /** Epoch ms (server time). */
  at: number;
}

export type ConditionName = keyof RoutingConditions;
export interface RuleTrace {
  ruleId: string;
  name: string;
  matched: boolean;
  /** The first condition that failed (conditions are checked in a fixed order), or why the rule was not considered. */
  failed?: ConditionName | 'disabled' | 'unknown_calendar';
}

export interface RuleDecision {
  rule: RoutingRule | null;
  trace: RuleTrace[];
}

const lowerSet = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));
const primaryLang = (l: string) => l.toLowerCase().split(/[-_]/)[0]!;

/** Whole-word (or whole-phrase) keyword match, case-insensitive, Unicode letters and digits as word characters. */
export function containsKeyword(text: string, keyword: string): boolean {
  const k = keyword.trim().toLowerCase();
  if (!k) return false;
  const t = text.toLowerCase();
  let from = 0;
  for (;;) {
    const i = t.indexOf(k, from);
    if (i < 0) return false;
    const before = i === 0 ? '' : t[i - 1]!;
    const after = t[i + k.length] ?? '';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = i + 1;
  }
}

/** The first failing condition of `c` for `f`, or null when all hold. */
export function failedCondition(c: RoutingConditions, f: RoutingFacts, calendars: ReadonlyMap<string, BusinessCalendar>): ConditionName | 'unknown_calendar' | null {
  if (c.channelTypes && !c.channelTypes.includes(f.channelType)) return 'channelTypes';
  if (c.channelIds && !c.channelIds.includes(f.channelId)) return 'channelIds';
  if (c.labelsAny) {
    const have = lowerSet(f.labels);
    if (!c.labelsAny.some((l) => have.has(l.toLowerCase()))) return 'labelsAny';
  }
  if (c.keywordsAny && !c.keywordsAny.some((k) => containsKeyword(f.firstMessage, k))) return 'keywordsAny';
  if (c.languages && (f.language === null || !c.languages.some((l) => primaryLang(l) === primaryLang(f.language!)))) return 'languages';
  if (c.customerTiers && (f.customerTier === null || !lowerSet(c.customerTiers).has(f.customerTier.toLowerCase()))) return 'customerTiers';
  if (c.priorities && !c.priorities.includes(f.priority)) return 'priorities';
  if (c.businessHours) {
    const cal = calendars.get(c.businessHours.calendarId);
    if (!cal) return 'unknown_calendar';
    if (isOpenAt(cal, f.at) !== (c.businessHours.when === 'open')) return 'businessHours';
  }
  return null;
}

/** Rules in `position` order (then id); the first enabled match wins. Rules after it are not evaluated. */
export function evaluateRules(rules: readonly RoutingRule[], facts: RoutingFacts, calendars: ReadonlyMap<string, BusinessCalendar> = new Map()): RuleDecision {
  const ordered = [...rules].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const trace: RuleTrace[] = [];
  for (const rule of ordered) {
    if (!rule.enabled) {
      trace.push({ ruleId: rule.id, name: rule.name, matched: false, failed: 'disabled' });
      continue;
    }
    const failed = failedCondition(rule.conditions, facts, calendars);
    if (failed) {
      trace.push({ ruleId: rule.id, name: rule.name, matched: false, failed });
      continue;
    }
    trace.push({ ruleId: rule.id, name: rule.name, matched: true });
    return { rule, trace };
  }
  return { rule: null, trace };
}
