// The Reports and Quality tabs: built by their own modules (src-renderer/dashboard/reports/, src-renderer/quality/);
// here they get the dashboard window's way of opening a conversation (in the main window).
import { QualityReview } from '../quality/QualityReview';
import { Reports } from './reports/Reports';
import { useShowInMain } from './use-show-in-main';

export function ReportsSection() {
  const show = useShowInMain();
  return <Reports openConversation={(conversationId) => show({ kind: 'conversation', conversationId })} />;
}

export function QualitySection() {
  return <QualityReview />;
}
