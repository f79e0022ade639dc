import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../src-shared/domain';
import type { SlaBadge as Badge } from '../../src-shared/sla';
import { badgeFor, durationParts } from './sla-view';

/** "FRT 4m left" / "Breached 2m ago" / "SLA paused": text and colour, never colour alone. */
export function useSlaText() {
  const { t } = useTranslation();
  const duration = (ms: number) => {
    const p = durationParts(ms);
    return p.unit === 'h' && p.m > 0 ? t('sla.duration.hm', { h: p.n, m: p.m }) : t(`sla.duration.${p.unit}`, { n: p.n });
  };
  return (b: Badge): { short: string; long: string } => {
    const target = t(`sla.target.${b.target}`);
    const targetLong = t(`sla.targetLong.${b.target}`);
    if (b.state === 'paused') return { short: t('sla.paused'), long: t('sla.pausedLong', { target: targetLong }) };
    const d = duration(b.remainingMs ?? 0);
    if (b.state === 'breached') return { short: t('sla.breached', { time: d }), long: t('sla.breachedLong', { target: targetLong, time: d }) };
    return {
      short: t('sla.left', { target, time: d }),
      long: t(b.state === 'warning' ? 'sla.atRiskLong' : 'sla.leftLong', { target: targetLong, time: d }),
    };
  };
}

export function SlaBadge({ conversation, serverNow }: { conversation: Conversation; serverNow: number }) {
  const text = useSlaText();
  const badge = badgeFor(conversation, serverNow);
  if (!badge) return null;
  const { short, long } = text(badge);
  return (
    <span className={`sla-badge sla-${badge.state}`} title={long} aria-label={long} role="img">
      {short}
    </span>
  );
}
