import { useId, useState, type FormEvent } from 'react';
import type { ApiError, Enrollment } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { CopyButton } from './copy-button';
import { Field } from './field';
import { ErrorAlert } from './messages';
import { useAction } from './use-action';

interface Props {
  enrollment: Enrollment;
  /** Confirms the code; resolves to an error to show, or null when done. */
  onConfirm(code: string): Promise<ApiError | null>;
  onCancel?(): void;
}

/** Authenticator enrollment: the QR code, the manual key, and a first code to prove it works. */
export function TotpSetup({ enrollment, onConfirm, onCancel }: Props) {
  const { t } = useI18n();
  const keyLabel = useId();
  const [code, setCode] = useState('');
  const { run, busy, error } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    return run(async () => {
      const failure = await onConfirm(code);
      if (failure) setCode('');
      return failure;
    });
  };

  return (
    <div className="totp-setup">
      <ol className="steps">
        <li>{t('totp.step_app')}</li>
        <li>{t('totp.step_scan')}</li>
        <li>{t('totp.step_code')}</li>
      </ol>
      <div className="totp-grid">
        <img
          className="qr"
          src={enrollment.qrDataUrl}
          alt={t('totp.qr_alt')}
          width={200}
          height={200}
        />
        <div>
          <p id={keyLabel} className="label">
            {t('totp.manual_key')}
          </p>
          <p className="manual-key" data-testid="manual-key" aria-labelledby={keyLabel} role="note">
            {enrollment.manualKey}
          </p>
          <CopyButton text={enrollment.manualKey.replace(/\s/g, '')} label={t('totp.copy_key')} />
        </div>
      </div>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorAlert error={error} />
        <Field
          label={t('signin.code')}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          hint={t('totp.code_hint')}
          required
        />
        <div className="button-row">
          <button type="submit" className="button primary" disabled={busy || !code.trim()}>
            {t('totp.confirm')}
          </button>
          {onCancel ? (
            <button type="button" className="button secondary" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          ) : null}
        </div>
      </form>
    </div>
  );
}
