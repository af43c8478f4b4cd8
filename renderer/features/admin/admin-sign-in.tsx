import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import type { AdminStatusDto } from '../../../common/ipc/admin.schemas';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { Run } from './admin-run';

/**
 * Signing in to the sync server: the admin's email (prefilled from their account on this PC),
 * password and a fresh code. The password goes to core for this one request and is not kept.
 */
export function AdminSignIn(props: {
  status: AdminStatusDto;
  run: Run;
  onSignedIn(status: AdminStatusDto): void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [email, setEmail] = useState(props.status.email);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { run, busy, error } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const r = await props.run(api.admin.signIn({ email, password, totpCode: code }));
      setPassword('');
      setCode('');
      if (!r.ok) return r.error;
      props.onSignedIn(r.data);
    });
  };

  return (
    <section className="panel" aria-labelledby="admin-sign-in">
      <h2 id="admin-sign-in">{t('admin.signin.title')}</h2>
      <p className="hint">{t('admin.signin.lead', { server: props.status.serverUrl ?? '' })}</p>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <Field
          label={t('admin.signin.email')}
          type="email"
          autoComplete="username"
          value={email}
          required
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label={t('admin.signin.password')}
          type="password"
          autoComplete="current-password"
          value={password}
          required
          onChange={(e) => setPassword(e.target.value)}
        />
        <Field
          label={t('admin.signin.code')}
          hint={t('admin.signin.code_hint')}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          value={code}
          required
          onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
        />
        <ErrorAlert error={error} />
        <div className="button-row">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.working') : t('admin.signin.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
