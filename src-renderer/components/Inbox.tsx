import { useVirtualizer } from '@tanstack/react-virtual';
import { SearchMessages } from '../identity/SearchMessages';
import { useEffect, useId, useMemo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConversationStatus } from '../../src-shared/domain';
import { InboxView, type InboxRow } from '../../src-shared/ipc';
import { relativeTime } from '../lib/format';
import { moveSelection, tabIndexAfterKey } from '../lib/keyboard';
import { useNow } from '../state/core-events';
import { useChannels, useInbox } from '../state/queries';
import { useUi } from '../state/ui-store';
import { ChannelBadge } from './ChannelBadge';
import { SlaBadge, useSlaText } from '../sla/SlaBadge';
import { badgeFor } from '../sla/sla-view';
import { useServerNow } from '../sla/use-server-now';
import { OnlineCount, PresenceDot } from '../routing/PresenceBits';

const ROW_HEIGHT = 76;

export function rowDomId(conversationId: string): string {
  return `inbox-row-${conversationId}`;
}

export function Inbox() {
  const { t, i18n } = useTranslation();
  const view = useUi((s) => s.view);
  const status = useUi((s) => s.status);
  const channelId = useUi((s) => s.channelId);
  const sort = useUi((s) => s.sort);
  const atRisk = useUi((s) => s.atRisk);
  const selectedId = useUi((s) => s.selectedId);
  const openId = useUi((s) => s.openId);
  const ui = useUi.getState;
  const inbox = useInbox({ view, status, channelId, sort, atRisk });
  const serverNow = useServerNow();
  const channels = useChannels();
  const now = useNow(30_000);
  const ids = { status: useId(), channel: useId(), panel: useId(), sort: useId(), atRisk: useId() };
  const scrollRef = useRef<HTMLDivElement>(null);

  const rows = useMemo(() => inbox.data?.rows ?? [], [inbox.data]);
  const rowIds = useMemo(() => rows.map((r) => r.conversation.id), [rows]);
  useEffect(() => ui().setVisibleIds(rowIds), [rowIds, ui]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => rows[index]?.conversation.id ?? index,
  });

  // Keep the keyboard cursor in view.
  const selectedIndex = selectedId ? rowIds.indexOf(selectedId) : -1;
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  // Load the next page when the end of what is loaded comes into view.
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = inbox;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 20) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length]);

  function onListKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const current = ui().selectedId;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      ui().select(moveSelection(rowIds, current, e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      ui().select((e.key === 'Home' ? rowIds[0] : rowIds.at(-1)) ?? null);
    }
  }

  function onTabKeyDown(e: KeyboardEvent<HTMLButtonElement>) {
    const order = InboxView.options;
    const next = order[tabIndexAfterKey(e.key, order.indexOf(view), order.length)];
    if (!next) return;
    e.preventDefault();
    ui().setView(next);
    document.getElementById(`inbox-tab-${next}`)?.focus();
  }

  const activeDescendant = selectedId && rowIds.includes(selectedId) ? rowDomId(selectedId) : undefined;

  return (
    <section className="inbox" aria-label={t('inbox.heading')}>
      <OnlineCount />
      <SearchMessages />
      <div role="tablist" aria-label={t('inbox.views')} className="tabs">
        {InboxView.options.map((v) => (
          <button
            key={v}
            id={`inbox-tab-${v}`}
            type="button"
            role="tab"
            aria-selected={view === v}
            aria-controls={ids.panel}
            tabIndex={view === v ? 0 : -1}
            className="tab"
            onClick={() => ui().setView(v)}
            onKeyDown={onTabKeyDown}
          >
            {t(`inbox.view.${v}`)}
          </button>
        ))}
      </div>
      <div className="filters">
        <div className="field field-inline">
          <label htmlFor={ids.status}>{t('inbox.status')}</label>
          <select id={ids.status} value={status ?? ''} onChange={(e) => ui().setStatus(e.target.value ? ConversationStatus.parse(e.target.value) : null)}>
            <option value="">{t('inbox.anyStatus')}</option>
            {ConversationStatus.options.map((s) => (
              <option key={s} value={s}>
                {t(`conversationStatus.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor={ids.channel}>{t('inbox.channel')}</label>
          <select id={ids.channel} value={channelId ?? ''} onChange={(e) => ui().setChannel(e.target.value || null)}>
            <option value="">{t('inbox.anyChannel')}</option>
            {(channels.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor={ids.sort}>{t('sla.sort')}</label>
          <select id={ids.sort} value={sort} onChange={(e) => ui().setSort(e.target.value === 'due' ? 'due' : 'recent')}>
            <option value="recent">{t('sla.sortRecent')}</option>
            <option value="due">{t('sla.sortDue')}</option>
          </select>
        </div>
        <div className="field field-inline filter-check">
          <input id={ids.atRisk} type="checkbox" checked={atRisk} onChange={(e) => ui().setAtRisk(e.target.checked)} />
          <label htmlFor={ids.atRisk}>{t('sla.atRisk')}</label>
        </div>
      </div>
      <div id={ids.panel} role="tabpanel" aria-labelledby={`inbox-tab-${view}`} className="inbox-panel">
        <p className="inbox-count muted" aria-live="polite">
          {inbox.isPending ? t('inbox.loading') : t('inbox.count', { count: inbox.data?.total ?? 0 })}
        </p>
        {inbox.isError && (
          <p className="form-error">{t('inbox.error', { message: inbox.error.message })}</p>
        )}
        <div
          ref={scrollRef}
          role="listbox"
          aria-label={t('inbox.list')}
          aria-activedescendant={activeDescendant}
          tabIndex={0}
          className="inbox-list"
          onKeyDown={onListKeyDown}
        >
          {rows.length === 0 && !inbox.isPending && <p className="inbox-empty muted">{t('inbox.empty')}</p>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <InboxRowView
                  key={item.key}
                  row={row}
                  top={item.start}
                  selected={row.conversation.id === selectedId}
                  open={row.conversation.id === openId}
                  time={relativeTime(row.conversation.lastMessageAt, now, i18n.language)}
                  serverNow={serverNow}
                  onOpen={() => ui().open(row.conversation.id)}
                />
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}

function InboxRowView(props: { row: InboxRow; top: number; selected: boolean; open: boolean; time: string; serverNow: number; onOpen: () => void }) {
  const { t } = useTranslation();
  const slaText = useSlaText();
  const { row } = props;
  const c = row.conversation;
  const channel = t(`channelType.${row.channelType}`);
  const base = t(row.unread ? 'inbox.rowLabelUnread' : 'inbox.rowLabel', { name: row.contactName, preview: c.lastMessagePreview, channel, time: props.time });
  const badge = badgeFor(c, props.serverNow);
  // The row's accessible name carries the SLA text too (the option's label hides its children from assistive tech).
  const label = badge ? t('sla.rowLabel', { label: base, sla: slaText(badge).long }) : base;
  const classes = ['inbox-row', props.selected && 'is-selected', props.open && 'is-open', row.unread && 'is-unread'].filter(Boolean).join(' ');
  return (
    <div
      id={rowDomId(c.id)}
      role="option"
      aria-selected={props.selected}
      aria-label={label}
      className={classes}
      style={{ transform: `translateY(${props.top}px)`, height: ROW_HEIGHT }}
      onClick={props.onOpen}
    >
      <div className="row-top">
        {row.unread && <span className="unread-dot" aria-hidden="true" />}
        <span className="row-name">{row.contactName}</span>
        <ChannelBadge type={row.channelType} />
        <SlaBadge conversation={c} serverNow={props.serverNow} />
        <time className="row-time" dateTime={c.lastMessageAt}>
          {props.time}
        </time>
      </div>
      <div className="row-bottom">
        <span className="row-preview">{c.lastMessagePreview}</span>
        {c.status !== 'open' && <span className={`pill pill-${c.status}`}>{t(`conversationStatus.${c.status}`)}</span>}
        {row.assigneeName && (
          <span className="row-assignee">
            <PresenceDot status={row.assigneePresence} name={row.assigneeName} /> {row.assigneeName}
          </span>
        )}
      </div>
    </div>
  );
}
