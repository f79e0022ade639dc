// The sync WebSocket (/api/v1/sync), protocol of src-shared/sync.ts. Frames from one socket are
// handled strictly one after another, so a push is never overtaken by the next pull.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ClientMessage, SYNC_PATH, type ServerMessage } from '../../src-shared/sync';
import { nowIso } from '../../src-shared/ids';
import { authenticate, tokenFrom } from '../auth/sessions';
import { readCounter } from '../domain/change-log';
import { loadAgent, loadConversationRow } from '../domain/entities';
import { syncScopes, type Actor } from '../domain/visibility';
import type { ServerContext } from '../api/context';
import type { SyncPeer } from '../live-hub';
import { pullChanges } from './pull';
import { applyPush, lastMutationSeq, rejectionsSince } from './push';
import { webchatIdentitiesOf } from '../channels/webchat/identity';

/** Who views which conversation in this process (collision detection), so a late opener learns of earlier viewers. */
const viewersByHub = new WeakMap<object, Map<string, Map<SyncPeer, { agentId: string; name: string; replying: boolean }>>>();

export function syncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    SYNC_PATH,
    {
      websocket: true,
      // Refuse the upgrade itself without a valid token: 401, no socket.
      preValidation: async (req: FastifyRequest, reply) => {
        const auth = await authenticate(ctx.db, tokenFrom(req.headers, req.query));
        if (!auth) return reply.code(401).send({ error: { code: 'unauthorized', message: 'missing, expired or revoked token' } });
        req.auth = auth;
      },
    },
    (socket: WebSocket, req: FastifyRequest) => handleSyncSocket(ctx, socket, req),
  );
}

