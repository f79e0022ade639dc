// Admin settings (docs/routing.md, docs/sla.md): the shapes the core sends to and reads back from the server's REST
// APIs (/api/v1/teams, routing-rules, escalation-rules, agents/:id/routing, sla-policies, business-calendars, agents),
// and the ipc methods of the app's Settings area. Pure: the server validates with the same schemas.
import { z } from 'zod';
import { Agent, ChannelType, Role } from './domain';
import { EscalationRuleInput, RoutingRuleInput, Strategy } from './routing';
import { BusinessCalendar, SlaPolicy, SlaPolicyInput } from './sla';

/** Capacity per channel type; "*" is the default for types not named. */
export const Capacity = z.partialRecord(z.union([ChannelType, z.literal('*')]), z.number().int().min(0).max(1000));
export type Capacity = z.infer<typeof Capacity>;

export const TeamInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    strategy: Strategy.default('least_loaded'),
    memberIds: z.array(z.string().min(1).max(64)).max(1000).default([]),
    defaultCapacity: Capacity.default({}),
    overflow: z
      .object({ teamId: z.string().min(1).max(64), afterSeconds: z.number().positive().max(86_400).nullable().default(null), queueLength: z.number().int().min(0).max(100_000).nullable().default(null) })
      .strict()
      .refine((o) => o.afterSeconds !== null || o.queueLength !== null, 'overflow needs afterSeconds or queueLength')
      .nullable()
      .default(null),
    /** Reassign when the assignee has not replied within this many seconds of assignment (null: never). */
    replyTimeoutSeconds: z.number().positive().max(7 * 86_400).nullable().default(null),
    /** sticky: the agent who last helped the customer within this many minutes. */
    stickyWindowMinutes: z.number().positive().max(525_600).nullable().default(null),
  })
  .strict();
export type TeamInput = z.infer<typeof TeamInput>;

const Stamps = { createdAt: z.string(), updatedAt: z.string() };
export const Team = z.object({
  id: z.string(),
  name: z.string(),
  strategy: Strategy,
  memberIds: z.array(z.string()),
  defaultCapacity: Capacity,
  overflow: z.object({ teamId: z.string(), afterSeconds: z.number().nullable(), queueLength: z.number().nullable() }).nullable(),
  replyTimeoutSeconds: z.number().nullable(),
  stickyWindowMinutes: z.number().nullable(),
  ...Stamps,
});
export type Team = z.infer<typeof Team>;

/** A rule as the server lists it (position: evaluation order, lower first). */
export const RoutingRuleView = z.object({
  id: z.string(),
  position: z.number().int(),
  name: z.string(),
  enabled: z.boolean(),
  conditions: z.record(z.string(), z.unknown()),
  teamId: z.string(),
  requiredSkills: z.array(z.string()),
});
export type RoutingRuleView = z.infer<typeof RoutingRuleView>;

export const EscalationRuleView = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  match: z.enum(['any', 'all']),
  triggers: z.record(z.string(), z.unknown()),
  actions: z.object({ raisePriority: z.boolean(), moveToTeamId: z.string().nullable(), addLabel: z.string().nullable(), notifySupervisors: z.boolean(), reassign: z.boolean() }),
});
export type EscalationRuleView = z.infer<typeof EscalationRuleView>;

export const CalendarInput = BusinessCalendar.extend({ name: z.string().trim().min(1).max(200) });
export type CalendarInput = z.infer<typeof CalendarInput>;
export const CalendarView = z.object({ id: z.string(), name: z.string(), timeZone: z.string(), weekly: BusinessCalendar.shape.weekly, holidays: z.array(z.string()), ...Stamps });
export type CalendarView = z.infer<typeof CalendarView>;

export const AgentRouting = z.object({ agentId: z.string(), skills: z.array(z.string()), capacity: Capacity, status: z.string(), effective: z.string() });
export type AgentRouting = z.infer<typeof AgentRouting>;

export const AgentInput = z.object({
  email: z.string().trim().min(1).max(320),
  name: z.string().trim().min(1).max(200),
  role: Role,
  /** Required for a new agent; when editing, empty = unchanged. */
  password: z.string().max(1000).optional(),
});

