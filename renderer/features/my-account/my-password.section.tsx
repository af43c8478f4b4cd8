import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import { Field } from '../../components/field';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { NewPasswordFields } from '../../components/new-password-fields';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { SectionProps } from './my-account.types';

/** Voluntary password change: current password, then the new one with live feedback. */
export function MyPassword({ overview, reload, sessionFailed }: SectionProps) {
  const api = useApi();
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const { run, busy, error, fail } = useAction({ handled: sessionFailed });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus(null);
    if (password !== confirm) return fail({ code: 'mismatch', message: t('password.mismatch') });
    await run(async () => {
      const r = await api.me.changePassword({ currentPassword: current, newPassword: password });
      if (!r.ok) return r.error;
      setCurrent('');
      setPassword('');
      setConfirm('');
      setStatus(t('account.password_done'));
      reload();
    });
  };

  return (
    <section className="panel" aria-labelledby="my-password">
      <h2 id="my-password">{t('account.password_title')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate className="stack">
        <Field
          label={t('password.current')}
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
        <NewPasswordFields
          password={password}
          confirm={confirm}
          onPassword={setPassword}
          onConfirm={setConfirm}
          // The rules the core checks this change with (any role may see its own).
          policy={overview.passwordRules.policy}
          context={overview.passwordRules.context}
        />
        <ErrorAlert error={error} />
        <StatusMessage text={status} />
        <div className="button-row">
          <button type="submit" className="button primary" disabled={busy || !current || !password}>
            {t('change.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
