// Synced routing entities: presence (scope '*', every agent sees who is online) and routing events (the
// conversation's channel scope, like slaEvent), which explain every decision on the conversation timeline.
import { z } from 'zod';
import { PresenceStatus } from './strategies';

export const Presence = z.object({
  /** The agent id. */
  id: z.string(),
  /** What the agent chose (or automatic away after idle). */
  status: PresenceStatus,
  /** What routing uses: `offline` once the app has been disconnected longer than the grace period. */
  effective: PresenceStatus,
  updatedAt: z.string(),
});
export type Presence = z.infer<typeof Presence>;

export const routingEventKinds = ['assigned', 'queued', 'overflow', 'reassigned', 'escalated', 'unassigned', 'claimed', 'transferred'] as const;
export const RoutingEvent = z.object({
  id: z.string(),
  conversationId: z.string(),
  channelId: z.string(),
  kind: z.enum(routingEventKinds),
  /** Order within the conversation (1, 2, …). */
  seq: z.number().int().positive(),
  at: z.string(),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  teamId: z.string().nullable(),
  teamName: z.string().nullable(),
  strategy: z.string().nullable(),
  agentId: z.string().nullable(),
  /** Human-readable reason (the strategy's `why`, the overflow/reassign cause, the escalation triggers). */
  why: z.string(),
  /** Rules that did not match and the condition that failed. */
  rulesSkipped: z.array(z.object({ ruleId: z.string(), name: z.string(), failed: z.string() })),
  /** Agents not chosen and why (offline, away, full, skills, not_chosen). */
  agentsSkipped: z.array(z.object({ agentId: z.string(), reason: z.string() })),
  /** Agents told about it (reassign notifies the previous and the new assignee; escalation the supervisors). */
  notify: z.array(z.string()),
  /** claimed / transferred: the agent who acted; transferred: the handover note (a private note message). */
  byAgentId: z.string().nullable().optional(),
  noteId: z.string().nullable().optional(),
});
export type RoutingEvent = z.infer<typeof RoutingEvent>;
