// WhatsApp, outside the 24-hour window: only an approved template may be sent. A "Template" select plus
// one labelled input per variable; the message goes through the server's delivery queue and arrives by sync.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WhatsAppTemplate } from '../../src-shared/ipc';
import { useCall } from '../state/bridge-context';
import { useUi } from '../state/ui-store';

const keyOf = (t: WhatsAppTemplate) => `${t.name}\u0000${t.language}`;

export function TemplatePicker({ conversationId, channelId }: { conversationId: string; channelId: string }) {
  const { t } = useTranslation();
  const call = useCall();
  const ids = { select: useId(), preview: useId() };
  const [templates, setTemplates] = useState<WhatsAppTemplate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    call('templates.list', { channelId }).then(
      (list) => {
        if (!live) return;
        setTemplates(list);
        setSelected(list[0] ? keyOf(list[0]) : '');
      },
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [call, channelId]);

  const template = templates?.find((x) => keyOf(x) === selected);
  const varKey = (v: WhatsAppTemplate['variables'][number]) => `${v.component}:${v.index}`;
  const complete = !!template && template.variables.every((v) => (values[varKey(v)] ?? '').trim().length > 0);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!template || !complete || busy) return;
    setBusy(true);
    try {
      await call('templates.send', {
        conversationId,
        name: template.name,
        language: template.language,
        parameters: template.variables.map((v) => ({ component: v.component, index: v.index, text: values[varKey(v)]!.trim() })),
      });
      setValues({});
    } catch (err) {
      useUi.getState().pushToast(t('templates.sendFailed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  if (error) return <p className="template-picker small is-refused">{t('templates.loadFailed', { message: error })}</p>;
  if (!templates) return <p className="template-picker small muted">{t('templates.loading')}</p>;
  if (templates.length === 0) return <p className="template-picker small muted">{t('templates.none')}</p>;

  return (
    <form className="template-picker" aria-label={t('templates.formLabel')} onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor={ids.select}>{t('templates.template')}</label>
      <select
        id={ids.select}
        value={selected}
        aria-describedby={ids.preview}
        onChange={(e) => {
          setSelected(e.target.value);
          setValues({});
        }}
      >
        {templates.map((x) => (
          <option key={keyOf(x)} value={keyOf(x)}>
            {t('templates.option', { name: x.name, language: x.language })}
          </option>
        ))}
      </select>
      {template && (
        <p id={ids.preview} className="template-preview small muted">
          {[template.header, template.body].filter(Boolean).join('\n\n')}
        </p>
      )}
      {template?.variables.map((v) => (
        <TemplateVariable key={`${selected}:${varKey(v)}`} label={t(v.component === 'header' ? 'templates.headerVariable' : 'templates.bodyVariable', { index: v.index })} value={values[varKey(v)] ?? ''} onChange={(value) => setValues((cur) => ({ ...cur, [varKey(v)]: value }))} />
      ))}
      <button type="submit" className="btn btn-primary" disabled={!complete || busy}>
        {busy ? t('templates.sending') : t('templates.send')}
      </button>
    </form>
  );
}

function TemplateVariable({ label, value, onChange }: { label: string; value: string; onChange(value: string): void }) {
  const id = useId();
  return (
    <div className="template-variable">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" required maxLength={1024} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
