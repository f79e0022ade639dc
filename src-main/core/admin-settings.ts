// The Settings area from the app (docs/routing.md, docs/sla.md): teams, routing and escalation rules, SLA policies,
// business calendars and agents over the server's REST APIs with the agent's token, like admin-channels.ts.
// Arguments are validated by the ipc contract; every answer is validated here. The server decides who may do what
// (admins write, supervisors read, agents 403); its {error:{code,message}} surfaces unchanged.
import { z } from 'zod';
import { Agent } from '../../src-shared/domain';
import type { adminIpcContract } from '../../src-shared/admin';
import { AgentRouting, adminCollections, CalendarView, EscalationRuleView, movePatches, RoutingRuleView, Team, type AdminCollection } from '../../src-shared/admin';
import { SlaPolicy } from '../../src-shared/sla';
import type { IpcHandlers } from '../../src-shared/ipc';
import { CoreError } from './session';

type AdminMethod = keyof typeof adminIpcContract;
export type AdminHandlers = Pick<IpcHandlers, AdminMethod>;

/** The session the calls run under; null while signed out. */
export type AdminSession = () => { serverUrl: string; token: string } | null;

export class AdminClient {
  constructor(private readonly session: AdminSession) {}

  async request<S extends z.ZodType>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const s = this.session();
    if (!s) throw new CoreError('signed_out', 'Sign in first.');
    let res: Response;
    try {
      res = await fetch(`${s.serverUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      throw new CoreError('network', 'Cannot reach the server: settings can only be changed online.');
    }
    const json: unknown = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) {
      const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      throw new CoreError(typeof e?.code === 'string' ? e.code : res.status === 403 ? 'forbidden' : 'failed', typeof e?.message === 'string' ? e.message : `The server refused the request (HTTP ${res.status})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new CoreError('bad_response', `The server answered with an unexpected shape (${parsed.error.issues[0]?.path.join('.') ?? ''})`);
    return parsed.data;
  }

  list<S extends z.ZodType>(collection: AdminCollection, item: S): Promise<z.infer<S>[]> {
    return this.request('GET', adminCollections[collection], undefined, z.object({ items: z.array(item) })).then((r) => r.items as z.infer<S>[]);
  }

  save<S extends z.ZodType>(collection: AdminCollection, id: string | undefined, input: unknown, item: S): Promise<z.infer<S>> {
    return id ? this.request('PATCH', `${adminCollections[collection]}/${encodeURIComponent(id)}`, input, item) : this.request('POST', adminCollections[collection], input, item);
  }

  async remove(collection: AdminCollection, id: string): Promise<null> {
    await this.request('DELETE', `${adminCollections[collection]}/${encodeURIComponent(id)}`, undefined, z.null());
    return null;
  }

  /** Every agent (the REST list is paged). */
  async agents(): Promise<Agent[]> {
    const out: Agent[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Agent[]; nextCursor: string | null } = await this.request(
        'GET',
        `/api/v1/agents?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        undefined,
        z.object({ items: z.array(Agent), nextCursor: z.string().nullable() }),
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}

export function adminHandlers(session: AdminSession): AdminHandlers {
  const api = new AdminClient(session);
  const agentPath = (id: string) => `/api/v1/agents/${encodeURIComponent(id)}`;
  return {
    'admin.agents.list': () => api.agents(),
    'admin.agents.save': async ({ id, password, ...rest }) => {
      if (id) return api.request('PATCH', agentPath(id), { name: rest.name, role: rest.role, ...(password ? { password } : {}) }, Agent);
      if (!password) throw new CoreError('invalid', 'password: a new agent needs a password (at least 8 characters)');
      return api.request('POST', '/api/v1/agents', { ...rest, password }, Agent);
    },
    'admin.agents.routing': (a) => api.request('GET', `${agentPath(a.agentId)}/routing`, undefined, AgentRouting),
    'admin.agents.setRouting': (a) => api.request('PATCH', `${agentPath(a.agentId)}/routing`, { skills: a.skills, capacity: a.capacity }, AgentRouting),
    'admin.agents.setChannels': async (a) => {
      const agent = await api.request('GET', agentPath(a.agentId), undefined, Agent);
      const want = new Set(a.channelIds);
      const have = new Set(agent.channelIds);
      for (const c of want) if (!have.has(c)) await api.request('PUT', `/api/v1/channels/${encodeURIComponent(c)}/members/${encodeURIComponent(a.agentId)}`, undefined, z.null());
      for (const c of have) if (!want.has(c)) await api.request('DELETE', `/api/v1/channels/${encodeURIComponent(c)}/members/${encodeURIComponent(a.agentId)}`, undefined, z.null());
      return null;
    },
    'admin.teams.list': () => api.list('teams', Team),
    'admin.teams.save': (a) => api.save('teams', a.id, a.input, Team),
    'admin.teams.delete': (a) => api.remove('teams', a.id),
    'admin.routingRules.list': () => api.list('routingRules', RoutingRuleView),
    'admin.routingRules.save': (a) => api.save('routingRules', a.id, a.input, RoutingRuleView),
    'admin.routingRules.delete': (a) => api.remove('routingRules', a.id),
    'admin.routingRules.move': async (a) => {
      const rules = await api.list('routingRules', RoutingRuleView);
      for (const p of movePatches(rules, a.id, a.direction)) await api.save('routingRules', p.id, { position: p.position }, RoutingRuleView);
      return api.list('routingRules', RoutingRuleView);
    },
    'admin.escalationRules.list': () => api.list('escalationRules', EscalationRuleView),
    'admin.escalationRules.save': (a) => api.save('escalationRules', a.id, a.input, EscalationRuleView),
    'admin.escalationRules.delete': (a) => api.remove('escalationRules', a.id),
    'admin.slaPolicies.list': () => api.list('slaPolicies', SlaPolicy),
    'admin.slaPolicies.save': (a) => api.save('slaPolicies', a.id, a.input, SlaPolicy),
    'admin.slaPolicies.delete': (a) => api.remove('slaPolicies', a.id),
    'admin.calendars.list': () => api.list('calendars', CalendarView),
    'admin.calendars.save': (a) => api.save('calendars', a.id, a.input, CalendarView),
    'admin.calendars.delete': (a) => api.remove('calendars', a.id),
  };
}
