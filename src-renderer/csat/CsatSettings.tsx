// The CSAT part of a channel's settings form (docs/csat.md): on/off, the question, and for WhatsApp the approved
// template used outside the 24-hour window. Values map 1:1 to the channel config key `csat`.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelType } from '../../src-shared/domain';

export interface CsatFormValues {
  enabled: boolean;
  question: string;
  templateName: string;
  templateLanguage: string;
}

export function csatFormValues(config: Record<string, unknown> | undefined): CsatFormValues {
  const c = (config?.csat ?? {}) as { enabled?: unknown; question?: unknown; whatsappTemplate?: { name?: unknown; language?: unknown } };
  return {
    enabled: c.enabled === true,
    question: typeof c.question === 'string' ? c.question : '',
    templateName: typeof c.whatsappTemplate?.name === 'string' ? c.whatsappTemplate.name : '',
    templateLanguage: typeof c.whatsappTemplate?.language === 'string' ? c.whatsappTemplate.language : 'en',
  };
}

/** The config value to save (the whole `csat` key: an emptied field is removed, not kept). */
export function csatConfigOf(v: CsatFormValues, type: ChannelType): Record<string, unknown> {
  return {
    enabled: v.enabled,
    ...(v.question.trim() ? { question: v.question.trim() } : {}),
    ...(type === 'whatsapp' && v.templateName.trim() ? { whatsappTemplate: { name: v.templateName.trim(), language: v.templateLanguage.trim() || 'en' } } : {}),
  };
}

export function CsatSettingsFields({ type, value, onChange }: { type: ChannelType; value: CsatFormValues; onChange: (v: CsatFormValues) => void }) {
  const { t } = useTranslation();
  const ids = { enabled: useId(), question: useId(), questionHint: useId(), template: useId(), templateHint: useId(), language: useId() };
  return (
    <fieldset className="csat-settings">
      <legend>{t('csat.settings')}</legend>
      <label className="checkbox" htmlFor={ids.enabled}>
        <input id={ids.enabled} type="checkbox" checked={value.enabled} onChange={(e) => onChange({ ...value, enabled: e.target.checked })} />
        {t('csat.enabled')}
      </label>
      <label htmlFor={ids.question}>{t('csat.question')}</label>
      <input id={ids.question} maxLength={300} aria-describedby={ids.questionHint} value={value.question} onChange={(e) => onChange({ ...value, question: e.target.value })} />
      <p id={ids.questionHint} className="muted small">
        {t('csat.questionHint')}
      </p>
      {type === 'whatsapp' && (
        <>
          <label htmlFor={ids.template}>{t('csat.template')}</label>
          <input id={ids.template} maxLength={512} aria-describedby={ids.templateHint} value={value.templateName} onChange={(e) => onChange({ ...value, templateName: e.target.value })} />
          <p id={ids.templateHint} className="muted small">
            {t('csat.templateHint')}
          </p>
          <label htmlFor={ids.language}>{t('csat.templateLanguage')}</label>
          <input id={ids.language} maxLength={15} value={value.templateLanguage} onChange={(e) => onChange({ ...value, templateLanguage: e.target.value })} />
        </>
      )}
    </fieldset>
  );
}
