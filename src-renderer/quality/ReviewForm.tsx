// The review form (docs/quality.md): one labelled select per criterion (0…max), a comment for the agent, Save.
// Editing the reviewer's own review keeps the criteria it was scored against; a new review uses the rubric.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { QUALITY_COMMENT_MAX, type Criterion, type SampleItem } from '../../src-shared/quality';
import { useCall } from '../state/bridge-context';
import { useSession } from '../state/queries';
import { draftFor, formCriteria, scoresOf, type ReviewDraft } from './quality-view';
import { useConversationReviews, useInvalidateQuality } from './queries';

export function ReviewForm({ item, rubric, onDone }: { item: SampleItem; rubric: Criterion[]; onDone: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const reviews = useConversationReviews(item.conversationId);
  const me = session.data?.agent?.id;
  if (reviews.isPending) return <p role="status">{t('quality.loading')}</p>;
  if (reviews.isError) return <p role="alert">{t('quality.failed', { message: reviews.error.message })}</p>;
  const mine = reviews.data.items.find((r) => r.reviewerId === me);
  // Not keyed by the review: saving a new one must not reset the form (and its "saved" status).
  return <ReviewFormFields item={item} criteria={formCriteria(rubric, mine)} initial={draftFor(formCriteria(rubric, mine), mine)} onDone={onDone} />;
}

function ReviewFormFields({ item, criteria, initial, onDone }: { item: SampleItem; criteria: Criterion[]; initial: ReviewDraft; onDone: () => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateQuality();
  const base = useId();
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setStatus(null);
    const out = scoresOf(criteria, draft);
    if ('missing' in out) {
      setError(t('quality.missingScore', { name: out.missing.name }));
      document.getElementById(`${base}-${out.missing.id}`)?.focus();
      return;
    }
    setError(null);
    setSaving(true);
    try {
      await call('quality.saveReview', { conversationId: item.conversationId, scores: out.scores, comment: draft.comment });
      await invalidate();
      setStatus(t('quality.saved'));
    } catch (err) {
      setError(t('quality.saveFailed', { message: (err as Error).message }));
    } finally {
      setSaving(false);
    }
  }

  const titleId = `${base}-title`;
  return (
    <form className="quality-form" aria-labelledby={titleId} onSubmit={(e) => void submit(e)} noValidate>
      <h3 id={titleId} ref={heading} tabIndex={-1}>
        {t('quality.form', { name: item.contactName, channel: item.channelName })}
      </h3>
      <p className="small muted">{t('quality.formAgent', { name: item.agentName ?? t('quality.unassigned') })}</p>
      {criteria.map((c) => {
        const id = `${base}-${c.id}`;
        return (
          <div className="field" key={c.id}>
            <label htmlFor={id}>{c.name}</label>
            {c.description && (
              <span id={`${id}-hint`} className="small muted">
                {c.description}
              </span>
            )}
            <select
              id={id}
              value={draft.scores[c.id] ?? ''}
              aria-describedby={c.description ? `${id}-hint` : undefined}
              onChange={(e) => setDraft((d) => ({ ...d, scores: { ...d.scores, [c.id]: e.target.value } }))}
            >
              <option value="">{t('quality.choose')}</option>
              {Array.from({ length: c.maxScore + 1 }, (_, s) => (
                <option key={s} value={String(s)}>
                  {t('quality.scoreOption', { score: s, max: c.maxScore })}
                </option>
              ))}
            </select>
          </div>
        );
      })}
      <div className="field">
        <label htmlFor={`${base}-comment`}>{t('quality.comment')}</label>
        <span id={`${base}-comment-hint`} className="small muted">
          {t('quality.commentHint', { max: QUALITY_COMMENT_MAX })}
        </span>
        <textarea id={`${base}-comment`} rows={4} maxLength={QUALITY_COMMENT_MAX} aria-describedby={`${base}-comment-hint`} value={draft.comment} onChange={(e) => setDraft((d) => ({ ...d, comment: e.target.value }))} />
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <p role="status" className="small">
        {status}
      </p>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onDone}>
          {t('quality.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? t('quality.saving') : t('quality.save')}
        </button>
      </div>
    </form>
  );
}
