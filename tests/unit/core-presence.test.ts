// The desktop core's presence: chosen status, automatic away after idle and back on activity (only when it set
// away itself), resend after reconnect.
import { describe, expect, it } from 'vitest';
import { PresenceController } from '../../src-main/core/presence';

describe('presence controller', () => {
  it('goes away after the idle threshold and back online on activity, never overriding a chosen status', () => {
    const sent: string[] = [];
    const p = new PresenceController((s) => sent.push(s), 300);
    expect(p.idle(299)).toEqual({ status: 'online', auto: false });
    expect(p.idle(300)).toEqual({ status: 'away', auto: true });
    expect(p.idle(900)).toEqual({ status: 'away', auto: true });
    expect(p.idle(3)).toEqual({ status: 'online', auto: false });
    expect(sent).toEqual(['away', 'online']);
    // Chosen away stays away on activity; chosen offline is never turned into away.
    p.set('away');
    expect(p.idle(0)).toEqual({ status: 'away', auto: false });
    p.set('offline');
    expect(p.idle(10_000)).toEqual({ status: 'offline', auto: false });
    expect(p.idle(Number.NaN).status).toBe('offline');
    p.resend();
    expect(sent).toEqual(['away', 'online', 'away', 'offline', 'offline']);
  });
});
