import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Channel, ChannelType } from '../../src-shared/domain';
import { useCall } from '../state/bridge-context';
import { useChannels } from '../state/queries';
import { queryKeys } from '../state/query-keys';
import { csatConfigOf, csatFormValues, CsatSettingsFields } from '../csat/CsatSettings';

/** One config field of a channel type; `path` is dotted (imap.host). Secrets are write-only. */
interface Field {
  path: string;
  kind: 'text' | 'secret' | 'number' | 'checkbox' | 'mode';
  required?: boolean;
}

const fields: Partial<Record<ChannelType, Field[]>> = {
  whatsapp: [
    { path: 'phoneNumberId', kind: 'text', required: true },
    { path: 'businessAccountId', kind: 'text' },
    { path: 'accessToken', kind: 'secret', required: true },
    { path: 'appSecret', kind: 'secret', required: true },
    { path: 'verifyToken', kind: 'secret', required: true },
    { path: 'apiBaseUrl', kind: 'text' },
  ],
  telegram: [
    { path: 'botToken', kind: 'secret', required: true },
    { path: 'secretToken', kind: 'secret', required: true },
    { path: 'mode', kind: 'mode' },
    { path: 'apiBaseUrl', kind: 'text' },
  ],
  email: [
    { path: 'fromAddress', kind: 'text', required: true },
    { path: 'fromName', kind: 'text' },
    { path: 'imap.host', kind: 'text', required: true },
    { path: 'imap.port', kind: 'number' },
    { path: 'imap.secure', kind: 'checkbox' },
    { path: 'imap.user', kind: 'text', required: true },
    { path: 'imap.password', kind: 'secret', required: true },
    { path: 'imap.mailbox', kind: 'text' },
    { path: 'smtp.host', kind: 'text', required: true },
    { path: 'smtp.port', kind: 'number' },
    { path: 'smtp.secure', kind: 'checkbox' },
    { path: 'smtp.user', kind: 'text', required: true },
    { path: 'smtp.password', kind: 'secret', required: true },
    { path: 'pollSeconds', kind: 'number' },
  ],
  webchat: [],
};
const editableTypes: ChannelType[] = ['whatsapp', 'telegram', 'email', 'webchat'];

function read(config: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), config);
}

