import { useEffect, useMemo, useState } from 'react';
import type * as Evaluator from '../../common/policy/password-evaluator';
import type { PasswordContext, PasswordEvaluation } from '../../common/policy/password-evaluator';
import type { EffectivePolicy } from '../../common/policy/policy';

let loading: Promise<typeof Evaluator> | null = null;

/**
 * The policy engine's evaluator, loaded on first use: its common-password list and strength
 * estimator are most of the renderer's weight, and only password forms need them.
 */
export function loadEvaluator(): Promise<typeof Evaluator> {
  loading ??= import('../../common/policy/password-evaluator');
  return loading;
}

/** Live evaluation of `password` against `policy`; null while the evaluator loads. */
export function usePasswordCheck(
  password: string,
  policy: EffectivePolicy | null,
  context: PasswordContext,
): PasswordEvaluation | null {
  const [evaluator, setEvaluator] = useState<typeof Evaluator | null>(null);
  useEffect(() => {
    let live = true;
    void loadEvaluator().then((m) => {
      if (live) setEvaluator(m);
    });
    return () => {
      live = false;
    };
  }, []);
  const { username, displayName, email, storeName, brandName } = context;
  return useMemo(
    () =>
      evaluator && policy
        ? evaluator.evaluatePassword(password, policy, {
            username,
            displayName,
            email,
            storeName,
            brandName,
          })
        : null,
    [evaluator, policy, password, username, displayName, email, storeName, brandName],
  );
}
