import { useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageView } from '../../src-shared/ipc';
import { absoluteTime, deliveryLabel } from '../lib/format';
import { ChannelBadge } from './ChannelBadge';

/** The conversation's messages. Customer text is only ever a React text node: never parsed as HTML. */
export function MessageList({ messages }: { messages: MessageView[] }) {
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
      {messages.map((m) => (
        <MessageItem key={m.id} message={m} />
      ))}
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
      {statusText && <p className={`message-status status-${status?.key.slice(7)}`}>{statusText}</p>}
    </article>
  );
}
