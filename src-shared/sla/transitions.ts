// How a conversation's SLA snapshot moves with what happens to it. Pure; the server applies these inside the
// write transaction of commands.ts and stores the result (plus the due times) on the conversation.
//   customer message → starts first response (until an agent has replied) or next response (after), and resolution
//   agent reply (not a note) → first/next response met
//   status → a pause status (per policy) pauses every clock; back to open resumes; resolved stops them all;
//            reopened starts a new resolution clock
import type { BusinessCalendar } from './calendar';
import { newClock, pauseAll, resumeAll, type SlaSnapshot, type TargetClock } from './clock';
import { slaTargets, targetMinutes, type SlaPolicy, type SlaTarget } from './policy';

export type SlaEventInput =
  | { type: 'inbound'; at: number; status: string }
  | { type: 'reply'; at: number }
  | { type: 'status'; at: number; from: string; to: string }
  | { type: 'policy'; at: number; status: string };

type PolicyLike = Pick<SlaPolicy, 'id' | 'name' | 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes' | 'pauseOn' | 'warnings'>;

function isPause(s: SlaSnapshot | PolicyLike, status: string): boolean {
  return (s.pauseOn as string[]).includes(status);
}

function start(s: SlaSnapshot, policy: PolicyLike, target: SlaTarget, at: number): SlaSnapshot {
  const minutes = targetMinutes(policy, target);
  if (minutes === null || s.targets[target]) return s;
  return { ...s, targets: { ...s.targets, [target]: newClock(minutes, at, s.paused) } };
}

function empty(policy: PolicyLike, calendar: BusinessCalendar | null, paused: boolean): SlaSnapshot {
  return {
    policyId: policy.id,
    policyName: policy.name,
    calendar,
    warnings: policy.warnings,
    pauseOn: policy.pauseOn,
    paused,
    responded: false,
    targets: { firstResponse: null, nextResponse: null, resolution: null },
  };
}

/**
 * The next snapshot. `policy` is the policy that applies now (null: none — the conversation has no SLA);
 * when it differs from the snapshot's, running clocks keep what they counted and take the new targets.
 */
export function nextSnapshot(prev: SlaSnapshot | null, policy: PolicyLike | null, calendar: BusinessCalendar | null, ev: SlaEventInput): SlaSnapshot | null {
  if (!policy) return null;
  let s = prev;
  if (s && (s.policyId !== policy.id || JSON.stringify(s.calendar) !== JSON.stringify(calendar))) s = retarget(s, policy, calendar, ev.at);
  switch (ev.type) {
    case 'inbound': {
      s ??= empty(policy, calendar, isPause(policy, ev.status));
      if (!s.responded) s = start(s, policy, 'firstResponse', ev.at);
      else s = start(s, policy, 'nextResponse', ev.at);
      return start(s, policy, 'resolution', ev.at);
    }
    case 'reply':
      return s ? answered(s) : null;
    case 'status': {
      if (!s) return null;
      if (ev.to === 'resolved') return { ...s, paused: false, targets: { firstResponse: null, nextResponse: null, resolution: null } };
      if (ev.from === 'resolved') s = start({ ...s, paused: isPause(s, ev.to) }, policy, 'resolution', ev.at);
      if (isPause(s, ev.to) && !s.paused) return pauseAll(s, ev.at);
      if (!isPause(s, ev.to) && s.paused) return resumeAll(s, ev.at);
      return s;
    }
    case 'policy':
      return s;
  }
}

/** An agent replied: first and next response are met. The desktop applies this to a reply still in its outbox. */
export function answered(s: SlaSnapshot): SlaSnapshot {
  return { ...s, responded: true, targets: { ...s.targets, firstResponse: null, nextResponse: null } };
}

/** Same counting, new policy: targets and thresholds from the new policy; clocks it has no target for stop. */
function retarget(s: SlaSnapshot, policy: PolicyLike, calendar: BusinessCalendar | null, at: number): SlaSnapshot {
  // Fold the running time into consumedMs under the OLD calendar, then continue under the new one.
  const folded = s.paused ? s : resumeAll(pauseAll(s, at), at);
  const targets = { ...folded.targets };
  for (const t of slaTargets) {
    const c = targets[t];
    const minutes = targetMinutes(policy, t);
    targets[t] = c && minutes !== null ? ({ ...c, targetMs: minutes * 60_000 } satisfies TargetClock) : null;
  }
  return { ...folded, policyId: policy.id, policyName: policy.name, calendar, warnings: policy.warnings, pauseOn: policy.pauseOn, targets };
}
