import type { AxiosInstance, AxiosResponse } from 'axios';
import { AxiosError } from 'axios';
import type { z } from 'zod';
import {
  enrollResponseSchema,
  pullResponseSchema,
  pushAccountChangesResponseSchema,
  pushAuditResponseSchema,
  SYNC_API_PREFIX,
  type AccountChange,
  type PullQuery,
} from '../../../common/sync/protocol';
import type { AuditRecord } from '../../../common/audit/audit-record';
import {
  enrollPreviewResponseSchema,
  type EnrollPreviewRequest,
  type Handover,
} from '../../../common/sync/handover';
import { backoffDelay, parseRetryAfter, REQUEST_BACKOFF } from './backoff';
import { isAppErrorCode } from '../../../common/ipc/error-codes';
import { SyncError, tlsError, unreachable } from './sync-errors';

export interface RetryOptions {
  /** Attempts per request before the run gives up (and the scheduler backs off). */
  readonly attempts: number;
  /** A Retry-After longer than this ends the run instead of blocking it. */
  readonly maxWaitMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly nowMs: () => number;
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'timed out',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'unknown server name',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'no network',
  EPIPE: 'connection closed',
  ERR_NETWORK: 'network error',
  ERR_BAD_RESPONSE: 'incomplete answer',
};

/**
 * The device side of docs/SYNC-PROTOCOL.md over axios. Every answer is validated with the
 * protocol's zod schemas; every failure becomes a SyncError in words. Transient failures are
 * retried here with backoff; the idempotency keys the callers pass make every retry safe.
 *
 * Invariants: redirects are never followed (a redirect must not carry the device credential
 * elsewhere); TLS verification is never relaxed.
 */
export class SyncHttp {
  constructor(
    private readonly http: AxiosInstance,
    private readonly baseUrl: string,
    private readonly credential: string | null,
    private readonly retry: RetryOptions,
  ) {}

  enroll(body: {
    code: string;
    deviceId: string;
    deviceName: string;
    appVersion: string;
    auditMacKey: string;
    handover?: Handover;
  }) {
    return this.call('post', '/enroll', enrollResponseSchema, { body, auth: false });
  }

  /** What enrolling with the code would do; the code is not used. */
  previewEnroll(body: EnrollPreviewRequest) {
    return this.call('post', '/enroll/preview', enrollPreviewResponseSchema, {
      body,
      auth: false,
    });
  }

  pull(query: Partial<PullQuery>) {
    return this.call('get', '/pull', pullResponseSchema, { query });
  }

  pushAudit(entries: AuditRecord[], key: string) {
    return this.call('post', '/audit', pushAuditResponseSchema, { body: { entries }, key });
  }

  pushAccountChanges(changes: AccountChange[], key: string) {
    return this.call('post', '/accounts', pushAccountChangesResponseSchema, {
      body: { changes },
      key,
    });
  }

