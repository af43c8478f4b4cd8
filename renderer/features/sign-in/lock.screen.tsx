import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import type { AppState, SessionView } from '../../api/types';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { CardLayout, Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';

interface Props {
  session: SessionView;
  patch(change: (state: AppState) => AppState): void;
  onChanged(): void;
}

/** The session is locked (idle, or someone pressed Lock): password to go on, or leave. */
export function LockScreen({ session, patch, onChanged }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  const unlock = async (event: FormEvent) => {
    event.preventDefault();
    if (!password) return;
    await run(async () => {
      const result = await api.session.unlock({ password });
      setPassword('');
      if (result.ok) return patch((s) => ({ ...s, session: result.data }));
      if (result.error.code === 'session_ended' || result.error.code === 'session_expired')
        return onChanged();
      return result.error;
    });
  };
  const switchUser = async () => {
    await api.session.switchUser({});
    onChanged();
  };
  const signOut = async () => {
    await api.session.signOut({});
    patch((s) => ({ ...s, session: null }));
  };

  return (
    <CardLayout>
      <Page
        title={t('lock.title')}
        lead={t('lock.lead', { name: session.displayName, username: session.username })}
        focusHeading={false}
      >
        <form onSubmit={(e) => void unlock(e)} noValidate className="stack">
          <ErrorAlert error={error} />
          <Field
            label={t('signin.password')}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoFocus
            required
          />
          <div className="button-row">
            <button type="submit" className="button primary wide" disabled={busy || !password}>
              {t('lock.unlock')}
            </button>
          </div>
        </form>
        <div className="button-row split">
          <button type="button" className="button secondary" onClick={() => void switchUser()}>
            {t('nav.switch_user')}
          </button>
          <button type="button" className="button secondary" onClick={() => void signOut()}>
            {t('nav.sign_out')}
          </button>
        </div>
      </Page>
    </CardLayout>
  );
}
