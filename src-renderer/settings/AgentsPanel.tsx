// Settings › Agents: create agents, role, channel membership, skills and capacity per channel type.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agent, Role } from '../../src-shared/domain';
import { useCall } from '../state/bridge-context';
import { useChannels } from '../state/queries';
import { CapacityFields } from './CapacityFields';
import { CheckGroup, LoadState, SavedLine, SelectField, SettingsForm, TextField, useAdminList, useEditing, useInvalidateAdmin, SettingsList } from './common';
import { fromCapacity, joinList, splitList, toCapacity, type FieldError } from './form-logic';

const roles: Role[] = ['agent', 'supervisor', 'admin'];

export function AgentsPanel({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation();
  const agents = useAdminList('admin.agents.list');
  const ed = useEditing<Agent>();
  return (
    <>
      <h3>{t('settings.section.agents')}</h3>
      <SavedLine name={ed.saved} />
      <LoadState query={agents} />
      {ed.editing ? (
        <AgentForm key={ed.editing === 'new' ? 'new' : ed.editing.id} agent={ed.editing === 'new' ? null : ed.editing} onDone={ed.done} />
      ) : (
        <SettingsList
          label={t('settings.section.agents')}
          items={agents.data ?? []}
          readOnly={readOnly}
          detail={(a) => `(${a.email} · ${t(`admin.role.${a.role}`)})`}
          onEdit={ed.edit}
          addLabel={t('admin.agents.add')}
          onAdd={() => ed.edit('new')}
        />
      )}
    </>
  );
}

function AgentForm({ agent, onDone }: { agent: Agent | null; onDone: (name: string | null) => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const channels = useChannels();
  const routing = useQuery({ queryKey: ['admin', 'routing', agent?.id], queryFn: () => call('admin.agents.routing', { agentId: agent!.id }), enabled: !!agent });
  const [name, setName] = useState(agent?.name ?? '');
  const [email, setEmail] = useState(agent?.email ?? '');
  const [role, setRole] = useState<Role>(agent?.role ?? 'agent');
  const [password, setPassword] = useState('');
  const [channelIds, setChannelIds] = useState<string[]>(agent?.channelIds ?? []);
  const [skills, setSkills] = useState<string | null>(null);
  const [capacity, setCapacity] = useState<Record<string, string> | null>(null);
  // Skills and capacity come from the server once loaded; until the admin edits them, the loaded values show.
  const skillsText = skills ?? joinList(routing.data?.skills);
  const capacityValues = capacity ?? fromCapacity(routing.data?.capacity ?? {});
  const cap = toCapacity(capacityValues);
  const passwordError: FieldError | null = !agent && password.length > 0 && password.length < 8 ? { key: 'admin.agents.passwordShort' } : null;
  const missing: FieldError | null = { key: 'admin.required' };

  async function submit() {
    const saved = await call('admin.agents.save', { ...(agent ? { id: agent.id } : {}), name, email, role, ...(password ? { password } : {}) });
    await call('admin.agents.setChannels', { agentId: saved.id, channelIds });
    await call('admin.agents.setRouting', { agentId: saved.id, skills: splitList(skillsText), capacity: cap.capacity });
    await invalidate();
    onDone(saved.name);
  }

  return (
    <SettingsForm
      label={agent ? t('settings.editNamed', { name: agent.name }) : t('admin.agents.add')}
      saveLabel={t('admin.agents.save')}
      invalid={!!passwordError || !!cap.error || !name.trim() || !email.trim() || (!agent && password.length < 8)}
      onSubmit={submit}
      onCancel={() => onDone(null)}
    >
      <TextField label={t('settings.name')} value={name} onChange={setName} required error={name.trim() ? null : missing} />
      <TextField label={t('admin.agents.email')} type="email" value={email} onChange={setEmail} required disabled={!!agent} error={email.trim() ? null : missing} />
      <SelectField label={t('admin.agents.role')} value={role} onChange={setRole} options={roles.map((r) => ({ value: r, label: t(`admin.role.${r}`) }))} />
      <TextField
        label={agent ? t('admin.agents.newPassword') : t('admin.agents.password')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        required={!agent}
        error={passwordError}
        hint={t('admin.agents.passwordHint')}
      />
      <CheckGroup legend={t('admin.agents.channels')} values={channelIds} onChange={setChannelIds} options={(channels.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
      <TextField label={t('admin.agents.skills')} value={skillsText} onChange={setSkills} hint={t('admin.listHint')} />
      <CapacityFields legend={t('admin.agents.capacity')} values={capacityValues} onChange={setCapacity} error={cap.error} />
    </SettingsForm>
  );
}
