import { z } from 'zod';
import { nameText } from '../text/canonical-text';
import { DEVICE_NAME_MAX_LENGTH } from '../text/text-limits';

/**
 * IPC shapes of the sync engine (electron/core/sync). The status carries no secret: the
 * device credential and the pinned key stay in core.
 */
export const syncErrorSchema = z.object({ code: z.string(), message: z.string() });

export const syncStatusSchema = z.object({
  /** Enrolled with a sync server. */
  connected: z.boolean(),
  serverUrl: z.string().nullable(),
  storeName: z.string(),
  /**
   * idle: last sync succeeded or none yet; syncing: a run is in progress; offline: the server
   * could not be reached (retrying with backoff); error: the server refused (see lastError);
   * revoked: an admin revoked this PC (connect again with a new code).
   */
  state: z.enum(['idle', 'syncing', 'offline', 'error', 'revoked']),
  lastSyncAt: z.number().nullable(),
  lastAttemptAt: z.number().nullable(),
  /**
   * When the next automatic run starts (after a failure: the next try), never a time already
   * past; null while a run is under way, when none is scheduled, and on a revoked PC.
   */
  nextSyncAt: z.number().nullable(),
  /** The PC's trusted time when this status was read (the UI counts down from it). */
  checkedAt: z.number(),
  /** Audit entries not yet acknowledged by the server. */
  pendingEntries: z.number().int().nonnegative(),
  /** Password changes made on this PC not yet accepted by the server. */
  pendingAccountChanges: z.number().int().nonnegative(),
  lastError: syncErrorSchema.nullable(),
  /** Set while a run moves a large backlog. */
  progress: z
    .object({
      phase: z.enum(['download', 'upload']),
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
    })
    .nullable(),
});
export type SyncStatusDto = z.infer<typeof syncStatusSchema>;

export const connectRequestSchema = z
  .object({
    serverUrl: z.string().trim().min(1).max(2048),
    code: z.string().trim().min(8).max(64),
    deviceName: nameText(DEVICE_NAME_MAX_LENGTH, { trim: true, min: 1 }),
  })
  .strict();
