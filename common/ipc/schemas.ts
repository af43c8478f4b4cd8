import { z } from 'zod';
import { PC_MODES } from '../rbac/offered-actions';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../audit/audit-record';
import { effectivePolicySchema, policyDocumentSchema, PROFILE_IDS, ROLES } from '../policy/policy';
import { nameText } from '../text/canonical-text';
import {
  BRAND_NAME_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  STORE_NAME_MAX_LENGTH,
  USERNAME_RAW_MAX_LENGTH,
} from '../text/text-limits';

/**
 * Shapes that cross the IPC boundary. Requests are strict (unknown keys refused) and bounded
 * (no megabyte passwords); responses are parsed on the way out too, which strips any field a
 * handler returned by mistake — a hash or a secret never reaches the renderer (invariant 1).
 * Every string of a request is canonical text (dispatch checks the whole payload); names are
 * canonical names (no control or text-direction character: they reach the audit log and the
 * screens), with the limits the sync server uses (common/text/text-limits.ts).
 */
const id = z.string().uuid();
/** A username as typed: normalised by core, recorded as typed when a creation is refused. */
export const rawUsernameInput = nameText(USERNAME_RAW_MAX_LENGTH);
const displayNameInput = nameText(DISPLAY_NAME_MAX_LENGTH, { trim: true, min: 1 });
const emailInput = z.union([z.literal(''), z.string().trim().email().max(EMAIL_MAX_LENGTH)]);
export const roleSchema = z.enum(ROLES);
export const passwordInput = z.string().min(1).max(1024);

/** A person's password rules (common/policy PasswordRules): what the core checks a change with. */
export const passwordRulesSchema = z.object({
  policy: effectivePolicySchema,
  context: z.object({
    username: z.string().optional(),
    displayName: z.string().optional(),
    email: z.string().optional(),
    storeName: z.string().optional(),
    brandName: z.string().optional(),
  }),
});

export const sessionViewSchema = z.object({
  sessionId: id,
  accountId: id,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  state: z.enum(['active', 'locked']),
  startedAt: z.number(),
  idleLockMinutes: z.number(),
  expiresAt: z.number(),
});
export type SessionViewDto = z.infer<typeof sessionViewSchema>;

export const signInStepSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('signed_in'),
    session: sessionViewSchema,
    clockProblem: z.boolean(),
    recoveryCodes: z.array(z.string()).optional(),
    recoveryCodesLeft: z.number().optional(),
  }),
  z.object({ status: z.literal('needs_totp'), challengeId: id }),
  z.object({
    status: z.literal('needs_password_change'),
    challengeId: id,
    reason: z.enum(['temporary', 'required', 'expired']),
    rules: passwordRulesSchema,
  }),
  z.object({ status: z.literal('needs_totp_enrollment'), challengeId: id }),
]);
export type SignInStepDto = z.infer<typeof signInStepSchema>;

export const enrollmentSchema = z.object({
  manualKey: z.string(),
  otpauthUri: z.string(),
  qrDataUrl: z.string(),
});

export const timeStatusSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    reason: z.literal('clock_moved_back'),
    since: z.number(),
    behindMs: z.number(),
  }),
]);

export const staffSummarySchema = z.object({
  id,
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(['active', 'disabled']),
  totpEnabled: z.boolean(),
  locked: z.boolean(),
  mustChangePassword: z.boolean(),
  lastSignInAt: z.number().nullable(),
  createdAt: z.number(),
});
export type StaffSummaryDto = z.infer<typeof staffSummarySchema>;

export const newStaffSchema = z
  .object({
    username: rawUsernameInput,
    displayName: displayNameInput,
    email: emailInput,
    role: roleSchema,
  })
  .strict();

export const firstAdminSchema = z
  .object({
    profile: z.enum(PROFILE_IDS),
    storeName: nameText(STORE_NAME_MAX_LENGTH, { trim: true, min: 1 }),
    brandName: nameText(BRAND_NAME_MAX_LENGTH, { trim: true }),
    username: rawUsernameInput,
    displayName: displayNameInput,
    email: emailInput,
    password: passwordInput,
  })
  .strict();

export const auditEntrySchema = z.object({
  seq: z.number(),
  at: z.number(),
  deviceId: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.enum(AUDIT_ACTIONS),
  targetId: z.string().nullable(),
  targetName: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;

export const auditFilterSchema = z
  .object({
    person: id.optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(500).optional(),
    offset: z.number().int().min(0).max(10_000_000).optional(),
  })
  .strict();

export const auditVerificationSchema = z.union([
  z.object({ ok: z.literal(true), checked: z.number() }),
  z.object({
    ok: z.literal(false),
    checked: z.number(),
    firstBadSeq: z.number(),
    reason: z.enum([
      'sequence_gap',
      'previous_hash_mismatch',
      'hash_mismatch',
      'mac_mismatch',
      'unreadable',
      'truncated',
    ]),
  }),
]);

export const myOverviewSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: roleSchema,
  totpEnabled: z.boolean(),
  totpRequired: z.boolean(),
  recoveryCodesLeft: z.number(),
  passwordChangedAt: z.number(),
  passwordExpiresAt: z.number().nullable(),
  passwordRules: passwordRulesSchema,
});

export const parkedSessionSchema = z.object({
  sessionId: id,
  username: z.string(),
  displayName: z.string(),
});

export const appStateSchema = z.object({
  version: z.string(),
  needsSetup: z.boolean(),
  session: sessionViewSchema.nullable(),
  parked: z.array(parkedSessionSchema),
  time: timeStatusSchema,
  device: z.object({
    storeName: z.string(),
    brandName: z.string(),
    mode: z.enum(['standalone', 'enrolled']),
    /** What the staff screens offer depends on it (common/rbac/offered-actions.ts). */
    pcMode: z.enum(PC_MODES),
  }),
});
export type AppStateDto = z.infer<typeof appStateSchema>;

export const policyViewSchema = z.object({
  document: policyDocumentSchema,
  editable: z.boolean(),
});

export { policyDocumentSchema, id as idSchema };
