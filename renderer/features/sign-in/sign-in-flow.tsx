import { useState } from 'react';
import { useApi } from '../../api/api-context';
import type { AppState, SignInStep, SignedIn } from '../../api/types';
import { CodeStep } from './code.step';
import { CredentialsStep } from './credentials.step';
import { EnrollStep } from './enroll.step';
import { NewPasswordStep } from './new-password.step';
import { toFlowStep, type FlowStep, type StepHandlers } from './sign-in-steps';

interface Props {
  state: AppState;
  /** First run starts past the credentials, at the step createFirstAdmin returned. */
  initial?: FlowStep;
  onSignedIn(step: SignedIn): void;
  onChanged(): void;
}

/**
 * Sign-in, one step at a time: username and password, then the authentication code (or a
 * recovery code), a forced password change, 2FA enrollment — whatever the core asks for next.
 */
export function SignInFlow({ state, initial, onSignedIn, onChanged }: Props) {
  const api = useApi();
  const [step, setStep] = useState<FlowStep>(initial ?? { kind: 'credentials' });
  const [restarts, setRestarts] = useState(0);

  const handlers: StepHandlers = {
    onStep: (next: SignInStep) => {
      if (next.status === 'signed_in') onSignedIn(next);
      else setStep(toFlowStep(next));
    },
    onRestart: (error) => {
      setRestarts((n) => n + 1);
      setStep({ kind: 'credentials', error });
    },
  };
  const cancel = (challengeId: string) => {
    void api.auth.cancel({ challengeId });
    setRestarts((n) => n + 1);
    setStep({ kind: 'credentials' });
  };

  switch (step.kind) {
    case 'credentials':
      return (
        <CredentialsStep
          key={restarts}
          state={state}
          initialError={step.error ?? null}
          handlers={handlers}
          onResumed={onChanged}
        />
      );
    case 'code':
      return (
        <CodeStep
          challengeId={step.challengeId}
          handlers={handlers}
          onCancel={() => cancel(step.challengeId)}
        />
      );
    case 'password':
      return (
        <NewPasswordStep
          challengeId={step.challengeId}
          reason={step.reason}
          rules={step.rules}
          handlers={handlers}
          onCancel={() => cancel(step.challengeId)}
        />
      );
    case 'enroll':
      return (
        <EnrollStep
          challengeId={step.challengeId}
          handlers={handlers}
          onCancel={() => cancel(step.challengeId)}
        />
      );
  }
}
