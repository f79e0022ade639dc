// SLA events (warning, breach) as synced entities: the server writes one into the change log, in the conversation's
// channel scope, when it fires; a desktop that was offline gets it with its next pull.
import { z } from 'zod';
import { SlaTarget } from './policy';

export const SlaEvent = z.object({
  id: z.string(),
  conversationId: z.string(),
  channelId: z.string(),
  target: SlaTarget,
  kind: z.enum(['warning', 'breach']),
  /** '75%', '5m' … for warnings; 'breach'. */
  label: z.string(),
  dueAt: z.string(),
  firedAt: z.string(),
  /** Who had the conversation when it fired (before any reassignment by the escalation). */
  assigneeId: z.string().nullable(),
  policyName: z.string(),
  /** Escalation actions taken on breach: 'priority:high', 'unassigned', 'reassigned:<agentId>'. */
  actions: z.array(z.string()),
  notifySupervisors: z.boolean(),
});
export type SlaEvent = z.infer<typeof SlaEvent>;

/** The once-only key of a firing: conversation, target, kind (with its threshold) and due time. */
export function slaEventKey(e: Pick<SlaEvent, 'conversationId' | 'target' | 'kind' | 'label' | 'dueAt'>): string {
  return `${e.conversationId}|${e.target}|${e.kind === 'breach' ? 'breach' : `warning:${e.label}`}|${e.dueAt}`;
}
