import { describe, expect, it } from 'vitest';
import { defaultPolicyDocument, resolvePolicy } from '../../common/policy/policy';
import type { ApiError, ApiResult, SignInStep } from '../../renderer/api/types';
import {
  handleStepResult,
  toFlowStep,
  type StepHandlers,
} from '../../renderer/features/sign-in/sign-in-steps';

/** Where a sign-in goes after each answer of the core (sign-in-steps.ts). */
const rules = {
  policy: resolvePolicy(defaultPolicyDocument(), 'viewer'),
  context: { username: 'cam' },
};

function recorder() {
  const seen: { steps: SignInStep[]; restarts: (ApiError | undefined)[] } = {
    steps: [],
    restarts: [],
  };
  const handlers: StepHandlers = {
    onStep: (step) => seen.steps.push(step),
    onRestart: (error) => seen.restarts.push(error),
  };
  return { seen, handlers };
}

describe('sign-in steps', () => {
  it('maps each challenge the core sends to the window step that asks for it', () => {
    expect(toFlowStep({ status: 'needs_totp', challengeId: 'c1' })).toEqual({
      kind: 'code',
      challengeId: 'c1',
    });
    expect(toFlowStep({ status: 'needs_totp_enrollment', challengeId: 'c2' })).toEqual({
      kind: 'enroll',
      challengeId: 'c2',
    });
    expect(
      toFlowStep({ status: 'needs_password_change', challengeId: 'c3', reason: 'expired', rules }),
    ).toEqual({ kind: 'password', challengeId: 'c3', reason: 'expired', rules });
  });

  it('passes the next step on and shows nothing', () => {
    const { seen, handlers } = recorder();
    const next: SignInStep = { status: 'needs_totp', challengeId: 'c1' };
    expect(handleStepResult({ ok: true, data: next }, handlers)).toBeNull();
    expect(seen).toEqual({ steps: [next], restarts: [] });
  });

  it.each(['challenge_expired', 'account_locked', 'throttled', 'account_disabled'])(
    'starts again at the credentials after %s, with the reason',
    (code) => {
      const { seen, handlers } = recorder();
      const error = { code, message: 'words' };
      expect(handleStepResult({ ok: false, error }, handlers)).toBeNull();
      expect(seen).toEqual({ steps: [], restarts: [error] });
    },
  );

  it('leaves any other refusal for the step itself to show (a wrong code: try again)', () => {
    const { seen, handlers } = recorder();
    const wrong: ApiResult<SignInStep> = {
      ok: false,
      error: { code: 'invalid_code', message: 'That code is not right.' },
    };
    expect(handleStepResult(wrong, handlers)).toEqual(wrong.ok ? null : wrong.error);
    expect(seen).toEqual({ steps: [], restarts: [] });
  });
});
