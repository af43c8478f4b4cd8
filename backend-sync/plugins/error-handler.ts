import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { HttpError } from '../errors';
import type { ErrorReporter } from '../observability/error-reporter';
import { applySecurityHeaders } from './security';

/**
 * The one error handler. Clients get `{ error: { code, message, requestId } }`:
 * - HttpError: its status, code and message (written for people);
 * - validation failures and Fastify's own 4xx (bad JSON, body too large, wrong content type):
 *   a generic message with the right status, never the parser's detail;
 * - the database away for now (lost connection, SQLite busy past its timeout): 503
 *   `database_unavailable` with Retry-After;
 * - anything else: 500 with a generic message, logged with the request id, and reported to
 *   `reporter` (Sentry, when SENTRY_DSN is set) with the route, method and request id only.
 */
export function registerErrorHandler(app: FastifyInstance, reporter?: ErrorReporter): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const requestId = request.id;
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send({
        error: {
          code: error.code,
          message: error.message,
          requestId,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
      return reply.status(400).send({
        error: { code: 'invalid_request', message: 'The request is not valid.', requestId },
      });
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 429) {
      return reply.status(429).send({
        error: {
          code: 'rate_limited',
          message: 'Too many requests. Wait a moment and try again.',
          requestId,
        },
      });
    }
    if (status >= 400 && status < 500) {
      const code =
        status === 413
          ? 'payload_too_large'
          : status === 414
            ? 'uri_too_long'
            : status === 415
              ? 'unsupported_media_type'
              : 'invalid_request';
      return reply
        .status(status)
        .send({ error: { code, message: 'The request is not valid.', requestId } });
    }
    if (isDatabaseUnavailable(error)) {
      // A database away for now (db/database-unavailable.ts): the request may succeed if tried
      // again, so it is a 503 with Retry-After, which the PCs and load balancers retry, not a
      // fault to report. Logged; counted in keyholder_database_connections_lost_total when a
      // connection was lost.
      request.log.warn(
        { code: (error as { code?: unknown }).code, reason: error.message },
        'database unavailable',
      );
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({
          error: {
            code: 'database_unavailable',
            message: 'The server cannot reach its database right now. Try again in a moment.',
            requestId,
          },
        });
    }
    request.log.error({ err: error }, 'request failed');
    reporter?.captureRequestError(error, {
      id: requestId,
      method: request.method,
      route: request.routeOptions.url,
    });
    return reply.status(500).send({
      error: { code: 'internal', message: 'Something went wrong. Try again later.', requestId },
    });
  });

  app.setNotFoundHandler(
    { preHandler: app.rateLimit ? app.rateLimit() : undefined },
    (request, reply) => {
      reply
        .status(404)
        .send({ error: { code: 'not_found', message: 'Not found.', requestId: request.id } });
    },
  );
}

/**
 * The router's own errors (Fastify's `frameworkErrors`): a path parameter longer than the
 * router takes (414), a URL that does not decode (400). They happen before any hook, so the
 * security headers and the request id are set here; the body is the one shape, and never
 * echoes the URL (it may hold a token, and it is the attacker's text).
 */
export function frameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  applySecurityHeaders(reply.raw);
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply
    .status(tooLong ? 414 : 400)
    .header('x-request-id', request.id)
    .header('content-type', 'application/json; charset=utf-8')
    .send(
      JSON.stringify({
        error: {
          code: tooLong ? 'uri_too_long' : 'invalid_request',
          message: tooLong ? 'The address is too long.' : 'The request is not valid.',
          requestId: request.id,
        },
      }),
    );
}

/**
 * Errors Node's HTTP parser finds before there is a request (Fastify's `clientErrorHandler`): a
 * request line or headers beyond Node's limit (16 KiB: in practice a URL too long) is 414, a
 * request that does not parse is 400, a client too slow to send one is 408. Written to the
 * socket in the one shape with the security headers, then the connection is closed.
 */
export function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [414, 'URI Too Long', 'uri_too_long', 'The address is too long.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request_timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'invalid_request', 'The request is not valid.'];
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code, message, requestId } });
  const headers = new Map<string, string>();
  applySecurityHeaders({
    setHeader: (name, value) => headers.set(name, Array.isArray(value) ? value.join(', ') : value),
    removeHeader: (name) => headers.delete(name),
  });
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Content-Length', String(Buffer.byteLength(body)));
  headers.set('X-Request-Id', requestId);
  headers.set('Connection', 'close');
  const head = [...headers].map(([name, value]) => `${name}: ${value}`).join('\r\n');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n\r\n${body}`);
}
