import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../src-shared/ipc';
import type { LinkStatus } from '../bridge/types';

/** One live status line: link to the core, connection to the server, and changes waiting to be sent. */
export function ConnectionBanner({ session, link }: { session: SessionState; link: LinkStatus }) {
  const { t } = useTranslation();
  let tone: 'quiet' | 'busy' | 'warn';
  let text: string;
  if (link !== 'open') {
    tone = 'warn';
    text = t('banner.coreDown');
  } else if (session.connection === 'online') {
    tone = 'quiet';
    text = t('banner.online');
  } else if (session.connection === 'connecting') {
    tone = 'busy';
    text = t('banner.connecting');
  } else {
    tone = 'warn';
    text = t('banner.offline');
  }
  return (
    <div role="status" className={`banner banner-${tone}`}>
      <span className="banner-dot" aria-hidden="true" />
      <span>{text}</span>
      {session.pendingMutations > 0 && <span className="banner-pending">{t('banner.pending', { count: session.pendingMutations })}</span>}
    </div>
  );
}
