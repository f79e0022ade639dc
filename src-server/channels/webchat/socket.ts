// The customer's WebSocket (/ws/widget), protocol of src-shared/widget-protocol.ts.
// A customer message is stored (deduplicated on its clientMessageId) before it is acknowledged;
// agent replies reach every open socket of that visitor live.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { MAX_MESSAGE_CHARS, type Message } from '../../../src-shared/domain';
import { WIDGET_WS_PATH, WidgetClientMessage, type WidgetMessage, type WidgetServerMessage } from '../../../src-shared/widget-protocol';
import type { ServerContext } from '../../api/context';
import { parseConfig } from '../../domain/channel-config';
import { contactIdByIdentity } from '../../domain/commands';
import { messageOf, loadContact } from '../../domain/entities';
import type { WidgetPeer } from '../../live-hub';
import type { MessagesTable } from '../../store/schema';
import type { Selectable } from 'kysely';
import { clientMessageIdOf, externalIdOf, userIdentity, verifyUserHash, visitorIdentity, webchatIdentitiesOf } from './identity';
import { csatConfigOf, recordAnswer } from '../../csat/store';
import { DEFAULT_CSAT_QUESTION } from '../../../src-shared/csat';

/** Frames larger than this are refused (a maximal message with JSON escaping fits well below). */
export const WIDGET_MAX_FRAME_BYTES = 128 * 1024;
export const WIDGET_HISTORY_LIMIT = 200;
const MESSAGES_PER_WINDOW = 20;
const FRAMES_PER_WINDOW = 120;
const WINDOW_MS = 10_000;

export function widgetMessageOf(m: Message | Selectable<MessagesTable>): WidgetMessage {
  const msg = 'conversation_id' in m ? messageOf(m) : m;
  const external = 'external_id' in m ? m.external_id : null;
  return {
    id: msg.id,
    clientMessageId: msg.direction === 'inbound' ? clientMessageIdOf(external) : null,
    direction: msg.direction === 'inbound' ? 'inbound' : 'outbound',
    text: msg.text,
    authorName: msg.authorName,
    createdAt: msg.createdAt,
  };
}

/** Counts events in a sliding window. */
class Window {
  private times: number[] = [];
  constructor(private readonly max: number) {}
  take(now = Date.now()): boolean {
    this.times = this.times.filter((t) => now - t < WINDOW_MS);
    if (this.times.length >= this.max) return false;
    this.times.push(now);
    return true;
  }
}

export function webchatSocketRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(WIDGET_WS_PATH, { websocket: true }, (socket: WebSocket, req: FastifyRequest) => handleWidgetSocket(ctx, socket, req));

  // Agent replies in a web chat conversation: push to the visitor's open sockets, in order.
  let delivery: Promise<void> = Promise.resolve();
  ctx.hub.onOutbound((message, conversation) => {
    delivery = delivery
      .then(async () => {
        // The reply's own channel: a web chat reply may belong to a thread that started elsewhere (issue 4).
        const channel = await ctx.db.selectFrom('channels').select('type').where('id', '=', message.channelId).executeTakeFirst();
        if (channel?.type !== 'webchat') return;
        const identities = await webchatIdentitiesOf(ctx.db, conversation.contactId);
        const row = await ctx.db.selectFrom('messages').selectAll().where('id', '=', message.id).executeTakeFirst();
        if (row) ctx.hub.toWidgets(message.channelId, identities, { type: 'message', message: widgetMessageOf(row) });
      })
      .catch((err: unknown) => ctx.log.error({ err }, 'web chat live delivery failed'));
  });
}

