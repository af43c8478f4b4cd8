import type { ApiError, ApiResult, Channel } from '../../../common/ipc/contract';
import { contract, INTERNAL_ERROR, INVALID_REQUEST } from '../../../common/ipc/contract';
import { firstJsonTextProblem } from '../../../common/text/canonical-text';
import { isStorageFault, storeUnwritable } from '../db/storage-faults';
import { KeyholderError } from '../errors';
import type { ApiHandlers } from './api-handlers';
import type { WindowContext } from './window-context';

/** Where unexpected errors go (main's log); never to the renderer. */
export type ErrorSink = (channel: string, error: unknown) => void;

/**
 * The one path every UI call takes, in Electron main and in the browser shell alike:
 * known channel → payload checked as canonical text → request parsed by its schema → handler →
 * response parsed by its schema (stripping anything not in the contract) → result envelope.
 * Bad input changes nothing and gets a generic error; unexpected failures get a generic error
 * and are logged. A storage fault (disk full, read-only) from any handler is logged too, and the
 * person is told what it is.
 *
 * Canonical text (common/text/canonical-text.ts): every string and key of the payload, whatever
 * the channel, is well-formed Unicode without NUL, and the payload is plain JSON of bounded
 * depth and size. Checked here, before any schema or handler, so that no text that SQLite would
 * store altered (a lone surrogate becomes U+FFFD) reaches the store, the audit log or a hash.
 */
export async function dispatch(
  handlers: ApiHandlers,
  ctx: WindowContext,
  channel: string,
  payload: unknown,
  onError: ErrorSink = () => {},
): Promise<ApiResult<unknown>> {
  if (!Object.hasOwn(contract, channel)) return { ok: false, error: INVALID_REQUEST };
  const spec = contract[channel as Channel];
  if (firstJsonTextProblem(payload ?? {})) return { ok: false, error: INVALID_REQUEST };
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) return { ok: false, error: INVALID_REQUEST };
  try {
    const handler = handlers[channel as Channel] as (c: WindowContext, r: unknown) => unknown;
    const data = await handler(ctx, parsed.data);
    const out = spec.response.safeParse(data);
    if (!out.success) {
      onError(channel, new Error(`response of ${channel} does not match the contract`));
      return { ok: false, error: INTERNAL_ERROR };
    }
    return { ok: true, data: out.data };
  } catch (error) {
    if (error instanceof KeyholderError) return { ok: false, error: toApiError(error) };
    onError(channel, error);
    if (isStorageFault(error)) return { ok: false, error: toApiError(storeUnwritable()) };
    return { ok: false, error: INTERNAL_ERROR };
  }
}

function toApiError(error: KeyholderError): ApiError {
  // Details are built by core for the UI (retry times, violation codes); nothing internal.
  const details = Object.keys(error.details).length ? { ...error.details } : undefined;
  return { code: error.code, message: error.message, ...(details ? { details } : {}) };
}
