// SLA policies: targets per channel type × priority × customer tier, and which one applies.
//
// Precedence ("most specific wins"): each policy may name a channel type, a customer tier and a priority
// (null = any). A policy applies when every criterion it names matches. Among those that apply, the one
// with the highest specificity wins, where naming the channel type weighs 4, the customer tier 2 and the
// priority 1 (so every combination has its own rank: channel+tier+priority 7 > channel+tier 6 >
// channel+priority 5 > channel 4 > tier+priority 3 > tier 2 > priority 1 > catch-all 0). Equal ranks: the
// policy created first wins (then the smaller id), so the answer never depends on storage order.
import { z } from 'zod';
import { ChannelType, Priority, priorities } from '../domain';

export { Priority, priorities };

/** One level up, `urgent` stays urgent. */
export function raisedPriority(p: Priority): Priority {
  return priorities[Math.min(priorities.indexOf(p) + 1, priorities.length - 1)]!;
}

export const slaTargets = ['firstResponse', 'nextResponse', 'resolution'] as const;
export const SlaTarget = z.enum(slaTargets);
export type SlaTarget = z.infer<typeof SlaTarget>;

/** A warning: at a percentage of the target, or a number of minutes before the due time. */
export const WarningThreshold = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), value: z.number().gt(0).lt(100) }),
  z.object({ kind: z.literal('remaining'), minutes: z.number().gt(0).max(100_000) }),
]);
export type WarningThreshold = z.infer<typeof WarningThreshold>;

/** A stable label for a threshold: part of the warning's once-only key. */
export function thresholdLabel(t: WarningThreshold): string {
  return t.kind === 'percent' ? `${t.value}%` : `${t.minutes}m`;
}

const Minutes = z.number().positive().max(525_600).nullable();

export const Escalation = z.object({
  /** Raise the conversation's priority one level on breach. */
  raisePriority: z.boolean().default(false),
  /** On breach: 'queue' unassigns (back to the channel's queue), an agent id reassigns; null leaves it. */
  reassignTo: z.string().min(1).max(64).nullable().default(null),
  /** Supervisors (and admins) are notified of the breach. */
  notifySupervisors: z.boolean().default(true),
});
export type Escalation = z.infer<typeof Escalation>;

/** Conversation statuses that pause the clocks (`snoozed` is reserved for when snoozing exists). */
export const PauseStatus = z.enum(['pending', 'snoozed']);

export const SlaPolicyInput = z.object({
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  channelType: ChannelType.nullable().default(null),
  priority: Priority.nullable().default(null),
  customerTier: z.string().trim().min(1).max(64).nullable().default(null),
  /** Business-hours calendar id; null counts calendar (wall-clock) hours. */
  calendarId: z.string().min(1).max(64).nullable().default(null),
  firstResponseMinutes: Minutes.default(null),
  nextResponseMinutes: Minutes.default(null),
  resolutionMinutes: Minutes.default(null),
  pauseOn: z.array(PauseStatus).max(2).default(['pending']),
  warnings: z.array(WarningThreshold).max(10).default([{ kind: 'percent', value: 75 }, { kind: 'remaining', minutes: 5 }]),
  escalation: Escalation.default({ raisePriority: false, reassignTo: null, notifySupervisors: true }),
});
export type SlaPolicyInput = z.input<typeof SlaPolicyInput>;

export const SlaPolicy = SlaPolicyInput.extend({ id: z.string(), createdAt: z.string(), updatedAt: z.string() });
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export interface PolicyMatchInput {
  channelType: ChannelType;
  priority: Priority;
  customerTier: string | null;
}

type Matchable = Pick<SlaPolicy, 'id' | 'enabled' | 'channelType' | 'priority' | 'customerTier' | 'createdAt'>;

/** -1 if the policy does not apply, else its specificity rank (see the precedence note above). */
export function specificity(p: Matchable, c: PolicyMatchInput): number {
  if (!p.enabled) return -1;
  if (p.channelType !== null && p.channelType !== c.channelType) return -1;
  if (p.customerTier !== null && p.customerTier !== c.customerTier) return -1;
  if (p.priority !== null && p.priority !== c.priority) return -1;
  return (p.channelType !== null ? 4 : 0) + (p.customerTier !== null ? 2 : 0) + (p.priority !== null ? 1 : 0);
}

/** The policy that governs a conversation, or null when none applies. */
export function resolvePolicy<P extends Matchable>(policies: readonly P[], c: PolicyMatchInput): P | null {
  let best: P | null = null;
  let bestRank = -1;
  for (const p of policies) {
    const rank = specificity(p, c);
    if (rank < 0) continue;
    if (
      rank > bestRank ||
      (rank === bestRank && best && (p.createdAt < best.createdAt || (p.createdAt === best.createdAt && p.id < best.id)))
    ) {
      best = p;
      bestRank = rank;
    }
  }
  return best;
}

export function targetMinutes(p: Pick<SlaPolicy, 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes'>, t: SlaTarget): number | null {
  return t === 'firstResponse' ? p.firstResponseMinutes : t === 'nextResponse' ? p.nextResponseMinutes : p.resolutionMinutes;
}
