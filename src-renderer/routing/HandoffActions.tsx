// Handoff in the conversation header (docs/routing.md §Handoff): "Claim" on an unassigned conversation, and
// "Transfer…" to an agent or a team with a handover note (a dialog; the note is stored as a private note).
// Both are sync mutations in the core: optimistic, exactly once; a refused claim comes back as a toast
// ("… refused (claim): already assigned to Ana Lima") and the view rolls back.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationDetail } from '../../src-shared/ipc';
import { useCall } from '../state/bridge-context';
import { useAgents, useSession } from '../state/queries';
import { useUi } from '../state/ui-store';
import { usePresenceList, useTeamDirectory } from './collab-queries';
import { PresenceDot } from './PresenceBits';

export function HandoffActions({ detail }: { detail: ConversationDetail }) {
  const { t } = useTranslation();
  const call = useCall();
  const [open, setOpen] = useState(false);
  const c = detail.conversation;
  const transferButton = useRef<HTMLButtonElement>(null);
  if (c.status === 'resolved') return null;

  function claim() {
    call('conversation.claim', { conversationId: c.id }).catch((err: Error) => useUi.getState().pushToast(t('collab.claimFailed', { message: err.message })));
  }

  return (
    <>
      {c.assigneeId && detail.assigneeName && <PresenceDot status={detail.assigneePresence ?? 'offline'} name={detail.assigneeName} />}
      {!c.assigneeId && (
        <button type="button" className="btn btn-primary" onClick={claim}>
          {t('collab.claim')}
        </button>
      )}
      <button ref={transferButton} type="button" className="btn" onClick={() => setOpen(true)}>
        {t('collab.transfer')}
      </button>
      {open && (
        <TransferDialog
          detail={detail}
          onClose={() => {
            setOpen(false);
            transferButton.current?.focus();
          }}
        />
      )}
    </>
  );
}

function TransferDialog({ detail, onClose }: { detail: ConversationDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const agents = useAgents();
  const session = useSession();
  const presence = usePresenceList();
  const teams = useTeamDirectory(true);
  const ids = { title: useId(), target: useId(), note: useId(), error: useId() };
  const ref = useRef<HTMLDivElement>(null);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const c = detail.conversation;
  const me = session.data?.agent?.id;
  const statusOf = (id: string) => presence.data?.find((p) => p.agentId === id)?.status ?? 'offline';
  // Agents who can take it: members of the channel (supervisors and admins see every channel), not the current assignee.
  const candidates = (agents.data ?? []).filter((a) => a.id !== c.assigneeId && (a.role !== 'agent' || a.channelIds.includes(c.channelId)));

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('select')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!target) {
      setError(t('collab.chooseTarget'));
      return;
    }
    setBusy(true);
    const [kind, id] = target.split(':') as ['agent' | 'team', string];
    try {
      await call('conversation.transfer', { conversationId: c.id, ...(kind === 'agent' ? { toAgentId: id } : { toTeamId: id }), ...(note.trim() ? { note: note.trim() } : {}) });
      onClose();
    } catch (err) {
      setBusy(false);
      setError(t('collab.transferFailed', { message: (err as Error).message }));
    }
  }

  return (
    <div className="modal-backdrop">
      <div ref={ref} className="modal" role="dialog" aria-modal="true" aria-labelledby={ids.title}>
        <header className="modal-header">
          <h2 id={ids.title}>{t('collab.transferTitle')}</h2>
        </header>
        <form onSubmit={submit} className="transfer-form">
          <div className="field">
            <label htmlFor={ids.target}>{t('collab.transferTo')}</label>
            <select id={ids.target} value={target} onChange={(e) => setTarget(e.target.value)} aria-describedby={error ? ids.error : undefined} aria-invalid={!!error && !target}>
              <option value="">—</option>
              <optgroup label={t('collab.agents')}>
                {candidates.map((a) => (
                  <option key={a.id} value={`agent:${a.id}`}>
                    {t('collab.agentOption', { name: a.id === me ? t('conversation.me', { name: a.name }) : a.name, presence: t(`routing.presence.${statusOf(a.id)}`) })}
                  </option>
                ))}
              </optgroup>
              {(teams.data ?? []).length > 0 && (
                <optgroup label={t('collab.teams')}>
                  {teams.data!.map((team) => (
                    <option key={team.id} value={`team:${team.id}`}>
                      {t('collab.teamOption', { name: team.name })}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
            {teams.isError && <p className="small muted">{t('collab.teamsUnavailable', { message: teams.error.message })}</p>}
          </div>
          <div className="field">
            <label htmlFor={ids.note}>{t('collab.note')}</label>
            <textarea id={ids.note} rows={3} value={note} placeholder={t('collab.notePlaceholder')} onChange={(e) => setNote(e.target.value)} maxLength={10_000} />
          </div>
          {error && (
            <p id={ids.error} role="alert" className="form-error">
              {error}
            </p>
          )}
          <div className="modal-actions">
            <button type="button" className="btn" onClick={onClose}>
              {t('collab.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('collab.submit')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
