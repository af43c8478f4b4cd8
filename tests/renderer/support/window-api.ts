import { CHANNELS, splitChannel, type KeyholderApi } from '../../../common/ipc/contract';
import { createApiHandlers } from '../../../electron/core/api/api-handlers';
import { dispatch } from '../../../electron/core/api/dispatch';
import { newWindowContext } from '../../../electron/core/api/window-context';
import { ADMIN_PASSWORD, type CoreHarness } from '../../support/core-harness';

/**
 * The typed API one window of the app holds, over the real core through the real dispatch (no
 * IPC in between): what renderer helpers call, with the channels called recorded in order.
 */
export function windowApi(h: CoreHarness): { api: KeyholderApi; calls: string[] } {
  const ctx = newWindowContext();
  const handlers = createApiHandlers(h.kh);
  const calls: string[] = [];
  const verbs: Record<string, Record<string, (r: unknown) => Promise<unknown>>> = {};
  for (const channel of CHANNELS) {
    const [ns, verb] = splitChannel(channel);
    (verbs[ns] ??= {})[verb] = (request) => {
      calls.push(channel);
      return dispatch(handlers, ctx, channel, request ?? {}, () => undefined);
    };
  }
  return { api: verbs as unknown as KeyholderApi, calls };
}

/** Signs the first admin in on that window (password, then the authenticator's code). */
export async function signInAdmin(h: CoreHarness, api: KeyholderApi, secret: string) {
  const first = await api.auth.signIn({ username: 'ada.admin', password: ADMIN_PASSWORD });
  if (!first.ok || first.data.status !== 'needs_totp') throw new Error('sign-in');
  await api.auth.submitCode({ challengeId: first.data.challengeId, code: h.code(secret) });
}
