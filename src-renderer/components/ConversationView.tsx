import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationDetail } from '../../src-shared/ipc';
import { useCall } from '../state/bridge-context';
import { useNow } from '../state/core-events';
import { useAgents, useConversation, useSession } from '../state/queries';
import { useUi } from '../state/ui-store';
import { ChannelBadge } from './ChannelBadge';
import { PrioritySelect } from './PrioritySelect';
import { Composer } from './Composer';
import { CustomerPanel } from './CustomerPanel';
import { MessageList } from './MessageList';
import { SlaBadge } from '../sla/SlaBadge';
import { useServerNow } from '../sla/use-server-now';
import type { Conversation } from '../../src-shared/domain';
import { CollisionLine } from '../routing/CollisionLine';
import { HandoffActions } from '../routing/HandoffActions';
import { ConversationQuality } from '../quality/ConversationQuality';
import { CsatLine } from '../csat/CsatLine';

/** The conversation's SLA countdown, ticking with the server's clock. */
function HeaderSlaBadge({ conversation }: { conversation: Conversation }) {
  return <SlaBadge conversation={conversation} serverNow={useServerNow()} />;
}

export function ConversationPane() {
  const { t } = useTranslation();
  const openId = useUi((s) => s.openId);
  if (!openId) {
    return (
      <section className="conversation conversation-empty" aria-label={t('conversation.none')}>
        <p className="muted">{t('conversation.none')}</p>
        <p className="muted small">{t('conversation.shortcuts')}</p>
      </section>
    );
  }
  return <ConversationView key={openId} id={openId} />;
}

function ConversationView({ id }: { id: string }) {
  const { t } = useTranslation();
  const call = useCall();
  const query = useConversation(id);
  const session = useSession();
  const detail = query.data;

  // Reading the conversation marks it read, and again whenever a new customer message arrives while open.
  const lastInbound = detail?.conversation.lastInboundAt ?? null;
  const loaded = detail !== undefined;
  useEffect(() => {
    if (loaded) call('conversation.markRead', { conversationId: id }).catch(() => undefined);
  }, [id, lastInbound, call, loaded]);

  if (query.isError) {
    return (
      <section className="conversation">
        <p role="alert" className="form-error">
          {t('conversation.error', { message: query.error.message })}
        </p>
      </section>
    );
  }
  if (!detail) {
    return (
      <section className="conversation" aria-busy="true">
        <p className="muted">{t('conversation.loading')}</p>
      </section>
    );
  }
  const online = session.data?.connection === 'online';
  return (
    <>
      <section className="conversation" aria-labelledby="conversation-title">
        <ConversationHeader detail={detail} />
        {/* Quality reviews of this conversation (read-only): the reviewed agent sees the reviewer's comment. */}
        <ConversationQuality conversationId={id} />
        {/* The customer's satisfaction rating (docs/csat.md), synced with the conversation. */}
        <CsatLine conversation={detail.conversation} />
        <MessageList messages={detail.messages} slaEvents={detail.slaEvents ?? []} routingEvents={detail.routingEvents ?? []} />
        <TypingLine conversationId={id} />
        <CollisionLine conversationId={id} replying={!!detail.draft?.text.trim()} />
        {/* Seed the composer only from a fresh read, so a draft saved elsewhere is never overwritten by a stale one. */}
        {query.isFetchedAfterMount ? (
          <Composer conversationId={id} initialText={detail.draft?.text ?? ''} online={online} replyRule={detail.replyRule} channelId={detail.conversation.channelId} channelType={detail.channel.type} />
        ) : (
          <div className="composer composer-placeholder" aria-hidden="true" />
        )}
      </section>
      <CustomerPanel detail={detail} />
    </>
  );
}

function ConversationHeader({ detail }: { detail: ConversationDetail }) {
  const { t } = useTranslation();
  const call = useCall();
  const agents = useAgents();
  const session = useSession();
  const assigneeSelect = useId();
  const c = detail.conversation;
  const resolved = c.status === 'resolved';
  const me = session.data?.agent ?? null;

  function setStatus() {
    call('conversation.setStatus', { conversationId: c.id, status: resolved ? 'open' : 'resolved' }).catch((err: Error) =>
      useUi.getState().pushToast(t('conversation.statusFailed', { message: err.message })),
    );
  }

  function assign(assigneeId: string | null) {
    call('conversation.assign', { conversationId: c.id, assigneeId }).catch((err: Error) =>
      useUi.getState().pushToast(t('conversation.assignFailed', { message: err.message })),
    );
  }

  const agentList = agents.data ?? (me ? [me] : []);
  return (
    <header className="conversation-header">
      <div className="conversation-title-block">
        <h2 id="conversation-title">{detail.contact.name}</h2>
        <p className="muted small conversation-sub">
          <ChannelBadge type={detail.channel.type} /> <span>{detail.channel.name}</span>
          {c.subject && <span> · {c.subject}</span>}
          <span className={`pill pill-${c.status}`}>{t(`conversationStatus.${c.status}`)}</span>
          {c.priority && c.priority !== 'normal' && <span className={`pill priority-${c.priority}`}>{t(`priority.${c.priority}`)}</span>}
          <HeaderSlaBadge conversation={c} />
        </p>
      </div>
      <div className="conversation-actions">
        <PrioritySelect conversation={c} />
        <div className="field field-inline">
          <label htmlFor={assigneeSelect}>{t('conversation.assignee')}</label>
          <select id={assigneeSelect} value={c.assigneeId ?? ''} onChange={(e) => assign(e.target.value || null)}>
            <option value="">{t('conversation.unassigned')}</option>
            {agentList.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === me?.id ? t('conversation.me', { name: a.name }) : a.name}
              </option>
            ))}
            {c.assigneeId && !agentList.some((a) => a.id === c.assigneeId) && <option value={c.assigneeId}>{detail.assigneeName ?? c.assigneeId}</option>}
          </select>
        </div>
        <HandoffActions detail={detail} />
        <button type="button" className={resolved ? 'btn' : 'btn btn-primary'} onClick={setStatus} aria-keyshortcuts={resolved ? undefined : 'e'}>
          {resolved ? t('conversation.reopen') : t('conversation.resolve')}
        </button>
      </div>
    </header>
  );
}

function TypingLine({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const typing = useUi((s) => s.typing[conversationId]);
  const now = useNow(2_000);
  const live = (typing ?? []).filter((x) => x.until > now);
  const customer = live.find((x) => x.who === 'customer');
  const agent = live.find((x) => x.who === 'agent');
  return (
    <p className="typing-line small" aria-live="polite">
      {customer && <span>{t('conversation.customerTyping', { name: customer.name })}</span>}
      {agent && <span>{t('conversation.agentTyping', { name: agent.name })}</span>}
    </p>
  );
}
