import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { principalOf } from '../auth/auth.plugin';
import { RetryLaterError } from '../auth/auth-errors';
import {
  changePasswordBody,
  enrollmentResponse,
  meResponse,
  newPasswordBody,
  refreshBody,
  setupCompleteBody,
  setupCompleteResponse,
  setupStartBody,
  signInBody,
  tokensResponse,
} from '../auth/auth.schemas';
import type { AuthServices } from '../auth/auth-services';
import { normalizeEmail } from '../auth/secret-tokens';
import type { ClientMeta } from '../auth/token.service';
import type { Config } from '../config';
import { HttpError } from '../errors';

const WINDOW = '1 minute';

/**
 * /api/v1/auth: admin setup, sign-in, token refresh, sign-out, password change.
 *
 * Rate limits, on top of the persisted lockout (the real defence against guessing):
 * - per client address, AUTH_RATE_LIMIT_PER_MINUTE per route, counted at onRequest — before
 *   the body is parsed, so malformed bodies count too. request.ip honours X-Forwarded-For only
 *   with TRUST_PROXY, so a forged header cannot open a new bucket;
 * - per account (the email in the body, or the signed-in user), the same number whatever the
 *   address, so a botnet cannot spread guesses on one account across many addresses. A per
 *   (address, account) bucket would add nothing: it can never fill before the per-address one.
 * Counters live in process memory, or with RATE_LIMIT_STORE=database in a table every instance
 * shares (plugins/rate-limit-store.ts).
 */
export function authRoutes(app: FastifyInstance, auth: AuthServices, config: Config): void {
  const max = config.AUTH_RATE_LIMIT_PER_MINUTE;
  const perAddress = { rateLimit: { max, timeWindow: WINDOW } };
  const accountLimit = (key: (request: FastifyRequest) => string) => {
    const limiter = app.createRateLimit({ max, timeWindow: WINDOW, keyGenerator: key });
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await limiter(request);
      if (result.isAllowed || !result.isExceeded) return;
      reply.header('retry-after', String(result.ttlInSeconds));
      throw new HttpError(429, 'rate_limited', 'Too many requests. Wait a moment and try again.');
    };
  };
  const perEmail = accountLimit(
    (r) => `email:${normalizeEmail((r.body as { email?: string } | undefined)?.email ?? '')}`,
  );
  const perUser = accountLimit((r) => `user:${principalOf(r).userId}`);

  app.register(
    async (scope) => {
      const r = scope.withTypeProvider<ZodTypeProvider>();
      // Token and code responses must not be stored by browsers or proxies (RFC 6749 §5.1).
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        reply.header('pragma', 'no-cache');
      });

      r.post(
        '/setup/start',
        {
          config: perAddress,
          preHandler: perEmail,
          schema: { tags: ['auth'], body: setupStartBody, response: { 200: enrollmentResponse } },
        },
        async (request) => auth.setup.start(request.body.email, request.body.setupCode),
      );

      r.post(
        '/setup/complete',
        {
          config: perAddress,
          preHandler: perEmail,
          schema: {
            tags: ['auth'],
            body: setupCompleteBody,
            response: { 200: setupCompleteResponse },
          },
        },
        async (request, reply) => {
          await withRetryAfter(reply, () => auth.setup.complete(request.body));
          return { status: 'active' as const };
        },
      );

      r.post(
        '/sign-in',
        {
          config: perAddress,
          preHandler: perEmail,
          schema: { tags: ['auth'], body: signInBody, response: { 200: tokensResponse } },
        },
        async (request, reply) =>
          withRetryAfter(reply, () => auth.signIn.signIn(request.body, meta(request))),
      );

      r.post(
        '/sign-in/new-password',
        {
          config: perAddress,
          schema: { tags: ['auth'], body: newPasswordBody, response: { 200: tokensResponse } },
        },
        async (request) =>
          auth.passwordChanges.complete(
            request.body.changeToken,
            request.body.newPassword,
            meta(request),
          ),
      );

      r.post(
        '/refresh',
        {
          config: perAddress,
          schema: { tags: ['auth'], body: refreshBody, response: { 200: tokensResponse } },
        },
        async (request) => auth.tokens.refresh(request.body.refreshToken, meta(request)),
      );

      r.post(
        '/sign-out',
        { preHandler: scope.authenticate, schema: { tags: ['auth'] } },
        async (request, reply) => {
          const principal = principalOf(request);
          await auth.tokens.revokeFamily(principal.familyId, 'sign_out');
          await auth.audit.write({
            action: 'auth.sign_out',
            outcome: 'success',
            actorId: principal.userId,
            targetId: principal.userId,
            details: { familyId: principal.familyId, ip: request.ip },
          });
          return reply.status(204).send();
        },
      );

      r.post(
        '/sign-out-everywhere',
        { preHandler: scope.authenticate, schema: { tags: ['auth'] } },
        async (request, reply) => {
          const principal = principalOf(request);
          const revoked = await auth.tokens.revokeAllFor(principal.userId, 'sign_out_everywhere');
          await auth.audit.write({
            action: 'auth.sign_out_everywhere',
            outcome: 'success',
            actorId: principal.userId,
            targetId: principal.userId,
            details: { revokedSessions: revoked, ip: request.ip },
          });
          return reply.status(204).send();
        },
      );

      r.post(
        '/password',
        {
          config: perAddress,
          preHandler: [scope.authenticate, perUser],
          schema: { tags: ['auth'], body: changePasswordBody },
        },
        async (request, reply) => {
          const { currentPassword, newPassword } = request.body;
          await withRetryAfter(reply, () =>
            auth.signIn.changePassword(
              principalOf(request),
              currentPassword,
              newPassword,
              meta(request),
            ),
          );
          return reply.status(204).send();
        },
      );

      r.get(
        '/me',
        {
          preHandler: scope.authenticate,
          schema: { tags: ['auth'], response: { 200: meResponse } },
        },
        async (request) => auth.signIn.account(principalOf(request).userId),
      );
    },
    { prefix: '/api/v1/auth' },
  );
}

function meta(request: FastifyRequest): ClientMeta {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, ...(userAgent ? { userAgent } : {}) };
}

/** Copies a lock's or delay's remaining time into Retry-After before the error is sent. */
export async function withRetryAfter<T>(reply: FastifyReply, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RetryLaterError && error.retryAfterSeconds !== null) {
      reply.header('retry-after', String(error.retryAfterSeconds));
    }
    throw error;
  }
}
