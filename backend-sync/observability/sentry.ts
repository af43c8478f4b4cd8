import * as Sentry from '@sentry/node';
import type { ErrorReporter } from './error-reporter';

/** Headers whose values never leave the server, whatever collects them. */
const SECRET_HEADER = /^(authorization|cookie|set-cookie|x-device-credential|idempotency-key)$/i;

const FRAMEWORK_INTEGRATIONS = new Set([
  'Fastify',
  'Express',
  'Hapi',
  'Hono',
  'Koa',
  'Nitro',
  'AwsLambdaWeb',
  'Console',
  'LocalVariablesAsync',
]);

export interface SentryOptions {
  dsn: string;
  release?: string;
  environment?: string;
  /** Tests: a transport that records envelopes instead of sending them. */
  transport?: Sentry.NodeOptions['transport'];
}

/**
 * Sentry for the sync server. Imported only when SENTRY_DSN is set (error-reporter.ts).
 *
 * What is sent: the exception (type, message, stack), the route pattern, the method and the
 * request id (to find the matching log line), release and environment. What is not: request
 * bodies, headers, cookies, query strings, client addresses, user data, breadcrumbs, local
 * variables and database parameters (`dataCollection` off, Sentry 11's replacement for
 * `sendDefaultPii: false`; and `beforeSend` removes whatever an integration may still have
 * attached). No tracing.
 */
export function initSentry(options: SentryOptions): ErrorReporter {
  Sentry.init({
    dsn: options.dsn,
    ...(options.release ? { release: options.release } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
    // Sentry 11 replaced `sendDefaultPii` with `dataCollection`: every category off.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
    },
    // Errors are captured by our error handler only (it knows a 4xx from a 5xx, and sends only
    // the route, method and request id); framework integrations would capture on their own.
    integrations: (defaults) => defaults.filter((i) => !FRAMEWORK_INTEGRATIONS.has(i.name)),
    beforeBreadcrumb: () => null,
    beforeSend: (event) => scrubEvent(event),
  });

  return {
    captureRequestError(error, request) {
      Sentry.captureException(error, {
        tags: {
          request_id: request.id,
          route: request.route ?? 'unmatched',
          method: request.method,
        },
      });
    },
    captureError(error, context = {}) {
      Sentry.captureException(error, { tags: context });
    },
    async close(timeoutMs = 2000) {
      await Sentry.close(timeoutMs);
    },
  };
}

/** Keeps the method and the path of a request; drops everything else a client sent. */
export function scrubEvent<E extends Sentry.Event>(event: E): E {
  if (event.request) {
    const url = event.request.url ? event.request.url.split('?')[0] : undefined;
    event.request = {
      ...(event.request.method ? { method: event.request.method } : {}),
      ...(url ? { url } : {}),
    };
  }
  delete event.user;
  delete event.breadcrumbs;
  if (event.contexts) {
    // Response contexts may carry headers too.
    delete event.contexts.response;
  }
  if (event.extra) {
    for (const key of Object.keys(event.extra)) {
      if (SECRET_HEADER.test(key)) delete event.extra[key];
    }
  }
  return event;
}
