// One review, read-only: score, reviewer, per-criterion scores and the reviewer's comment (as text, never HTML).
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Review } from '../../src-shared/quality';
import { absoluteTime } from '../lib/format';
import { formatNumber } from './quality-view';

/** `showReviewer` false when the heading already names the reviewer. */
export function ReviewCard({ review, heading, showReviewer = true, children }: { review: Review; heading: ReactNode; showReviewer?: boolean; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <article className="quality-review-card">
      <header>
        {heading}
        <p className="small">
          <strong>{t('quality.score', { score: review.score, max: review.maxScore, percent: formatNumber(review.percent) })}</strong>{' '}
          <span className="muted">
            {showReviewer && ` · ${t('quality.reviewBy', { name: review.reviewerName })}`} · <time dateTime={review.updatedAt}>{t('quality.reviewedOn', { date: absoluteTime(review.updatedAt, i18n.language) })}</time>
          </span>
        </p>
      </header>
      <dl className="quality-scores small">
        {review.criteria.map((c) => (
          <div key={c.id}>
            <dt>{c.name}</dt>
            <dd>
              {review.scores[c.id] ?? '—'} / {c.maxScore}
            </dd>
          </div>
        ))}
      </dl>
      <p className="quality-comment">{review.comment || <span className="muted">{t('quality.noComment')}</span>}</p>
      {children}
    </article>
  );
}
