// "Ana is viewing" / "Ana is replying" in the open conversation (collision detection). Tells the core (→ the server
// → other agents) that this agent has it open, and whether a draft reply is being written.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useCall } from '../state/bridge-context';
import { useViewing } from './viewing-store';

export function CollisionLine({ conversationId, replying }: { conversationId: string; replying: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const viewers = useViewing((s) => s.byConversation[conversationId]) ?? [];

  useEffect(() => {
    call('conversation.viewing', { conversationId, on: true, replying }).catch(() => undefined);
  }, [call, conversationId, replying]);
  useEffect(
    () => () => {
      call('conversation.viewing', { conversationId, on: false, replying: false }).catch(() => undefined);
    },
    [call, conversationId],
  );

  if (viewers.length === 0) return null;
  return (
    <p className="collision-line small" role="status">
      {viewers.map((v) => (
        <span key={v.agentId} className={v.replying ? 'collision-replying' : 'collision-viewing'}>
          {t(v.replying ? 'routing.replying' : 'routing.viewing', { name: v.name })}
        </span>
      ))}
    </p>
  );
}
