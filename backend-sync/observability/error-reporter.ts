import type { Config } from '../config';

/**
 * Where the server reports its own failures (5xx answers, crashes) beyond the log: Sentry when
 * SENTRY_DSN is set, nothing otherwise.
 */
export interface ErrorReporter {
  /** A request that ended in a 500. Only the route, method and request id go with it. */
  captureRequestError(
    error: unknown,
    request: { id: string; method: string; route: string | undefined },
  ): void;
  /** A failure outside a request (a command, shutdown after a crash). */
  captureError(error: unknown, context?: Record<string, string>): void;
  /** Sends what is queued (at most `timeoutMs`) and stops. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * The reporter for this configuration. Without SENTRY_DSN nothing is loaded: `@sentry/node`
 * (and the OpenTelemetry it brings) is imported only when a DSN is set, so the default
 * install runs none of it.
 */
export async function loadErrorReporter(
  config: Pick<Config, 'SENTRY_DSN'>,
  options: { release?: string; environment?: string } = {},
): Promise<ErrorReporter | undefined> {
  if (!config.SENTRY_DSN) return undefined;
  const { initSentry } = await import('./sentry');
  return initSentry({ dsn: config.SENTRY_DSN, ...options });
}
