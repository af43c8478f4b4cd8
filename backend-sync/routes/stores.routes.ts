import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requirePermission } from '../auth/auth.plugin';
import { assertStoreVisible } from '../stores/store-access';
import {
  createStoreBody,
  storeBrandField,
  storeNameField,
  storeSchema,
  storesResponse,
} from '../../common/admin-api/stores.schemas';
import { adminErrors, errorBody, idParams, type AdminRouteDeps } from './admin-schemas';

const updateBody = z
  .strictObject({ name: storeNameField.optional(), brand: storeBrandField.optional() })
  .refine((b) => b.name !== undefined || b.brand !== undefined, { message: 'nothing to change' });

/**
 * /api/v1/stores: admins create, rename and delete stores and see them all; managers see the
 * stores they are assigned to (any other store id is a 404, as if it did not exist).
 */
export function storeRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { db } = deps.database;
  const { stores } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['stores'];

  r.get(
    '/api/v1/stores',
    {
      preHandler: [app.authenticate, requirePermission('store.read')],
      schema: {
        tags,
        response: { 200: storesResponse, ...adminErrors },
      },
    },
    async (request) => ({ stores: await stores.list(principalOf(request)) }),
  );

  r.post(
    '/api/v1/stores',
    {
      preHandler: [app.authenticate, requirePermission('store.manage')],
      schema: { tags, body: createStoreBody, response: { 201: storeSchema, ...adminErrors } },
    },
    async (request, reply) => {
      reply.status(201);
      return stores.create(principalOf(request), request.body);
    },
  );

  r.get(
    '/api/v1/stores/:id',
    {
      preHandler: [app.authenticate, requirePermission('store.read')],
      schema: { tags, params: idParams, response: { 200: storeSchema, ...adminErrors } },
    },
    async (request) => {
      await assertStoreVisible(db, principalOf(request), request.params.id);
      return stores.get(request.params.id);
    },
  );

  r.patch(
    '/api/v1/stores/:id',
    {
      preHandler: [app.authenticate, requirePermission('store.manage')],
      schema: {
        tags,
        params: idParams,
        body: updateBody,
        response: { 200: storeSchema, ...adminErrors },
      },
    },
    async (request) => stores.update(principalOf(request), request.params.id, request.body),
  );

  r.delete(
    '/api/v1/stores/:id',
    {
      preHandler: [app.authenticate, requirePermission('store.manage')],
      schema: {
        tags,
        params: idParams,
        response: { 204: z.null(), ...adminErrors, 409: errorBody },
      },
    },
    async (request, reply) => {
      await stores.remove(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
