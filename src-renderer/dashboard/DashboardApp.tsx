// The dashboard window's whole app (main.tsx mounts it on the /dashboard route instead of App). It shares the
// core with the main window: the same session (sign in there), the same core events (so the sync stream's
// `changed` events refresh it), and only supervisors and admins get the numbers (the server refuses others).
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Toasts } from '../components/Toasts';
import { useCoreEvents } from '../state/core-events';
import { useSession } from '../state/queries';
import { Dashboard } from './Dashboard';
import { canOpenDashboard } from './window-links';

export function DashboardApp() {
  const { t } = useTranslation();
  // Notifications are the main window's (it opens their conversations); this window only refreshes on events.
  useCoreEvents({ notices: false });
  const session = useSession();
  useEffect(() => {
    document.title = `${t('dashboard.title')} — ${t('app.name')}`;
  }, [t]);

  if (session.isError) {
    return (
      <main className="center-screen">
        <p role="alert" className="form-error">
          {t('app.coreUnreachable', { message: session.error.message })}
        </p>
      </main>
    );
  }
  if (!session.data) {
    return (
      <main className="center-screen" aria-busy="true">
        <p className="muted">{t('app.loading')}</p>
      </main>
    );
  }
  const agent = session.data.connection === 'signed-out' ? null : session.data.agent;
  if (!agent) {
    return (
      <main className="center-screen">
        <h1 className="brand-title">{t('dashboard.title')}</h1>
        <p>{t('dashboard.signInFirst')}</p>
      </main>
    );
  }
  if (!canOpenDashboard(agent.role)) {
    return (
      <main className="center-screen">
        <h1 className="brand-title">{t('dashboard.title')}</h1>
        <p role="alert">{t('dashboard.notAllowed')}</p>
      </main>
    );
  }
  return (
    <>
      <Dashboard />
      {/* This window's own failures (e.g. showing a conversation in the main window). */}
      <Toasts />
    </>
  );
}
