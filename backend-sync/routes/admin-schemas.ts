import { z } from 'zod';
import { DATE_MAX_MS } from '../../common/time/time.schemas';
import type { ServerClock } from '../clock';
import type { Database } from '../db/database';
import type { PolicyService } from '../policies/policy.service';
import type { AdminServices } from '../services/admin-services';
import type { ServerAudit } from '../services/server-audit';
import type { SyncServices } from '../sync/sync-services';

/**
 * Schemas shared by the admin API routes of stores, devices, policies, audit and analytics.
 * Query strings and bodies are strict (an unknown parameter is a 400, never ignored); every
 * response has a schema, so nothing the handler did not mean to send can leak.
 */

export const errorBody = z.object({
  error: z.looseObject({ code: z.string(), message: z.string(), requestId: z.string() }),
});

/** The error answers an authenticated admin route can give, for the OpenAPI document. */
export const adminErrors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
} as const;

export const idParams = z.strictObject({ id: z.uuid() });

/**
 * A time in a query string: milliseconds since the epoch, or an ISO 8601 date ("2026-11-29",
 * midnight UTC) or date-time with an offset or Z.
 */
export const timeParam = z
  .string()
  .max(40)
  .describe(
    'Milliseconds since the epoch, or an ISO 8601 date (`2026-11-29`, midnight UTC) or date-time with `Z` or an offset.',
  )
  .transform((value, ctx) => {
    if (/^\d{1,16}$/.test(value)) {
      const ms = Number(value);
      if (ms <= DATE_MAX_MS) return ms;
    } else if (
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)
    ) {
      const ms = Date.parse(value);
      if (Number.isFinite(ms) && ms >= 0 && ms <= DATE_MAX_MS) return ms;
    }
    ctx.addIssue({ code: 'custom', message: 'expected milliseconds or an ISO 8601 date' });
    return z.NEVER;
  });

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What the admin API route files (stores, devices, policies, audit, analytics) need: the
 * services are built by the composition root (app.ts), never by a route file.
 */
export interface AdminRouteDeps
  extends AdminServices, Pick<SyncServices, 'enrollment' | 'devices'> {
  database: Database;
  clock: ServerClock;
  audit: ServerAudit;
  policies: PolicyService;
  /** The public half of the policy key, shown to admins (devices pin it at enrollment). */
  policyKey: { publicKeyPem: string; keyId: string };
}
