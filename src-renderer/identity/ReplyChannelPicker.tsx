// "Reply via" in the composer (issue 4): the customer's reachable channels right now (WhatsApp window open or
// closed, e-mail known, chat visitor online), defaulting to the channel of the last inbound message; one click
// switches. Online only (asks the server); offline the reply goes on the conversation's channel.
import { useEffect, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { useCall } from '../state/bridge-context';
import { useReplyChannel, useReplyChannelStore } from './reply-channel';

export function ReplyChannelPicker({ conversationId, online }: { conversationId: string; online: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const id = useId();
  const choice = useReplyChannel(conversationId);
  const reach = useQuery({
    queryKey: ['conversation.reachability', conversationId],
    queryFn: () => call('conversation.reachability', { conversationId }),
    enabled: online,
    staleTime: 30_000,
  });
  const items = reach.data ?? [];
  const def = items.find((i) => i.isDefault);
  useEffect(() => {
    if (def && !choice?.picked && choice?.channelId !== def.channelId) {
      useReplyChannelStore.getState().set(conversationId, { channelId: def.channelId, channelType: def.channelType, picked: false });
    }
  }, [def, choice, conversationId]);
  if (items.length < 2) return null;
  return (
    <span className="reply-via">
      <label htmlFor={id} className="small">
        {t('identity.replyVia')}
      </label>{' '}
      <select
        id={id}
        value={choice?.channelId ?? def?.channelId ?? ''}
        onChange={(e) => {
          const item = items.find((i) => i.channelId === e.target.value);
          if (item) useReplyChannelStore.getState().set(conversationId, { channelId: item.channelId, channelType: item.channelType, picked: true });
        }}
      >
        {items.map((i) => (
          <option key={i.channelId} value={i.channelId} disabled={!i.reachable}>
            {t('identity.replyViaOption', { name: i.channelName, type: t(`channelType.${i.channelType}` as 'channelType.email') })}
            {i.reason === 'whatsapp_window_closed' ? ` · ${t('identity.windowClosed')}` : ''}
            {i.channelType === 'webchat' ? ` · ${i.reason === 'visitor_offline' ? t('identity.visitorOffline') : t('identity.online')}` : ''}
          </option>
        ))}
      </select>
    </span>
  );
}