const Id = z.string().min(1).max(64);
const none = z.object({}).strict();
const done = z.null();

/** The Settings area's ipc methods (spread into ipcContract). Admins write; supervisors read; agents get 403. */
export const adminIpcContract = {
  'admin.agents.list': { args: none, result: z.array(Agent) },
  'admin.agents.save': { args: AgentInput.extend({ id: Id.optional() }), result: Agent },
  'admin.agents.routing': { args: z.object({ agentId: Id }), result: AgentRouting },
  'admin.agents.setRouting': { args: z.object({ agentId: Id, skills: z.array(z.string().trim().min(1).max(64)).max(100), capacity: Capacity }), result: AgentRouting },
  /** Channel membership: the core adds and removes memberships so the agent is in exactly these channels. */
  'admin.agents.setChannels': { args: z.object({ agentId: Id, channelIds: z.array(Id).max(1000) }), result: done },
  'admin.teams.list': { args: none, result: z.array(Team) },
  'admin.teams.save': { args: z.object({ id: Id.optional(), input: TeamInput }), result: Team },
  'admin.teams.delete': { args: z.object({ id: Id }), result: done },
  'admin.routingRules.list': { args: none, result: z.array(RoutingRuleView) },
  'admin.routingRules.save': { args: z.object({ id: Id.optional(), input: RoutingRuleInput }), result: RoutingRuleView },
  'admin.routingRules.delete': { args: z.object({ id: Id }), result: done },
  /** Swap a rule with its neighbour in evaluation order; answers the list in its new order. */
  'admin.routingRules.move': { args: z.object({ id: Id, direction: z.enum(['up', 'down']) }), result: z.array(RoutingRuleView) },
  'admin.escalationRules.list': { args: none, result: z.array(EscalationRuleView) },
  'admin.escalationRules.save': { args: z.object({ id: Id.optional(), input: EscalationRuleInput }), result: EscalationRuleView },
  'admin.escalationRules.delete': { args: z.object({ id: Id }), result: done },
  'admin.slaPolicies.list': { args: none, result: z.array(SlaPolicy) },
  'admin.slaPolicies.save': { args: z.object({ id: Id.optional(), input: SlaPolicyInput }), result: SlaPolicy },
  'admin.slaPolicies.delete': { args: z.object({ id: Id }), result: done },
  'admin.calendars.list': { args: none, result: z.array(CalendarView) },
  'admin.calendars.save': { args: z.object({ id: Id.optional(), input: CalendarInput }), result: CalendarView },
  'admin.calendars.delete': { args: z.object({ id: Id }), result: done },
} as const;

/** REST collection of each resource with list/save/delete. */
export const adminCollections = {
  teams: '/api/v1/teams',
  routingRules: '/api/v1/routing-rules',
  escalationRules: '/api/v1/escalation-rules',
  slaPolicies: '/api/v1/sla-policies',
  calendars: '/api/v1/business-calendars',
} as const;
export type AdminCollection = keyof typeof adminCollections;

/**
 * Moving a rule up or down: the position patches that swap it with its neighbour. Rules with equal positions
 * (or a list never spaced) are renumbered 10, 20, 30… first, so a swap always changes the order. Empty when the
 * rule is already first (up) or last (down), or unknown.
 */
export function movePatches(rules: readonly { id: string; position: number }[], id: string, direction: 'up' | 'down'): { id: string; position: number }[] {
  const ordered = [...rules].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const i = ordered.findIndex((r) => r.id === id);
  const j = direction === 'up' ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= ordered.length) return [];
  const distinct = new Set(ordered.map((r) => r.position)).size === ordered.length;
  const positions = distinct ? ordered.map((r) => r.position) : ordered.map((_, k) => (k + 1) * 10);
  const target = ordered.map((r, k) => ({ id: r.id, position: positions[k]! }));
  const a = target[i]!;
  const b = target[j]!;
  [a.position, b.position] = [b.position, a.position];
  const before = new Map(ordered.map((r) => [r.id, r.position]));
  return target.filter((r) => before.get(r.id) !== r.position);
}
