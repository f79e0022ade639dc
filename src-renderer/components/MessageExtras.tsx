// Issue 3 in the message list: attachments (images inline with alt text, other files as download links with
// name and size) and, for e-mail, the original on demand. The original HTML is only ever shown inside a
// sandboxed frame (sandbox="" — no scripts, no same-origin, no forms, no popups) with a CSP that forbids
// scripts and every remote load; it is never parsed into the app's own DOM.
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageAttachment } from '../../src-shared/domain';
import type { MessageView } from '../../src-shared/ipc';
import { useBridge, useCall } from '../state/bridge-context';

/**
 * Where the renderer loads an attachment from. The same relative path on both transports: the browser host
 * answers /attachments/<id> (cookie-authenticated), the Electron shell answers app://threadline/attachments/<id>
 * (its app:// protocol asks the core). Both are the renderer's own origin, so the CSP stays 'self'.
 */
export function attachmentUrl(_transport: 'electron' | 'websocket', id: string): string {
  return `/attachments/${encodeURIComponent(id)}`;
}

const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function formatSize(bytes: number | null, lang: string): string {
  if (bytes === null) return '';
  const units: [number, string][] = [
    [1024 * 1024, 'megabyte'],
    [1024, 'kilobyte'],
  ];
  for (const [size, unit] of units) if (bytes >= size) return new Intl.NumberFormat(lang, { style: 'unit', unit, maximumFractionDigits: 1 }).format(bytes / size);
  return new Intl.NumberFormat(lang, { style: 'unit', unit: 'byte' }).format(bytes);
}

export function Attachments({ message }: { message: MessageView }) {
  const { t, i18n } = useTranslation();
  const bridge = useBridge();
  const list = message.attachments ?? [];
  if (list.length === 0) return null;
  return (
    <ul className="attachments" aria-label={t('attachments.label')}>
      {list.map((a, i) => (
        <li key={a.id} className={`attachment attachment-${a.state}`}>
          <AttachmentItem a={a} index={i} url={attachmentUrl(bridge.transport, a.id)} size={formatSize(a.size, i18n.language)} sent={message.direction !== 'inbound'} />
        </li>
      ))}
    </ul>
  );
}

function AttachmentItem({ a, index, url, size, sent }: { a: MessageAttachment; index: number; url: string; size: string; sent: boolean }) {
  const { t } = useTranslation();
  const name = a.name ?? t(`attachments.kind.${kindKey(a.kind)}`, { n: index + 1 });
  if (a.state === 'pending') return <span className="muted small">{t('attachments.pending', { name })}</span>;
  if (a.state !== 'ready') return <span className="small is-refused">{t('attachments.notDownloaded', { name, reason: a.reason ?? t('status.unknownReason') })}</span>;
  if (a.mimeType && INLINE_IMAGES.has(a.mimeType)) {
    return (
      <a href={url} target="_blank" rel="noopener noreferrer" className="attachment-image">
        <img src={url} alt={sent ? (a.name ? t('attachments.imageAltSentNamed', { name: a.name }) : t('attachments.imageAltSent')) : a.name ? t('attachments.imageAltNamed', { name: a.name }) : t('attachments.imageAlt')} loading="lazy" />
      </a>
    );
  }
  return (
    <a href={url} download={a.name ?? undefined} className="attachment-file">
      {t('attachments.download', { name, size: size || t('attachments.unknownSize') })}
    </a>
  );
}

function kindKey(kind: string): 'image' | 'audio' | 'video' | 'file' {
  if (kind === 'image' || kind === 'sticker') return 'image';
  if (kind === 'audio' || kind === 'voice') return 'audio';
  if (kind === 'video') return 'video';
  return 'file';
}

/** The srcdoc of the original: a CSP that allows no script and no remote load comes first, then the sanitised HTML. */
export function originalSrcDoc(html: string): string {
  const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; script-src 'none'; form-action 'none'; base-uri 'none'";
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="referrer" content="no-referrer"></head><body>${html}</body></html>`;
}

export function ShowOriginal({ message }: { message: MessageView }) {
  const { t } = useTranslation();
  const call = useCall();
  const regionId = useId();
  const [open, setOpen] = useState(false);
  const [original, setOriginal] = useState<{ html: string | null; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!message.hasOriginal) return null;
  return (
    <div className="message-original">
      <button
        type="button"
        className="btn btn-small"
        aria-expanded={open}
        aria-controls={regionId}
        onClick={() => {
          const next = !open;
          setOpen(next);
          if (next && !original)
            call('message.original', { messageId: message.id }).then(
              (o) => setOriginal(o),
              (err: Error) => setError(err.message),
            );
        }}
      >
        {open ? t('original.hide') : t('original.show')}
      </button>
      {open && (
        <div id={regionId} className="message-original-body">
          {error && <p className="small is-refused">{t('original.failed', { message: error })}</p>}
          {!error && !original && <p className="small muted">{t('original.loading')}</p>}
          {original?.html != null ? (
            <iframe className="original-frame" title={t('original.frameTitle')} sandbox="" referrerPolicy="no-referrer" srcDoc={originalSrcDoc(original.html)} />
          ) : (
            original && <pre className="original-text">{original.text}</pre>
          )}
        </div>
      )}
    </div>
  );
}
