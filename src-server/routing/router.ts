// The router: assigns new and reopened conversations to the right agent, queues them when nobody can take one,
// drains the queues when capacity frees, overflows, reassigns when the assignee does not reply, escalates, and
// keeps presence. Pure decisions come from src-shared/routing; this module owns the store side.
//
// Atomicity. Every decision runs in its own transaction (Commands.run) whose FIRST statement is a write, so on
// SQLite it holds the database write lock with a fresh snapshot for the whole decision (like BEGIN IMMEDIATE) —
// across server processes sharing the file too. The assignment itself is one conditional UPDATE that re-checks,
// in the same statement, that the conversation is still open and unassigned and that the agent's open
// conversations of that channel type are still below capacity. So a burst never exceeds a capacity and never
// assigns a conversation twice, whatever the callers do.
import { sql, type Selectable } from 'kysely';
import type { ChannelType, Priority } from '../../src-shared/domain';
import { uuidv7 } from '../../src-shared/ids';
import {
  evaluateRules,
  firedTriggers,
  lexiconScorer,
  pickAgent,
  type Candidate,
  type PresenceStatus,
  type Presence,
  type RoutingEvent,
  type RoutingFacts,
  type RoutingRule,
  type SentimentScorer,
  type SkipReason,
  type Strategy,
} from '../../src-shared/routing';
import { raisedPriority, type BusinessCalendar, type Clock } from '../../src-shared/sla';
import { AGENTS_SCOPE, type ChangeWriter } from '../domain/change-log';
import type { Commands } from '../domain/commands';
import { conversationOf, type Q } from '../domain/entities';
import type { ConversationsTable } from '../store/schema';
import { clockCalendar, getCalendar } from '../sla/store';
import { capacityFor, ensureAgentRouting, listEscalationRules, listRules, parseJson, type Capacity } from './store';

export interface RouterOptions {
  clock: Clock;
  /** How long an agent whose app disconnected still counts as present (ms, server clock). Default 60 s. */
  graceMs?: number;
  /** Period of the background tick (real ms): presence, overflow, reply timeouts, time-based escalation. Default 5 s; 0 = no timer (tests tick by hand). */
  tickMs?: number;
  sentiment?: SentimentScorer;
  log?: { error(obj: unknown, msg: string): void };
}

type ConvRow = Selectable<ConversationsTable>;
type Outcome = { agentId: string | null; event: RoutingEvent | null };
/** How a conversation is routed: kind/why/notify of the event; `by` = the agent whose transfer caused it (with its note). */
type RouteOpts = { exclude?: string[]; kind?: 'reassigned' | 'overflow' | 'transferred'; why?: string; notify?: string[]; quiet?: boolean; by?: { agentId: string; noteId: string | null } };

