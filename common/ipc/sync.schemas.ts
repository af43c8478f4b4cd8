import { z } from 'zod';
import { HANDOVER_OUTCOMES, HANDOVER_REASONS, MAX_HANDOVER_PEOPLE } from '../sync/handover';
import { ROLES } from '../policy/policy';
import { nameText } from '../text/canonical-text';
import { DEVICE_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH } from '../text/text-limits';

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

/**
 * Addresses the admin types, at connect, for people of this PC who have none (server accounts
 * need one): account id → address. Used only for people without an address of their own.
 */
const handoverEmails = z
  .record(z.string().uuid(), z.string().trim().email().max(EMAIL_MAX_LENGTH))
  .refine((o) => Object.keys(o).length <= MAX_HANDOVER_PEOPLE)
  .optional();

export const connectRequestSchema = z
  .object({
    serverUrl: z.string().trim().min(1).max(2048),
    code: z.string().trim().min(8).max(64),
    deviceName: nameText(DEVICE_NAME_MAX_LENGTH, { trim: true, min: 1 }),
    /**
     * The admin saw the plan (`sync.previewConnect`) and confirmed it. Required on a PC with
     * people of its own: they are handed over to the server's store as the plan says.
     */
    confirmHandover: z.boolean().optional(),
    emails: handoverEmails,
  })
  .strict();

export const connectPreviewRequestSchema = z
  .object({
    serverUrl: z.string().trim().min(1).max(2048),
    code: z.string().trim().min(8).max(64),
    emails: handoverEmails,
  })
  .strict();

/** What connecting would do (common/sync/handover.ts), for the admin to confirm. */
export const connectPreviewSchema = z.object({
  serverUrl: z.string(),
  storeName: z.string(),
  /** The people already assigned to the store on the server. */
  serverPeople: z.array(
    z.object({
      username: z.string(),
      displayName: z.string(),
      role: z.enum(ROLES),
      status: z.enum(['active', 'pending', 'disabled']),
    }),
  ),
  /** One entry per person on this PC (empty on a PC with nobody of its own). */
  plan: z.array(
    z.object({
      id: z.string(),
      username: z.string(),
      displayName: z.string(),
      role: z.enum(ROLES),
      serverRole: z.enum(ROLES),
      outcome: z.enum(HANDOVER_OUTCOMES),
      reason: z.enum(HANDOVER_REASONS),
    }),
  ),
  /** Whoever asks is handed over or kept: false means connecting is refused. */
  keepsAWayIn: z.boolean(),
});
export type ConnectPreviewDto = z.infer<typeof connectPreviewSchema>;

/**
 * "Forgot password?" / "Find my account" on the sign-in screen: which page of the connected
 * sync server's account area, in the UI's language. The URL is built in core from the server
 * this PC is connected to, never taken from the renderer.
 */
export const accountPageRequestSchema = z
  .object({ page: z.enum(['forgot', 'find']), lang: z.enum(['en', 'es', 'fr']) })
  .strict();
/** `opened`: the host opened it in the system browser (Electron); otherwise the UI opens `url`. */
export const accountPageSchema = z.object({ url: z.string(), opened: z.boolean() });
