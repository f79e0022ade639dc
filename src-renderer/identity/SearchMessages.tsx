// Inbox search box (issue 4): local full-text search over the cached messages, so it works offline. The core
// sanitises the text (no FTS syntax errors on "order-1042"); results open their conversation.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { useCall } from '../state/bridge-context';
import { useUi } from '../state/ui-store';
import { useNow } from '../state/core-events';
import { relativeTime } from '../lib/format';
import { ChannelBadge } from '../components/ChannelBadge';
import type { ChannelType } from '../../src-shared/domain';

export function SearchMessages() {
  const { t, i18n } = useTranslation();
  const call = useCall();
  const now = useNow(60_000);
  const open = useUi((s) => s.open);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const inputId = useId();
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);
  const hits = useQuery({ queryKey: ['search.local', query], queryFn: () => call('search.local', { query, limit: 50 }), enabled: query.length > 0 });
  return (
    <div className="search-messages" role="search">
      <label htmlFor={inputId} className="visually-hidden">
        {t('identity.search')}
      </label>
      <input id={inputId} type="search" value={text} placeholder={t('identity.searchPlaceholder')} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setText('')} />
      {query && (
        <ul className="search-results" aria-label={t('identity.searchResults')}>
          {hits.data?.length === 0 && <li className="muted small">{t('identity.noResults', { query })}</li>}
          {hits.data?.map((h) => (
            <li key={h.message.id}>
              <button
                type="button"
                className="link-button search-hit"
                onClick={() => {
                  open(h.message.conversationId);
                  setText('');
                }}
              >
                {h.channelType && <ChannelBadge type={h.channelType as ChannelType} />} <strong>{h.contactName}</strong>{' '}
                <span className="muted small">{relativeTime(h.message.createdAt, now, i18n.language)}</span>
                <span className="search-hit-text">{h.message.text.slice(0, 160)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