const iso = (ms: number) => new Date(ms).toISOString();
const PRIORITY_ORDER = sql<number>`case priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;


export class Router {
  /** Sync sockets per agent in this process. */
  private readonly connected = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  readonly graceMs: number;
  readonly sentiment: SentimentScorer;

  constructor(
    private readonly commands: Commands,
    private readonly opts: RouterOptions,
  ) {
    this.graceMs = opts.graceMs ?? 60_000;
    this.sentiment = opts.sentiment ?? lexiconScorer();
  }

  private now(): number {
    return this.opts.clock.now();
  }

  start(): void {
    const ms = this.opts.tickMs ?? 5_000;
    if (ms <= 0) return;
    this.timer = setInterval(() => void this.tick().catch((err: unknown) => this.opts.log?.error({ err }, 'routing tick failed')), ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }

  /** commands.ts → here after every commit that created, reopened or freed something. */
  async afterCommit(work: ChangeWriter['routingWork']): Promise<void> {
    for (const id of work.inbound) await this.escalateOnInbound(id);
    for (const id of work.csat) await this.escalateOnCsat(id);
    for (const id of work.route) await this.route(id);
    if (work.drain) await this.drain();
  }

  // ── routing one conversation ───────────────────────────────────────────────────────────────
  /**
   * Routes an open, unassigned conversation: the rules pick the team (once; afterwards the conversation stays in that
   * team's queue), the team's strategy picks the agent. Returns the agent, or null when it waits in the queue.
   */
  async route(conversationId: string, opts: RouteOpts = {}): Promise<Outcome> {
    return this.commands.run(async (w) => {
      return this.routeIn(w, conversationId, opts);
    });
  }

  /** Routes inside the caller's transaction (also a transfer to a team, src-server/routing/collab.ts). */
  async routeIn(w: ChangeWriter, conversationId: string, opts: RouteOpts): Promise<Outcome> {
    const q = w.trx;
    const row = await q.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
    if (!row || row.status !== 'open' || row.assignee_id) return { agentId: null, event: null };
    const now = this.now();
    let teamId = row.routing_team_id ?? null;
    let rule: RoutingRule | null = null;
    let rulesSkipped: RoutingEvent['rulesSkipped'] = [];
    const rules = await listRules(q);
    if (teamId) rule = rules.find((r) => r.id === row.routing_rule_id) ?? null;
    else {
      if (!rules.some((r) => r.enabled)) return { agentId: null, event: null };
      const facts = await this.factsOf(q, row, now);
      const calendars = new Map<string, BusinessCalendar>();
      for (const r of rules) {
        const id = r.conditions.businessHours?.calendarId;
        if (id && !calendars.has(id)) calendars.set(id, clockCalendar(await getCalendar(q, id).catch(() => null as never)));
      }
      const decision = evaluateRules(rules, facts, calendars);
      rulesSkipped = decision.trace.filter((t) => !t.matched).map((t) => ({ ruleId: t.ruleId, name: t.name, failed: t.failed ?? '' }));
      if (!decision.rule) {
        if (!opts.quiet) await this.record(w, row, { kind: 'unassigned', rule: null, teamId: null, agentId: null, why: 'no routing rule matched: left in the channel inbox', rulesSkipped, agentsSkipped: [] });
        // routing_rule_id '' marks "evaluated, nothing matched" so the queue drain does not evaluate it again.
        await q.updateTable('conversations').set({ routing_rule_id: '' }).where('id', '=', row.id).execute();
        return { agentId: null, event: null };
      }
      rule = decision.rule;
      teamId = rule.teamId;
    }
    const team = await q.selectFrom('teams').selectAll().where('id', '=', teamId).executeTakeFirst();
    if (!team) return { agentId: null, event: null };
    const channel = (await q.selectFrom('channels').select(['type']).where('id', '=', row.channel_id).executeTakeFirst())!;
    const type = channel.type as ChannelType;
    const candidates = await this.candidates(q, team.id, row.channel_id, type, parseJson<Capacity>(team.default_capacity, {}), now);
    const exclude = new Set(opts.exclude ?? []);
    const agentsSkipped: RoutingEvent['agentsSkipped'] = candidates.filter((c) => exclude.has(c.id)).map((c) => ({ agentId: c.id, reason: 'previous_assignee' }));
    let pool = candidates.filter((c) => !exclude.has(c.id));
    const sticky = team.strategy === 'sticky' ? await this.lastHelper(q, row) : null;
    const requiredSkills = rule?.requiredSkills ?? [];
    for (;;) {
      const pick = pickAgent({
        strategy: team.strategy as Strategy,
        candidates: pool,
        requiredSkills,
        seed: row.id,
        lastAssignedId: team.last_assigned_id,
        sticky,
        stickyWindowMs: (team.sticky_window_minutes ?? 0) * 60_000,
        now,
      });
      if (!pick.agentId) {
        const queuedAt = row.queued_at ?? iso(now);
        await q.updateTable('conversations').set({ routing_team_id: team.id, routing_rule_id: rule?.id ?? row.routing_rule_id ?? null, queued_at: queuedAt }).where('id', '=', row.id).execute();
        let event: RoutingEvent | null = null;
        if (!opts.quiet) {
          const why = `${opts.why ? opts.why + '; ' : ''}${pick.why}: waiting in ${team.name}'s queue`;
          event = await this.record(w, row, { kind: opts.kind ?? 'queued', rule, teamId: team.id, teamName: team.name, strategy: team.strategy, agentId: null, why, rulesSkipped, agentsSkipped: [...agentsSkipped, ...pick.skipped], notify: opts.notify ?? [], by: opts.by });
        }
        await this.emitConversation(w, row.id);
        return { agentId: null, event };
      }
      const cap = pool.find((c) => c.id === pick.agentId)!.capacity;
      if (await this.assignIfCapacity(w, row.id, pick.agentId, type, cap, team.reply_timeout_seconds, now, team.id, rule?.id ?? row.routing_rule_id ?? null)) {
        await q.updateTable('teams').set({ last_assigned_id: pick.agentId }).where('id', '=', team.id).execute();
        const notify = opts.notify ? [...new Set([...opts.notify, pick.agentId])] : [pick.agentId];
        const event = await this.record(w, row, {
          kind: opts.kind ?? 'assigned',
          rule,
          teamId: team.id,
          teamName: team.name,
          strategy: team.strategy,
          agentId: pick.agentId,
          why: `${opts.why ? opts.why + '; ' : ''}${pick.why}`,
          rulesSkipped,
          agentsSkipped: [...agentsSkipped, ...pick.skipped.filter((s) => s.reason !== 'not_chosen'), ...pick.skipped.filter((s) => s.reason === 'not_chosen')],
          notify,
          by: opts.by,
        });
        await this.emitConversation(w, row.id);
        return { agentId: pick.agentId, event };
      }
      // The store said no (capacity reached meanwhile): never happens under the write lock, but stay correct anyway.
      agentsSkipped.push({ agentId: pick.agentId, reason: 'full' satisfies SkipReason });
      pool = pool.filter((c) => c.id !== pick.agentId);
    }
  }

  /** The one conditional UPDATE that assigns (see the header). True when it did. */
  private async assignIfCapacity(w: ChangeWriter, id: string, agentId: string, type: ChannelType, capacity: number, replyTimeoutSeconds: number | null, now: number, teamId: string, ruleId: string | null): Promise<boolean> {
    const res = await w.trx
      .updateTable('conversations')
      .set({
        assignee_id: agentId,
        assigned_at: iso(now),
        reply_due_at: replyTimeoutSeconds ? iso(now + replyTimeoutSeconds * 1000) : null,
        routing_team_id: teamId,
        routing_rule_id: ruleId,
        updated_at: iso(now),
      })
      .where('id', '=', id)
      .where('assignee_id', 'is', null)
      .where('status', '=', 'open')
      .where(({ eb, selectFrom }) =>
        eb(
          selectFrom('conversations as c')
            .innerJoin('channels as ch', 'ch.id', 'c.channel_id')
            .select(({ fn }) => fn.countAll<number>().as('n'))
            .where('c.assignee_id', '=', agentId)
            .where('c.status', '=', 'open')
            .where('ch.type', '=', type),
          '<',
          capacity,
        ),
      )
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Team members who can see the channel, with presence, skills, capacity and current load for the channel type. */
  private async candidates(q: Q, teamId: string, channelId: string, type: ChannelType, teamCapacity: Capacity, now: number): Promise<Candidate[]> {
    const members = await q
      .selectFrom('team_members')
      .innerJoin('agents', 'agents.id', 'team_members.agent_id')
      .leftJoin('agent_routing', 'agent_routing.agent_id', 'agents.id')
      .select(['agents.id', 'agents.role', 'agents.disabled', 'agent_routing.skills', 'agent_routing.capacity', 'agent_routing.status', 'agent_routing.last_seen_at'])
      .where('team_members.team_id', '=', teamId)
      .execute();
    const inChannel = new Set(
      (await q.selectFrom('channel_members').select('agent_id').where('channel_id', '=', channelId).execute()).map((r) => r.agent_id),
    );
    const visible = members.filter((m) => !m.disabled && (m.role !== 'agent' || inChannel.has(m.id)));
    if (visible.length === 0) return [];
    const loads = new Map(
      (
        await q
          .selectFrom('conversations as c')
          .innerJoin('channels as ch', 'ch.id', 'c.channel_id')
          .select(['c.assignee_id', ({ fn }) => fn.countAll<number>().as('n')])
          .where('c.assignee_id', 'in', visible.map((m) => m.id))
          .where('c.status', '=', 'open')
          .where('ch.type', '=', type)
          .groupBy('c.assignee_id')
          .execute()
      ).map((r) => [r.assignee_id!, Number(r.n)]),
    );
    return visible.map((m) => ({
      id: m.id,
      status: this.effectiveOf(m.id, m.status ?? null, m.last_seen_at ?? null, now),
      skills: parseJson<string[]>(m.skills, []),
      capacity: capacityFor(parseJson<Capacity>(m.capacity, {}), teamCapacity, type),
      load: loads.get(m.id) ?? 0,
    }));
  }

  /** The chosen status while the app is connected here or within the grace period after it disconnected; else offline. */
  effectiveOf(agentId: string, status: string | null, lastSeenAt: string | null, now: number): PresenceStatus {
    if (status === null) return 'offline';
    const present = (this.connected.get(agentId) ?? 0) > 0 || (lastSeenAt !== null && now - Date.parse(lastSeenAt) <= this.graceMs);
    return present ? (status as PresenceStatus) : 'offline';
  }

  private async lastHelper(q: Q, row: ConvRow): Promise<{ agentId: string; at: number } | null> {
    const prev = await q
      .selectFrom('conversations')
      .select(['assignee_id', 'updated_at'])
      .where('contact_id', '=', row.contact_id)
      .where('id', '!=', row.id)
      .where('assignee_id', 'is not', null)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return prev?.assignee_id ? { agentId: prev.assignee_id, at: Date.parse(prev.updated_at) } : null;
  }

  private async factsOf(q: Q, row: ConvRow, now: number): Promise<RoutingFacts> {
    const channel = (await q.selectFrom('channels').select(['type']).where('id', '=', row.channel_id).executeTakeFirst())!;
    const first = await q.selectFrom('messages').select('text').where('conversation_id', '=', row.id).where('direction', '=', 'inbound').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
    const contact = (await q.selectFrom('contacts').selectAll().where('id', '=', row.contact_id).executeTakeFirst()) as Record<string, unknown> | undefined;
    const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
    return {
      channelType: channel.type as ChannelType,
      channelId: row.channel_id,
      labels: parseJson<string[]>(row.labels, []),
      firstMessage: first?.text ?? '',
      // Customer profiles (issue 4) may add these columns; until then they are null.
      language: str(contact?.language) ?? str(contact?.locale),
      customerTier: str(contact?.tier),
      priority: (row.priority ?? 'normal') as Priority,
      at: now,
    };
  }

  private async emitConversation(w: ChangeWriter, id: string): Promise<void> {
    const row = (await w.trx.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst())!;
    await w.put('conversation', id, [row.channel_id], conversationOf(row));
  }

  private async record(
    w: ChangeWriter,
    row: ConvRow,
    e: { kind: RoutingEvent['kind']; rule: RoutingRule | null; teamId: string | null; teamName?: string; strategy?: string; agentId: string | null; why: string; rulesSkipped: RoutingEvent['rulesSkipped']; agentsSkipped: RoutingEvent['agentsSkipped']; notify?: string[]; by?: { agentId: string; noteId: string | null } },
  ): Promise<RoutingEvent> {
    const prev = await w.trx.selectFrom('routing_events').select(({ fn }) => fn.max('seq').as('seq')).where('conversation_id', '=', row.id).executeTakeFirst();
    const event: RoutingEvent = {
      id: uuidv7(),
      seq: Number(prev?.seq ?? 0) + 1,
      conversationId: row.id,
      channelId: row.channel_id,
      kind: e.kind,
      at: iso(this.now()),
      ruleId: e.rule?.id ?? null,
      ruleName: e.rule?.name ?? null,
      teamId: e.teamId,
      teamName: e.teamName ?? null,
      strategy: e.strategy ?? null,
      agentId: e.agentId,
      why: e.why,
      rulesSkipped: e.rulesSkipped,
      agentsSkipped: e.agentsSkipped,
      notify: e.notify ?? [],
      ...(e.by ? { byAgentId: e.by.agentId, noteId: e.by.noteId } : {}),
    };
    await w.trx.insertInto('routing_events').values({ id: event.id, conversation_id: row.id, channel_id: row.channel_id, kind: event.kind, seq: event.seq, at: event.at, data: JSON.stringify(event) }).execute();
    await w.put('routingEvent', event.id, [row.channel_id], event);
    return event;
  }

  // ── queues ──────────────────────────────────────────────────────────────────────────────────
  /** Assigns queued conversations while agents have capacity: highest priority first, then the longest waiting. */
  async drain(): Promise<number> {
    const db = this.commands.db;
    const queued = await db
      .selectFrom('conversations')
      .select(['id', 'routing_team_id', 'routing_rule_id', 'channel_id'])
      .where('routing_team_id', 'is not', null)
      .where('assignee_id', 'is', null)
      .where('status', '=', 'open')
      .orderBy(PRIORITY_ORDER)
      .orderBy(sql`coalesce(queued_at, updated_at)`)
      .orderBy('id')
      .limit(5000)
      .execute();
    const blocked = new Set<string>();
    let assigned = 0;
    for (const c of queued) {
      const key = `${c.routing_team_id}|${c.routing_rule_id}|${c.channel_id}`;
      if (blocked.has(key)) continue;
      const r = await this.route(c.id, { quiet: true });
      if (r.agentId) assigned++;
      else blocked.add(key);
    }
    return assigned;
  }

  /** 1-based position of a queued conversation in its team's queue (web chat can tell the customer), or null. */
  async queuePosition(conversationId: string): Promise<number | null> {
    const db = this.commands.db;
    const row = await db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
    if (!row || !row.routing_team_id || row.assignee_id || row.status !== 'open') return null;
    const ids = await db
      .selectFrom('conversations')
      .select('id')
      .where('routing_team_id', '=', row.routing_team_id)
      .where('assignee_id', 'is', null)
      .where('status', '=', 'open')
      .orderBy(PRIORITY_ORDER)
      .orderBy(sql`coalesce(queued_at, updated_at)`)
      .orderBy('id')
      .execute();
    const i = ids.findIndex((r) => r.id === conversationId);
    return i < 0 ? null : i + 1;
  }

  // ── the tick: presence, overflow, reply timeouts, time-based escalation, drain ──────────────
  async tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      await this.refreshPresence();
      await this.overflow();
      await this.replyTimeouts();
      await this.escalateOnTime();
      await this.drain();
    })();
    try {
      await this.ticking;
    } finally {
      this.ticking = null;
    }
  }

  private async overflow(): Promise<void> {
    const db = this.commands.db;
    const now = this.now();
    const teams = await db.selectFrom('teams').selectAll().where('overflow_team_id', 'is not', null).execute();
    for (const t of teams) {
      const queue = await db
        .selectFrom('conversations')
        .select(['id', 'queued_at'])
        .where('routing_team_id', '=', t.id)
        .where('assignee_id', 'is', null)
        .where('status', '=', 'open')
        .orderBy(PRIORITY_ORDER)
        .orderBy(sql`coalesce(queued_at, updated_at)`)
        .execute();
      const excess = t.overflow_queue_length !== null ? Math.max(0, queue.length - t.overflow_queue_length) : 0;
      for (const [i, c] of queue.entries()) {
        const waited = c.queued_at ? (now - Date.parse(c.queued_at)) / 1000 : 0;
        const byTime = t.overflow_after_seconds !== null && waited >= t.overflow_after_seconds;
        const byLength = i < excess;
        if (!byTime && !byLength) continue;
        const already = await db.selectFrom('routing_events').select('id').where('conversation_id', '=', c.id).where('kind', '=', 'overflow').executeTakeFirst();
        if (already) continue;
        const why = byTime ? `waited ${Math.round(waited)} s in ${t.name} (overflow after ${t.overflow_after_seconds} s)` : `${t.name}'s queue has ${queue.length} (overflow above ${t.overflow_queue_length})`;
        await this.commands.run(async (w) => {
          const res = await w.trx
            .updateTable('conversations')
            .set({ routing_team_id: t.overflow_team_id })
            .where('id', '=', c.id)
            .where('routing_team_id', '=', t.id)
            .where('assignee_id', 'is', null)
            .where('status', '=', 'open')
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) return;
          await this.routeIn(w, c.id, { kind: 'overflow', why });
        });
      }
    }
  }

  private async replyTimeouts(): Promise<void> {
    const db = this.commands.db;
    const due = await db
      .selectFrom('conversations')
      .select('id')
      .where('reply_due_at', '<=', iso(this.now()))
      .where('assignee_id', 'is not', null)
      .where('status', '=', 'open')
      .orderBy('reply_due_at')
      .limit(500)
      .execute();
    for (const { id } of due) {
      await this.commands.run(async (w) => {
        const row = await w.trx.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row || !row.assignee_id || !row.reply_due_at || row.status !== 'open' || Date.parse(row.reply_due_at) > this.now()) return;
        const replied = await w.trx
          .selectFrom('messages')
          .select('id')
          .where('conversation_id', '=', id)
          .where('direction', '=', 'outbound')
          .where('author_id', '=', row.assignee_id)
          .where('created_at', '>=', row.assigned_at ?? row.created_at)
          .limit(1)
          .executeTakeFirst();
        await w.trx.updateTable('conversations').set({ reply_due_at: null }).where('id', '=', id).execute();
        if (replied) return;
        const previous = row.assignee_id;
        const team = row.routing_team_id ? await w.trx.selectFrom('teams').select(['reply_timeout_seconds']).where('id', '=', row.routing_team_id).executeTakeFirst() : undefined;
        await w.trx.updateTable('conversations').set({ assignee_id: null, assigned_at: null, queued_at: iso(this.now()) }).where('id', '=', id).execute();
        await this.routeIn(w, id, {
          kind: 'reassigned',
          exclude: [previous],
          notify: [previous],
          why: `the assignee did not reply within ${team?.reply_timeout_seconds ?? '?'} s`,
        });
      });
    }
  }

  // ── escalation ─────────────────────────────────────────────────────────────────────────────
  private async escalateOnInbound(conversationId: string): Promise<void> {
    const rules = (await listEscalationRules(this.commands.db)).filter((r) => r.enabled);
    if (rules.length === 0) return;
    await this.commands.run(async (w) => {
      await this.escalateIn(w, conversationId, rules);
    });
  }

  /** A CSAT answer arrived (docs/csat.md): rules with csatAtMost, also on a resolved conversation (never reopened). */
  private async escalateOnCsat(conversationId: string): Promise<void> {
    const rules = (await listEscalationRules(this.commands.db)).filter((r) => r.enabled && r.triggers.csatAtMost !== undefined);
    if (rules.length === 0) return;
    await this.commands.run(async (w) => {
      await this.escalateIn(w, conversationId, rules, { allowResolved: true });
    });
  }

  private async escalateOnTime(): Promise<void> {
    const rules = (await listEscalationRules(this.commands.db)).filter((r) => r.enabled && (r.triggers.unresolvedMinutes !== undefined || r.triggers.slaAtRisk));
    if (rules.length === 0) return;
    const open = await this.commands.db.selectFrom('conversations').select('id').where('status', '!=', 'resolved').orderBy('created_at').limit(5000).execute();
    for (const { id } of open) {
      const fired = await this.commands.db.selectFrom('escalations_fired').select('rule_id').where('conversation_id', '=', id).execute();
      const pending = rules.filter((r) => !fired.some((f) => f.rule_id === r.id));
      if (pending.length === 0) continue;
      await this.commands.run(async (w) => {
        await this.escalateIn(w, id, pending);
      });
    }
  }

  private async escalateIn(w: ChangeWriter, conversationId: string, rules: Awaited<ReturnType<typeof listEscalationRules>>, opts: { allowResolved?: boolean } = {}): Promise<void> {
    const q = w.trx;
    const row = await q.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
    if (!row || (row.status === 'resolved' && !opts.allowResolved)) return;
    const survey = await q.selectFrom('csat_surveys').select('score').where('conversation_id', '=', row.id).executeTakeFirst();
    const now = this.now();
    const inbound = await q.selectFrom('messages').select(['text']).where('conversation_id', '=', row.id).where('direction', '=', 'inbound').orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    const last = inbound[0]?.text ?? '';
    const contact = (await q.selectFrom('contacts').selectAll().where('id', '=', row.contact_id).executeTakeFirst()) as Record<string, unknown> | undefined;
    const facts = {
      status: row.status as 'open' | 'pending' | 'resolved',
      csat: survey?.score ?? null,
      sentiment: this.sentiment.score(last),
      customerMessages: inbound.length,
      startedAt: Date.parse(row.created_at),
      now,
      customerTier: typeof contact?.tier === 'string' ? contact.tier : null,
      slaState: row.sla_state ?? null,
      lastCustomerMessage: last,
    };
    for (const rule of rules) {
      const triggers = firedTriggers(rule, facts);
      if (triggers.length === 0) continue;
      const ins = await q.insertInto('escalations_fired').values({ rule_id: rule.id, conversation_id: row.id, fired_at: iso(now) }).onConflict((oc) => oc.columns(['rule_id', 'conversation_id']).doNothing()).executeTakeFirst();
      if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) continue;
      const cur = (await q.selectFrom('conversations').selectAll().where('id', '=', row.id).executeTakeFirst())!;
      const a = rule.actions;
      const done: string[] = [];
      let notify: string[] = [];
      const priority = (cur.priority ?? 'normal') as Priority;
      if (a.raisePriority && raisedPriority(priority) !== priority) {
        // The SLA engine's own action: a higher priority may select a stricter policy (docs/sla.md).
        await q.updateTable('conversations').set({ priority: raisedPriority(priority) }).where('id', '=', row.id).execute();
        await w.slaHook?.(w, row.id, { type: 'priority' });
        done.push(`priority → ${raisedPriority(priority)}`);
      }
      if (a.addLabel) {
        const labels = parseJson<string[]>(cur.labels, []);
        if (!labels.includes(a.addLabel)) {
          await q.updateTable('conversations').set({ labels: JSON.stringify([...labels, a.addLabel]) }).where('id', '=', row.id).execute();
          done.push(`label "${a.addLabel}"`);
        }
      }
      if (a.moveToTeamId && a.moveToTeamId !== cur.routing_team_id) {
        // A resolved conversation (a CSAT rule) changes team for the follow-up but does not enter the queue.
        await q.updateTable('conversations').set({ routing_team_id: a.moveToTeamId, ...(cur.status === 'resolved' ? {} : { queued_at: cur.queued_at ?? iso(now) }) }).where('id', '=', row.id).execute();
        done.push('moved to team');
      }
      if (a.notifySupervisors) {
        notify = (await q.selectFrom('agents').select('id').where('role', 'in', ['supervisor', 'admin']).where('disabled', '=', 0).execute()).map((r) => r.id);
        done.push('supervisors notified');
      }
      const previous = cur.assignee_id;
      const reassign = cur.status === 'open' && (a.reassign || (a.moveToTeamId !== null && a.moveToTeamId !== cur.routing_team_id));
      if (reassign && previous) {
        await q.updateTable('conversations').set({ assignee_id: null, assigned_at: null, reply_due_at: null }).where('id', '=', row.id).execute();
        done.push('unassigned');
      }
      const team = a.moveToTeamId ? await q.selectFrom('teams').select(['name']).where('id', '=', a.moveToTeamId).executeTakeFirst() : undefined;
      await this.record(w, cur, {
        kind: 'escalated',
        rule: null,
        teamId: a.moveToTeamId,
        teamName: team?.name,
        agentId: null,
        why: `escalation "${rule.name}": ${triggers.join(', ')} → ${done.join(', ') || 'no change'}`,
        rulesSkipped: [],
        agentsSkipped: [],
        notify: previous ? [...new Set([...notify, previous])] : notify,
      });
      if (reassign) await this.routeIn(w, row.id, { kind: 'reassigned', exclude: a.reassign && previous ? [previous] : [], why: `escalation "${rule.name}"`, notify: previous ? [previous] : [] });
      await this.emitConversation(w, row.id);
    }
  }

  // ── presence ───────────────────────────────────────────────────────────────────────────────
  /**
   * A sync socket of this agent opened (delta +1) or closed (-1) in this process. Routing sees the change at once
   * (effectiveOf reads the live connection count) and an agent coming online drains the queues; other apps learn it
   * from the next tick's `presence` entity (a socket opening is not worth a poke to every agent by itself).
   */
  async connection(agentId: string, delta: 1 | -1): Promise<void> {
    const n = Math.max(0, (this.connected.get(agentId) ?? 0) + delta);
    if (n === 0) this.connected.delete(agentId);
    else this.connected.set(agentId, n);
    const db = this.commands.db;
    await ensureAgentRouting(db, agentId);
    // Connected: seen now. Disconnected: the grace period starts now.
    await db.updateTable('agent_routing').set({ last_seen_at: iso(this.now()) }).where('agent_id', '=', agentId).execute();
    const row = await db.selectFrom('agent_routing').selectAll().where('agent_id', '=', agentId).executeTakeFirst();
    if (delta === 1 && row && row.effective !== 'online' && this.effectiveOf(agentId, row.status, row.last_seen_at, this.now()) === 'online') await this.drain();
  }

  /** The agent (app) chose a status. */
  async setStatus(agentId: string, status: PresenceStatus): Promise<Presence> {
    await ensureAgentRouting(this.commands.db, agentId);
    await this.commands.db.updateTable('agent_routing').set({ status, updated_at: iso(this.now()) }).where('agent_id', '=', agentId).execute();
    await this.refreshPresence(agentId);
    return (await this.presence()).find((p) => p.id === agentId)!;
  }

  async presence(): Promise<Presence[]> {
    const now = this.now();
    const rows = await this.commands.db.selectFrom('agent_routing').selectAll().orderBy('agent_id').execute();
    return rows.map((r) => ({ id: r.agent_id, status: r.status as PresenceStatus, effective: this.effectiveOf(r.agent_id, r.status, r.last_seen_at, now), updatedAt: r.updated_at }));
  }

  /** Recomputes effective presence (all agents, or one); emits `presence` changes; drains the queues when someone came online. */
  async refreshPresence(agentId?: string): Promise<void> {
    const db = this.commands.db;
    const now = this.now();
    // Heartbeat: agents connected here stay seen, so another server process sees them present too.
    if (!agentId && this.connected.size > 0) await db.updateTable('agent_routing').set({ last_seen_at: iso(now) }).where('agent_id', 'in', [...this.connected.keys()]).execute();
    let q = db.selectFrom('agent_routing').selectAll();
    if (agentId) q = q.where('agent_id', '=', agentId);
    const rows = await q.execute();
    const due = rows.map((r) => ({ r, effective: this.effectiveOf(r.agent_id, r.status, r.last_seen_at, now) })).filter((x) => agentId || x.effective !== x.r.effective);
    if (due.length === 0) return;
    // One transaction for every agent whose presence moved (many connect at once after a server restart): one
    // commit and one live fan-out, not one per agent ahead of the customers' messages.
    const cameOnline = await this.commands.run(async (w) => {
      let online = false;
      for (const { r, effective } of due) {
        const res = await w.trx.updateTable('agent_routing').set({ effective }).where('agent_id', '=', r.agent_id).where('effective', '!=', effective).executeTakeFirst();
        const p: Presence = { id: r.agent_id, status: r.status as PresenceStatus, effective, updatedAt: r.updated_at };
        await w.put('presence', r.agent_id, [AGENTS_SCOPE], p);
        if (Number(res.numUpdatedRows) > 0 && effective === 'online') online = true;
      }
      return online;
    });
    if (cameOnline) await this.drain();
  }
}
