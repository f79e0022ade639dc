// The quality reviews of the open conversation, read-only, under its header (docs/quality.md): the reviewed agent
// sees the reviewer's scores and comment; supervisors see every review. Nothing shows when there is none, or
// when the server cannot be reached (reviews are online only).
import { useTranslation } from 'react-i18next';
import { useConversationReviews } from './queries';
import { ReviewCard } from './ReviewCard';

export function ConversationQuality({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const reviews = useConversationReviews(conversationId);
  const items = reviews.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="conversation-quality" aria-label={t('quality.title')}>
      {items.map((r) => (
        <ReviewCard key={r.id} review={r} showReviewer={false} heading={<h3 className="small">{t('quality.reviewBy', { name: r.reviewerName })}</h3>} />
      ))}
    </section>
  );
}
