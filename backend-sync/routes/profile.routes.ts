import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf } from '../auth/auth.plugin';
import { RetryLaterError } from '../auth/auth-errors';
import type { Config } from '../config';
import { clientMeta, keyedLimit, type PeopleServices } from '../people/people-services';
import {
  changeEmailBody,
  changeEmailResponse,
  confirmEmailCodeBody,
  emailChangedResponse,
  preferencesPatchSchema,
  preferencesSchema,
  profileResponse,
  revokedResponse,
  sessionsResponse,
  signInsQuery,
  signInsResponse,
  updateProfileBody,
} from '../people/people.schemas';

const sessionParam = z.strictObject({ id: z.uuid() });

/**
 * /api/v1/profile — the signed-in person's own account: name, email change (verified at the
 * new address; the old one is told), notification preferences, sign-in history, sessions.
 * Every route needs a live session and only ever touches the caller's own rows.
 */
export function profileRoutes(app: FastifyInstance, people: PeopleServices, config: Config): void {
  const { profile, emailChange } = people;
  const max = config.AUTH_RATE_LIMIT_PER_MINUTE;

  app.register(
    async (scope) => {
      const r = scope.withTypeProvider<ZodTypeProvider>();
      const perUser = keyedLimit(scope, max, (request) => `profile:${principalOf(request).userId}`);
      const sensitive = { rateLimit: { max, timeWindow: '1 minute' } };
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });

      r.get(
        '/',
        {
          preHandler: scope.authenticate,
          schema: { tags: ['profile'], response: { 200: profileResponse } },
        },
        async (request) => profile.get(principalOf(request).userId),
      );

      r.patch(
        '/',
        {
          preHandler: scope.authenticate,
          schema: {
            tags: ['profile'],
            body: updateProfileBody,
            response: { 200: profileResponse },
          },
        },
        async (request) => {
          const principal = principalOf(request);
          await profile.updateName(principal, request.body.displayName, clientMeta(request));
          return profile.get(principal.userId);
        },
      );

      r.post(
        '/email',
        {
          config: sensitive,
          preHandler: [scope.authenticate, perUser],
          schema: {
            tags: ['profile'],
            body: changeEmailBody,
            response: { 202: changeEmailResponse },
          },
        },
        async (request, reply) => {
          try {
            const { sentTo } = await emailChange.request(
              principalOf(request),
              request.body.newEmail,
              request.body.currentPassword,
              clientMeta(request),
            );
            return reply.status(202).send({ status: 'verification_sent' as const, sentTo });
          } catch (error) {
            if (error instanceof RetryLaterError && error.retryAfterSeconds !== null) {
              reply.header('retry-after', String(error.retryAfterSeconds));
            }
            throw error;
          }
        },
      );

      r.post(
        '/email/confirm',
        {
          config: sensitive,
          preHandler: [scope.authenticate, perUser],
          schema: {
            tags: ['profile'],
            body: confirmEmailCodeBody,
            response: { 200: emailChangedResponse },
          },
        },
        async (request) => {
          const { email } = await emailChange.confirm(
            { userId: principalOf(request).userId, code: request.body.code },
            clientMeta(request),
          );
          return { status: 'email_changed' as const, email };
        },
      );

      r.get(
        '/preferences',
        {
          preHandler: scope.authenticate,
          schema: { tags: ['profile'], response: { 200: preferencesSchema } },
        },
        async (request) => profile.preferences(principalOf(request).userId),
      );

      r.patch(
        '/preferences',
        {
          preHandler: scope.authenticate,
          schema: {
            tags: ['profile'],
            body: preferencesPatchSchema,
            response: { 200: preferencesSchema },
          },
        },
        async (request) =>
          profile.updatePreferences(principalOf(request), request.body, clientMeta(request)),
      );

      r.get(
        '/sign-ins',
        {
          preHandler: scope.authenticate,
          schema: {
            tags: ['profile'],
            querystring: signInsQuery,
            response: { 200: signInsResponse },
          },
        },
        async (request) =>
          profile.signIns(principalOf(request).userId, request.query.limit, request.query.before),
      );

      r.get(
        '/sessions',
        {
          preHandler: scope.authenticate,
          schema: { tags: ['profile'], response: { 200: sessionsResponse } },
        },
        async (request) => ({ sessions: await profile.sessions(principalOf(request)) }),
      );

      r.delete(
        '/sessions/:id',
        { preHandler: scope.authenticate, schema: { tags: ['profile'], params: sessionParam } },
        async (request, reply) => {
          await profile.revokeSession(principalOf(request), request.params.id, clientMeta(request));
          return reply.status(204).send();
        },
      );

      r.post(
        '/sessions/revoke-others',
        {
          preHandler: scope.authenticate,
          schema: { tags: ['profile'], response: { 200: revokedResponse } },
        },
        async (request) => ({
          revoked: await profile.revokeOtherSessions(principalOf(request), clientMeta(request)),
        }),
      );
    },
    { prefix: '/api/v1/profile' },
  );
}
