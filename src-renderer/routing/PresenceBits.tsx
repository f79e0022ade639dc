// Presence in the workspace: "3 online" in the inbox header, and a dot next to an assignee's name.
import { useTranslation } from 'react-i18next';
import type { PresenceStatus } from '../../src-shared/routing';
import { usePresenceList } from './collab-queries';

/** A coloured dot with the status as its accessible name ("online", "away", "offline"). */
export function PresenceDot({ status, name }: { status: PresenceStatus | null | undefined; name?: string }) {
  const { t } = useTranslation();
  if (!status) return null;
  const presence = t(`routing.presence.${status}`);
  const label = name ? t('collab.presenceOf', { name, presence }) : presence;
  return <span className={`presence-dot presence-dot-${status}`} role="img" aria-label={label} title={label} />;
}

/** The team's online count in the inbox header. */
export function OnlineCount() {
  const { t } = useTranslation();
  const list = usePresenceList();
  const all = list.data ?? [];
  const online = all.filter((p) => p.status === 'online');
  if (all.length === 0) return null;
  return (
    <p className="online-count small muted" role="status" aria-label={t('collab.onlineLabel', { count: online.length, total: all.length, names: online.map((p) => p.name).join(', ') })}>
      <PresenceDot status={online.length > 0 ? 'online' : 'offline'} /> {t('collab.online', { count: online.length })}
    </p>
  );
}
