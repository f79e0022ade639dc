import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../src-shared/ipc';
import { useBridge } from '../state/bridge-context';
import { queryKeys } from '../state/query-keys';

export function Login({ session }: { session: SessionState }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const [serverUrl, setServerUrl] = useState(session.serverUrl ?? '');
  const [email, setEmail] = useState(session.agent?.email ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { url: useId(), email: useId(), password: useId(), error: useId() };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = await bridge.invoke('session.login', { serverUrl: serverUrl.trim(), email: email.trim(), password });
    setBusy(false);
    if (!result.ok) {
      setError(t('login.failed', { message: result.error.message }));
      return;
    }
    setPassword('');
    queryClient.setQueryData(queryKeys.session, result.value);
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title" aria-describedby={error ? ids.error : undefined} noValidate>
        <h1 id="login-title" className="brand-title">
          {t('app.name')}
        </h1>
        <p className="muted">{t('login.intro')}</p>
        <div className="field">
          <label htmlFor={ids.url}>{t('login.serverUrl')}</label>
          <input id={ids.url} type="url" inputMode="url" autoComplete="url" required value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} placeholder="https://support.example.com" />
        </div>
        <div className="field">
          <label htmlFor={ids.email}>{t('login.email')}</label>
          <input id={ids.email} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>{t('login.password')}</label>
          <input id={ids.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error && (
          <p id={ids.error} role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} aria-busy={busy}>
          {t('login.signIn')}
        </button>
      </form>
    </main>
  );
}
