// Escalation rules: triggers on a conversation's state, actions the server carries out (src-server/routing/escalation.ts,
// reusing the SLA engine's priority raise). Pure evaluation here; each rule fires at most once per conversation.
import { z } from 'zod';
import { containsKeyword } from './rules';

export const EscalationTrigger = z
  .object({
    /** Sentiment of the newest customer message at or below this (-1 … 1). */
    sentimentAtMost: z.number().min(-1).max(1),
    /** Unresolved after this many customer messages. */
    customerMessagesAtLeast: z.number().int().min(1).max(1000),
    /** Unresolved this many minutes after the conversation started. */
    unresolvedMinutes: z.number().positive().max(525_600),
    vip: z.literal(true),
    /** The SLA state is warning or breached. */
    slaAtRisk: z.literal(true),
    keywordsAny: z.array(z.string().trim().min(1).max(100)).min(1).max(100),
    /** The customer's CSAT answer (docs/csat.md) is at most this (1–5). Evaluated when the answer arrives, also on resolved conversations. */
    csatAtMost: z.number().int().min(1).max(5),
  })
  .partial()
  .strict()
  .refine((t) => Object.keys(t).length > 0, 'an escalation rule needs at least one trigger');
export type EscalationTrigger = z.infer<typeof EscalationTrigger>;

export const EscalationActions = z
  .object({
    raisePriority: z.boolean().default(false),
    moveToTeamId: z.string().min(1).max(64).nullable().default(null),
    addLabel: z.string().trim().min(1).max(64).nullable().default(null),
    notifySupervisors: z.boolean().default(false),
    /** Unassign and route again (within the moved-to team if any). */
    reassign: z.boolean().default(false),
  })
  .strict();
export type EscalationActions = z.infer<typeof EscalationActions>;

export const EscalationRuleInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().default(true),
    /** `any`: one trigger suffices; `all`: every trigger named must hold. */
    match: z.enum(['any', 'all']).default('any'),
    triggers: EscalationTrigger,
    actions: EscalationActions.prefault({}),
  })
  .strict();
export type EscalationRuleInput = z.infer<typeof EscalationRuleInput>;
export interface EscalationRule extends EscalationRuleInput {
  id: string;
}

export interface EscalationFacts {
  status: 'open' | 'pending' | 'resolved';
  sentiment: number;
  customerMessages: number;
  startedAt: number;
  now: number;
  customerTier: string | null;
  slaState: string | null;
  lastCustomerMessage: string;
  /** The conversation's CSAT score, when the customer answered the survey. */
  csat?: number | null;
}

/** The triggers of `r` that hold for `f` (empty when the rule does not fire). */
export function firedTriggers(r: EscalationRule, f: EscalationFacts): string[] {
  const t = r.triggers;
  // A resolved conversation is only looked at for its CSAT answer: rules without csatAtMost never fire on it, and
  // the triggers about the live conversation (sentiment, messages, time, SLA, keywords) do not hold on it.
  const closed = f.status === 'resolved';
  if (!r.enabled || (closed && t.csatAtMost === undefined)) return [];
  const checks: [string, boolean][] = [];
  const open = !closed;
  if (t.csatAtMost !== undefined) checks.push([`CSAT ${f.csat ?? '–'}/5 ≤ ${t.csatAtMost}`, f.csat !== undefined && f.csat !== null && f.csat <= t.csatAtMost]);
  if (t.sentimentAtMost !== undefined) checks.push([`sentiment ${f.sentiment.toFixed(2)} ≤ ${t.sentimentAtMost}`, open && f.sentiment <= t.sentimentAtMost]);
  if (t.customerMessagesAtLeast !== undefined) checks.push([`${f.customerMessages} customer messages`, open && f.customerMessages >= t.customerMessagesAtLeast]);
  if (t.unresolvedMinutes !== undefined) checks.push([`unresolved ${Math.floor((f.now - f.startedAt) / 60_000)} min`, open && f.now - f.startedAt >= t.unresolvedMinutes * 60_000]);
  if (t.vip) checks.push(['VIP customer', (f.customerTier ?? '').toLowerCase() === 'vip']);
  if (t.slaAtRisk) checks.push([`SLA ${f.slaState}`, open && (f.slaState === 'warning' || f.slaState === 'breached')]);
  if (t.keywordsAny) {
    const k = t.keywordsAny.find((w) => containsKeyword(f.lastCustomerMessage, w));
    checks.push([`keyword "${k ?? ''}"`, open && k !== undefined]);
  }
  const held = checks.filter(([, ok]) => ok).map(([label]) => label);
  if (r.match === 'all') return held.length === checks.length ? held : [];
  return held;
}