  private async call<S extends z.ZodType>(
    method: 'get' | 'post',
    path: string,
    schema: S,
    o: { body?: unknown; query?: object; key?: string; auth?: boolean },
  ): Promise<z.output<S>> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await this.http.request({
          method,
          baseURL: this.baseUrl,
          url: `${SYNC_API_PREFIX}${path}`,
          params: o.query,
          data: o.body,
          maxRedirects: 0,
          validateStatus: () => true,
          headers: {
            Accept: 'application/json',
            ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
            ...(o.key ? { 'Idempotency-Key': o.key } : {}),
            ...(o.auth !== false && this.credential
              ? { Authorization: `Device ${this.credential}` }
              : {}),
          },
        });
        return this.accept(response, schema, o.auth !== false);
      } catch (error) {
        const failure = error instanceof SyncError ? error : this.fromTransport(error);
        const last = attempt + 1 >= this.retry.attempts;
        if (!failure.retryable || last || (failure.retryAfterMs ?? 0) > this.retry.maxWaitMs)
          throw failure;
        await this.retry.sleep(
          backoffDelay(attempt, REQUEST_BACKOFF, this.retry.random, failure.retryAfterMs),
        );
      }
    }
  }

  private accept<S extends z.ZodType>(
    response: AxiosResponse,
    schema: S,
    deviceAuth: boolean,
  ): z.output<S> {
    const { status } = response;
    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(response.data);
      if (parsed.success) return parsed.data;
      throw new SyncError(
        'bad_response',
        'The sync server sent an answer this version of Keyholder does not understand. Check the server address, or update Keyholder.',
        false,
      );
    }
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.retry.nowMs());
    const body = (response.data ?? {}) as { error?: { code?: unknown; message?: unknown } };
    const serverCode = typeof body.error?.code === 'string' ? body.error.code : `http_${status}`;
    if (status === 429)
      throw new SyncError(
        'rate_limited',
        'The sync server is busy. This PC tries again shortly.',
        true,
        retryAfterMs,
      );
    if (status >= 500 || (status === 409 && serverCode === 'request_in_progress'))
      throw new SyncError(
        'server_unavailable',
        `The sync server is not available right now (HTTP ${status}). This PC keeps working offline and tries again automatically.`,
        true,
        retryAfterMs,
      );
    if (status === 401 && deviceAuth)
      throw new SyncError(
        'device_revoked',
        'This PC is no longer connected to the sync server: an administrator revoked it. Connect it again with a new enrollment code.',
        false,
      );
    if (status === 409 && serverCode === 'sequence_conflict')
      throw new SyncError(
        'audit_log_diverged',
        "This PC's audit log no longer matches the sync server's copy, usually because the PC was restored from an older backup. It keeps signing people in and recording it here. Ask an administrator: this PC must be disconnected on the sync server and set up again as a new PC.",
        false,
        null,
        { status, ...extraDetails(response.data) },
      );
    if (status === 422 && serverCode === 'invalid_entry') {
      // Entries written before the canonical-text rule (common/text/canonical-text.ts) or the
      // time range (common/time/time.schemas.ts): this version records none, but an older one
      // may have. The log is append-only, so the PC cannot upload past it.
      const seq = (body.error as { details?: { seq?: unknown } } | undefined)?.details?.seq;
      throw new SyncError(
        'audit_entry_refused',
        `An entry in this PC's audit log${typeof seq === 'number' ? ` (number ${seq})` : ''} holds a value the sync server does not accept (text it cannot store, or an impossible time), so the log cannot be uploaded. It was written by an older version of Keyholder. This PC keeps signing people in and recording it here. Ask an administrator: this PC must be disconnected on the sync server and set up again as a new PC.`,
        false,
        null,
        { status, ...extraDetails(response.data) },
      );
    }
    // The server's own messages are written for people and carry no internals (its error
    // handler guarantees it); keep them short in case a proxy answered instead.
    const message =
      typeof body.error?.message === 'string' && body.error.message.length <= 300
        ? body.error.message
        : `The sync server refused the request (HTTP ${status}).`;
    // A code of our catalogue keeps its name (enrollment_refused, audit_chain_broken, …); any
    // other is `sync_refused`, with the server's code kept for support and the logic below.
    throw new SyncError(
      isAppErrorCode(serverCode) ? serverCode : 'sync_refused',
      message,
      false,
      null,
      {
        status,
        serverCode,
        ...extraDetails(response.data),
      },
    );
  }

  private fromTransport(error: unknown): SyncError {
    const code =
      error instanceof AxiosError
        ? String((error.cause as { code?: string } | undefined)?.code ?? error.code ?? '')
        : String((error as { code?: string })?.code ?? '');
    return tlsError(code) ?? unreachable(NETWORK_WORDS[code] ?? 'network error');
  }
}

/** Structured fields some refusals carry (sequence_gap's expectedSeq, chain breaks' seq). */
function extraDetails(data: unknown): Record<string, unknown> {
  const error = (data as { error?: { details?: unknown } } | null)?.error;
  const details = error?.details;
  return details && typeof details === 'object' ? { server: details } : {};
}
