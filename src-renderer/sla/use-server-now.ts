import { useNow } from '../state/core-events';
import { useSession } from '../state/queries';
import { serverNowFrom } from './sla-view';

/** The server's time, re-rendering every second: what SLA countdowns count against. */
export function useServerNow(): number {
  const session = useSession();
  const now = useNow(1000);
  return serverNowFrom(session.data?.clock, now);
}
