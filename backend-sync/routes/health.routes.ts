import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { Database } from '../db/database';
import { unauthorized } from '../errors';

/**
 * Liveness, readiness (the database answers) and Prometheus metrics. With METRICS_TOKEN set,
 * /metrics answers only `Authorization: Bearer <token>` (compared in constant time); without it,
 * anyone who reaches the server can read the counters (docs/OPERATIONS.md: block it at the proxy).
 */
/**
 * Monitors and load balancers poll /health and /ready, often many from one shared address: the
 * per-address limit would answer them 429 and take a healthy instance out of rotation. Both are
 * cheap (/ready runs `select 1`).
 */
const OUTSIDE_RATE_LIMIT = { rateLimit: false } as const;

export function healthRoutes(
  app: FastifyInstance,
  database: Database,
  registry: Registry,
  metricsToken?: string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/health',
    {
      config: OUTSIDE_RATE_LIMIT,
      schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );
  r.get(
    '/ready',
    {
      config: OUTSIDE_RATE_LIMIT,
      schema: {
        tags: ['operations'],
        response: {
          200: z.object({ status: z.literal('ready') }),
          503: z.object({ status: z.literal('unavailable') }),
        },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(database.db);
        return { status: 'ready' as const };
      } catch (error) {
        request.log.warn({ err: error }, 'database not reachable');
        return reply.status(503).send({ status: 'unavailable' as const });
      }
    },
  );
  const expected = metricsToken
    ? createHash('sha256').update(`Bearer ${metricsToken}`).digest()
    : null;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (expected) {
      // Hashes of equal length, so the comparison takes the same time whatever was sent.
      const given = createHash('sha256')
        .update(request.headers.authorization ?? '')
        .digest();
      if (!timingSafeEqual(given, expected)) throw unauthorized('Metrics need their token.');
    }
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
