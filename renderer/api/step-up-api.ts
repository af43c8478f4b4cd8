import type { ApiResult, KeyholderApi } from '../../common/ipc/contract';
import { CHANNELS, splitChannel } from '../../common/ipc/contract';

type Verb = (request: unknown) => Promise<ApiResult<unknown>>;

/** The one channel that answers a step-up itself (a wrong password is its own error). */
const CONFIRM = 'session.confirmPassword';

/**
 * Step-up for the whole app: a change that must be signed on a standalone PC answers
 * `password_required` until the signed-in person has typed their password once this session
 * (electron/core/integrity/standalone-authority.service.ts). Any call answering so calls `ask`
 * (the dialog of step-up.tsx, which sends the password to `session.confirmPassword`); confirmed,
 * the call is made once more; cancelled, the screen gets the original error, as if no prompt had
 * been shown. Nothing here sees the password.
 */
export function withStepUp(api: KeyholderApi, ask: () => Promise<boolean>): KeyholderApi {
  const source = api as unknown as Record<string, Record<string, Verb>>;
  const wrapped: Record<string, Record<string, Verb>> = {};
  for (const channel of CHANNELS) {
    const [ns, verb] = splitChannel(channel);
    const call = source[ns]![verb]!;
    (wrapped[ns] ??= {})[verb] =
      channel === CONFIRM
        ? call
        : async (request) => {
            const first = await call(request);
            if (first.ok || first.error.code !== 'password_required') return first;
            return (await ask()) ? call(request) : first;
          };
  }
  return wrapped as unknown as KeyholderApi;
}
