// Routing configuration in the store: teams (+members), agent skills and capacity, routing rules, escalation rules.
// Validated with zod at the edge (api/routing-routes.ts); references (team ids, agent ids, calendars) checked here.
import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { ChannelType } from '../../src-shared/domain';
import { nowIso, uuidv7 } from '../../src-shared/ids';
import { EscalationRuleInput, RoutingRuleInput, type EscalationRule, type RoutingRule } from '../../src-shared/routing';
import { prepared } from '../store/prepared';
import { Capacity, TeamInput } from '../../src-shared/admin';
import type { Q } from '../domain/entities';
import { invalid, notFound } from '../domain/errors';
import type { TeamsTable } from '../store/schema';

// Capacity and TeamInput live in src-shared/admin.ts: the app's Settings area validates with the same schemas.
export { Capacity, TeamInput };
/** Used when neither the agent nor the team names a capacity for a channel type. */
export const DEFAULT_CAPACITY = 3;

export interface Team extends TeamInput {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export const AgentRoutingInput = z
  .object({ skills: z.array(z.string().trim().min(1).max(64)).max(100), capacity: Capacity })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

const parseJson = <T>(raw: string | null | undefined, fallback: T): T => {
  if (!raw) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
};

export function capacityFor(agent: Capacity, team: Capacity, type: ChannelType): number {
  return agent[type] ?? agent['*'] ?? team[type] ?? team['*'] ?? DEFAULT_CAPACITY;
}

// ── teams ────────────────────────────────────────────────────────────────────────────────────
async function teamOf(q: Q, row: Selectable<TeamsTable>): Promise<Team> {
  const members = await q.selectFrom('team_members').select('agent_id').where('team_id', '=', row.id).orderBy('agent_id').execute();
  return {
    id: row.id,
    name: row.name,
    strategy: row.strategy as Team['strategy'],
    memberIds: members.map((m) => m.agent_id),
    defaultCapacity: parseJson<Capacity>(row.default_capacity, {}),
    overflow: row.overflow_team_id ? { teamId: row.overflow_team_id, afterSeconds: row.overflow_after_seconds, queueLength: row.overflow_queue_length } : null,
    replyTimeoutSeconds: row.reply_timeout_seconds,
    stickyWindowMinutes: row.sticky_window_minutes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listTeams(q: Q): Promise<Team[]> {
  const rows = await q.selectFrom('teams').selectAll().orderBy('created_at').orderBy('id').execute();
  return Promise.all(rows.map((r) => teamOf(q, r)));
}

export async function getTeam(q: Q, id: string): Promise<Team> {
  const row = await q.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('team');
  return teamOf(q, row);
}

async function checkTeamRefs(q: Q, input: TeamInput, selfId: string | null) {
  const ids = [...new Set(input.memberIds)];
  if (ids.length) {
    const found = await q.selectFrom('agents').select('id').where('id', 'in', ids).execute();
    if (found.length !== ids.length) throw invalid('memberIds: unknown agent');
  }
  if (input.overflow) {
    if (input.overflow.teamId === selfId) throw invalid('overflow: a team cannot overflow to itself');
    if (!(await q.selectFrom('teams').select('id').where('id', '=', input.overflow.teamId).executeTakeFirst())) throw invalid('overflow.teamId: unknown team');
  }
}

async function writeTeam(q: Q, id: string, input: TeamInput, created: string | null) {
  const now = nowIso();
  const values = {
    name: input.name,
    strategy: input.strategy,
    default_capacity: JSON.stringify(input.defaultCapacity),
    overflow_team_id: input.overflow?.teamId ?? null,
    overflow_after_seconds: input.overflow?.afterSeconds ?? null,
    overflow_queue_length: input.overflow?.queueLength ?? null,
    reply_timeout_seconds: input.replyTimeoutSeconds,
    sticky_window_minutes: input.stickyWindowMinutes,
    updated_at: now,
  };
  if (created === null) await q.insertInto('teams').values({ id, ...values, last_assigned_id: null, created_at: now }).execute();
  else await q.updateTable('teams').set(values).where('id', '=', id).execute();
  await q.deleteFrom('team_members').where('team_id', '=', id).execute();
  const members = [...new Set(input.memberIds)];
  if (members.length) await q.insertInto('team_members').values(members.map((agent_id) => ({ team_id: id, agent_id, created_at: now }))).execute();
}

export async function createTeam(q: Q, input: TeamInput): Promise<Team> {
  return q.transaction().execute(async (trx) => {
    await checkTeamRefs(trx, input, null);
    const id = uuidv7();
    await writeTeam(trx, id, input, null);
    return getTeam(trx, id);
  });
}

export async function updateTeam(q: Q, id: string, patch: Record<string, unknown>): Promise<Team> {
  return q.transaction().execute(async (trx) => {
    const { id: _i, createdAt: _c, updatedAt: _u, ...current } = await getTeam(trx, id);
    const parsed = TeamInput.safeParse({ ...current, ...patch });
    if (!parsed.success) throw invalid(`${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}`.trim());
    await checkTeamRefs(trx, parsed.data, id);
    await writeTeam(trx, id, parsed.data, current.name);
    return getTeam(trx, id);
  });
}

export async function deleteTeam(q: Q, id: string): Promise<void> {
  await getTeam(q, id);
  if (await q.selectFrom('routing_rules').select('id').where('team_id', '=', id).executeTakeFirst()) throw invalid('a routing rule targets this team; change or delete it first');
  if (await q.selectFrom('teams').select('id').where('overflow_team_id', '=', id).executeTakeFirst()) throw invalid('another team overflows to this team');
  await q.deleteFrom('teams').where('id', '=', id).execute();
}

// ── agent skills and capacity ────────────────────────────────────────────────────────────────
export interface AgentRouting {
  agentId: string;
  skills: string[];
  capacity: Capacity;
  status: string;
  effective: string;
}

export async function ensureAgentRouting(q: Q, agentId: string): Promise<void> {
  await q
    .insertInto('agent_routing')
    .values({ agent_id: agentId, skills: '[]', capacity: '{}', status: 'online', effective: 'offline', last_seen_at: null, updated_at: nowIso() })
    .onConflict((oc) => oc.column('agent_id').doNothing())
    .execute();
}

export async function getAgentRouting(q: Q, agentId: string): Promise<AgentRouting> {
  if (!(await q.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst())) throw notFound('agent');
  await ensureAgentRouting(q, agentId);
  const r = (await q.selectFrom('agent_routing').selectAll().where('agent_id', '=', agentId).executeTakeFirst())!;
  return { agentId, skills: parseJson<string[]>(r.skills, []), capacity: parseJson<Capacity>(r.capacity, {}), status: r.status, effective: r.effective };
}

export async function updateAgentRouting(q: Q, agentId: string, patch: z.infer<typeof AgentRoutingInput>): Promise<AgentRouting> {
  await getAgentRouting(q, agentId);
  await q
    .updateTable('agent_routing')
    .set({ ...(patch.skills ? { skills: JSON.stringify([...new Set(patch.skills)]) } : {}), ...(patch.capacity ? { capacity: JSON.stringify(patch.capacity) } : {}), updated_at: nowIso() })
    .where('agent_id', '=', agentId)
    .execute();
  return getAgentRouting(q, agentId);
}

// ── routing rules ────────────────────────────────────────────────────────────────────────────
export const RoutingRuleCreate = RoutingRuleInput.extend({ position: z.number().int().min(0).max(1_000_000).optional() });

export async function listRules(q: Q): Promise<RoutingRule[]> {
  const rows = await q.selectFrom('routing_rules').selectAll().orderBy('position').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    name: r.name,
    enabled: r.enabled === 1,
    conditions: parseJson(r.conditions, {}),
    teamId: r.team_id,
    requiredSkills: parseJson<string[]>(r.required_skills, []),
  }));
}

