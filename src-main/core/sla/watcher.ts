// The desktop's SLA watcher: OS notifications before a breach and on it, computed live from the same
// src-shared/sla functions the server runs, on the snapshot the server synced, at the server's time (local clock
// corrected by the offset from welcome.serverTime) — so it works offline too. SLA events the server fired while this
// app was offline arrive with the next pull and are notified then, unless the conversation was answered meanwhile.
//
// Calm by construction: each firing has the server's once-only key and is claimed in the cache before it is shown
// (never twice, across restarts); a burst is one notification with a count; do-not-disturb swallows them; a
// conversation answered meanwhile (even by a reply still in the outbox) has no first/next-response clock left.
import type { Agent, Conversation } from '../../../src-shared/domain';
import type { Notification } from '../../../src-shared/ipc';
import { slaEventKey, SlaSnapshot, takeDue, type Firing, type SlaEvent, type SlaTarget } from '../../../src-shared/sla';
import type { CacheClient } from '../cache/client';

export const SLA_COALESCE_WINDOW_MS = 1500;

export interface SlaAlert {
  key: string;
  conversationId: string;
  contactName: string;
  target: SlaTarget;
  kind: 'warning' | 'breach';
  label: string;
  actions: string[];
}

const targetName: Record<SlaTarget, string> = { firstResponse: 'First response', nextResponse: 'Next response', resolution: 'Resolution' };

function describe(a: SlaAlert): { title: string; body: string } {
  if (a.kind === 'breach') {
    const escalated = a.actions.length ? ` · escalated: ${a.actions.map((x) => (x === 'unassigned' ? 'back to the queue' : x.replace(':', ' '))).join(', ')}` : '';
    return { title: `SLA breached: ${a.contactName}`, body: `${targetName[a.target]} overdue${escalated}` };
  }
  const when = a.label.endsWith('%') ? `${a.label} of the time used` : `${a.label.replace(/m$/, ' min')} left`;
  return { title: `SLA warning: ${a.contactName}`, body: `${targetName[a.target]}: ${when}` };
}

/** Pure: who hears about a firing. Assigned → the assignee; unassigned → the agents of that channel; breach → supervisors too. */
export function isRecipient(me: Agent, conversation: Conversation, kind: 'warning' | 'breach', notifySupervisors = true): boolean {
  if (conversation.assigneeId === me.id) return true;
  if (conversation.assigneeId === null && me.channelIds.includes(conversation.channelId)) return true;
  return kind === 'breach' && notifySupervisors && (me.role === 'supervisor' || me.role === 'admin');
}

function snapshotOf(c: Conversation): SlaSnapshot | null {
  const parsed = c.sla ? SlaSnapshot.safeParse(c.sla) : null;
  return parsed?.success ? parsed.data : null;
}

/** Pure: the firings due at `now` for one conversation as the agent sees it (answered or resolved → none). */
export function localFirings(c: Conversation, now: number): Firing[] {
  const s = snapshotOf(c);
  if (!s || c.status === 'resolved') return [];
  return takeDue(s, now).fired;
}

/** Pure: is this server event still worth telling (its clock still runs in the conversation as seen now)? */
export function stillRelevant(e: SlaEvent, c: Conversation | null): boolean {
  if (!c || c.status === 'resolved') return false;
  const s = snapshotOf(c);
  return !!s?.targets[e.target];
}

export interface SlaWatcherOptions {
  cache: CacheClient;
  /** The server's time now (local clock + offset). */
  serverNow: () => number;
  me: () => Agent | null;
  doNotDisturb: () => boolean;
  emit: (n: Notification) => void;
  windowMs?: number;
  /** Real milliseconds between checks (default 1 s; shorter under a scaled clock). */
  intervalMs?: number;
}

export class SlaWatcher {
  private timer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private pending: SlaAlert[] = [];
  private since: number | null = null;
  private checking = false;

  constructor(private readonly opts: SlaWatcherOptions) {}

  /**
   * Before the first sync: what is in the cache now is history (told before, or too old to matter); anything
   * stored after this — live, or pulled when the app reconnects after being offline — is news.
   */
  async init(): Promise<void> {
    this.since = (await this.opts.cache.call('slaEventsSince', { afterRowid: null })).head;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.timer = this.flushTimer = null;
    this.pending = [];
  }

  /** One pass: local firings due now, plus server events not seen yet. Returns the alerts claimed. */
  async check(): Promise<SlaAlert[]> {
    const me = this.opts.me();
    if (!me || this.checking) return [];
    this.checking = true;
    try {
      const now = this.opts.serverNow();
      const alerts: SlaAlert[] = [];
      for (const { conversation, contactName } of await this.opts.cache.call('slaWatchList', {})) {
        for (const f of localFirings(conversation, now)) {
          if (!isRecipient(me, conversation, f.kind)) continue;
          const key = slaEventKey({ conversationId: conversation.id, target: f.target, kind: f.kind, label: f.label, dueAt: new Date(f.dueAt).toISOString() });
          alerts.push({ key, conversationId: conversation.id, contactName, target: f.target, kind: f.kind, label: f.label, actions: [] });
        }
      }
      // Server events stored since the last pass (see init: events fired while this app was offline are stored when
      // it syncs again, so they come after).
      const { head, items } = await this.opts.cache.call('slaEventsSince', { afterRowid: this.since ?? 0 });
      this.since = head;
      for (const { event, conversation, contactName } of items) {
        if (!stillRelevant(event, conversation) || !isRecipient(me, conversation!, event.kind, event.notifySupervisors)) continue;
        alerts.push({ key: slaEventKey(event), conversationId: event.conversationId, contactName, target: event.target, kind: event.kind, label: event.label, actions: event.actions });
      }
      if (alerts.length === 0) return [];
      const claimed = new Set(await this.opts.cache.call('slaClaimNotifications', { keys: [...new Set(alerts.map((a) => a.key))], at: new Date(now).toISOString() }));
      const fresh = alerts.filter((a) => claimed.delete(a.key));
      // Do not disturb: claimed (so they never pop up later in a heap) but not shown.
      if (!this.opts.doNotDisturb()) this.enqueue(fresh);
      return fresh;
    } finally {
      this.checking = false;
    }
  }

  private enqueue(alerts: SlaAlert[]): void {
    if (alerts.length === 0) return;
    this.pending.push(...alerts);
    this.flushTimer ??= setTimeout(() => this.flush(), this.opts.windowMs ?? SLA_COALESCE_WINDOW_MS);
  }

  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0 || this.opts.doNotDisturb()) return;
    // The most serious first: a breach outranks a warning.
    const lead = batch.find((a) => a.kind === 'breach') ?? batch[batch.length - 1]!;
    const { title, body } = describe(lead);
    const conversations = new Set(batch.map((a) => a.conversationId)).size;
    const breaches = batch.filter((a) => a.kind === 'breach').length;
    const summary =
      batch.length === 1 ? title : conversations === 1 ? `${title} (${batch.length} SLA alerts)` : `${batch.length} SLA alerts in ${conversations} conversations${breaches ? ` (${breaches} breached)` : ''}`;
    this.opts.emit({ title: summary, body, conversationId: lead.conversationId, count: batch.length });
  }
}
