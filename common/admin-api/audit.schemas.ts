import { z } from 'zod';

/**
 * The admin API's audit answers (/api/v1/audit): entries store PCs uploaded, and the server's
 * own events. Shared by the sync server's routes and the desktop's admin area.
 */

/** An audit entry a store PC uploaded, with the names the server knows. */
export const serverAuditEntrySchema = z.object({
  storeId: z.string(),
  storeName: z.string().nullable(),
  deviceId: z.string(),
  seq: z.number().int(),
  at: z.number(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
  outcome: z.string(),
  details: z.record(z.string(), z.unknown()),
  receivedAt: z.number(),
});
export type ServerAuditEntryDto = z.infer<typeof serverAuditEntrySchema>;

/**
 * GET /api/v1/audit: a page by `offset` (exact `total`, `offset` echoed) or by `cursor`
 * (`total` counted up to a cap: `totalCapped` says there are more). `nextCursor` asks for the
 * next page either way (null on the last one).
 */
export const auditPageSchema = z.object({
  total: z.number().int(),
  totalCapped: z.boolean(),
  limit: z.number().int(),
  offset: z.number().int().optional(),
  nextCursor: z.string().nullable(),
  entries: z.array(serverAuditEntrySchema),
});

/** An event of the server itself (sign-ins, admin actions). */
export const serverEventSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetId: z.string().nullable(),
  storeId: z.string().nullable(),
  outcome: z.string(),
  details: z.record(z.string(), z.unknown()),
});

/** GET /api/v1/audit/server-events */
export const serverEventsPageSchema = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  events: z.array(serverEventSchema),
});
