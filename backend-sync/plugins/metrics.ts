import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { LostConnections } from '../db/database';

/**
 * Prometheus metrics on /metrics: process defaults, request counts and durations, and database
 * connections lost under the server (each also logged as a warning).
 */
export function registerMetrics(app: FastifyInstance, lostConnections?: LostConnections): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'keyholder_http_requests_total',
    help: 'HTTP requests by route and status class',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'keyholder_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids and tokens stay out of label values.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, status: `${Math.floor(reply.statusCode / 100)}xx` });
    duration.observe({ route }, reply.elapsedTime / 1000);
  });
  if (lostConnections) {
    const lost = new Counter({
      name: 'keyholder_database_connections_lost_total',
      help: 'Database connections ended under the server (restart, failover, idle timeout)',
      registers: [registry],
    });
    const stop = lostConnections.listen((error) => {
      lost.inc();
      // Code and message only: pg attaches the whole client (connection settings) to the error.
      app.log.warn(
        { code: (error as { code?: unknown }).code, reason: error.message },
        'database connection lost; the next request opens a new one (/ready says when the database is back)',
      );
    });
    app.addHook('onClose', async () => {
      stop();
    });
  }
  return registry;
}
