// Pure display logic of the dashboard's Live tab (tested in tests/unit/renderer-dashboard.test.ts).
import type { InboxRow } from '../../src-shared/ipc';
import type { LiveMetrics } from '../../src-shared/metrics';
import { durationParts } from '../sla/sla-view';

/** 75 s → "1 min 15 s", 2 h 5 min → "2 h 5 min". */
export function formatWait(ms: number | null): string | null {
  if (ms === null) return null;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

/** Local midnight of the day `nowMs` falls in, as an ISO instant: "today" starts here. */
export function localMidnightIso(nowMs: number): string {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/** An SLA due time against the server's now: due in (future) or overdue by (past), in the SLA badge's units. */
export function dueIn(dueAt: string | null, serverNow: number): { past: boolean; parts: ReturnType<typeof durationParts> } | null {
  if (!dueAt) return null;
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return null;
  return { past: due <= serverNow, parts: durationParts(due - serverNow) };
}

/** Current (open or pending) conversations per assignee id, most recent first as the inbox lists them. */
export function currentByAgent(rows: readonly InboxRow[]): Map<string, InboxRow[]> {
  const out = new Map<string, InboxRow[]>();
  for (const row of rows) {
    const id = row.conversation.assigneeId;
    if (!id || row.conversation.status === 'resolved') continue;
    out.set(id, [...(out.get(id) ?? []), row]);
  }
  return out;
}

/** The Live tab's key figures: what a supervisor glances at before reading the tables. */
export interface LiveSummary {
  waiting: number;
  longestWaitMs: number | null;
  online: number;
  agents: number;
  atRisk: number;
  breached: number;
}

export function liveSummary(live: LiveMetrics): LiveSummary {
  const waits = live.channels.map((c) => c.longestWaitMs).filter((ms): ms is number => ms !== null);
  return {
    waiting: live.channels.reduce((n, c) => n + c.waiting, 0),
    longestWaitMs: waits.length ? Math.max(...waits) : null,
    online: live.agents.filter((a) => a.presence === 'online').length,
    agents: live.agents.length,
    atRisk: live.sla.atRisk,
    breached: live.sla.breached,
  };
}
