import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/api-context';
import { Field } from '../../components/field';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { CardLayout, Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';
import { handleStepResult, type StepHandlers } from './sign-in-steps';

interface Props {
  challengeId: string;
  handlers: StepHandlers;
  onCancel(): void;
}

/** The second factor: the authenticator's code, or one of the recovery codes. */
export function CodeStep({ challengeId, handlers, onCancel }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const { run, busy, error, clearError } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!code.trim()) return;
    await run(async () => {
      const result = recovery
        ? await api.auth.submitRecoveryCode({ challengeId, code })
        : await api.auth.submitCode({ challengeId, code });
      setCode('');
      return handleStepResult(result, handlers);
    });
  };

  const toggle = () => {
    setRecovery((r) => !r);
    setCode('');
    clearError();
  };

  return (
    <CardLayout>
      <Page
        key={recovery ? 'recovery' : 'code'}
        title={recovery ? t('signin.recovery_title') : t('signin.code_title')}
        lead={recovery ? t('signin.recovery_lead') : t('signin.code_lead')}
        focusHeading={false}
      >
        <form onSubmit={(e) => void submit(e)} noValidate className="stack">
          <ErrorAlert error={error} />
          {recovery ? (
            <Field
              key="recovery"
              label={t('signin.recovery_code')}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              hint={t('signin.recovery_hint')}
              autoFocus
              required
            />
          ) : (
            <Field
              key="code"
              label={t('signin.code')}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoFocus
              required
            />
          )}
          <div className="button-row">
            <button type="submit" className="button primary wide" disabled={busy || !code.trim()}>
              {t('signin.submit')}
            </button>
          </div>
          <div className="button-row">
            <button type="button" className="button link" onClick={toggle}>
              {recovery ? t('signin.use_code') : t('signin.use_recovery')}
            </button>
            <button type="button" className="button link" onClick={onCancel}>
              {t('signin.start_over')}
            </button>
          </div>
        </form>
      </Page>
    </CardLayout>
  );
}
