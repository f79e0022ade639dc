import { useTranslation } from 'react-i18next';
import type { SlaEvent } from '../../src-shared/sla';
import { absoluteTime } from '../lib/format';

/** An SLA warning or breach in the conversation timeline (role note inside the Messages log). */
export function SlaEventItem({ event: e }: { event: SlaEvent }) {
  const { t, i18n } = useTranslation();
  const target = t(`sla.targetLong.${e.target}`);
  const text =
    e.kind === 'breach'
      ? t('sla.event.breach', { target, due: absoluteTime(e.dueAt, i18n.language) })
      : t('sla.event.warning', {
          target,
          threshold: e.label.endsWith('%') ? t('sla.event.thresholdPercent', { value: e.label }) : t('sla.event.thresholdRemaining', { value: e.label.replace(/m$/, '') }),
        });
  const actions = e.actions.map((a) =>
    a === 'unassigned' ? t('sla.event.unassigned') : a.startsWith('priority:') ? t('sla.event.priority', { priority: t(`priority.${a.slice(9)}`, { defaultValue: a.slice(9) }) }) : t('sla.event.reassigned'),
  );
  return (
    <p role="note" className={`sla-event sla-event-${e.kind}`}>
      <time dateTime={e.firedAt}>{absoluteTime(e.firedAt, i18n.language)}</time> {text}
      {actions.length > 0 && <> · {t('sla.event.escalated', { actions: actions.join(', ') })}</>}
    </p>
  );
}
