import { useId } from 'react';
import type { PasswordContext } from '../../common/policy/password-evaluator';
import type { EffectivePolicy } from '../../common/policy/policy';
import { violationText } from '../i18n/error-text';
import { useI18n } from '../i18n/i18n-context';
import { strengthLabel } from './strength-label';
import { usePasswordCheck } from './use-password-check';

interface Props {
  id: string;
  password: string;
  policy: EffectivePolicy | null;
  context: PasswordContext;
}

/**
 * Live feedback for a new password: every rule still unmet, in words, and a strength meter
 * (0–4) that says the same as the rules. Advisory: the core checks again on save (and also
 * checks history, which only it can).
 */
export function PasswordFeedback({ id, password, policy, context }: Props) {
  const { t } = useI18n();
  const meterLabel = useId();
  const result = usePasswordCheck(password, policy, context);
  if (!result) {
    return (
      <div id={id} className="password-feedback">
        <p className="hint">{t('password.checking')}</p>
      </div>
    );
  }
  // The policy's own verdict as a level (common/policy/password-evaluator.ts, meterLevel): a
  // refused password is never shown as fair or strong, an accepted one never as weak.
  const score = password ? result.meter : 0;
  return (
    <div id={id} className="password-feedback" data-testid="password-feedback">
      <p className="strength">
        <span id={meterLabel}>{t('password.strength')}</span>{' '}
        <meter
          min={0}
          max={4}
          low={2}
          high={3}
          optimum={4}
          value={score}
          aria-labelledby={meterLabel}
          aria-valuetext={t(strengthLabel(score))}
          data-score={score}
        />{' '}
        <span className={`strength-text score-${score}`}>
          {password ? t(strengthLabel(score)) : '—'}
        </span>
      </p>
      {result.violations.length > 0 ? (
        <>
          <p className="rules-title">{t('password.still_needed')}</p>
          <ul className="violations" aria-label={t('password.still_needed')}>
            {result.violations.map((v, i) => (
              <li key={`${v.code}-${i}`}>{violationText(t, v)}</li>
            ))}
          </ul>
        </>
      ) : (
        <p className="rules-ok">{t('password.meets_policy')}</p>
      )}
    </div>
  );
}
