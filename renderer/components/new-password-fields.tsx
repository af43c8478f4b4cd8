import { useId } from 'react';
import type { PasswordContext } from '../../common/policy/password-evaluator';
import type { EffectivePolicy } from '../../common/policy/policy';
import { useI18n } from '../i18n/i18n-context';
import { Field } from './field';
import { PasswordFeedback } from './password-feedback';

interface Props {
  password: string;
  confirm: string;
  onPassword(value: string): void;
  onConfirm(value: string): void;
  policy: EffectivePolicy | null;
  context: PasswordContext;
  /** "Password" on first run, "New password" elsewhere. */
  label?: string;
  confirmLabel?: string;
  autoFocus?: boolean;
}

/** A new password and its confirmation, with live policy feedback. */
export function NewPasswordFields(props: Props) {
  const { t } = useI18n();
  const feedbackId = useId();
  const mismatch = props.confirm.length > 0 && props.confirm !== props.password;
  return (
    <>
      <Field
        label={props.label ?? t('password.new')}
        type="password"
        autoComplete="new-password"
        value={props.password}
        onChange={(e) => props.onPassword(e.target.value)}
        aria-describedby={feedbackId}
        autoFocus={props.autoFocus}
        required
        after={
          <PasswordFeedback
            id={feedbackId}
            password={props.password}
            policy={props.policy}
            context={props.context}
          />
        }
      />
      <Field
        label={props.confirmLabel ?? t('password.confirm_new')}
        type="password"
        autoComplete="new-password"
        value={props.confirm}
        onChange={(e) => props.onConfirm(e.target.value)}
        error={mismatch ? t('password.mismatch') : undefined}
        required
      />
    </>
  );
}
