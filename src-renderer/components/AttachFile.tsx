// Outbound media in the composer: an "Attach file" button (a labelled, visually hidden file input behind it),
// the chosen file's name and size, and a remove button. One file per reply. Offline, it says plainly that a
// file is not queued (the core uploads it only while online).
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_UPLOAD_BYTES } from '../../src-shared/ipc';
import { formatSize } from './MessageExtras';

export function AttachFile({ file, onChange, online, disabled }: { file: File | null; onChange: (file: File | null) => void; online: boolean; disabled?: boolean }) {
  const { t, i18n } = useTranslation();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  function pick(f: File | undefined) {
    if (input.current) input.current.value = '';
    if (!f) return;
    if (f.size > MAX_UPLOAD_BYTES) {
      setError(t('attach.tooLarge', { name: f.name, max: MAX_UPLOAD_BYTES / 1024 / 1024 }));
      return;
    }
    setError(null);
    onChange(f);
  }

  return (
    <div className="attach-file">
      {/* The button is the accessible control; the native input only opens the system's file chooser. */}
      <input id={inputId} ref={input} type="file" className="visually-hidden" tabIndex={-1} aria-hidden="true" disabled={disabled} onChange={(e) => pick(e.target.files?.[0])} />
      <button type="button" className="btn" disabled={disabled} onClick={() => input.current?.click()}>
        {t('attach.button')}
      </button>
      {file && (
        <span className="attach-selected small">
          {t('attach.selected', { name: file.name, size: formatSize(file.size, i18n.language) })}{' '}
          <button type="button" className="btn btn-link" aria-label={t('attach.remove', { name: file.name })} onClick={() => onChange(null)}>
            ×
          </button>
        </span>
      )}
      {file && !online && (
        <span className="small is-refused" role="alert">
          {t('attach.offline')}
        </span>
      )}
      {error && (
        <span className="small is-refused" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
