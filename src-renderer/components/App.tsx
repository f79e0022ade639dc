import { useTranslation } from 'react-i18next';
import { useCoreEvents } from '../state/core-events';
import { useSession } from '../state/queries';
import { Login } from './Login';
import { Workspace } from './Workspace';

export function App() {
  const { t } = useTranslation();
  useCoreEvents();
  const session = useSession();
  if (session.isError) {
    return (
      <main className="center-screen">
        <h1 className="brand-title">{t('app.name')}</h1>
        <p role="alert" className="form-error">
          {t('app.coreUnreachable', { message: session.error.message })}
        </p>
        <button type="button" className="btn" onClick={() => void session.refetch()}>
          {t('app.retry')}
        </button>
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
  const signedIn = session.data.agent !== null && session.data.connection !== 'signed-out';
  return signedIn ? <Workspace session={session.data} /> : <Login session={session.data} />;
}

/** Opened without the launch secret (or it was lost): explain how to get in. */
export function NoAccess() {
  const { t } = useTranslation();
  return (
    <main className="center-screen">
      <h1 className="brand-title">{t('app.name')}</h1>
      <p>{t('app.noSecret')}</p>
    </main>
  );
}
