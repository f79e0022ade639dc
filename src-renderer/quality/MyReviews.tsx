// "My reviews" (docs/quality.md): the header button and its dialog, listing the quality reviews of the signed-in
// agent's conversations with the reviewers' comments; each opens its conversation. Escape closes.
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useModal } from '../lib/use-modal';
import { useUi } from '../state/ui-store';
import { useMyReviews } from './queries';
import { ReviewCard } from './ReviewCard';

export function MyReviewsButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={button} type="button" className="btn btn-quiet" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {t('quality.myReviews')}
      </button>
      {open && (
        <MyReviewsDialog
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </>
  );
}

function MyReviewsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const ref = useModal(onClose);
  const reviews = useMyReviews();

  function open(conversationId: string) {
    useUi.getState().open(conversationId);
    onClose();
  }

  const items = reviews.data?.items ?? [];
  return (
    <div className="modal-backdrop">
      <div ref={ref} className="modal modal-wide" role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}>
        <header className="modal-header">
          <h2 id={titleId}>{t('quality.myReviewsTitle')}</h2>
          <button type="button" className="btn btn-quiet" onClick={onClose}>
            {t('quality.close')}
          </button>
        </header>
        {reviews.isPending && <p role="status">{t('quality.loading')}</p>}
        {reviews.isError && <p role="alert">{t('quality.failed', { message: reviews.error.message })}</p>}
        {reviews.isSuccess && items.length === 0 && <p className="muted">{t('quality.myReviewsNone')}</p>}
        {items.length > 0 && (
          <ul className="quality-my-reviews" aria-label={t('quality.myReviews')}>
            {items.map((r) => (
              <li key={r.id}>
                <ReviewCard review={r} heading={<h3>{`${r.contactName} · ${r.channelName}`}</h3>}>
                  <button type="button" className="btn btn-small" aria-label={t('quality.openConversationLabel', { name: r.contactName })} onClick={() => open(r.conversationId)}>
                    {t('quality.openConversation')}
                  </button>
                </ReviewCard>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
