import { useTranslation } from 'react-i18next';
import { TextField, useFieldError } from './common';
import type { FieldError } from './form-logic';

/** Capacity per channel type ("*": any other type); empty fields are not set, so the next default applies. */
export function CapacityFields({ legend, values, onChange, error }: { legend: string; values: Record<string, string>; onChange: (v: Record<string, string>) => void; error: FieldError | null }) {
  const { t } = useTranslation();
  const message = useFieldError(error);
  return (
    <fieldset className="check-group">
      <legend>{legend}</legend>
      {Object.keys(values).map((k) => (
        <TextField
          key={k}
          type="number"
          label={k === '*' ? t('admin.capacity.other') : t('admin.capacity.type', { type: t(`channelType.${k}`) })}
          value={values[k] ?? ''}
          onChange={(v) => onChange({ ...values, [k]: v })}
        />
      ))}
      {message && <span className="form-error small">{message}</span>}
    </fieldset>
  );
}
