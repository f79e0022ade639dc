// Building blocks of the Settings area: labelled fields with their error next to them, a form with the server's
// refusal in an alert, list queries of the admin ipc methods, and the list/edit state every section shares.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { IpcArgs, IpcMethod } from '../../src-shared/ipc';
import { useCall } from '../state/bridge-context';
import type { FieldError } from './form-logic';

type ListMethod = 'admin.agents.list' | 'admin.teams.list' | 'admin.routingRules.list' | 'admin.escalationRules.list' | 'admin.slaPolicies.list' | 'admin.calendars.list';
export const adminKey = (method: IpcMethod) => ['admin', method] as const;

export function useAdminList<M extends ListMethod>(method: M) {
  const call = useCall();
  return useQuery({ queryKey: adminKey(method), queryFn: () => call(method, {} as IpcArgs<M>) });
}

export function useInvalidateAdmin() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['admin'] });
}

/** True once the admin tried to save: "Required." shows from then on, not on an empty new form. */
const Attempted = createContext(true);

export function useFieldError(error: FieldError | null | undefined): string | null {
  const { t } = useTranslation();
  const attempted = useContext(Attempted);
  if (!error || (error.key === 'admin.required' && !attempted)) return null;
  return t(error.key, error.values);
}

/** A labelled text/number input (or textarea) with its error, if any, next to it and announced. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: FieldError | null;
  type?: 'text' | 'number' | 'email' | 'password';
  required?: boolean;
  disabled?: boolean;
  multiline?: boolean;
  hint?: string;
  autoComplete?: string;
}) {
  const id = useId();
  const errId = useId();
  const hintId = useId();
  const message = useFieldError(props.error);
  const describedBy = [message ? errId : null, props.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value: props.value,
    required: props.required,
    disabled: props.disabled,
    'aria-invalid': message ? true : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={3} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input {...common} type={props.type ?? 'text'} autoComplete={props.autoComplete ?? 'off'} onChange={(e) => props.onChange(e.target.value)} />
      )}
      {props.hint && (
        <span id={hintId} className="small muted">
          {props.hint}
        </span>
      )}
      {message && (
        <span id={errId} className="form-error small">
          {message}
        </span>
      )}
    </div>
  );
}

export function SelectField<V extends string>(props: { label: string; value: V; onChange: (v: V) => void; options: readonly { value: V; label: string }[]; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value as V)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <label className="checkbox" htmlFor={id}>
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      {props.label}
    </label>
  );
}

/** A group of checkboxes with a legend (channel types, members, priorities …). */
export function CheckGroup<V extends string>(props: { legend: string; values: readonly V[]; options: readonly { value: V; label: string }[]; onChange: (v: V[]) => void }) {
  return (
    <fieldset className="check-group">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <CheckField
          key={o.value}
          label={o.label}
          checked={props.values.includes(o.value)}
          onChange={(on) => props.onChange(on ? [...props.values, o.value] : props.values.filter((v) => v !== o.value))}
        />
      ))}
    </fieldset>
  );
}

/**
 * A settings form: client-side errors block the submit (shown next to their fields); the server's refusal (its 400
 * message) is shown in an alert, nothing else changes.
 */
export function SettingsForm(props: { label: string; saveLabel: string; invalid: boolean; onSubmit: () => Promise<void>; onCancel: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const errId = useId();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setAttempted(true);
    if (props.invalid) {
      setError(t('admin.fixFields'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit();
    } catch (err) {
      setError(t('admin.saveFailed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="settings-form" aria-label={props.label} onSubmit={submit} aria-describedby={error ? errId : undefined} noValidate>
      <Attempted.Provider value={attempted}>{props.children}</Attempted.Provider>
      {error && (
        <p id={errId} role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={props.onCancel}>
          {t('settings.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {props.saveLabel}
        </button>
      </div>
    </form>
  );
}

/** List/edit state of a section, and the "Saved …" line. */
export function useEditing<T>() {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  return {
    editing,
    saved,
    edit: (v: T | 'new') => {
      setSaved(null);
      setEditing(v);
    },
    done: (name: string | null) => {
      setEditing(null);
      if (name !== null) setSaved(name);
    },
  };
}

export function SavedLine({ name, deleted }: { name: string | null; deleted?: boolean }) {
  const { t } = useTranslation();
  return (
    <p role="status" className="small">
      {name ? t(deleted ? 'admin.deleted' : 'settings.saved', { name }) : ''}
    </p>
  );
}

/** Delete with a confirmation step (keyboard: the confirm button takes focus). */
export function DeleteButton({ name, onDelete }: { name: string; onDelete: () => Promise<void> }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!confirming) {
    return (
      <>
        <button type="button" className="btn btn-small" aria-label={t('admin.deleteNamed', { name })} onClick={() => setConfirming(true)}>
          {t('admin.delete')}
        </button>
        {error && (
          <span role="alert" className="form-error small">
            {t('admin.deleteFailed', { message: error })}
          </span>
        )}
      </>
    );
  }
  return (
    <span className="confirm-delete">
      <button
        type="button"
        className="btn btn-small btn-danger"
        autoFocus
        onClick={() =>
          void onDelete().catch((err: Error) => {
            setError(err.message);
            setConfirming(false);
          })
        }
      >
        {t('admin.confirmDelete', { name })}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
        {t('settings.cancel')}
      </button>
    </span>
  );
}

export function LoadState({ query }: { query: { isLoading: boolean; error: Error | null } }) {
  const { t } = useTranslation();
  if (query.isLoading) return <p className="small muted">{t('app.loading')}</p>;
  if (query.error) return <p role="alert" className="form-error">{t('admin.loadFailed', { message: query.error.message })}</p>;
  return null;
}

/**
 * A section's list: each item with its detail, Edit (and Delete when the section allows it) unless read-only,
 * then the Add button. One place for the markup every Settings section shares.
 */
export function SettingsList<T extends { id: string; name: string }>(props: {
  label: string;
  items: readonly T[];
  readOnly: boolean;
  detail: (item: T) => ReactNode;
  onEdit: (item: T) => void;
  onDelete?: (item: T) => Promise<void>;
  addLabel: string;
  onAdd: () => void;
}) {
  const { t } = useTranslation();
  const { onDelete } = props;
  return (
    <>
      <ul className="settings-list" aria-label={props.label}>
        {props.items.map((item) => (
          <li key={item.id}>
            <span>
              {item.name} <span className="muted small">{props.detail(item)}</span>
            </span>
            {!props.readOnly && (
              <span className="row-actions">
                <button type="button" className="btn btn-small" aria-label={t('settings.editNamed', { name: item.name })} onClick={() => props.onEdit(item)}>
                  {t('settings.edit')}
                </button>
                {onDelete && <DeleteButton name={item.name} onDelete={() => onDelete(item)} />}
              </span>
            )}
          </li>
        ))}
      </ul>
      {!props.readOnly && (
        <button type="button" className="btn btn-primary" onClick={props.onAdd}>
          {props.addLabel}
        </button>
      )}
    </>
  );
}
