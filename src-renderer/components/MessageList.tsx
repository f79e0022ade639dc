import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../src-shared/ipc';
import { absoluteTime, deliveryLabel } from '../lib/format';
import { ChannelBadge } from './ChannelBadge';
import { Attachments, ShowOriginal } from './MessageExtras';
import type { SlaEvent } from '../../src-shared/sla';
import { SlaEventItem } from '../sla/SlaEventItem';
import type { RoutingEvent } from '../../src-shared/routing';
import { RoutingEventItem } from '../routing/RoutingEventItem';

type TimelineItem = { kind: 'message'; at: string; message: MessageView } | { kind: 'sla'; at: string; event: SlaEvent } | { kind: 'routing'; at: string; event: RoutingEvent };

/** Messages and SLA events in time order (messages keep their own order among themselves). */
function timeline(messages: MessageView[], events: SlaEvent[], routing: RoutingEvent[] = []): TimelineItem[] {
  const items: TimelineItem[] = messages.map((m) => ({ kind: 'message', at: m.createdAt, message: m }));
  const place = (item: TimelineItem) => {
    const index = items.findIndex((i) => i.at > item.at);
    items.splice(index < 0 ? items.length : index, 0, item);
  };
  for (const e of events) place({ kind: 'sla', at: e.firedAt, event: e });
  for (const e of routing) place({ kind: 'routing', at: e.at, event: e });
  return items;
}
import { useCall } from '../state/bridge-context';
import { useUi } from '../state/ui-store';

/** The conversation's messages. Customer text is only ever a React text node: never parsed as HTML. */
export function MessageList({ messages, slaEvents = [], routingEvents = [] }: { messages: MessageView[]; slaEvents?: SlaEvent[]; routingEvents?: RoutingEvent[] }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  // Follow new messages, unless the agent has scrolled up to read.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  return (
    <div
      ref={ref}
      role="log"
      aria-label={t('conversation.messages')}
      className="messages"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {messages.length === 0 && <p className="muted">{t('conversation.noMessages')}</p>}
      {timeline(messages, slaEvents, routingEvents).map((item) =>
        item.kind === 'message' ? (
          <MessageItem key={item.message.id} message={item.message} />
        ) : item.kind === 'routing' ? (
          <RoutingEventItem key={item.event.id} event={item.event} />
        ) : (
          <SlaEventItem key={item.event.id} event={item.event} />
        ),
      )}
    </div>
  );
}

function MessageItem({ message: m }: { message: MessageView }) {
  const { t, i18n } = useTranslation();
  const status = deliveryLabel(m);
  const statusText = status ? (status.key === 'status.failed' ? t(status.key, { reason: status.reason || t('status.unknownReason') }) : t(status.key)) : null;
  const authorName = m.direction === 'outbound' && m.authorName === '' ? t('conversation.you') : m.authorName;
  return (
    <article className={`message message-${m.direction}${m.status === 'failed' ? ' is-failed' : ''}${m.pending ? ' is-pending' : ''}`}>
      <header className="message-meta">
        <span className="message-author">{authorName}</span>
        <ChannelBadge type={m.channelType} />
        <time dateTime={m.createdAt} title={absoluteTime(m.createdAt, i18n.language)}>
          {new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(new Date(m.createdAt))}
        </time>
        {m.direction === 'note' && <span className="note-flag">{t('conversation.noteFlag')}</span>}
      </header>
      <p className="message-text">{m.text}</p>
      <Attachments message={m} />
      <ShowOriginal message={m} />
      {statusText && <p className={`message-status status-${status?.key.slice(7)}`}>{statusText}</p>}
      {m.direction === 'outbound' && m.status === 'failed' && !m.pending && <RetryButton message={m} />}
    </article>
  );
}

/** A failed reply on a channel can be sent again (a fresh delivery job on the server). */
function RetryButton({ message: m }: { message: MessageView }) {
  const { t } = useTranslation();
  const call = useCall();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-small message-retry"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        call('message.retry', { conversationId: m.conversationId, messageId: m.id }).then(
          () => setBusy(false),
          (err: Error) => {
            setBusy(false);
            useUi.getState().pushToast(t('status.retryFailed', { message: err.message }));
          },
        );
      }}
    >
      {busy ? t('status.retrying') : t('status.retry')}
    </button>
  );
}
