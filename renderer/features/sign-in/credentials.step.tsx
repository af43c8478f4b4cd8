import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiError, AppState } from '../../api/types';
import { CardLayout, Page } from '../../components/page';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import { ForgotPassword } from './forgot-password';
import { ParkedSessions } from './parked-sessions';
import { handleStepResult, type StepHandlers } from './sign-in-steps';

interface Props {
  state: AppState;
  initialError: ApiError | null;
  handlers: StepHandlers;
  onResumed(): void;
}

/** Username and password. Every refusal shows the core's words (which never say who exists). */
export function CredentialsStep({ state, initialError, handlers, onResumed }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error, fail } = useAction({ initialError });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password)
      return fail({ code: 'missing', message: t('signin.missing') });
    await run(async () => {
      const result = await api.auth.signIn({ username, password });
      setPassword('');
      return handleStepResult(result, handlers);
    });
  };

  const store = state.device.storeName;
  return (
    <CardLayout>
      <Page
        title={t('signin.title')}
        lead={store ? t('signin.lead_store', { store }) : t('signin.lead')}
        focusHeading={false}
      >
        <form onSubmit={(e) => void submit(e)} noValidate className="stack">
          <ErrorAlert error={error} />
          <Field
            label={t('signin.username')}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
            required
          />
          <Field
            label={t('signin.password')}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
          <div className="button-row">
            <button type="submit" className="button primary wide" disabled={busy}>
              {busy ? t('signin.checking') : t('signin.submit')}
            </button>
          </div>
        </form>
        <ForgotPassword connected={state.device.mode === 'enrolled'} />
        {state.parked.length > 0 ? (
          <ParkedSessions parked={state.parked} onResumed={onResumed} />
        ) : null}
      </Page>
    </CardLayout>
  );
}