export async function getRule(q: Q, id: string): Promise<RoutingRule> {
  const rule = (await listRules(q)).find((r) => r.id === id);
  if (!rule) throw notFound('routing rule');
  return rule;
}

async function checkRuleRefs(q: Q, rule: RoutingRuleInput) {
  if (!(await q.selectFrom('teams').select('id').where('id', '=', rule.teamId).executeTakeFirst())) throw invalid('teamId: unknown team');
  const cal = rule.conditions.businessHours?.calendarId;
  if (cal && !(await q.selectFrom('sla_calendars').select('id').where('id', '=', cal).executeTakeFirst())) throw invalid('conditions.businessHours.calendarId: unknown calendar');
}

export async function createRule(q: Q, input: z.infer<typeof RoutingRuleCreate>): Promise<RoutingRule> {
  await checkRuleRefs(q, input);
  const last = await q.selectFrom('routing_rules').select('position').orderBy('position', 'desc').limit(1).executeTakeFirst();
  const id = uuidv7();
  const now = nowIso();
  await q
    .insertInto('routing_rules')
    .values({
      id,
      position: input.position ?? (last ? last.position + 10 : 10),
      name: input.name,
      enabled: input.enabled ? 1 : 0,
      conditions: JSON.stringify(input.conditions),
      team_id: input.teamId,
      required_skills: JSON.stringify(input.requiredSkills),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return getRule(q, id);
}

export async function updateRule(q: Q, id: string, patch: Record<string, unknown>): Promise<RoutingRule> {
  const { id: _id, ...current } = await getRule(q, id);
  const parsed = RoutingRuleCreate.safeParse({ ...current, ...patch });
  if (!parsed.success) throw invalid(`${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}`.trim());
  const r = parsed.data;
  await checkRuleRefs(q, r);
  await q
    .updateTable('routing_rules')
    .set({ position: r.position ?? current.position, name: r.name, enabled: r.enabled ? 1 : 0, conditions: JSON.stringify(r.conditions), team_id: r.teamId, required_skills: JSON.stringify(r.requiredSkills), updated_at: nowIso() })
    .where('id', '=', id)
    .execute();
  return getRule(q, id);
}

export async function deleteRule(q: Q, id: string): Promise<void> {
  await getRule(q, id);
  await q.deleteFrom('routing_rules').where('id', '=', id).execute();
}

// ── escalation rules ─────────────────────────────────────────────────────────────────────────
/** Read after every customer message (router.escalateOnInbound): compiled once (store/prepared.ts). */
const escalationRules = prepared((q) => q.selectFrom('escalation_rules').selectAll().orderBy('position').orderBy('id'));

export async function listEscalationRules(q: Q): Promise<EscalationRule[]> {
  const rows = await escalationRules.rows(q, {});
  return rows.map((r) => ({ id: r.id, ...(JSON.parse(r.data) as EscalationRuleInput) }));
}

export async function getEscalationRule(q: Q, id: string): Promise<EscalationRule> {
  const rule = (await listEscalationRules(q)).find((r) => r.id === id);
  if (!rule) throw notFound('escalation rule');
  return rule;
}

async function checkEscalationRefs(q: Q, rule: EscalationRuleInput) {
  const team = rule.actions.moveToTeamId;
  if (team && !(await q.selectFrom('teams').select('id').where('id', '=', team).executeTakeFirst())) throw invalid('actions.moveToTeamId: unknown team');
}

export async function createEscalationRule(q: Q, input: EscalationRuleInput): Promise<EscalationRule> {
  await checkEscalationRefs(q, input);
  const last = await q.selectFrom('escalation_rules').select('position').orderBy('position', 'desc').limit(1).executeTakeFirst();
  const id = uuidv7();
  const now = nowIso();
  await q.insertInto('escalation_rules').values({ id, position: last ? last.position + 10 : 10, data: JSON.stringify(input), created_at: now, updated_at: now }).execute();
  return getEscalationRule(q, id);
}

export async function updateEscalationRule(q: Q, id: string, patch: Record<string, unknown>): Promise<EscalationRule> {
  const { id: _id, ...current } = await getEscalationRule(q, id);
  const parsed = EscalationRuleInput.safeParse({ ...current, ...patch });
  if (!parsed.success) throw invalid(`${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? 'invalid'}`.trim());
  await checkEscalationRefs(q, parsed.data);
  await q.updateTable('escalation_rules').set({ data: JSON.stringify(parsed.data), updated_at: nowIso() }).where('id', '=', id).execute();
  return getEscalationRule(q, id);
}

export async function deleteEscalationRule(q: Q, id: string): Promise<void> {
  await getEscalationRule(q, id);
  await q.deleteFrom('escalation_rules').where('id', '=', id).execute();
}

export { parseJson };
