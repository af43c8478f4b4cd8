import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  createUserResponse,
  eraseResponse,
  listUsersResponse,
  mailSentResponse,
  twoFactorResetResponse,
  unlockResponse,
  userDetailResponse,
  userResponse,
} from '../../common/admin-api/people.schemas';
import type { Permission } from '../../common/rbac/permissions';
import { principalOf, requirePermission } from '../auth/auth.plugin';
import { loadActor, type Actor } from '../people/people-deps';
import { clientMeta, type PeopleServices } from '../people/people-services';
import {
  createUserBody,
  eraseBody,
  exportResponse,
  idParam,
  listUsersQuery,
  roleBody,
  statusBody,
  updateUserBody,
} from '../people/people.schemas';

/**
 * /api/v1/users — people across stores, for admins and managers.
 *
 * | route                          | permission        | admin | manager (own stores, viewers) |
 * |--------------------------------|-------------------|-------|-------------------------------|
 * | GET    /                       | staff.read        | all   | scoped                        |
 * | POST   /                       | staff.create      | any   | viewers in own stores         |
 * | GET    /:id                    | staff.read        | yes   | scoped                        |
 * | PATCH  /:id                    | staff.edit        | yes   | scoped, own stores only       |
 * | PUT    /:id/role               | staff.change_role | yes   | —                             |
 * | PUT    /:id/status             | staff.disable     | yes   | scoped                        |
 * | POST   /:id/unlock             | staff.unlock      | yes   | scoped                        |
 * | POST   /:id/verification       | staff.create      | yes   | scoped                        |
 * | POST   /:id/password-reset     | staff.reset       | yes   | scoped                        |
 * | POST   /:id/two-factor-reset   | staff.reset_2fa   | yes   | scoped                        |
 * | GET    /:id/export             | staff.export      | yes   | —                             |
 * | POST   /:id/erase              | staff.erase       | yes   | —                             |
 *
 * A role without the permission gets 403; a person outside the caller's scope is 404 (as if
 * they did not exist); a value outside it (a role above the caller's, another store) is 403.
 */
export function usersRoutes(app: FastifyInstance, people: PeopleServices): void {
  const { directory, users, access, userRecovery, gdpr } = people;
  const actor = (request: FastifyRequest): Promise<Actor> =>
    loadActor(people.deps.db, principalOf(request));
  // What most /:id actions take, in this order: the caller (with their stores), the person's id,
  // and the client (for the audit entry).
  const onPerson = async (request: FastifyRequest & { params: { id: string } }) =>
    [await actor(request), request.params.id, clientMeta(request)] as const;

  app.register(
    async (scope) => {
      const r = scope.withTypeProvider<ZodTypeProvider>();
      const guard = (permission: Permission) => [scope.authenticate, requirePermission(permission)];
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });

      r.get(
        '/',
        {
          preHandler: guard('staff.read'),
          schema: {
            tags: ['users'],
            querystring: listUsersQuery,
            response: { 200: listUsersResponse },
          },
        },
        async (request) => directory.list(await actor(request), request.query),
      );

      r.post(
        '/',
        {
          preHandler: guard('staff.create'),
          schema: {
            tags: ['users'],
            body: createUserBody,
            response: { 201: createUserResponse },
          },
        },
        async (request, reply) => {
          const created = await users.create(
            await actor(request),
            request.body,
            clientMeta(request),
          );
          return reply.status(201).send(created);
        },
      );

      r.get(
        '/:id',
        {
          preHandler: guard('staff.read'),
          schema: { tags: ['users'], params: idParam, response: { 200: userDetailResponse } },
        },
        async (request) => directory.get(await actor(request), request.params.id),
      );

      r.patch(
        '/:id',
        {
          preHandler: guard('staff.edit'),
          schema: {
            tags: ['users'],
            params: idParam,
            body: updateUserBody,
            response: { 200: userResponse },
          },
        },
        async (request) =>
          users.update(await actor(request), request.params.id, request.body, clientMeta(request)),
      );

      r.put(
        '/:id/role',
        {
          preHandler: guard('staff.change_role'),
          schema: {
            tags: ['users'],
            params: idParam,
            body: roleBody,
            response: { 200: userResponse },
          },
        },
        async (request) =>
          access.setRole(
            await actor(request),
            request.params.id,
            request.body.role,
            clientMeta(request),
          ),
      );

      r.put(
        '/:id/status',
        {
          preHandler: guard('staff.disable'),
          schema: {
            tags: ['users'],
            params: idParam,
            body: statusBody,
            response: { 200: userResponse },
          },
        },
        async (request) =>
          access.setStatus(
            await actor(request),
            request.params.id,
            request.body.status,
            clientMeta(request),
          ),
      );

      r.post(
        '/:id/unlock',
        {
          preHandler: guard('staff.unlock'),
          schema: { tags: ['users'], params: idParam, response: { 200: unlockResponse } },
        },
        async (request) => access.unlock(...(await onPerson(request))),
      );

      r.post(
        '/:id/verification',
        {
          preHandler: guard('staff.create'),
          schema: { tags: ['users'], params: idParam, response: { 202: mailSentResponse } },
        },
        async (request, reply) =>
          reply
            .status(202)
            .send(await userRecovery.resendVerification(...(await onPerson(request)))),
      );

      r.post(
        '/:id/password-reset',
        {
          preHandler: guard('staff.reset'),
          schema: { tags: ['users'], params: idParam, response: { 202: mailSentResponse } },
        },
        async (request, reply) =>
          reply.status(202).send(await userRecovery.startReset(...(await onPerson(request)))),
      );

      // A lost or replaced phone: clears the person's 2FA, signs them out everywhere, and mails
      // them a security alert with a link to enroll a new authenticator (password unchanged).
      r.post(
        '/:id/two-factor-reset',
        {
          preHandler: guard('staff.reset_2fa'),
          schema: { tags: ['users'], params: idParam, response: { 200: twoFactorResetResponse } },
        },
        async (request) => userRecovery.resetTwoFactor(...(await onPerson(request))),
      );

      r.get(
        '/:id/export',
        {
          preHandler: guard('staff.export'),
          schema: { tags: ['users', 'gdpr'], params: idParam, response: { 200: exportResponse } },
        },
        async (request, reply) => {
          const data = await gdpr.exportPerson(...(await onPerson(request)));
          reply.header(
            'content-disposition',
            `attachment; filename="keyholder-person-${request.params.id}.json"`,
          );
          return data;
        },
      );

      r.post(
        '/:id/erase',
        {
          preHandler: guard('staff.erase'),
          schema: {
            tags: ['users', 'gdpr'],
            params: idParam,
            body: eraseBody,
            response: { 200: eraseResponse },
          },
        },
        async (request) =>
          gdpr.erase(
            await actor(request),
            request.params.id,
            request.body.confirmEmail,
            clientMeta(request),
          ),
      );
    },
    { prefix: '/api/v1/users' },
  );
}
