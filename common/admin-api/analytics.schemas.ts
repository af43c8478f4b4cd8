import { z } from 'zod';
import { deviceSchema } from './devices.schemas';

/**
 * The admin API's figures (/api/v1/analytics): sign-ins and failures per store per day,
 * lockouts, devices out of sync, dormant accounts. Shared by the sync server's routes and the
 * desktop's admin area.
 */

/** The time range a figure covers: from inclusive, to exclusive (ms since the epoch). */
export const analyticsRangeSchema = z.object({ from: z.number(), to: z.number() });

/** GET /api/v1/analytics/sign-ins */
export const signInsPerDaySchema = z.object({
  range: analyticsRangeSchema,
  utcOffsetMinutes: z.number().int(),
  days: z.array(
    z.object({
      storeId: z.string(),
      storeName: z.string().nullable(),
      day: z.string(),
      signIns: z.number().int(),
      failures: z.number().int(),
      lockouts: z.number().int(),
    }),
  ),
  totals: z.object({
    signIns: z.number().int(),
    failures: z.number().int(),
    lockouts: z.number().int(),
  }),
});

/** GET /api/v1/analytics/lockouts */
export const lockoutsSchema = z.object({
  range: analyticsRangeSchema,
  lockouts: z.array(
    z.object({
      storeId: z.string(),
      storeName: z.string().nullable(),
      accountId: z.string().nullable(),
      accountName: z.string().nullable(),
      lockouts: z.number().int(),
      lastAt: z.number(),
    }),
  ),
});

/** GET /api/v1/analytics/devices-out-of-sync */
export const outOfSyncSchema = z.object({
  hours: z.number().int(),
  devices: z.array(
    deviceSchema.extend({
      storeName: z.string().nullable(),
      hoursSinceSync: z.number().int().nullable(),
    }),
  ),
});

/** GET /api/v1/analytics/dormant-accounts */
export const dormantAccountsSchema = z.object({
  days: z.number().int(),
  accounts: z.array(
    z.object({
      id: z.string(),
      username: z.string(),
      displayName: z.string(),
      role: z.string(),
      createdAt: z.number(),
      lastSignInAt: z.number().nullable(),
      daysInactive: z.number().int(),
    }),
  ),
});
