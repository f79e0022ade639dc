import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { priorities, type Conversation, type Priority } from '../../src-shared/domain';
import { useCall } from '../state/bridge-context';
import { useUi } from '../state/ui-store';

/** The conversation's priority (sync mutation setPriority; the server recomputes the SLA due times). */
export function PrioritySelect({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const call = useCall();
  const id = useId();
  function set(priority: Priority) {
    call('conversation.setPriority', { conversationId: conversation.id, priority }).catch((err: Error) =>
      useUi.getState().pushToast(t('conversation.priorityFailed', { message: err.message })),
    );
  }
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{t('conversation.priority')}</label>
      <select id={id} value={conversation.priority ?? 'normal'} onChange={(e) => set(e.target.value as Priority)}>
        {priorities.map((p) => (
          <option key={p} value={p}>
            {t(`priority.${p}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
