import { useMemo, useState, type FormEvent } from 'react';
import { defaultPolicyDocument, resolvePolicy } from '../../common/policy/policy';
import { useApi } from '../api/api-context';
import type { ApiError, AppState } from '../api/types';
import { ErrorAlert } from '../components/messages';
import { NewPasswordFields } from '../components/new-password-fields';
import { CardLayout, Page } from '../components/page';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages.en';
import { handleStepResult, type StepHandlers } from './sign-in-steps';

const REASON: Record<'temporary' | 'required' | 'expired', MessageKey> = {
  temporary: 'change.reason_temporary',
  required: 'change.reason_required',
  expired: 'change.reason_expired',
};

interface Props {
  challengeId: string;
  reason: 'temporary' | 'required' | 'expired';
  username: string;
  state: AppState;
  handlers: StepHandlers;
  onCancel(): void;
}

/**
 * The forced password change inside sign-in (temporary, required or expired password). Nobody
 * is signed in yet, so the feedback uses the Standard profile; the core checks the real policy.
 */
export function NewPasswordStep({
  challengeId,
  reason,
  username,
  state,
  handlers,
  onCancel,
}: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const policy = useMemo(() => resolvePolicy(defaultPolicyDocument(), 'viewer'), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setError({ code: 'mismatch', message: t('password.mismatch') });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await api.auth.submitNewPassword({ challengeId, newPassword: password });
    setBusy(false);
    setError(handleStepResult(result, handlers));
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
            policy={policy}
            context={{
              username,
              storeName: state.device.storeName,
              brandName: state.device.brandName,
            }}
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
