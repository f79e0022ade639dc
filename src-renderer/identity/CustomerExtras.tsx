// Customer panel additions (issue 4): the profile (tier, language, time zone, tags, notes, attributes; editable),
// merge suggestions to accept or dismiss, and the customer timeline (one virtualised list, newest first, every
// conversation, message, SLA and routing event and merge, with jump-to-conversation). Online: asks the server.
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChannelType, Contact, Message } from '../../src-shared/domain';
import type { TimelineItem } from '../../src-shared/identity/ipc';
import { useCall } from '../state/bridge-context';
import { useSession } from '../state/queries';
import { useUi } from '../state/ui-store';
import { ChannelBadge } from '../components/ChannelBadge';

export function CustomerExtras({ contact }: { contact: Contact }) {
  const session = useSession();
  const online = session.data?.connection === 'online';
  return (
    <>
      <ProfileSection contact={contact} online={online} />
      {online && <Suggestions contactId={contact.id} />}
      {online && <Timeline contactId={contact.id} />}
    </>
  );
}

function ProfileSection({ contact, online }: { contact: Contact; online: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const row = (label: string, value: string | null | undefined) => (
    <>
      <dt>{label}</dt>
      <dd>{value || t('identity.none')}</dd>
    </>
  );
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const str = (k: string) => String(f.get(k) ?? '').trim();
    try {
      await call('contact.update', {
        contactId: contact.id,
        patch: {
          name: str('name') || contact.name,
          tier: str('tier') || null,
          language: str('language') || null,
          timeZone: str('timeZone') || null,
          tags: str('tags').split(',').map((s) => s.trim()).filter(Boolean),
          notes: str('notes') || null,
        },
      });
      setEditing(false);
      setError(null);
      useUi.getState().pushToast(t('identity.saved'));
      await qc.invalidateQueries();
    } catch (err) {
      setError(t('identity.saveFailed', { message: (err as Error).message }));
    }
  }
  return (
    <section className="customer-profile" aria-label={t('identity.profile')}>
      <h4>{t('identity.profile')}</h4>
      {!editing ? (
        <>
          <dl className="profile-fields small">
            {row(t('identity.tier'), contact.tier)}
            {row(t('identity.language'), contact.language)}
            {row(t('identity.timeZone'), contact.timeZone)}
            {row(t('identity.phones'), contact.phones?.join(', '))}
            {row(t('identity.tags'), contact.tags?.join(', '))}
            {row(t('identity.notes'), contact.notes)}
            {contact.attributes && Object.keys(contact.attributes).length > 0 && row(t('identity.attributes'), Object.entries(contact.attributes).map(([k, v]) => `${k}: ${String(v)}`).join(', '))}
          </dl>
          <button type="button" className="btn" disabled={!online} onClick={() => setEditing(true)}>
            {t('identity.edit')}
          </button>
        </>
      ) : (
        <form className="profile-form" onSubmit={onSubmit}>
          <label>
            {t('identity.name')} <input name="name" defaultValue={contact.name} maxLength={200} />
          </label>
          <label>
            {t('identity.tier')} <input name="tier" defaultValue={contact.tier ?? ''} maxLength={40} />
          </label>
          <label>
            {t('identity.language')} <input name="language" defaultValue={contact.language ?? ''} maxLength={35} />
          </label>
          <label>
            {t('identity.timeZone')} <input name="timeZone" defaultValue={contact.timeZone ?? ''} maxLength={64} />
          </label>
          <label>
            {t('identity.tags')} <input name="tags" defaultValue={contact.tags?.join(', ') ?? ''} />
          </label>
          <label>
            {t('identity.notes')} <textarea name="notes" defaultValue={contact.notes ?? ''} rows={3} maxLength={10_000} />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary">
            {t('identity.save')}
          </button>{' '}
          <button type="button" className="btn" onClick={() => setEditing(false)}>
            {t('identity.cancel')}
          </button>
        </form>
      )}
    </section>
  );
}

