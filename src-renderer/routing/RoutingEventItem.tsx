// A routing decision in the conversation timeline (role note inside the Messages log, like SLA events):
// "Assigned to Ana by rule “VIP” (least loaded; Ben skipped: at capacity)", claims, transfers, reassignments.
import { useTranslation } from 'react-i18next';
import type { RoutingEvent } from '../../src-shared/routing';
import { absoluteTime } from '../lib/format';
import { useAgents } from '../state/queries';

export function RoutingEventItem({ event: e }: { event: RoutingEvent }) {
  const { t, i18n } = useTranslation();
  const agents = useAgents();
  const nameOf = (id: string | null | undefined) => (id ? (agents.data?.find((a) => a.id === id)?.name ?? t('collab.event.someone')) : t('collab.event.someone'));
  const strategy = e.strategy ? t(`collab.strategy.${e.strategy}`, { defaultValue: e.strategy }) : null;
  // Why the others were not chosen: the reasons that matter (not "not chosen", which every loser has).
  const skipped = e.agentsSkipped.filter((s) => s.reason !== 'not_chosen').map((s) => t('collab.event.skipped', { name: nameOf(s.agentId), reason: t(`collab.reason.${s.reason}`, { defaultValue: s.reason }) }));
  const details = [strategy, ...skipped].filter(Boolean).join('; ');
  const rule = e.ruleName ? t('collab.event.byRule', { rule: e.ruleName }) : '';
  const tail = details ? t('collab.event.details', { details }) : '';
  let text: string;
  switch (e.kind) {
    case 'assigned':
      text = t('collab.event.assigned', { agent: nameOf(e.agentId) }) + rule + tail;
      break;
    case 'queued':
      text = t('collab.event.queued', { team: e.teamName ?? '' }) + rule + tail;
      break;
    case 'claimed':
      text = t('collab.event.claimed', { by: nameOf(e.byAgentId ?? e.agentId) });
      break;
    case 'transferred':
      text = e.teamName
        ? e.agentId
          ? t('collab.event.transferredTeamAssigned', { team: e.teamName, by: nameOf(e.byAgentId), agent: nameOf(e.agentId) }) + tail
          : t('collab.event.transferredTeam', { team: e.teamName, by: nameOf(e.byAgentId) })
        : t('collab.event.transferredAgent', { agent: nameOf(e.agentId), by: nameOf(e.byAgentId) });
      break;
    case 'reassigned':
      text = e.agentId ? t('collab.event.reassigned', { agent: nameOf(e.agentId), why: e.why }) + tail : t('collab.event.reassignedQueued', { why: e.why });
      break;
    case 'overflow':
      text = t('collab.event.overflow', { team: e.teamName ?? '', why: e.why });
      break;
    case 'escalated':
      text = t('collab.event.escalated', { why: e.why });
      break;
    default:
      text = t('collab.event.unassigned');
  }
  return (
    <p role="note" className={`routing-event routing-event-${e.kind}`}>
      <time dateTime={e.at}>{absoluteTime(e.at, i18n.language)}</time> {text}
    </p>
  );
}
