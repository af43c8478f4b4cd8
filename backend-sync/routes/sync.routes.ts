import type { ServerClock } from '../clock';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
import {
  enrollPreviewRequestSchema,
  enrollPreviewResponseSchema,
} from '../../common/sync/handover';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { DEVICE_SCHEME } from '../plugins/openapi';
import { createAdmission } from '../plugins/admission';
import { authenticateDevice, type DevicePrincipal } from '../sync/device-auth';
import { compiledBody } from '../plugins/compiled-body';
import { entryTextRefusal } from '../sync/entry-text';
import type { PendingVerdicts } from '../sync/audit-ingest.service';
import type { SyncServices } from '../sync/sync-services';

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
  clock: ServerClock;
  /** Ed25519 public key (SPKI PEM) the device pins at enrollment. */
  serverPublicKey: () => string;
  /** Where the upload queue's gauge is registered (/metrics). */
  metrics?: Registry;
  /** Built by the composition root (sync/sync-services.ts). */
  services: Pick<SyncServices, 'enrollment' | 'ingest' | 'pulls' | 'accountChanges'>;
}

/**
 * Store PC endpoints: enrollment (code → credential), pull (accounts, revocations, signed
 * policy), audit upload, and offline account changes. Everything but enrollment authenticates
 * with `Authorization: Device <credential>`, checked against the database on every request
 * (a revoked device is refused at once). Answers are never cached.
 */
export function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): void {
  const { db, dialect } = deps.database;
  const { enrollment, ingest, pulls, accountChanges } = deps.services;
  // Uploads wait their turn before their body is read (plugins/admission.ts).
  const admission = createAdmission({
    concurrency: deps.config.SYNC_UPLOAD_CONCURRENCY,
    queue: deps.config.SYNC_UPLOAD_QUEUE,
    retryAfterSeconds: 5,
  });
  // Uploads authenticate once admitted and before their body is read: a request without a
  // valid device credential is refused without parsing up to BODY_LIMIT_BYTES of it.
  const devices = new WeakMap<FastifyRequest, DevicePrincipal>();
  const authenticate = async (request: FastifyRequest) => {
    devices.set(request, await authenticateDevice(db, request.headers.authorization, dialect));
  };
  const deviceOf = (request: FastifyRequest): DevicePrincipal => {
    const device = devices.get(request);
    if (!device) throw new Error('upload handled without its device');
    return device;
  };
  const admitted = { onRequest: [admission.enter, authenticate] };
  // An audit upload's hashes and MACs start on a verification thread as soon as its body is
  // parsed, while it is validated and stored (sync/entry-verifier.ts, audit-ingest.service.ts).
  const verdicts = new WeakMap<FastifyRequest, PendingVerdicts>();
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
        return {
          ...device,
          serverPublicKey: deps.serverPublicKey(),
          serverTime: deps.clock.nowMs(),
        };
      },
    );

    // What enrolling would do, for the PC to show before anyone confirms: the code is checked
    // (and rate-limited) like at enrollment but not used.
    r.post(
      `${SYNC_API_PREFIX}/enroll/preview`,
      {
        schema: {
          tags: ['sync'],
          body: enrollPreviewRequestSchema,
          response: { 200: enrollPreviewResponseSchema, 400: errorBody },
        },
        config: {
          rateLimit: { max: deps.config.AUTH_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' },
        },
      },
      async (request) => enrollment.preview(request.body),
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

    // The audit upload in a scope of its own: its JSON body parser also keeps the body's text,
    // which its verification thread parses for itself (sync/entry-verifier.ts).
    scope.register(async (auditScope) => {
      const a = auditScope.withTypeProvider<ZodTypeProvider>();
      const texts = new WeakMap<FastifyRequest, string>();
      const parseJson = auditScope.getDefaultJsonParser('error', 'error');
      auditScope.removeContentTypeParser('application/json');
      auditScope.addContentTypeParser(
        'application/json',
        { parseAs: 'string' },
        (request, body, done) => {
          texts.set(request, body as string);
          parseJson(request, body as string, done);
        },
      );
      a.post(
        `${SYNC_API_PREFIX}/audit`,
        {
          ...admitted,
          // Checked in place by compiled code (plugins/compiled-body.ts), never changed: the
          // handler stores the very values the body's text parses to, which is what the
          // verification thread checks. A failure reaches the handler, which names the entry
          // when its text is the problem (sync/entry-text.ts) and otherwise throws it as is.
          ...compiledBody,
          attachValidation: true,
          preValidation: async (request) => {
            const entries = (request.body as { entries?: unknown } | null)?.entries;
            if (Array.isArray(entries)) {
              const text = texts.get(request);
              verdicts.set(request, ingest.verify(deviceOf(request), entries, text));
            }
          },
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
          if (request.validationError) {
            throw entryTextRefusal(request.body, request.validationError);
          }
          return ingest.ingest(
            deviceOf(request),
            request.headers['idempotency-key'],
            request.body.entries,
            verdicts.get(request),
          );
        },
      );
    });

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
        return accountChanges.push(
          deviceOf(request),
          request.headers['idempotency-key'],
          request.body.changes,
        );
      },
    );
  });
}
