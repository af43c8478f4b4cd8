import { z } from 'zod';

/**
 * The admin API's devices (store PCs): enrollment codes, the device list of a store and a
 * revoked device. Shared by the sync server's routes and the desktop's admin area.
 */

export const deviceSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  name: z.string(),
  appVersion: z.string().nullable(),
  enrolledAt: z.number(),
  lastSyncAt: z.number().nullable(),
  acknowledgedSeq: z.number().int(),
  reportedSeq: z.number().int(),
  pendingEvents: z.number().int(),
  status: z.enum(['active', 'revoked']),
  revokedAt: z.number().nullable(),
});
export type DeviceDto = z.infer<typeof deviceSchema>;

/** GET /api/v1/stores/:id/devices */
export const devicesResponse = z.object({ devices: z.array(deviceSchema) });

/** POST /api/v1/stores/:id/enrollment-codes */
export const enrollmentCodeSchema = z.object({
  storeId: z.string(),
  /** Shown once; stored only as a hash. Type it on the store PC within 15 minutes. */
  code: z.string(),
  expiresAt: z.number(),
});
