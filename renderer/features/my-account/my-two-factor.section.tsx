import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiError, Enrollment } from '../../api/types';
import { Field } from '../../components/field';
import { ErrorAlert, StatusMessage } from '../../components/messages';
import { RecoveryCodes } from '../../components/recovery-codes';
import { TotpSetup } from '../../components/totp-setup';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { SectionProps } from './my-account.types';

type Mode =
  | { kind: 'idle' }
  | { kind: 'password'; purpose: 'enroll' | 'regenerate' }
  | { kind: 'scan'; enrollment: Enrollment }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'disable' };

/** Two-step sign-in: turn on (password → QR → code → recovery codes), new codes, turn off. */
export function MyTwoFactor({ overview, reload, sessionFailed, state }: SectionProps) {
  const api = useApi();
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [status, setStatus] = useState<string | null>(null);

  const done = (message: string) => {
    setMode({ kind: 'idle' });
    setStatus(message);
    reload();
  };

  return (
    <section className="panel" aria-labelledby="my-2fa">
      <h2 id="my-2fa">{t('account.totp_title')}</h2>
      <p>
        {overview.totpEnabled ? t('account.totp_on') : t('account.totp_off')}{' '}
        {overview.totpRequired ? t('account.totp_required') : ''}
      </p>
      {overview.totpEnabled ? (
        <p>{t('account.codes_left', { count: overview.recoveryCodesLeft })}</p>
      ) : null}
      <StatusMessage text={status} />
      {mode.kind === 'idle' ? (
        <div className="button-row">
          {overview.totpEnabled ? (
            <>
              <button
                type="button"
                className="button secondary"
                onClick={() => {
                  setStatus(null);
                  setMode({ kind: 'password', purpose: 'regenerate' });
                }}
              >
                {t('account.codes_new')}
              </button>
              {!overview.totpRequired ? (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    setStatus(null);
                    setMode({ kind: 'disable' });
                  }}
                >
                  {t('account.totp_disable')}
                </button>
              ) : null}
            </>
          ) : (
            <button
              type="button"
              className="button primary"
              onClick={() => {
                setStatus(null);
                setMode({ kind: 'password', purpose: 'enroll' });
              }}
            >
              {t('account.totp_enable')}
            </button>
          )}
        </div>
      ) : null}
      {mode.kind === 'password' ? (
        <PasswordPrompt
          submitLabel={t('common.continue')}
          onCancel={() => setMode({ kind: 'idle' })}
          onSubmit={async (password) => {
            if (mode.purpose === 'enroll') {
              const r = await api.me.beginTotp({ password });
              if (r.ok) setMode({ kind: 'scan', enrollment: r.data });
              return r.ok ? null : r.error;
            }
            const r = await api.me.regenerateRecoveryCodes({ password });
            if (r.ok) setMode({ kind: 'codes', codes: r.data.recoveryCodes });
            return r.ok ? null : r.error;
          }}
          sessionFailed={sessionFailed}
        />
      ) : null}
      {mode.kind === 'scan' ? (
        <TotpSetup
          enrollment={mode.enrollment}
          onCancel={() => setMode({ kind: 'idle' })}
          onConfirm={async (code) => {
            const r = await api.me.confirmTotp({ code });
            if (r.ok) {
              setMode({ kind: 'codes', codes: r.data.recoveryCodes });
              return null;
            }
            return sessionFailed(r.error) ? null : r.error;
          }}
        />
      ) : null}
      {mode.kind === 'codes' ? (
        <>
          <h3>{t('recovery.title')}</h3>
          <RecoveryCodes
            codes={mode.codes}
            person={overview}
            storeName={state.device.storeName}
            onDone={() => done(t('account.codes_saved'))}
            doneLabel={t('common.done')}
          />
        </>
      ) : null}
      {mode.kind === 'disable' ? (
        <DisableForm
          onCancel={() => setMode({ kind: 'idle' })}
          onDone={() => done(t('account.totp_disabled'))}
          sessionFailed={sessionFailed}
        />
      ) : null}
    </section>
  );
}

function PasswordPrompt(props: {
  submitLabel: string;
  onSubmit(password: string): Promise<ApiError | null>;
  onCancel(): void;
  sessionFailed(e: ApiError): boolean;
}) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction({ handled: props.sessionFailed });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const failure = await props.onSubmit(password);
      setPassword('');
      return failure;
    });
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="stack">
      <ErrorAlert error={error} />
      <Field
        label={t('password.current')}
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        hint={t('account.confirm_password_hint')}
        autoFocus
        required
      />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={busy || !password}>
          {props.submitLabel}
        </button>
        <button type="button" className="button secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function DisableForm(props: {
  onCancel(): void;
  onDone(): void;
  sessionFailed(e: ApiError): boolean;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { run, busy, error } = useAction({ handled: props.sessionFailed });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const r = await api.me.disableTotp({ password, code });
      setPassword('');
      setCode('');
      if (r.ok) return props.onDone();
      return r.error;
    });
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="stack">
      <ErrorAlert error={error} />
      <Field
        label={t('password.current')}
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        autoFocus
        required
      />
      <Field
        label={t('signin.code')}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={7}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        required
      />
      <div className="button-row">
        <button type="submit" className="button danger" disabled={busy || !password || !code}>
          {t('account.totp_disable')}
        </button>
        <button type="button" className="button secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
