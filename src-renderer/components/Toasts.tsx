import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useUi } from '../state/ui-store';

const TOAST_MS = 10_000;

/** Refused changes and failed actions. One alert region, always present, so screen readers announce additions. */
export function Toasts() {
  const { t } = useTranslation();
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismissToast);
  useEffect(() => {
    if (toasts.length === 0) return;
    const oldest = toasts[0]!;
    const timer = setTimeout(() => dismiss(oldest.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toasts, dismiss]);
  return (
    <div role="alert" className="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast">
          <span>{toast.text}</span>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => dismiss(toast.id)}>
            {t('toast.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}

/** In-app notifications for the browser host when the system ones are not allowed (or the tab is in front). */
export function Notices() {
  const { t } = useTranslation();
  const notices = useUi((s) => s.notices);
  const dismiss = useUi((s) => s.dismissNotice);
  const open = useUi((s) => s.open);
  useEffect(() => {
    if (notices.length === 0) return;
    const oldest = notices[0]!;
    const timer = setTimeout(() => dismiss(oldest.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [notices, dismiss]);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className="notice">
          <div className="notice-text">
            <strong>{n.title}</strong>
            <span>{n.body}</span>
          </div>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              open(n.conversationId);
              dismiss(n.id);
            }}
          >
            {t('notify.open')}
          </button>
          <button type="button" className="btn btn-quiet btn-small" onClick={() => dismiss(n.id)}>
            {t('toast.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
