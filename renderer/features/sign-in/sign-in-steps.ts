import type { PasswordRules } from '../../../common/policy/password-evaluator';
import type { ApiError, ApiResult, SignInStep, SignedIn } from '../../api/types';

/** Where a sign-in stands in the window (the challenge itself lives in the core). */
export type FlowStep =
  | { kind: 'credentials'; error?: ApiError }
  | { kind: 'code'; challengeId: string }
  | {
      kind: 'password';
      challengeId: string;
      reason: 'temporary' | 'required' | 'expired';
      rules: PasswordRules;
    }
  | { kind: 'enroll'; challengeId: string };

export function toFlowStep(step: Exclude<SignInStep, SignedIn>): FlowStep {
  switch (step.status) {
    case 'needs_totp':
      return { kind: 'code', challengeId: step.challengeId };
    case 'needs_password_change':
      return {
        kind: 'password',
        challengeId: step.challengeId,
        reason: step.reason,
        rules: step.rules,
      };
    case 'needs_totp_enrollment':
      return { kind: 'enroll', challengeId: step.challengeId };
  }
}

/** Errors after which the challenge is gone: back to the first step, with the message. */
const RESTART_CODES = new Set([
  'challenge_expired',
  'account_locked',
  'throttled',
  'account_disabled',
]);

export interface StepHandlers {
  /** The next step, or the end of the flow. */
  onStep(step: SignInStep): void;
  /** Start again at the credentials, showing why. */
  onRestart(error?: ApiError): void;
}

/** Applies a step call's result: next step, restart, or an error for the step to show. */
export function handleStepResult(
  result: ApiResult<SignInStep>,
  handlers: StepHandlers,
): ApiError | null {
  if (result.ok) {
    handlers.onStep(result.data);
    return null;
  }
  if (RESTART_CODES.has(result.error.code)) {
    handlers.onRestart(result.error);
    return null;
  }
  return result.error;
}
