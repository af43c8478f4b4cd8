import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  dormantAccountsSchema,
  lockoutsSchema,
  outOfSyncSchema,
  signInsPerDaySchema,
} from '../../common/admin-api/analytics.schemas';
import { principalOf, requirePermission } from '../auth/auth.plugin';
import { HttpError } from '../errors';
import { readableStores } from '../stores/store-access';
import { adminErrors, DAY_MS, timeParam, type AdminRouteDeps } from './admin-schemas';

/** The longest range one figures query may cover. */
const MAX_RANGE_DAYS = 366;

const range = {
  store: z.uuid().optional(),
  /** Inclusive; default: 30 days before `to`. */
  from: timeParam.optional(),
  /** Exclusive; default: now. */
  to: timeParam.optional(),
};

const signInsQuery = z.strictObject({
  ...range,
  /** Days are counted in this time zone (minutes east of UTC); default UTC. */
  utcOffsetMinutes: z.coerce.number().int().min(-840).max(840).default(0),
});
const lockoutsQuery = z.strictObject(range);
const outOfSyncQuery = z.strictObject({
  store: z.uuid().optional(),
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24),
});
const dormantQuery = z.strictObject({
  store: z.uuid().optional(),
  days: z.coerce.number().int().min(1).max(3650).default(90),
});

/**
 * /api/v1/analytics (admins): sign-ins and failures per store per day, lockouts, devices out
 * of sync, dormant accounts. Each takes an optional `store`.
 */
export function analyticsRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { db } = deps.database;
  const { analytics } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['analytics'];
  const preHandler = [app.authenticate, requirePermission('analytics.read')];

  const resolveRange = (q: { from?: number | undefined; to?: number | undefined }) => {
    const to = q.to ?? deps.clock.nowMs();
    const from = q.from ?? to - 30 * DAY_MS;
    if (from > to || to - from > MAX_RANGE_DAYS * DAY_MS) {
      throw badRange();
    }
    return { from, to };
  };

  r.get(
    '/api/v1/analytics/sign-ins',
    {
      preHandler,
      schema: {
        tags,
        querystring: signInsQuery,
        response: {
          200: signInsPerDaySchema,
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const stores = await readableStores(db, principalOf(request), q.store);
      const { from, to } = resolveRange(q);
      const days = await analytics.signInsPerDay({
        stores,
        from,
        to,
        utcOffsetMinutes: q.utcOffsetMinutes,
      });
      const totals = { signIns: 0, failures: 0, lockouts: 0 };
      for (const d of days) {
        totals.signIns += d.signIns;
        totals.failures += d.failures;
        totals.lockouts += d.lockouts;
      }
      return { range: { from, to }, utcOffsetMinutes: q.utcOffsetMinutes, days, totals };
    },
  );

  r.get(
    '/api/v1/analytics/lockouts',
    {
      preHandler,
      schema: {
        tags,
        querystring: lockoutsQuery,
        response: {
          200: lockoutsSchema,
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const stores = await readableStores(db, principalOf(request), request.query.store);
      const { from, to } = resolveRange(request.query);
      return { range: { from, to }, lockouts: await analytics.lockouts({ stores, from, to }) };
    },
  );

  r.get(
    '/api/v1/analytics/devices-out-of-sync',
    {
      preHandler,
      schema: {
        tags,
        querystring: outOfSyncQuery,
        response: {
          200: outOfSyncSchema,
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const { hours, store } = request.query;
      const stores = await readableStores(db, principalOf(request), store);
      return {
        hours,
        devices: await analytics.devicesOutOfSync({ stores, hours, now: deps.clock.nowMs() }),
      };
    },
  );

  r.get(
    '/api/v1/analytics/dormant-accounts',
    {
      preHandler,
      schema: {
        tags,
        querystring: dormantQuery,
        response: {
          200: dormantAccountsSchema,
          ...adminErrors,
        },
      },
    },
    async (request) => {
      const { days, store } = request.query;
      const stores = await readableStores(db, principalOf(request), store);
      return {
        days,
        accounts: await analytics.dormantAccounts({ stores, days, now: deps.clock.nowMs() }),
      };
    },
  );
}

function badRange() {
  return new HttpError(
    400,
    'invalid_range',
    `Choose a time range of at most ${MAX_RANGE_DAYS} days, with from before to.`,
  );
}
