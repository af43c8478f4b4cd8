import { useMemo } from 'react';
import type { ApiError } from '../api/types';
import {
  errorText,
  formatWait,
  retryAfterMs,
  violationText,
  violationsOf,
} from '../i18n/error-text';
import { useI18n } from '../i18n/i18n-context';
import { useCountdown } from '../state/use-countdown';

/**
 * An error from the core, announced (role="alert"), with the rules a rejected password broke
 * and, for a lock or a throttle, the remaining wait counting down. The live region is always
 * in the page so that screen readers announce what is put into it.
 */
export function ErrorAlert({ error, id }: { error: ApiError | null; id?: string }) {
  const { t, lang } = useI18n();
  const wait = retryAfterMs(error);
  // A new deadline for each error received (the object changes even when the code does not).
  const deadline = useMemo(() => (wait === null ? null : Date.now() + wait), [error, wait]);
  const left = useCountdown(deadline);
  const violations = violationsOf(error);
  return (
    <>
      <div role="alert" id={id} className={error ? 'alert alert-error' : 'alert-empty'}>
        {error ? (
          <>
            <p>{errorText(t, lang, error)}</p>
            {violations.length ? (
              <ul className="violations">
                {violations.map((v, i) => (
                  <li key={i}>{violationText(t, v)}</li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
      {left !== null ? (
        <p className="wait" data-testid="retry-wait">
          {left > 0 ? t('error.retry_in', { wait: formatWait(left) }) : t('error.retry_now')}
        </p>
      ) : null}
    </>
  );
}

/** A result message (role="status", polite). */
export function StatusMessage({
  text,
  tone = 'success',
}: {
  text: string | null;
  tone?: 'success' | 'info';
}) {
  return (
    <div role="status" className={text ? `status status-${tone}` : 'status-empty'}>
      {text}
    </div>
  );
}
