// Handoff and collaboration in the renderer ⇄ core contract (docs/routing.md §Handoff): claim, transfer with a
// handover note, the agents' presence (inbox header, next to assignee names) and the teams one can transfer to.
// Spread into ipcContract (src-shared/ipc.ts).
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from './domain';
import { PresenceStatus } from './routing/strategies';

export const AgentPresenceView = z.object({ agentId: z.string(), name: z.string(), status: PresenceStatus });
export type AgentPresenceView = z.infer<typeof AgentPresenceView>;

export const TeamDirectoryEntry = z.object({ id: z.string(), name: z.string(), memberIds: z.array(z.string()) });
export type TeamDirectoryEntry = z.infer<typeof TeamDirectoryEntry>;

export const collabIpcContract = {
  /** Take an unassigned conversation; a sync mutation: if someone else got it first, a `rejected` event says who. */
  'conversation.claim': { args: z.object({ conversationId: z.string().max(64) }), result: z.null() },
  /** Hand over to an agent or a team (exactly one) with an optional note, stored as a private note in the thread. */
  'conversation.transfer': {
    args: z
      .object({
        conversationId: z.string().max(64),
        toAgentId: z.string().min(1).max(64).optional(),
        toTeamId: z.string().min(1).max(64).optional(),
        note: z.string().trim().max(MAX_MESSAGE_CHARS).optional(),
      })
      .strict()
      .refine((a) => (a.toAgentId === undefined) !== (a.toTeamId === undefined), 'name exactly one of toAgentId, toTeamId'),
    result: z.null(),
  },
  /** Every agent's effective presence (synced), by name. */
  'presence.list': { args: z.object({}).strict(), result: z.array(AgentPresenceView) },
  /** The teams one can transfer to (any agent may read their names and members). */
  'teams.directory': { args: z.object({}).strict(), result: z.array(TeamDirectoryEntry) },
} as const;
