// The report's settings: time range (presets or custom dates), grouping, clock and the FCR window. Every control
// is a labelled native form control; changes apply at once (the report refetches).
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MetricsClock, ReportGroupBy } from '../../../src-shared/metrics';
import { localDate, rangePresets, type RangePreset } from './report-logic';

export interface ReportControlsValue {
  preset: RangePreset;
  /** YYYY-MM-DD, used when preset = custom. */
  customFrom: string;
  customTo: string;
  groupBy: ReportGroupBy;
  clock: MetricsClock;
  fcrWindowDays: number;
}

export function initialControls(now: Date): ReportControlsValue {
  const weekAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6);
  return { preset: 'last7', customFrom: localDate(weekAgo), customTo: localDate(now), groupBy: 'channel', clock: 'business', fcrWindowDays: 7 };
}

export function ReportControls({ value, onChange, rangeError }: { value: ReportControlsValue; onChange: (patch: Partial<ReportControlsValue>) => void; rangeError: string | null }) {
  const { t } = useTranslation();
  const id = useId();
  // The FCR field keeps what is typed; only a whole number of days 1–90 reaches the report.
  const [fcrText, setFcrText] = useState(String(value.fcrWindowDays));
  const fcrValid = /^\d+$/.test(fcrText) && Number(fcrText) >= 1 && Number(fcrText) <= 90;
  return (
    <form className="report-controls" aria-label={t('reports.controls')} onSubmit={(e) => e.preventDefault()}>
      <div className="report-field">
        <label htmlFor={`${id}-range`}>{t('reports.range')}</label>
        <select id={`${id}-range`} value={value.preset} onChange={(e) => onChange({ preset: e.target.value as RangePreset })}>
          {rangePresets.map((p) => (
            <option key={p} value={p}>
              {t(`reports.rangeOption.${p}`)}
            </option>
          ))}
        </select>
      </div>
      {value.preset === 'custom' && (
        <>
          <div className="report-field">
            <label htmlFor={`${id}-from`}>{t('reports.from')}</label>
            <input id={`${id}-from`} type="date" value={value.customFrom} aria-invalid={rangeError ? true : undefined} aria-describedby={rangeError ? `${id}-range-error` : undefined} onChange={(e) => onChange({ customFrom: e.target.value })} />
          </div>
          <div className="report-field">
            <label htmlFor={`${id}-to`}>{t('reports.to')}</label>
            <input id={`${id}-to`} type="date" value={value.customTo} aria-invalid={rangeError ? true : undefined} aria-describedby={rangeError ? `${id}-range-error` : undefined} onChange={(e) => onChange({ customTo: e.target.value })} />
          </div>
        </>
      )}
      <div className="report-field">
        <label htmlFor={`${id}-group`}>{t('reports.groupBy')}</label>
        <select id={`${id}-group`} value={value.groupBy} onChange={(e) => onChange({ groupBy: e.target.value as ReportGroupBy })}>
          {ReportGroupBy.options.map((g) => (
            <option key={g} value={g}>
              {t(`reports.group.${g}`)}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="report-field report-clock">
        <legend>{t('reports.clock')}</legend>
        {MetricsClock.options.map((c) => (
          <label key={c}>
            <input type="radio" name={`${id}-clock`} value={c} checked={value.clock === c} onChange={() => onChange({ clock: c })} /> {t(`reports.clockOption.${c}`)}
          </label>
        ))}
      </fieldset>
      <div className="report-field">
        <label htmlFor={`${id}-fcr`}>{t('reports.fcrWindow')}</label>
        <input
          id={`${id}-fcr`}
          type="number"
          min={1}
          max={90}
          step={1}
          inputMode="numeric"
          value={fcrText}
          aria-invalid={fcrValid ? undefined : true}
          aria-describedby={`${id}-fcr-hint`}
          onChange={(e) => {
            setFcrText(e.target.value);
            const n = Number(e.target.value);
            if (/^\d+$/.test(e.target.value) && n >= 1 && n <= 90) onChange({ fcrWindowDays: n });
          }}
        />
        <span id={`${id}-fcr-hint`} className="muted small">
          {t('reports.fcrWindowHint')}
        </span>
      </div>
      {rangeError && (
        <p id={`${id}-range-error`} role="alert" className="report-error">
          {rangeError}
        </p>
      )}
    </form>
  );
}
