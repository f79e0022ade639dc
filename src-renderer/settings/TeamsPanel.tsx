// Settings › Teams: name, members, strategy, default capacities, overflow, reply timeout, sticky window.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Team } from '../../src-shared/admin';
import { strategies, type Strategy } from '../../src-shared/routing';
import { useCall } from '../state/bridge-context';
import { CapacityFields } from './CapacityFields';
import { CheckGroup, LoadState, SavedLine, SelectField, SettingsForm, TextField, useAdminList, useEditing, useInvalidateAdmin, SettingsList } from './common';
import { fromCapacity, optionalNumber, toCapacity } from './form-logic';

export function TeamsPanel({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const teams = useAdminList('admin.teams.list');
  const ed = useEditing<Team>();
  const [deleted, setDeleted] = useState<string | null>(null);
  return (
    <>
      <h3>{t('settings.section.teams')}</h3>
      <SavedLine name={deleted ?? ed.saved} deleted={!!deleted} />
      <LoadState query={teams} />
      {ed.editing ? (
        <TeamForm
          key={ed.editing === 'new' ? 'new' : ed.editing.id}
          team={ed.editing === 'new' ? null : ed.editing}
          teams={teams.data ?? []}
          onDone={(n) => {
            setDeleted(null);
            ed.done(n);
          }}
        />
      ) : (
        <SettingsList
          label={t('settings.section.teams')}
          items={teams.data ?? []}
          readOnly={readOnly}
          detail={(team) => `(${t(`admin.strategy.${team.strategy}`)} · ${t('admin.teams.memberCount', { count: team.memberIds.length })})`}
          onEdit={ed.edit}
          onDelete={async (team) => {
            await call('admin.teams.delete', { id: team.id });
            setDeleted(team.name);
            await invalidate();
          }}
          addLabel={t('admin.teams.add')}
          onAdd={() => ed.edit('new')}
        />
      )}
    </>
  );
}

function TeamForm({ team, teams, onDone }: { team: Team | null; teams: readonly Team[]; onDone: (name: string | null) => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const agents = useAdminList('admin.agents.list');
  const [name, setName] = useState(team?.name ?? '');
  const [strategy, setStrategy] = useState<Strategy>(team?.strategy ?? 'least_loaded');
  const [memberIds, setMemberIds] = useState<string[]>(team?.memberIds ?? []);
  const [capacity, setCapacity] = useState(() => fromCapacity(team?.defaultCapacity ?? {}));
  const [overflowTeam, setOverflowTeam] = useState(team?.overflow?.teamId ?? '');
  const [afterSeconds, setAfterSeconds] = useState(team?.overflow?.afterSeconds?.toString() ?? '');
  const [queueLength, setQueueLength] = useState(team?.overflow?.queueLength?.toString() ?? '');
  const [replyTimeout, setReplyTimeout] = useState(team?.replyTimeoutSeconds?.toString() ?? '');
  const [sticky, setSticky] = useState(team?.stickyWindowMinutes?.toString() ?? '');

  const cap = toCapacity(capacity);
  const after = optionalNumber(afterSeconds, { min: 1, max: 86_400 });
  const queue = optionalNumber(queueLength, { integer: true, min: 0, max: 100_000 });
  const reply = optionalNumber(replyTimeout, { min: 1, max: 7 * 86_400 });
  const stick = optionalNumber(sticky, { min: 1, max: 525_600 });
  const overflowNeedsLimit = overflowTeam !== '' && after.value === null && queue.value === null && !after.error && !queue.error;
  const invalid = !name.trim() || !!cap.error || !!after.error || !!queue.error || !!reply.error || !!stick.error || overflowNeedsLimit;

  async function submit() {
    const input = {
      name,
      strategy,
      memberIds,
      defaultCapacity: cap.capacity,
      overflow: overflowTeam ? { teamId: overflowTeam, afterSeconds: after.value, queueLength: queue.value } : null,
      replyTimeoutSeconds: reply.value,
      stickyWindowMinutes: stick.value,
    };
    const saved = await call('admin.teams.save', { ...(team ? { id: team.id } : {}), input });
    await invalidate();
    onDone(saved.name);
  }

  return (
    <SettingsForm label={team ? t('settings.editNamed', { name: team.name }) : t('admin.teams.add')} saveLabel={t('admin.teams.save')} invalid={invalid} onSubmit={submit} onCancel={() => onDone(null)}>
      <TextField label={t('admin.teams.name')} value={name} onChange={setName} required error={name.trim() ? null : { key: 'admin.required' }} />
      <SelectField label={t('admin.teams.strategy')} value={strategy} onChange={setStrategy} options={strategies.map((s) => ({ value: s, label: t(`admin.strategy.${s}`) }))} />
      <CheckGroup legend={t('admin.teams.members')} values={memberIds} onChange={setMemberIds} options={(agents.data ?? []).map((a) => ({ value: a.id, label: a.name }))} />
      <CapacityFields legend={t('admin.teams.capacity')} values={capacity} onChange={setCapacity} error={cap.error} />
      <fieldset className="check-group">
        <legend>{t('admin.teams.overflow')}</legend>
        <SelectField
          label={t('admin.teams.overflowTeam')}
          value={overflowTeam}
          onChange={setOverflowTeam}
          options={[{ value: '', label: t('admin.none') }, ...teams.filter((x) => x.id !== team?.id).map((x) => ({ value: x.id, label: x.name }))]}
        />
        <TextField label={t('admin.teams.afterSeconds')} type="number" value={afterSeconds} onChange={setAfterSeconds} error={after.error ?? (overflowNeedsLimit ? { key: 'admin.teams.overflowNeedsLimit' } : null)} />
        <TextField label={t('admin.teams.queueLength')} type="number" value={queueLength} onChange={setQueueLength} error={queue.error} />
      </fieldset>
      <TextField label={t('admin.teams.replyTimeout')} type="number" value={replyTimeout} onChange={setReplyTimeout} error={reply.error} hint={t('admin.emptyNever')} />
      <TextField label={t('admin.teams.sticky')} type="number" value={sticky} onChange={setSticky} error={stick.error} />
    </SettingsForm>
  );
}
