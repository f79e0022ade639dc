// Display helpers that stay pure (time in, text out) so they can be tested without a browser.
import type { MessageView } from '../../src-shared/ipc';

type RelativeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week';

/** "3 min. ago" / "yesterday" in the UI language; past dates beyond a month show the date itself. */
export function relativeTime(iso: string, nowMs: number, locale: string): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((then - nowMs) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const steps: [RelativeUnit, number][] = [
    ['second', 1],
    ['minute', 60],
    ['hour', 3600],
    ['day', 86_400],
    ['week', 604_800],
  ];
  if (abs < 45) return rtf.format(0, 'second');
  if (abs >= 30 * 86_400) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(then));
  let chosen: [RelativeUnit, number] = steps[0]!;
  for (const step of steps) if (abs >= step[1]) chosen = step;
  return rtf.format(Math.round(seconds / chosen[1]), chosen[0]);
}

/** Full timestamp for titles and <time> labels. */
export function absoluteTime(iso: string, locale: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(t));
}

export type DeliveryLabel =
  | { key: 'status.queued' }
  | { key: 'status.queuedOnServer' }
  | { key: 'status.sent' }
  | { key: 'status.delivered' }
  | { key: 'status.read' }
  | { key: 'status.failed'; reason: string };

/** The delivery status line shown under an agent's outbound message; none for customer messages and notes. */
export function deliveryLabel(message: Pick<MessageView, 'direction' | 'status' | 'pending' | 'failureReason'>): DeliveryLabel | null {
  if (message.direction !== 'outbound') return null;
  if (message.status === 'failed') return { key: 'status.failed', reason: message.failureReason ?? '' };
  // Still in this desktop's outbox: it leaves when the server is reachable. Accepted by the server but waiting in
  // its delivery queue (a vendor rate limit, a retry): the desktop has done its part.
  if (message.pending) return { key: 'status.queued' };
  if (message.status === 'queued') return { key: 'status.queuedOnServer' };
  switch (message.status) {
    case 'sent':
      return { key: 'status.sent' };
    case 'delivered':
      return { key: 'status.delivered' };
    case 'read':
      return { key: 'status.read' };
    default:
      return { key: 'status.queued' };
  }
}