function Suggestions({ contactId }: { contactId: string }) {
  const { t } = useTranslation();
  const call = useCall();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['contact.suggestions', contactId], queryFn: () => call('contact.suggestions', { contactId }) });
  if (!q.data?.length) return null;
  async function decide(suggestionId: string, action: 'accept' | 'dismiss') {
    try {
      await call('contact.decideSuggestion', { contactId, suggestionId, action });
      await qc.invalidateQueries();
    } catch (err) {
      useUi.getState().pushToast(t('identity.decideFailed', { message: (err as Error).message }));
    }
  }
  return (
    <section className="merge-suggestions" aria-label={t('identity.suggestions')}>
      <h4>{t('identity.suggestions')}</h4>
      <ul>
        {q.data.map((s) => (
          <li key={s.id}>
            <strong>{s.other.name}</strong>{' '}
            {s.other.identities.map((i) => (
              <span key={`${i.channelType}:${i.value}`} className="small">
                <ChannelBadge type={i.channelType} /> {i.value}{' '}
              </span>
            ))}
            <p className="muted small">{t('identity.suggestionReason', { reason: s.reason })}</p>
            <button type="button" className="btn btn-primary" aria-label={t('identity.acceptNamed', { name: s.other.name })} onClick={() => void decide(s.id, 'accept')}>
              {t('identity.accept')}
            </button>{' '}
            <button type="button" className="btn" aria-label={t('identity.dismissNamed', { name: s.other.name })} onClick={() => void decide(s.id, 'dismiss')}>
              {t('identity.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

const TIMELINE_ROW = 56;

function Timeline({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const call = useCall();
  const open = useUi((s) => s.open);
  const [shown, setShown] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const q = useInfiniteQuery({
    queryKey: ['contact.timeline', contactId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => call('contact.timeline', { contactId, ...(pageParam ? { before: pageParam } : {}) }),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    enabled: shown,
  });
  const items: TimelineItem[] = q.data?.pages.flatMap((p) => p.items) ?? [];
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => TIMELINE_ROW, overscan: 8, getItemKey: (i) => items[i]?.id ?? i });
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const describe = (item: TimelineItem): string => {
    const d = (item.data ?? {}) as Record<string, unknown>;
    switch (item.kind) {
      case 'message': {
        const m = d as unknown as Message;
        return `${m.authorName}: ${m.text.slice(0, 120)}`;
      }
      case 'conversation':
        return t('identity.event.conversation');
      case 'sla':
        return t('identity.event.sla', { kind: String(d.kind ?? ''), target: String(d.target ?? '') });
      case 'routing':
        return t('identity.event.routing', { kind: String(d.kind ?? '') });
      case 'csat':
        return typeof d.comment === 'string' && d.comment
          ? t('identity.event.csatComment', { score: Number(d.score), comment: d.comment.slice(0, 120) })
          : t('identity.event.csat', { score: Number(d.score) });
      default:
        return t('identity.event.audit', { kind: String(d.kind ?? item.kind).replace(/_/g, ' ') });
    }
  };
  return (
    <section className="customer-timeline" aria-label={t('identity.timeline')}>
      <h4>{t('identity.timeline')}</h4>
      <button type="button" className="btn" aria-expanded={shown} onClick={() => setShown((v) => !v)}>
        {shown ? t('identity.hideTimeline') : t('identity.showTimeline')}
      </button>
      {shown && q.isError && <p className="muted small">{t('identity.timelineOffline')}</p>}
      {shown && q.data && items.length === 0 && <p className="muted small">{t('identity.timelineEmpty')}</p>}
      {shown && items.length > 0 && (
        <div ref={scrollRef} className="timeline-list" style={{ maxHeight: 320, overflowY: 'auto' }}>
          <ol style={{ height: virtualizer.getTotalSize(), position: 'relative', margin: 0, padding: 0, listStyle: 'none' }} aria-label={t('identity.timeline')}>
            {virtualizer.getVirtualItems().map((v) => {
              const item = items[v.index]!;
              const message = item.kind === 'message' ? (item.data as Message) : null;
              return (
                <li key={v.key} className="timeline-item small" style={{ position: 'absolute', top: v.start, left: 0, right: 0, height: TIMELINE_ROW, overflow: 'hidden' }}>
                  <span className="muted">{fmt.format(new Date(item.at))}</span> {message && item.channelType && <ChannelBadge type={item.channelType as ChannelType} />} {describe(item)}
                  {item.conversationId && (
                    <>
                      {' '}
                      <button type="button" className="link-button" onClick={() => open(item.conversationId!)}>
                        {t('identity.openConversation')}
                      </button>
                    </>
                  )}
                </li>
              );
            })}
          </ol>
          {q.hasNextPage && (
            <button type="button" className="btn" onClick={() => void q.fetchNextPage()}>
              {t('identity.loadMore')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
