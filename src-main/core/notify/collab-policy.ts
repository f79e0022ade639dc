// Notifications for handoff and collaboration (docs/routing.md §Handoff): @mentions in private notes, transfers
// and no-reply reassignments (the routing event's `notify` names whom to tell), escalations to supervisors.
// Pure; each candidate has a key, and the core shows a key at most once (cache table collab_notified).
import type { Agent } from '../../../src-shared/domain';
import type { Fresh } from '../cache/ops';

export interface CollabCandidate {
  key: string;
  conversationId: string;
  title: string;
  body: string;
}

export function collabCandidatesFor(me: Agent, fresh: Fresh): CollabCandidate[] {
  const out: CollabCandidate[] = [];
  for (const { message, contactName } of fresh.messages) {
    // Mentioned in a colleague's private note; never the author (the server drops self-mentions too).
    if (message.direction !== 'note' || message.authorId === me.id || !message.mentions?.includes(me.id)) continue;
    out.push({ key: `mention:${message.id}:${me.id}`, conversationId: message.conversationId, title: `${message.authorName} mentioned you · ${contactName}`, body: message.text });
  }
  const notes = new Map(fresh.messages.map((m) => [m.message.id, m.message.text]));
  for (const e of fresh.routingEvents ?? []) {
    if (!e.notify.includes(me.id) || e.byAgentId === me.id) continue;
    let title: string;
    if (e.kind === 'transferred') {
      if (e.agentId !== me.id) continue;
      title = 'Transferred to you';
    } else if (e.kind === 'reassigned') {
      title = e.agentId === me.id ? 'Reassigned to you' : 'Reassigned to someone else';
    } else if (e.kind === 'escalated') {
      title = 'Escalated';
    } else continue;
    const note = e.noteId ? notes.get(e.noteId) : undefined;
    out.push({ key: `routing:${e.id}:${me.id}`, conversationId: e.conversationId, title, body: note ?? e.why });
  }
  return out;
}
