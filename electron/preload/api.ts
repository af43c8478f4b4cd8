import { CHANNEL_NAMES, splitChannel } from '../../common/ipc/channels';
import type { KeyholderApi } from '../../common/ipc/contract';

/** The name of the API on `window`: `window.keyholder.auth.signIn(...)`. */
export const API_KEY = 'keyholder';

export type Invoke = (channel: string, request: unknown) => Promise<unknown>;

/**
 * Builds `{ app: { state }, auth: { signIn, … }, staff: { … }, … }` from the contract's channel
 * names: each verb is `(request) => invoke(channel, request)` with the channel fixed, so the page
 * can call the contract's verbs and nothing else. Exactly one argument crosses; extras are
 * dropped. Namespaces and the root are frozen.
 *
 * Imports only the zod-free channel list (the contract type is erased), so the preload bundle
 * stays tiny: a sandboxed preload cannot `require` anything but electron anyway.
 */
export function buildApi(invoke: Invoke): KeyholderApi {
  const api: Record<string, Record<string, (request?: unknown) => Promise<unknown>>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [namespace, verb] = splitChannel(channel);
    const verbs = (api[namespace] ??= {});
    verbs[verb] = (request?: unknown) => invoke(channel, request);
  }
  for (const verbs of Object.values(api)) Object.freeze(verbs);
  return Object.freeze(api) as unknown as KeyholderApi;
}
