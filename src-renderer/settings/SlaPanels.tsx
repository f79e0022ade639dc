// Settings › SLA policies (targets per channel type × priority × tier, calendar, pauses, warnings) and
// › Business hours (time zone, weekly hours per day, holidays).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarView } from '../../src-shared/admin';
import { channelTypes, priorities, type ChannelType, type Priority } from '../../src-shared/domain';
import type { SlaPolicy } from '../../src-shared/sla';
import { useCall } from '../state/bridge-context';
import { CheckField, CheckGroup, LoadState, SavedLine, SelectField, SettingsForm, TextField, useAdminList, useEditing, useInvalidateAdmin, SettingsList } from './common';
import { fromWarnings, fromWeekly, optionalNumber, slaTargetFields, toHolidays, toWarnings, toWeekly, weekdays } from './form-logic';

function useDeletable() {
  const [deleted, setDeleted] = useState<string | null>(null);
  return { deleted, setDeleted };
}

export function SlaPoliciesPanel({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const policies = useAdminList('admin.slaPolicies.list');
  const calendars = useAdminList('admin.calendars.list');
  const ed = useEditing<SlaPolicy>();
  const del = useDeletable();
  const scope = (p: SlaPolicy) =>
    [p.channelType ? t(`channelType.${p.channelType}`) : t('admin.sla.anyChannel'), p.priority ? t(`priority.${p.priority}`) : t('admin.sla.anyPriority'), p.customerTier ?? t('admin.sla.anyTier')].join(' × ');
  const hours = (p: SlaPolicy) => (p.calendarId ? (calendars.data?.find((c) => c.id === p.calendarId)?.name ?? p.calendarId) : t('admin.sla.calendarHours'));
  return (
    <>
      <h3>{t('settings.section.sla')}</h3>
      <p className="small muted">{t('admin.sla.precedenceHint')}</p>
      <SavedLine name={del.deleted ?? ed.saved} deleted={!!del.deleted} />
      <LoadState query={policies} />
      {ed.editing ? (
        <SlaPolicyForm
          key={ed.editing === 'new' ? 'new' : ed.editing.id}
          policy={ed.editing === 'new' ? null : ed.editing}
          calendars={calendars.data ?? []}
          onDone={(n) => {
            del.setDeleted(null);
            ed.done(n);
          }}
        />
      ) : (
        <SettingsList
          label={t('settings.section.sla')}
          items={policies.data ?? []}
          readOnly={readOnly}
          detail={(p) => `(${scope(p)} · ${hours(p)}${p.enabled ? '' : ` · ${t('admin.disabled')}`})`}
          onEdit={ed.edit}
          onDelete={async (p) => {
            await call('admin.slaPolicies.delete', { id: p.id });
            del.setDeleted(p.name);
            await invalidate();
          }}
          addLabel={t('admin.sla.add')}
          onAdd={() => ed.edit('new')}
        />
      )}
    </>
  );
}

function SlaPolicyForm({ policy, calendars, onDone }: { policy: SlaPolicy | null; calendars: readonly CalendarView[]; onDone: (name: string | null) => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const agents = useAdminList('admin.agents.list');
  const [name, setName] = useState(policy?.name ?? '');
  const [enabled, setEnabled] = useState(policy?.enabled ?? true);
  const [channelType, setChannelType] = useState<ChannelType | ''>(policy?.channelType ?? '');
  const [priority, setPriority] = useState<Priority | ''>(policy?.priority ?? '');
  const [tier, setTier] = useState(policy?.customerTier ?? '');
  const [calendarId, setCalendarId] = useState(policy?.calendarId ?? '');
  const [targets, setTargets] = useState<Record<string, string>>(() => Object.fromEntries(slaTargetFields.map((f) => [f, policy?.[f]?.toString() ?? ''])));
  const [pauseOn, setPauseOn] = useState<('pending' | 'snoozed')[]>(policy?.pauseOn ?? ['pending']);
  const [warnings, setWarnings] = useState(policy ? fromWarnings(policy.warnings) : '75%, 5m');
  const [raise, setRaise] = useState(policy?.escalation.raisePriority ?? false);
  const [notify, setNotify] = useState(policy?.escalation.notifySupervisors ?? true);
  const [reassignTo, setReassignTo] = useState(policy?.escalation.reassignTo ?? '');

  const parsedTargets = Object.fromEntries(slaTargetFields.map((f) => [f, optionalNumber(targets[f] ?? '', { min: 1, max: 525_600 })]));
  const warn = toWarnings(warnings);
  const noTarget = slaTargetFields.every((f) => parsedTargets[f]!.value === null && !parsedTargets[f]!.error);
  const invalid = !name.trim() || !!warn.error || noTarget || slaTargetFields.some((f) => !!parsedTargets[f]!.error);

  async function submit() {
    const input = {
      name,
      enabled,
      channelType: channelType || null,
      priority: priority || null,
      customerTier: tier.trim() || null,
      calendarId: calendarId || null,
      firstResponseMinutes: parsedTargets.firstResponseMinutes!.value,
      nextResponseMinutes: parsedTargets.nextResponseMinutes!.value,
      resolutionMinutes: parsedTargets.resolutionMinutes!.value,
      pauseOn,
      warnings: warn.warnings,
      escalation: { raisePriority: raise, notifySupervisors: notify, reassignTo: reassignTo || null },
    };
    const saved = await call('admin.slaPolicies.save', { ...(policy ? { id: policy.id } : {}), input });
    await invalidate();
    onDone(saved.name);
  }

  return (
    <SettingsForm label={policy ? t('settings.editNamed', { name: policy.name }) : t('admin.sla.add')} saveLabel={t('admin.sla.save')} invalid={invalid} onSubmit={submit} onCancel={() => onDone(null)}>
      <TextField label={t('admin.sla.name')} value={name} onChange={setName} required error={name.trim() ? null : { key: 'admin.required' }} />
      <CheckField label={t('admin.enabled')} checked={enabled} onChange={setEnabled} />
      <fieldset className="check-group">
        <legend>{t('admin.sla.appliesTo')}</legend>
        <SelectField label={t('admin.sla.channelType')} value={channelType} onChange={setChannelType} options={[{ value: '', label: t('admin.sla.anyChannel') }, ...channelTypes.map((c) => ({ value: c, label: t(`channelType.${c}`) }))]} />
        <SelectField label={t('admin.sla.priority')} value={priority} onChange={setPriority} options={[{ value: '', label: t('admin.sla.anyPriority') }, ...priorities.map((p) => ({ value: p, label: t(`priority.${p}`) }))]} />
        <TextField label={t('admin.sla.tier')} value={tier} onChange={setTier} hint={t('admin.sla.tierHint')} />
      </fieldset>
      <fieldset className="check-group">
        <legend>{t('admin.sla.targets')}</legend>
        {slaTargetFields.map((f) => (
          <TextField key={f} label={t(`admin.sla.${f}`)} type="number" value={targets[f] ?? ''} onChange={(v) => setTargets((o) => ({ ...o, [f]: v }))} error={parsedTargets[f]!.error} />
        ))}
        {noTarget && <p className="form-error small">{t('admin.sla.needTarget')}</p>}
      </fieldset>
      <SelectField
        label={t('admin.sla.calendar')}
        value={calendarId}
        onChange={setCalendarId}
        options={[{ value: '', label: t('admin.sla.calendarHours') }, ...calendars.map((c) => ({ value: c.id, label: c.name }))]}
      />
      <CheckGroup
        legend={t('admin.sla.pauseOn')}
        values={pauseOn}
        onChange={setPauseOn}
        options={[
          { value: 'pending', label: t('conversationStatus.pending') },
          { value: 'snoozed', label: t('admin.sla.snoozed') },
        ]}
      />
      <TextField label={t('admin.sla.warnings')} value={warnings} onChange={setWarnings} error={warn.error} hint={t('admin.sla.warningsHint')} />
      <fieldset className="check-group">
        <legend>{t('admin.sla.onBreach')}</legend>
        <CheckField label={t('admin.escalation.raisePriority')} checked={raise} onChange={setRaise} />
        <CheckField label={t('admin.escalation.notify')} checked={notify} onChange={setNotify} />
        <SelectField
          label={t('admin.sla.reassignTo')}
          value={reassignTo}
          onChange={setReassignTo}
          options={[{ value: '', label: t('admin.none') }, { value: 'queue', label: t('admin.sla.backToQueue') }, ...(agents.data ?? []).map((a) => ({ value: a.id, label: a.name }))]}
        />
      </fieldset>
    </SettingsForm>
  );
}

/** IANA zones the browser knows, with the calendar's own zone kept if the list lacks it. */
function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? ['UTC', 'Asia/Jakarta', 'Asia/Bangkok', 'Asia/Ho_Chi_Minh', 'Europe/London', 'America/New_York', 'Australia/Sydney'];
  return zones.includes(current) ? zones : [current, ...zones];
}

export function BusinessHoursPanel({ readOnly }: { readOnly: boolean }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const calendars = useAdminList('admin.calendars.list');
  const ed = useEditing<CalendarView>();
  const del = useDeletable();
  return (
    <>
      <h3>{t('settings.section.hours')}</h3>
      <SavedLine name={del.deleted ?? ed.saved} deleted={!!del.deleted} />
      <LoadState query={calendars} />
      {ed.editing ? (
        <CalendarForm
          key={ed.editing === 'new' ? 'new' : ed.editing.id}
          calendar={ed.editing === 'new' ? null : ed.editing}
          onDone={(n) => {
            del.setDeleted(null);
            ed.done(n);
          }}
        />
      ) : (
        <SettingsList
          label={t('settings.section.hours')}
          items={calendars.data ?? []}
          readOnly={readOnly}
          detail={(c) => `(${c.timeZone} · ${t('admin.hours.holidayCount', { count: c.holidays.length })})`}
          onEdit={ed.edit}
          onDelete={async (c) => {
            await call('admin.calendars.delete', { id: c.id });
            del.setDeleted(c.name);
            await invalidate();
          }}
          addLabel={t('admin.hours.add')}
          onAdd={() => ed.edit('new')}
        />
      )}
    </>
  );
}

function CalendarForm({ calendar, onDone }: { calendar: CalendarView | null; onDone: (name: string | null) => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const invalidate = useInvalidateAdmin();
  const [name, setName] = useState(calendar?.name ?? '');
  const [timeZone, setTimeZone] = useState(calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  const [days, setDays] = useState<string[]>(() => (calendar ? fromWeekly(calendar.weekly) : ['09:00-17:00', '09:00-17:00', '09:00-17:00', '09:00-17:00', '09:00-17:00', '', '']));
  const [holidays, setHolidays] = useState((calendar?.holidays ?? []).join('\n'));
  const weekly = toWeekly(days);
  const hol = toHolidays(holidays);
  const noHours = weekly.weekly.length === 0 && weekly.errors.every((e) => e === null);
  const invalid = !name.trim() || weekly.errors.some(Boolean) || !!hol.error || noHours;

  async function submit() {
    const saved = await call('admin.calendars.save', { ...(calendar ? { id: calendar.id } : {}), input: { name, timeZone, weekly: weekly.weekly, holidays: hol.holidays } });
    await invalidate();
    onDone(saved.name);
  }

  return (
    <SettingsForm label={calendar ? t('settings.editNamed', { name: calendar.name }) : t('admin.hours.add')} saveLabel={t('admin.hours.save')} invalid={invalid} onSubmit={submit} onCancel={() => onDone(null)}>
      <TextField label={t('admin.hours.name')} value={name} onChange={setName} required error={name.trim() ? null : { key: 'admin.required' }} />
      <SelectField label={t('admin.hours.timeZone')} value={timeZone} onChange={setTimeZone} options={timeZones(timeZone).map((z) => ({ value: z, label: z }))} />
      <fieldset className="check-group">
        <legend>{t('admin.hours.weekly')}</legend>
        <p className="small muted">{t('admin.hours.weeklyHint')}</p>
        {weekdays.map((d, k) => (
          <TextField key={d} label={t(`admin.hours.day${d}`)} value={days[k] ?? ''} onChange={(v) => setDays((o) => o.map((x, j) => (j === k ? v : x)))} error={weekly.errors[k]} />
        ))}
        {noHours && <p className="form-error small">{t('admin.hours.needHours')}</p>}
      </fieldset>
      <TextField label={t('admin.hours.holidays')} multiline value={holidays} onChange={setHolidays} error={hol.error} hint={t('admin.hours.holidaysHint')} />
    </SettingsForm>
  );
}
