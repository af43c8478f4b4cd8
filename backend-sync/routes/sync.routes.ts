import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  enrollRequestSchema,
  enrollResponseSchema,
  pushAuditRequestSchema,
  pushAuditResponseSchema,
  SYNC_API_PREFIX,
} from '../../common/sync/protocol';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AuditIngestService } from '../sync/audit-ingest.service';
import { authenticateDevice } from '../sync/device-auth';
import { EnrollmentService } from '../sync/enrollment.service';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }).passthrough(),
});

export interface SyncRouteDeps {
  config: Config;
  database: Database;
  now: () => number;
  /** Ed25519 public key (SPKI PEM) the device pins at enrollment. */
  serverPublicKey: () => string;
}

/** Store PC endpoints: enrollment (code → credential) and audit upload. */
export function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const enrollment = new EnrollmentService(deps.database.db, deps.now);
  const ingest = new AuditIngestService(deps.database.db, deps.database.dialect, deps.now);

  r.post(
    `${SYNC_API_PREFIX}/enroll`,
    {
      schema: {
        tags: ['sync'],
        body: enrollRequestSchema,
        response: { 200: enrollResponseSchema, 400: errorBody },
      },
      config: {
        rateLimit: { max: deps.config.AUTH_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' },
      },
    },
    async (request) => {
      const device = await enrollment.enroll(request.body);
      return { ...device, serverPublicKey: deps.serverPublicKey(), serverTime: deps.now() };
    },
  );

  r.post(
    `${SYNC_API_PREFIX}/audit`,
    {
      schema: {
        tags: ['sync'],
        headers: z
          .object({ 'idempotency-key': z.string().regex(/^[A-Za-z0-9_-]{8,128}$/) })
          .passthrough(),
        body: pushAuditRequestSchema,
        response: { 200: pushAuditResponseSchema, 401: errorBody, 409: errorBody, 422: errorBody },
      },
    },
    async (request) => {
      const device = await authenticateDevice(deps.database.db, request.headers.authorization);
      return ingest.ingest(device, request.headers['idempotency-key'], request.body.entries);
    },
  );
}
