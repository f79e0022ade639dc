import { useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../src-shared/ipc';
import { useCall } from '../state/bridge-context';
import { queryKeys } from '../state/query-keys';

/** Do not disturb: the core holds back OS notifications (SLA ones included) while it is on. */
export function DoNotDisturbToggle({ session }: { session: SessionState }) {
  const { t } = useTranslation();
  const call = useCall();
  const queryClient = useQueryClient();
  const id = useId();
  return (
    <span className="field field-inline dnd-toggle">
      <input
        id={id}
        type="checkbox"
        checked={!!session.doNotDisturb}
        onChange={(e) => void call('session.setDoNotDisturb', { on: e.target.checked }).then((s) => queryClient.setQueryData(queryKeys.session, s))}
      />
      <label htmlFor={id}>{t('sla.doNotDisturb')}</label>
    </span>
  );
}
