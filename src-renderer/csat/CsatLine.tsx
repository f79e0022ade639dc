// The conversation's satisfaction survey (docs/csat.md), from the synced `csat` field: "Customer rating 4/5" and
// the customer's comment (as text), or where the survey stands. Nothing without a survey.
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../src-shared/domain';

export function CsatLine({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const csat = conversation.csat;
  if (!csat) return null;
  if (csat.score !== null) {
    return (
      <section className={`csat-line csat-score-${csat.score <= 2 ? 'low' : csat.score >= 4 ? 'high' : 'mid'}`} aria-label={t('csat.label')}>
        <p>
          <strong>{t('csat.rating', { score: csat.score })}</strong>
          {csat.comment && <span className="csat-comment"> — {t('csat.comment', { comment: csat.comment })}</span>}
        </p>
      </section>
    );
  }
  const text =
    csat.state === 'skipped'
      ? t('csat.skipped', { reason: csat.detail ?? '' })
      : csat.state === 'failed'
        ? t('csat.failed', { reason: csat.detail ?? '' })
        : csat.sentAt
          ? t('csat.sent', { channel: t(`channelType.${csat.channelType}`, { defaultValue: csat.channelType }) })
          : t('csat.queued');
  return (
    <section className="csat-line csat-pending" aria-label={t('csat.label')}>
      <p className="muted small">{text}</p>
    </section>
  );
}
