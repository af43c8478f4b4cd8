import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiError, Enrollment } from '../../api/types';
import { ErrorAlert } from '../../components/messages';
import { CardLayout, Page } from '../../components/page';
import { TotpSetup } from '../../components/totp-setup';
import { useI18n } from '../../i18n/i18n-context';
import { handleStepResult, type StepHandlers } from './sign-in-steps';

interface Props {
  challengeId: string;
  handlers: StepHandlers;
  onCancel(): void;
}

/** Two-step sign-in is required for this role and not set up yet: set it up now. */
export function EnrollStep({ challengeId, handlers, onCancel }: Props) {
  const api = useApi();
  const { t } = useI18n();
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    void api.auth.beginEnrollment({ challengeId }).then((result) => {
      if (!live) return;
      if (result.ok) setEnrollment(result.data);
      else if (result.error.code === 'challenge_expired') handlers.onRestart(result.error);
      else setError(result.error);
    });
    return () => {
      live = false;
    };
    // One enrollment per challenge.
  }, [api, challengeId]);

  return (
    <CardLayout wide>
      <Page title={t('totp.title')} lead={t('totp.lead_required')}>
        <ErrorAlert error={error} />
        {enrollment ? (
          <TotpSetup
            enrollment={enrollment}
            onCancel={onCancel}
            onConfirm={async (code) =>
              handleStepResult(await api.auth.confirmEnrollment({ challengeId, code }), handlers)
            }
          />
        ) : (
          <p className="hint">{t('common.loading')}</p>
        )}
      </Page>
    </CardLayout>
  );
}