function handleSyncSocket(ctx: ServerContext, socket: WebSocket, req: FastifyRequest): void {
  const auth = req.auth!;
  const actor: Actor = { id: auth.agent.id, name: auth.agent.name, role: auth.agent.role };
  let clientId: string | null = null;
  const send = (msg: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
  };
  const peer: SyncPeer = {
    agentId: actor.id,
    sessionId: auth.sessionId,
    scopes: null,
    scopeKey: null,
    send,
    sendRaw: (frame) => {
      if (socket.readyState === socket.OPEN) socket.send(frame);
    },
    close: (code, reason) => socket.close(code, reason),
    live: null,
  };
  ctx.hub.addSync(peer);
  /** Conversations this socket says it is viewing (collision detection): told "off" to the others when it closes. */
  const viewing = new Map<string, { channelId: string; name: string }>();
  let viewers = viewersByHub.get(ctx.hub);
  if (!viewers) viewersByHub.set(ctx.hub, (viewers = new Map()));
  const allViewers = viewers;

  const error = (code: string, message: string) => send({ type: 'error', code, message });

  async function handle(raw: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return error('malformed', 'frame is not JSON');
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) return error('invalid', `invalid frame: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
    const msg = parsed.data;
    if (msg.type === 'ping') return send({ type: 'pong', t: msg.t, serverTime: ctx.clock ? new Date(ctx.clock.now()).toISOString() : nowIso() });
    if (msg.type === 'hello') {
      const agent = await loadAgent(ctx.db, actor.id);
      if (!agent || agent.disabled) return peer.close(4001, 'agent disabled');
      const { disabled: _d, ...publicAgent } = agent;
      const current = { ...actor, name: agent.name, role: agent.role };
      const { scopes, scopeKey } = await syncScopes(ctx.db, current);
      const head = await readCounter(ctx.db, 'change_seq');
      const minCursor = await readCounter(ctx.db, 'min_cursor');
      const reset =
        (msg.cursor > 0 && msg.scopeKey !== scopeKey) || // visible scopes changed since the client's cursor
        (msg.cursor > 0 && msg.cursor < minCursor) || // too far behind: tombstones it needs are pruned
        msg.cursor > head; // the server's log is older than the client's (restored or replaced store)
      clientId = msg.clientId;
      peer.live = null;
      peer.scopes = new Set(scopes);
      peer.scopeKey = scopeKey;
      const last = await lastMutationSeq(ctx.db, msg.clientId, actor.id);
      const rejected = msg.outboxFromSeq ? await rejectionsSince(ctx.db, msg.clientId, actor.id, msg.outboxFromSeq, last) : [];
      return send({
        type: 'welcome',
        agent: publicAgent,
        lastMutationSeq: last,
        ...(rejected.length ? { rejected } : {}),
        scopeKey,
        reset,
        // The SLA clock's time, so desktops correct their countdowns to the server's clock.
        serverTime: ctx.clock ? new Date(ctx.clock.now()).toISOString() : nowIso(),
        headCursor: head,
      });
    }
    if (!peer.scopes || !clientId) return error('hello_required', 'send hello first');
    switch (msg.type) {
      case 'pull': {
        // Unknown while the answer is prepared (inline pokes meanwhile would race it); then: it holds all to cursor.
        peer.live = null;
        const minCursor = await readCounter(ctx.db, 'min_cursor');
        if (msg.cursor > 0 && msg.cursor < minCursor) return error('reset_required', 'cursor is older than the change log; pull from 0');
        const result = await pullChanges(ctx.db, [...peer.scopes], msg.cursor, msg.limit);
        if (!result.more) peer.live = { cursor: result.cursor, clear: result.cursor };
        return send({ type: 'changes', ...result });
      }
      case 'push':
        return send(await applyPush(ctx.commands, actor, clientId, msg.mutations));
      case 'typing': {
        const conv = await loadConversationRow(ctx.db, msg.conversationId);
        if (!conv || !peer.scopes.has(conv.channel_id)) return error('not_found', 'conversation not found');
        const agent = await loadAgent(ctx.db, actor.id);
        const name = agent?.name ?? actor.name;
        ctx.hub.toSyncSeeing(conv.channel_id, { type: 'typing', conversationId: conv.id, who: 'agent', name, on: msg.on }, peer);
        const identities = await webchatIdentitiesOf(ctx.db, conv.contact_id);
        ctx.hub.toWidgets(conv.channel_id, identities, { type: 'typing', on: msg.on, name });
        return;
      }
      case 'presence':
        await ctx.router?.setStatus(actor.id, msg.status);
        return;
      case 'viewing': {
        const conv = await loadConversationRow(ctx.db, msg.conversationId);
        if (!conv || !peer.scopes.has(conv.channel_id)) return error('not_found', 'conversation not found');
        const name = (await loadAgent(ctx.db, actor.id))?.name ?? actor.name;
        let here = allViewers.get(conv.id);
        if (msg.on) {
          // A newcomer learns who already has it open.
          if (!viewing.has(conv.id)) for (const [p, v] of here ?? []) if (p !== peer && p.agentId !== actor.id) send({ type: 'viewing', conversationId: conv.id, agentId: v.agentId, name: v.name, on: true, replying: v.replying });
          viewing.set(conv.id, { channelId: conv.channel_id, name });
          if (!here) allViewers.set(conv.id, (here = new Map()));
          here.set(peer, { agentId: actor.id, name, replying: msg.replying });
        } else {
          viewing.delete(conv.id);
          here?.delete(peer);
          if (here?.size === 0) allViewers.delete(conv.id);
        }
        ctx.hub.toSyncSeeing(conv.channel_id, { type: 'viewing', conversationId: conv.id, agentId: actor.id, name, on: msg.on, replying: msg.on && msg.replying }, peer);
        return;
      }
    }
  }

  let chain: Promise<void> = Promise.resolve();
  socket.on('message', (data, isBinary) => {
    const raw = isBinary ? '' : data.toString();
    chain = chain
      .then(() => handle(raw))
      .catch((err: unknown) => {
        ctx.log.error({ err }, 'sync frame failed');
        error('internal', 'the server could not handle this frame; retry');
      });
  });
  socket.on('close', () => {
    ctx.hub.removeSync(peer);
    for (const conversationId of viewing.keys()) {
      allViewers.get(conversationId)?.delete(peer);
      if (allViewers.get(conversationId)?.size === 0) allViewers.delete(conversationId);
    }
    for (const [conversationId, v] of viewing) ctx.hub.toSyncSeeing(v.channelId, { type: 'viewing', conversationId, agentId: actor.id, name: v.name, on: false, replying: false }, peer);
    viewing.clear();
  });
  socket.on('error', () => ctx.hub.removeSync(peer));
}
