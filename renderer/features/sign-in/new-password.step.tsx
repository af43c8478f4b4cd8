import { useState, type FormEvent } from 'react';
import type { PasswordRules } from '../../../common/policy/password-evaluator';
import { useApi } from '../../api/api-context';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { NewPasswordFields } from '../../components/new-password-fields';
import { CardLayout, Page } from '../../components/page';
import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';
import { handleStepResult, type StepHandlers } from './sign-in-steps';

const REASON: Record<'temporary' | 'required' | 'expired', MessageKey> = {
  temporary: 'change.reason_temporary',
  required: 'change.reason_required',
  expired: 'change.reason_expired',
};

interface Props {
  challengeId: string;
  reason: 'temporary' | 'required' | 'expired';
  /** The account's policy and context, from the core: the feedback gives the core's verdict. */
  rules: PasswordRules;
  handlers: StepHandlers;
  onCancel(): void;
}

/**
 * The forced password change inside sign-in (temporary, required or expired password). The
 * core sent the rules it will check the new password with (the role's policy, the person's
 * names), so the live feedback and the meter say what the core will say.
 */
export function NewPasswordStep({ challengeId, reason, rules, handlers, onCancel }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { run, busy, error, fail } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) return fail({ code: 'mismatch', message: t('password.mismatch') });
    await run(async () => {
      const result = await api.auth.submitNewPassword({ challengeId, newPassword: password });
      return handleStepResult(result, handlers);
    });
  };

  return (
    <CardLayout>
      <Page title={t('change.title')} lead={t(REASON[reason])}>
        <form onSubmit={(e) => void submit(e)} noValidate className="stack">
          <ErrorAlert error={error} />
          <NewPasswordFields
            password={password}
            confirm={confirm}
            onPassword={setPassword}
            onConfirm={setConfirm}
            policy={rules.policy}
            context={rules.context}
          />
          <div className="button-row">
            <button type="submit" className="button primary" disabled={busy || !password}>
              {t('change.submit')}
            </button>
            <button type="button" className="button secondary" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      </Page>
    </CardLayout>
  );
}
