import { useState } from 'react';
import { useApi } from '../../api/api-context';
import type { ApiError, AuditVerification } from '../../api/types';
import { ErrorAlert } from '../../components/messages';
import { useAction } from '../../components/use-action';
import { useI18n } from '../../i18n/i18n-context';
import type { MessageKey } from '../../i18n/messages.en';

const REASON: Record<Extract<AuditVerification, { ok: false }>['reason'], MessageKey> = {
  sequence_gap: 'verify.sequence_gap',
  previous_hash_mismatch: 'verify.previous_hash_mismatch',
  hash_mismatch: 'verify.hash_mismatch',
  mac_mismatch: 'verify.mac_mismatch',
  unreadable: 'verify.unreadable',
  truncated: 'verify.truncated',
};

/** "Verify chain": checks every entry's hash, link and MAC in the core and says what it found. */
export function AuditVerify({ onSessionError }: { onSessionError(e: ApiError): boolean }) {
  const api = useApi();
  const { t } = useI18n();
  const [result, setResult] = useState<AuditVerification | null>(null);
  const { run, busy, error } = useAction({ handled: onSessionError });

  const verify = () => {
    setResult(null);
    return run(async () => {
      const r = await api.audit.verify({});
      if (r.ok) return setResult(r.data);
      return r.error;
    });
  };

  return (
    <div className="verify">
      <button
        type="button"
        className="button primary"
        onClick={() => void verify()}
        disabled={busy}
      >
        {busy ? t('verify.checking') : t('verify.button')}
      </button>
      <div role="status" className="verify-result" data-testid="verify-result">
        {result?.ok ? (
          <span className="ok-text">{t('verify.ok', { count: result.checked })}</span>
        ) : null}
      </div>
      {result && !result.ok ? (
        <div role="alert" className="alert alert-error" data-testid="verify-broken">
          {t('verify.broken', { seq: result.firstBadSeq, reason: t(REASON[result.reason]) })}
        </div>
      ) : null}
      <ErrorAlert error={error} />
    </div>
  );
}
