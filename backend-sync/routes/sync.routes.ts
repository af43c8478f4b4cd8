import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  enrollRequestSchema,
  enrollResponseSchema,
  pullQuerySchema,
  pullResponseSchema,
  pushAccountChangesRequestSchema,
  pushAccountChangesResponseSchema,
  pushAuditRequestSchema,
  pushAuditResponseSchema,
  SYNC_API_PREFIX,
} from '../../common/sync/protocol';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { DEVICE_SCHEME } from '../plugins/openapi';
import type { PolicyService } from '../policies/policy.service';
import type { TotpSecretBox } from '../auth/totp-secret-box';
import { createAdmission } from '../plugins/admission';
import { ServerAudit } from '../services/server-audit';
import { AccountChangesService } from '../sync/account-changes.service';
import { AuditIngestService } from '../sync/audit-ingest.service';
import { authenticateDevice } from '../sync/device-auth';
import { EnrollmentService } from '../sync/enrollment.service';
import { PullService } from '../sync/pull.service';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }).passthrough(),
});

/** For the OpenAPI document: these routes take `Authorization: Device <credential>`. */
const deviceSecurity = [{ [DEVICE_SCHEME]: [] }];

const idempotencyHeaders = z
  .object({ 'idempotency-key': z.string().regex(/^[A-Za-z0-9_-]{8,128}$/) })
  .passthrough();

export interface SyncRouteDeps {
  config: Config;
  database: Database;
  now: () => number;
  /** Ed25519 public key (SPKI PEM) the device pins at enrollment. */
  serverPublicKey: () => string;
  /** The signed policy bundles served in pulls. */
  policies: PolicyService;
  /** Where the upload queue's gauge is registered (/metrics). */
  metrics?: Registry;
  /** Opens TOTP secrets (sealed at rest) for the accounts a pull carries. */
  totpSecrets: TotpSecretBox;
}

/**
 * Store PC endpoints: enrollment (code → credential), pull (accounts, revocations, signed
 * policy), audit upload, and offline account changes. Everything but enrollment authenticates
 * with `Authorization: Device <credential>`, checked against the database on every request
 * (a revoked device is refused at once). Answers are never cached.
 */
export function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): void {
  const { db, dialect } = deps.database;
  const audit = new ServerAudit(db, { nowMs: deps.now });
  const enrollment = new EnrollmentService(db, deps.now, audit);
  const ingest = new AuditIngestService(db, dialect, deps.now);
  const pulls = new PullService(db, dialect, deps.now, deps.policies, deps.totpSecrets);
  const accountChanges = new AccountChangesService(db, dialect, deps.now);
  // Uploads wait their turn before their body is read (plugins/admission.ts).
  const admission = createAdmission({
    concurrency: deps.config.SYNC_UPLOAD_CONCURRENCY,
    queue: deps.config.SYNC_UPLOAD_QUEUE,
    retryAfterSeconds: 5,
  });
  const admitted = { onRequest: admission.enter };
  if (deps.metrics) {
    new Gauge({
      name: 'keyholder_sync_uploads',
      help: 'Store PC uploads being processed (state="active") and waiting their turn',
      labelNames: ['state'] as const,
      registers: [deps.metrics],
      collect() {
        const load = admission.load();
        this.set({ state: 'active' }, load.active);
        this.set({ state: 'waiting' }, load.waiting);
      },
    });
  }

  app.register(async (scope) => {
    const r = scope.withTypeProvider<ZodTypeProvider>();
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });

    r.post(
      `${SYNC_API_PREFIX}/enroll`,
      {
        schema: {
          tags: ['sync'],
          body: enrollRequestSchema,
          response: { 200: enrollResponseSchema, 400: errorBody, 409: errorBody },
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

    r.get(
      `${SYNC_API_PREFIX}/pull`,
      {
        schema: {
          tags: ['sync'],
          security: deviceSecurity,
          querystring: pullQuerySchema,
          response: { 200: pullResponseSchema, 400: errorBody, 401: errorBody },
        },
      },
      async (request) => {
        const device = await authenticateDevice(db, request.headers.authorization, dialect);
        return pulls.pull(device, request.query);
      },
    );

    r.post(
      `${SYNC_API_PREFIX}/audit`,
      {
        ...admitted,
        schema: {
          tags: ['sync'],
          security: deviceSecurity,
          headers: idempotencyHeaders,
          body: pushAuditRequestSchema,
          response: {
            200: pushAuditResponseSchema,
            401: errorBody,
            409: errorBody,
            422: errorBody,
            503: errorBody,
          },
        },
      },
      async (request) => {
        const device = await authenticateDevice(db, request.headers.authorization, dialect);
        return ingest.ingest(device, request.headers['idempotency-key'], request.body.entries);
      },
    );

    r.post(
      `${SYNC_API_PREFIX}/accounts`,
      {
        ...admitted,
        schema: {
          tags: ['sync'],
          security: deviceSecurity,
          headers: idempotencyHeaders,
          body: pushAccountChangesRequestSchema,
          response: {
            200: pushAccountChangesResponseSchema,
            401: errorBody,
            409: errorBody,
            422: errorBody,
            503: errorBody,
          },
        },
      },
      async (request) => {
        const device = await authenticateDevice(db, request.headers.authorization, dialect);
        return accountChanges.push(
          device,
          request.headers['idempotency-key'],
          request.body.changes,
        );
      },
    );
  });
}
