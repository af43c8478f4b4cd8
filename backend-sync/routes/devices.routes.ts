import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { principalOf, requirePermission } from '../auth/auth.plugin';
import { assertStoreVisible } from '../stores/store-access';
import {
  deviceSchema,
  devicesResponse,
  enrollmentCodeSchema,
} from '../../common/admin-api/devices.schemas';
import { adminErrors, idParams, type AdminRouteDeps } from './admin-schemas';

/**
 * Devices of a store: enrollment codes (admins), the device list (admins, and managers of that
 * store) with last sync, app version and pending audit events, and revocation (admins).
 */
export function deviceRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { db } = deps.database;
  const { enrollment, devices } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['devices'];

  r.post(
    '/api/v1/stores/:id/enrollment-codes',
    {
      preHandler: [app.authenticate, requirePermission('device.enroll')],
      schema: { tags, params: idParams, response: { 201: enrollmentCodeSchema, ...adminErrors } },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await assertStoreVisible(db, principal, request.params.id);
      const issued = await enrollment.issueCode(request.params.id, principal.userId);
      // A one-time secret: never stored by a browser or a proxy.
      reply.header('cache-control', 'no-store').status(201);
      return { storeId: request.params.id, ...issued };
    },
  );

  r.get(
    '/api/v1/stores/:id/devices',
    {
      preHandler: [app.authenticate, requirePermission('device.read')],
      schema: {
        tags,
        params: idParams,
        response: { 200: devicesResponse, ...adminErrors },
      },
    },
    async (request) => {
      await assertStoreVisible(db, principalOf(request), request.params.id);
      return { devices: await devices.listForStore(request.params.id) };
    },
  );

  r.post(
    '/api/v1/devices/:id/revoke',
    {
      preHandler: [app.authenticate, requirePermission('device.revoke')],
      schema: { tags, params: idParams, response: { 200: deviceSchema, ...adminErrors } },
    },
    async (request) => devices.revoke(principalOf(request), request.params.id),
  );
}
