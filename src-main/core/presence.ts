// The agent's presence in the desktop core (docs/routing.md §Presence). The agent chooses Online / Away / Offline;
// the core also goes Away by itself after `awayAfterSeconds` of idle input (the Electron shell reports the OS idle
// time, the browser host's renderer reports page visibility and input idle) and back Online on activity — but
// only if it was the one that set Away. The chosen status is sent to the server over the sync socket (`presence`
// frame) now and again after every reconnect.
import type { PresenceStatus } from '../../src-shared/routing';

export const DEFAULT_AWAY_AFTER_SECONDS = 300;

export interface PresenceState {
  status: PresenceStatus;
  /** True when Away was set automatically after idle time. */
  auto: boolean;
}

export class PresenceController {
  private status: PresenceStatus = 'online';
  private auto = false;

  constructor(
    private readonly send: (status: PresenceStatus) => void,
    private readonly awayAfterSeconds = DEFAULT_AWAY_AFTER_SECONDS,
  ) {}

  state(): PresenceState {
    return { status: this.status, auto: this.auto };
  }

  /** The agent chose a status in the header. */
  set(status: PresenceStatus): PresenceState {
    this.status = status;
    this.auto = false;
    this.send(status);
    return this.state();
  }

  /** Seconds since the last input (OS-wide in the shell; page-level in the browser). */
  idle(seconds: number): PresenceState {
    if (!Number.isFinite(seconds) || seconds < 0) return this.state();
    if (this.status === 'online' && seconds >= this.awayAfterSeconds) {
      this.status = 'away';
      this.auto = true;
      this.send('away');
    } else if (this.auto && seconds < this.awayAfterSeconds) {
      this.status = 'online';
      this.auto = false;
      this.send('online');
    }
    return this.state();
  }

  /** After every (re)connect: the server learns the status chosen while disconnected. */
  resend(): void {
    this.send(this.status);
  }
}
