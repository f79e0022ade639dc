// Settings › Routing rules (ordered; move up/down; conditions and target team) and › Escalation rules.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EscalationRuleView, RoutingRuleView } from '../../src-shared/admin';
import { channelTypes, priorities, type ChannelType, type Priority } from '../../src-shared/domain';
import type { RoutingConditions } from '../../src-shared/routing';
import { useCall } from '../state/bridge-context';
import { adminKey, CheckField, CheckGroup, DeleteButton, LoadState, SavedLine, SelectField, SettingsForm, TextField, useAdminList, useEditing, useInvalidateAdmin, SettingsList } from './common';
import { joinList, optionalNumber, splitList } from './form-logic';

export function RoutingRulesPanel({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateAdmin();
  const rules = useAdminList('admin.routingRules.list');
  const teams = useAdminList('admin.teams.list');
  const ed = useEditing<RoutingRuleView>();
  const [note, setNote] = useState<{ name: string; deleted?: boolean } | null>(null);
  const [moveError, setMoveError] = useState<string | null>(null);
  const list = rules.data ?? [];
  const teamName = (id: string) => teams.data?.find((x) => x.id === id)?.name ?? id;

  async function move(rule: RoutingRuleView, direction: 'up' | 'down') {
    setMoveError(null);
    try {
      queryClient.setQueryData(adminKey('admin.routingRules.list'), await call('admin.routingRules.move', { id: rule.id, direction }));
      setNote({ name: rule.name });
    } catch (err) {
      setMoveError((err as Error).message);
    }
  }

  return (
    <>
      <h3>{t('settings.section.routingRules')}</h3>
      <p className="small muted">{t('admin.rules.orderHint')}</p>
      <SavedLine name={note?.name ?? ed.saved} deleted={note?.deleted} />
      <LoadState query={rules} />
      {moveError && (
        <p role="alert" className="form-error">
          {t('admin.saveFailed', { message: moveError })}
        </p>
      )}
      {ed.editing ? (
        <RoutingRuleForm
          key={ed.editing === 'new' ? 'new' : ed.editing.id}
          rule={ed.editing === 'new' ? null : ed.editing}
          onDone={(n) => {
            setNote(null);
            ed.done(n);
          }}
        />
      ) : (
        <>
          <ol className="settings-list" aria-label={t('settings.section.routingRules')}>
            {list.map((r, i) => (
              <li key={r.id}>
                <span>
                  {r.name} <span className="muted small">(→ {teamName(r.teamId)}{r.enabled ? '' : ` · ${t('admin.disabled')}`})</span>
                </span>
                {!readOnly && (
                  <span className="row-actions">
                    <button type="button" className="btn btn-small" disabled={i === 0} aria-label={t('admin.rules.moveUp', { name: r.name })} onClick={() => void move(r, 'up')}>
                      ↑
                    </button>
                    <button type="button" className="btn btn-small" disabled={i === list.length - 1} aria-label={t('admin.rules.moveDown', { name: r.name })} onClick={() => void move(r, 'down')}>
                      ↓
                    </button>
                    <button type="button" className="btn btn-small" aria-label={t('settings.editNamed', { name: r.name })} onClick={() => ed.edit(r)}>
                      {t('settings.edit')}
                    </button>
                    <DeleteButton
                      name={r.name}
                      onDelete={async () => {
                        await call('admin.routingRules.delete', { id: r.id });
                        setNote({ name: r.name, deleted: true });
                        await invalidate();
                      }}
                    />
                  </span>
                )}
              </li>
            ))}
          </ol>
          {!readOnly && (
            <button type="button" className="btn btn-primary" onClick={() => ed.edit('new')}>
              {t('admin.rules.add')}
            </button>
          )}
        </>
      )}
    </>
  );
}

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function RoutingRuleForm({ rule, onDone }: { rule: RoutingRuleView | null; onDone: (name: string | null) => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const teams = useAdminList('admin.teams.list');
  const calendars = useAdminList('admin.calendars.list');
  const c = (rule?.conditions ?? {}) as RoutingConditions;
  const [name, setName] = useState(rule?.name ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [teamId, setTeamId] = useState(rule?.teamId ?? '');
  const [skills, setSkills] = useState(joinList(rule?.requiredSkills));
  const [types, setTypes] = useState<ChannelType[]>(strs(c.channelTypes) as ChannelType[]);
  const [keywords, setKeywords] = useState(joinList(c.keywordsAny));
  const [labels, setLabels] = useState(joinList(c.labelsAny));
  const [languages, setLanguages] = useState(joinList(c.languages));
  const [tiers, setTiers] = useState(joinList(c.customerTiers));
  const [prios, setPrios] = useState<Priority[]>(strs(c.priorities) as Priority[]);
  const [calendarId, setCalendarId] = useState(c.businessHours?.calendarId ?? '');
  const [when, setWhen] = useState<'open' | 'closed'>(c.businessHours?.when ?? 'open');
  const team = teamId || teams.data?.[0]?.id || '';

  async function submit() {
    const conditions: RoutingConditions = {};
    if (types.length) conditions.channelTypes = types;
    const lists = { keywordsAny: keywords, labelsAny: labels, languages, customerTiers: tiers } as const;
    for (const [k, v] of Object.entries(lists)) {
      const items = splitList(v);
      if (items.length) conditions[k as keyof typeof lists] = items;
    }
    if (prios.length) conditions.priorities = prios;
    if (calendarId) conditions.businessHours = { calendarId, when };
    // Kept as they are: conditions this form does not edit (channel ids).
    if (c.channelIds) conditions.channelIds = c.channelIds;
    const saved = await call('admin.routingRules.save', { ...(rule ? { id: rule.id } : {}), input: { name, enabled, teamId: team, requiredSkills: splitList(skills), conditions } });
    await invalidate();
    onDone(saved.name);
  }

  return (
    <SettingsForm
      label={rule ? t('settings.editNamed', { name: rule.name }) : t('admin.rules.add')}
      saveLabel={t('admin.rules.save')}
      invalid={!name.trim() || !team}
      onSubmit={submit}
      onCancel={() => onDone(null)}
    >
      <TextField label={t('admin.rules.name')} value={name} onChange={setName} required error={name.trim() ? null : { key: 'admin.required' }} />
      <CheckField label={t('admin.enabled')} checked={enabled} onChange={setEnabled} />
      <SelectField label={t('admin.rules.team')} value={team} onChange={setTeamId} options={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
      {teams.data && teams.data.length === 0 && <p className="form-error small">{t('admin.rules.needTeam')}</p>}
      <TextField label={t('admin.rules.skills')} value={skills} onChange={setSkills} hint={t('admin.listHint')} />
      <fieldset className="check-group">
        <legend>{t('admin.rules.conditions')}</legend>
        <p className="small muted">{t('admin.rules.conditionsHint')}</p>
        <CheckGroup legend={t('admin.rules.channelTypes')} values={types} onChange={setTypes} options={channelTypes.map((x) => ({ value: x, label: t(`channelType.${x}`) }))} />
        <TextField label={t('admin.rules.keywords')} value={keywords} onChange={setKeywords} hint={t('admin.listHint')} />
        <TextField label={t('admin.rules.labels')} value={labels} onChange={setLabels} hint={t('admin.listHint')} />
        <TextField label={t('admin.rules.languages')} value={languages} onChange={setLanguages} hint={t('admin.listHint')} />
        <TextField label={t('admin.rules.tiers')} value={tiers} onChange={setTiers} hint={t('admin.listHint')} />
        <CheckGroup legend={t('admin.rules.priorities')} values={prios} onChange={setPrios} options={priorities.map((p) => ({ value: p, label: t(`priority.${p}`) }))} />
        <SelectField
          label={t('admin.rules.calendar')}
          value={calendarId}
          onChange={setCalendarId}
          options={[{ value: '', label: t('admin.rules.anyTime') }, ...(calendars.data ?? []).map((x) => ({ value: x.id, label: x.name }))]}
        />
        {calendarId && (
          <SelectField
            label={t('admin.rules.when')}
            value={when}
            onChange={setWhen}
            options={[
              { value: 'open', label: t('admin.rules.whenOpen') },
              { value: 'closed', label: t('admin.rules.whenClosed') },
            ]}
          />
        )}
      </fieldset>
    </SettingsForm>
  );
}

export function EscalationPanel({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const rules = useAdminList('admin.escalationRules.list');
  const ed = useEditing<EscalationRuleView>();
  const [deleted, setDeleted] = useState<string | null>(null);
  return (
    <>
      <h3>{t('settings.section.escalation')}</h3>
      <SavedLine name={deleted ?? ed.saved} deleted={!!deleted} />
      <LoadState query={rules} />
      {ed.editing ? (
        <EscalationForm
          key={ed.editing === 'new' ? 'new' : ed.editing.id}
          rule={ed.editing === 'new' ? null : ed.editing}
          onDone={(n) => {
            setDeleted(null);
            ed.done(n);
          }}
        />
      ) : (
        <SettingsList
          label={t('settings.section.escalation')}
          items={rules.data ?? []}
          readOnly={readOnly}
          detail={(r) => (r.enabled ? null : `(${t('admin.disabled')})`)}
          onEdit={ed.edit}
          onDelete={async (r) => {
            await call('admin.escalationRules.delete', { id: r.id });
            setDeleted(r.name);
            await invalidate();
          }}
          addLabel={t('admin.escalation.add')}
          onAdd={() => ed.edit('new')}
        />
      )}
    </>
  );
}

function EscalationForm({ rule, onDone }: { rule: EscalationRuleView | null; onDone: (name: string | null) => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const teams = useAdminList('admin.teams.list');
  const tr = (rule?.triggers ?? {}) as Record<string, unknown>;
  const a = rule?.actions;
  const [name, setName] = useState(rule?.name ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [match, setMatch] = useState<'any' | 'all'>(rule?.match ?? 'any');
  const [sentiment, setSentiment] = useState(tr.sentimentAtMost === undefined ? '' : String(tr.sentimentAtMost));
  const [messages, setMessages] = useState(tr.customerMessagesAtLeast === undefined ? '' : String(tr.customerMessagesAtLeast));
  const [minutes, setMinutes] = useState(tr.unresolvedMinutes === undefined ? '' : String(tr.unresolvedMinutes));
  const [vip, setVip] = useState(tr.vip === true);
  const [slaAtRisk, setSlaAtRisk] = useState(tr.slaAtRisk === true);
  const [keywords, setKeywords] = useState(joinList(strs(tr.keywordsAny)));
  const [csatMax, setCsatMax] = useState(tr.csatAtMost === undefined ? '' : String(tr.csatAtMost));
  const [raise, setRaise] = useState(a?.raisePriority ?? false);
  const [moveTo, setMoveTo] = useState(a?.moveToTeamId ?? '');
  const [label, setLabel] = useState(a?.addLabel ?? '');
  const [notify, setNotify] = useState(a?.notifySupervisors ?? false);
  const [reassign, setReassign] = useState(a?.reassign ?? false);

  const sentimentNum = sentiment.trim() === '' ? { value: null, error: null } : Number.isFinite(Number(sentiment)) && Math.abs(Number(sentiment)) <= 1 ? { value: Number(sentiment), error: null } : { value: null, error: { key: 'admin.escalation.badSentiment' } };
  const msgs = optionalNumber(messages, { integer: true, min: 1, max: 1000 });
  const mins = optionalNumber(minutes, { min: 1, max: 525_600 });
  const csatNum = optionalNumber(csatMax, { integer: true, min: 1, max: 5 });
  const triggers: Record<string, unknown> = {};
  if (sentimentNum.value !== null) triggers.sentimentAtMost = sentimentNum.value;
  if (msgs.value !== null) triggers.customerMessagesAtLeast = msgs.value;
  if (mins.value !== null) triggers.unresolvedMinutes = mins.value;
  if (vip) triggers.vip = true;
  if (slaAtRisk) triggers.slaAtRisk = true;
  if (splitList(keywords).length) triggers.keywordsAny = splitList(keywords);
  if (csatNum.value !== null) triggers.csatAtMost = csatNum.value;
  const noTrigger = Object.keys(triggers).length === 0;

  async function submit() {
    const input = {
      name,
      enabled,
      match,
      triggers,
      actions: { raisePriority: raise, moveToTeamId: moveTo || null, addLabel: label.trim() || null, notifySupervisors: notify, reassign },
    };
    const saved = await call('admin.escalationRules.save', { ...(rule ? { id: rule.id } : {}), input });
    await invalidate();
    onDone(saved.name);
  }

  return (
    <SettingsForm
      label={rule ? t('settings.editNamed', { name: rule.name }) : t('admin.escalation.add')}
      saveLabel={t('admin.escalation.save')}
      invalid={!name.trim() || !!sentimentNum.error || !!msgs.error || !!mins.error || !!csatNum.error || noTrigger}
      onSubmit={submit}
      onCancel={() => onDone(null)}
    >
      <TextField label={t('admin.rules.name')} value={name} onChange={setName} required error={name.trim() ? null : { key: 'admin.required' }} />
      <CheckField label={t('admin.enabled')} checked={enabled} onChange={setEnabled} />
      <fieldset className="check-group">
        <legend>{t('admin.escalation.triggers')}</legend>
        <SelectField
          label={t('admin.escalation.match')}
          value={match}
          onChange={setMatch}
          options={[
            { value: 'any', label: t('admin.escalation.matchAny') },
            { value: 'all', label: t('admin.escalation.matchAll') },
          ]}
        />
        <TextField label={t('admin.escalation.sentiment')} type="number" value={sentiment} onChange={setSentiment} error={sentimentNum.error} />
        <TextField label={t('admin.escalation.messages')} type="number" value={messages} onChange={setMessages} error={msgs.error} />
        <TextField label={t('admin.escalation.minutes')} type="number" value={minutes} onChange={setMinutes} error={mins.error} />
        <CheckField label={t('admin.escalation.vip')} checked={vip} onChange={setVip} />
        <CheckField label={t('admin.escalation.slaAtRisk')} checked={slaAtRisk} onChange={setSlaAtRisk} />
        <TextField label={t('admin.rules.keywords')} value={keywords} onChange={setKeywords} hint={t('admin.listHint')} />
        <TextField label={t('csat.escalation')} type="number" value={csatMax} onChange={setCsatMax} error={csatNum.error} hint={t('csat.escalationHint')} />
        {noTrigger && <p className="form-error small">{t('admin.escalation.needTrigger')}</p>}
      </fieldset>
      <fieldset className="check-group">
        <legend>{t('admin.escalation.actions')}</legend>
        <CheckField label={t('admin.escalation.raisePriority')} checked={raise} onChange={setRaise} />
        <SelectField label={t('admin.escalation.moveTo')} value={moveTo} onChange={setMoveTo} options={[{ value: '', label: t('admin.none') }, ...(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))]} />
        <TextField label={t('admin.escalation.addLabel')} value={label} onChange={setLabel} />
        <CheckField label={t('admin.escalation.notify')} checked={notify} onChange={setNotify} />
        <CheckField label={t('admin.escalation.reassign')} checked={reassign} onChange={setReassign} />
      </fieldset>
    </SettingsForm>
  );
}