function write(config: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = config;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

/** Admins: list, create and edit channels (the Channels section of Settings); supervisors see the list only. */
export function ChannelSettingsPanel({ readOnly = false }: { readOnly?: boolean }) {
  const { t } = useTranslation();
  const channels = useChannels();
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [saved, setSaved] = useState<Channel | null>(null);

  return (
    <>
      <h3>{t('settings.channelsTitle')}</h3>
      <p role="status" className="small">
        {saved ? t('settings.saved', { name: saved.name }) : ''}
      </p>
      {saved && saved.type !== 'email' && saved.type !== 'webchat' && <WebhookHint channel={saved} />}
      {editing ? (
        <ChannelForm
          key={editing === 'new' ? 'new' : editing.id}
          channel={editing === 'new' ? null : editing}
          onDone={(c) => {
            setEditing(null);
            if (c) setSaved(c);
          }}
        />
      ) : (
        <>
          <ul className="channel-list" aria-label={t('settings.channelsTitle')}>
            {(channels.data ?? []).map((c) => (
              <li key={c.id}>
                <span>
                  {c.name} <span className="muted small">({t(`channelType.${c.type}`)})</span>
                </span>
                {!readOnly && editableTypes.includes(c.type) && (
                  <button type="button" className="btn btn-small" aria-label={t('settings.editNamed', { name: c.name })} onClick={() => setEditing(c)}>
                    {t('settings.edit')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {!readOnly && (
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
              {t('settings.add')}
            </button>
          )}
        </>
      )}
    </>
  );
}

function WebhookHint({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  if (channel.type === 'telegram' && read(channel.config, 'mode') === 'polling') return <p className="small">{t('settings.pollingHint')}</p>;
  return <p className="small">{t('settings.webhookHint', { path: `/webhooks/${channel.type}/${channel.id}` })}</p>;
}

function ChannelForm({ channel, onDone }: { channel: Channel | null; onDone: (saved: Channel | null) => void }) {
  const { t } = useTranslation();
  const call = useCall();
  const queryClient = useQueryClient();
  const [type, setType] = useState<ChannelType>(channel?.type ?? 'whatsapp');
  const [name, setName] = useState(channel?.name ?? '');
  const [values, setValues] = useState<Record<string, string | boolean>>(() => {
    const v: Record<string, string | boolean> = {};
    for (const f of fields[channel?.type ?? 'whatsapp'] ?? []) {
      const current = channel ? read(channel.config, f.path) : undefined;
      v[f.path] = f.kind === 'checkbox' ? current !== false : f.kind === 'secret' ? '' : current === undefined ? (f.kind === 'mode' ? 'webhook' : '') : String(current);
    }
    return v;
  });
  const [csat, setCsat] = useState(() => csatFormValues(channel?.config));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { type: useId(), name: useId(), error: useId() };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const config: Record<string, unknown> = {};
    for (const f of fields[type] ?? []) {
      const v = values[f.path];
      if (f.kind === 'checkbox') write(config, f.path, v === true);
      else if (typeof v === 'string' && v.trim() !== '') write(config, f.path, f.kind === 'number' ? Number(v) : v.trim());
      // Empty: left out (a secret is kept when editing; a default applies on the server).
    }
    // CSAT settings (docs/csat.md): saved once set; a channel that never had them and still has the defaults stays without.
    if (channel?.config.csat !== undefined || csat.enabled || csat.question.trim() || csat.templateName.trim()) config.csat = csatConfigOf(csat, type);
    setBusy(true);
    setError(null);
    try {
      const saved = await call('channels.save', { ...(channel ? { id: channel.id } : {}), type, name, config });
      await queryClient.invalidateQueries({ queryKey: queryKeys.channels });
      onDone(saved);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="channel-form" onSubmit={submit} aria-describedby={error ? ids.error : undefined}>
      <label htmlFor={ids.type}>{t('settings.type')}</label>
      <select id={ids.type} value={type} disabled={!!channel} onChange={(e) => setType(e.target.value as ChannelType)}>
        {editableTypes.map((ty) => (
          <option key={ty} value={ty}>
            {t(`channelType.${ty}`)}
          </option>
        ))}
      </select>
      <label htmlFor={ids.name}>{t('settings.name')}</label>
      <input id={ids.name} required value={name} onChange={(e) => setName(e.target.value)} />
      {(fields[type] ?? []).map((f) => (
        <FieldInput key={`${type}:${f.path}`} field={f} editing={!!channel} value={values[f.path] ?? (f.kind === 'checkbox' ? true : '')} onChange={(v) => setValues((old) => ({ ...old, [f.path]: v }))} />
      ))}
      <CsatSettingsFields type={type} value={csat} onChange={setCsat} />
      {error && (
        <p id={ids.error} role="alert" className="form-error">
          {t('settings.saveFailed', { message: error })}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => onDone(null)}>
          {t('settings.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('settings.save')}
        </button>
      </div>
    </form>
  );
}

function FieldInput({ field, value, editing, onChange }: { field: Field; value: string | boolean; editing: boolean; onChange: (v: string | boolean) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const label = t(`settings.field.${field.path.replace('.', '_')}`);
  if (field.kind === 'checkbox') {
    return (
      <label className="checkbox" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
        {label}
      </label>
    );
  }
  if (field.kind === 'mode') {
    return (
      <>
        <label htmlFor={id}>{label}</label>
        <select id={id} value={String(value || 'webhook')} onChange={(e) => onChange(e.target.value)}>
          <option value="webhook">{t('settings.modeWebhook')}</option>
          <option value="polling">{t('settings.modePolling')}</option>
        </select>
      </>
    );
  }
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text'}
        autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
        // A secret is never shown; when editing, an empty field keeps the stored one.
        required={field.required && !(editing && field.kind === 'secret')}
        placeholder={field.kind === 'secret' && editing ? t('settings.secretKept') : ''}
        value={String(value)}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}
