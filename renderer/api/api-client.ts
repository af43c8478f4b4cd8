import type { ApiResult, Channel, KeyholderApi } from '../../common/ipc/contract';
import { CHANNELS, contract, splitChannel } from '../../common/ipc/contract';
import { takeToken } from './token';

type Verb = (request: unknown) => Promise<ApiResult<unknown>>;

const NETWORK_ERROR = {
  code: 'network',
  message: 'Keyholder is not responding. Check that it is still running, then try again.',
};
const NOT_CONNECTED = {
  code: 'unauthorized',
  message: 'This page is not connected to Keyholder. Open the address Keyholder printed.',
};

/**
 * The typed API: Electron's preload exposes it as `window.keyholder`; in the browser shell the
 * same object is built here over `POST /api/<channel>` with the launch token. Either way every
 * call resolves to an ApiResult and never throws.
 */
export function createApi(): KeyholderApi {
  if (window.keyholder) return window.keyholder;
  const token = takeToken();
  const api: Record<string, Record<string, Verb>> = {};
  for (const channel of CHANNELS) {
    const [ns, verb] = splitChannel(channel);
    (api[ns] ??= {})[verb] = (request) => call(channel, request, token);
  }
  return api as unknown as KeyholderApi;
}

async function call(
  channel: Channel,
  request: unknown,
  token: string | null,
): Promise<ApiResult<unknown>> {
  if (!token) return { ok: false, error: NOT_CONNECTED };
  let body: unknown;
  try {
    const response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-keyholder-token': token },
      body: JSON.stringify(request ?? {}),
      credentials: 'omit',
      cache: 'no-store',
    });
    body = await response.json();
  } catch {
    return { ok: false, error: NETWORK_ERROR };
  }
  if (!isResult(body)) return { ok: false, error: NETWORK_ERROR };
  if (!body.ok) return body;
  // Defence in depth: the host already checked the response; a surprise shape is a bug.
  const parsed = contract[channel].response.safeParse(body.data);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, error: { code: 'internal', message: NETWORK_ERROR.message } };
}

function isResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (v.ok === true) return 'data' in v;
  return v.ok === false && typeof v.error?.code === 'string' && typeof v.error.message === 'string';
}