function handleWidgetSocket(ctx: ServerContext, socket: WebSocket, req: FastifyRequest): void {
  const send = (msg: WidgetServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
  };
  const error = (code: string, message: string, clientMessageId?: string) => send({ type: 'error', code, message, ...(clientMessageId ? { clientMessageId } : {}) });
  const messages = new Window(MESSAGES_PER_WINDOW);
  const frames = new Window(FRAMES_PER_WINDOW);

  let session: { channelId: string; identity: string; profile: { name?: string; email?: string }; contactId: string | null; peer: WidgetPeer } | null = null;

  async function handle(raw: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return error('malformed', 'frame is not JSON');
    }
    const frame = json as { type?: unknown; text?: unknown; clientMessageId?: unknown };
    const cmid = typeof frame?.clientMessageId === 'string' ? frame.clientMessageId.slice(0, 64) : undefined;
    if (frame?.type === 'message' && typeof frame.text === 'string' && frame.text.length > MAX_MESSAGE_CHARS) {
      return error('too_large', `a message may have at most ${MAX_MESSAGE_CHARS} characters`, cmid);
    }
    const parsed = WidgetClientMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return error('invalid', `invalid frame: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), cmid);
    }
    const msg = parsed.data;

    if (msg.type === 'hello') {
      if (session) return error('invalid', 'hello was already sent');
      const { identity: id } = msg;
      const channel = await ctx.db.selectFrom('channels').selectAll().where('id', '=', id.channelId).executeTakeFirst();
      if (!channel || channel.type !== 'webchat') {
        error('unknown_channel', 'this chat does not exist');
        return socket.close(4004, 'unknown channel');
      }
      const config = ctx.channels.secrets.open(parseConfig(channel.config));
      const allowed = Array.isArray(config.allowedOrigins) ? (config.allowedOrigins as unknown[]).filter((o): o is string => typeof o === 'string') : [];
      if (allowed.length > 0 && !allowed.includes(String(req.headers.origin ?? ''))) {
        error('origin_not_allowed', 'this chat is not enabled on this website');
        return socket.close(4003, 'origin not allowed');
      }
      const requireVerification = config.requireVerification === true;
      let verified = false;
      if (id.userId !== undefined) {
        verified = typeof config.secret === 'string' && !!id.userHash && verifyUserHash(config.secret, id.userId, id.userHash);
        if (!verified) error('verification_failed', 'the user could not be verified; chatting as a guest');
      }
      if (requireVerification && !verified) {
        error('verification_required', 'this chat requires a signed-in user');
        return socket.close(4003, 'verification required');
      }
      // An unverified claim of a userId is ignored: the visitor chats anonymously.
      const identity = verified ? userIdentity(id.userId!) : visitorIdentity(id.visitorId);
      const profile = { name: id.name, email: id.email };
      const contactId = (await contactIdByIdentity(ctx.db, 'webchat', identity)) ?? null;
      if (contactId && (profile.name || profile.email)) await ctx.commands.updateContactProfile(contactId, profile);
      const peer: WidgetPeer = { channelId: channel.id, identity, send };
      session = { channelId: channel.id, identity, profile, contactId, peer };
      ctx.hub.addWidget(peer);
      send({ type: 'welcome', visitorId: id.visitorId, verified, channelName: channel.name, history: contactId ? await historyOf(ctx, channel.id, contactId) : [] });
      // An unanswered survey (docs/csat.md) is shown whenever the visitor opens the chat again.
      if (contactId) {
        // By the conversation's contact (as merged now), not the survey's contact at resolve.
        const survey = await ctx.db
          .selectFrom('csat_surveys as cs')
          .innerJoin('conversations as c', 'c.id', 'cs.conversation_id')
          .select(['cs.token'])
          .where('c.contact_id', '=', contactId)
          .where('cs.channel_id', '=', channel.id)
          .where('cs.state', '=', 'sent')
          .where('cs.sent_at', 'is not', null)
          // Not once the customer has carried on and the conversation is open again: the rating would be about
          // help that is still going on.
          .where('c.status', '=', 'resolved')
          .orderBy('cs.created_at', 'desc')
          .executeTakeFirst();
        if (survey) send({ type: 'csat', survey: { token: survey.token, question: csatConfigOf(channel.config).question ?? DEFAULT_CSAT_QUESTION, score: null, comment: null } });
      }
      return;
    }

    if (!session) return error('hello_required', 'send hello first');
    const s = session;
    switch (msg.type) {
      case 'message': {
        if (!messages.take()) return error('rate_limited', 'you are sending messages too fast; wait a moment', msg.clientMessageId);
        const result = await ctx.commands.receiveInbound({
          channelId: s.channelId,
          identity: { channelType: 'webchat', value: s.identity },
          profile: s.profile,
          externalId: externalIdOf(s.identity, msg.clientMessageId),
          text: msg.text,
        });
        s.contactId = result.contactId;
        const row = await ctx.db.selectFrom('messages').selectAll().where('id', '=', result.message.id).executeTakeFirstOrThrow();
        const message = widgetMessageOf(row);
        // Stored (or found as a duplicate): only now acknowledge.
        send({ type: 'ack', clientMessageId: msg.clientMessageId, message });
        if (!result.duplicate) ctx.hub.toWidgets(s.channelId, [s.identity], { type: 'message', message }, s.peer);
        return;
      }
      case 'typing': {
        if (!s.contactId) return;
        const conv = await openConversation(ctx, s.channelId, s.contactId);
        if (!conv) return;
        const contact = await loadContact(ctx.db, s.contactId);
        ctx.hub.toSyncSeeing(s.channelId, { type: 'typing', conversationId: conv.id, who: 'customer', name: contact?.name ?? 'Customer', on: msg.on });
        return;
      }
      case 'delivered': {
        if (!s.contactId) return;
        await ctx.commands.markDelivered(s.channelId, s.contactId, msg.messageIds);
        return;
      }
      case 'csat': {
        // A rating, not a message: recorded on the survey only when it is this visitor's, in this chat.
        // The identity's contact NOW (a merge since hello moved it to the survivor), not the one cached at hello.
        const contactId = (await contactIdByIdentity(ctx.db, 'webchat', s.identity)) ?? null;
        const res = contactId ? await ctx.commands.run((w) => recordAnswer(w, msg.token, { score: msg.score, comment: msg.comment }, { channelId: s.channelId, contactIds: [contactId] })) : { kind: 'unknown' as const };
        if (res.kind !== 'recorded') return error('not_found', 'this survey does not exist or is closed');
        const channel = await ctx.db.selectFrom('channels').select('config').where('id', '=', s.channelId).executeTakeFirst();
        const frame = { type: 'csat' as const, survey: { token: msg.token, question: (channel ? csatConfigOf(channel.config).question : undefined) ?? DEFAULT_CSAT_QUESTION, score: res.survey.score, comment: res.survey.comment } };
        // Every open tab of this visitor shows the thanks.
        ctx.hub.toWidgets(s.channelId, [s.identity], frame);
        return;
      }
    }
  }

  let chain: Promise<void> = Promise.resolve();
  socket.on('message', (data, isBinary) => {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as ArrayBuffer).byteLength;
    if (!frames.take()) return error('rate_limited', 'too many frames; slow down');
    if (isBinary) return error('invalid', 'text frames only');
    if (size > WIDGET_MAX_FRAME_BYTES) return error('too_large', 'frame is too large');
    const raw = data.toString();
    chain = chain
      .then(() => handle(raw))
      .catch((err: unknown) => {
        ctx.log.error({ err }, 'widget frame failed');
        error('internal', 'the message could not be handled; it will be retried');
      });
  });
  const cleanup = () => {
    if (session) ctx.hub.removeWidget(session.peer);
  };
  socket.on('close', cleanup);
  socket.on('error', cleanup);
}

async function openConversation(ctx: ServerContext, channelId: string, contactId: string) {
  return ctx.db
    .selectFrom('conversations')
    .select(['id'])
    .where('contact_id', '=', contactId)
    .where('channel_id', '=', channelId)
    .where('status', 'in', ['open', 'pending'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** The customer's side of their history in this channel: no private notes. */
async function historyOf(ctx: ServerContext, channelId: string, contactId: string): Promise<WidgetMessage[]> {
  const rows = await ctx.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .where('conversations.contact_id', '=', contactId)
    .where('conversations.channel_id', '=', channelId)
    .where('messages.direction', 'in', ['inbound', 'outbound'])
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(WIDGET_HISTORY_LIMIT)
    .execute();
  return rows.reverse().map(widgetMessageOf);
}
