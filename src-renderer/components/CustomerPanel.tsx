import { useTranslation } from 'react-i18next';
import type { ConversationDetail } from '../../src-shared/ipc';
import { relativeTime } from '../lib/format';
import { useNow } from '../state/core-events';
import { useUi } from '../state/ui-store';
import { ChannelBadge } from './ChannelBadge';
import { CustomerExtras } from '../identity/CustomerExtras';

export function CustomerPanel({ detail }: { detail: ConversationDetail }) {
  const { t, i18n } = useTranslation();
  const now = useNow(60_000);
  const open = useUi((s) => s.open);
  const { contact, earlier } = detail;
  return (
    <aside className="customer" aria-label={t('customer.label')}>
      <h3 className="customer-name">{contact.name}</h3>
      <p className="muted small">{t('customer.since', { date: relativeTime(contact.createdAt, now, i18n.language) })}</p>
      <h4>{t('customer.identities')}</h4>
      {contact.identities.length === 0 ? (
        <p className="muted small">{t('customer.noIdentities')}</p>
      ) : (
        <ul className="identities">
          {contact.identities.map((id) => (
            <li key={`${id.channelType}:${id.value}`}>
              <ChannelBadge type={id.channelType} /> <span className="identity-value">{id.value}</span>
            </li>
          ))}
        </ul>
      )}
      <CustomerExtras contact={contact} />
      <h4>{t('customer.earlier')}</h4>
      {earlier.length === 0 ? (
        <p className="muted small">{t('customer.noEarlier')}</p>
      ) : (
        <ul className="earlier">
          {earlier.map((c) => (
            <li key={c.id}>
              <button type="button" className="link-button" onClick={() => open(c.id)}>
                <span className="earlier-title">{c.subject || c.lastMessagePreview || t('customer.untitled')}</span>
                <span className="muted small">
                  {t(`conversationStatus.${c.status}`)} · {relativeTime(c.lastMessageAt, now, i18n.language)}
                  {typeof c.csat?.score === 'number' && <> · {t('csat.earlier', { score: c.csat.score })}</>}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
