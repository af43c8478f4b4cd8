import { z } from 'zod';
import { PROFILE_IDS, ROLES, policyDocumentSchema } from '../policy/policy';
import { signedPolicySchema } from '../sync/protocol';

/**
 * The admin API's policies (/api/v1/policies): the policy per role (profile + overrides),
 * versioned and signed. Shared by the sync server's routes and the desktop's admin area.
 */

/** PUT /api/v1/policies */
export const publishPolicyBody = z.strictObject({
  /** The version the admin edited; when given and no longer current, 409 policy_conflict. */
  basedOnVersion: z.int().min(1).optional(),
  roles: policyDocumentSchema.shape.roles,
});

/** A profile that does not meet a standard, and the roles that use it. */
export const policyWarningSchema = z.object({
  profile: z.enum(PROFILE_IDS),
  roles: z.array(z.enum(ROLES)),
  message: z.string(),
});

export const policyProfilesSchema = z.object({
  admin: z.enum(PROFILE_IDS),
  manager: z.enum(PROFILE_IDS),
  viewer: z.enum(PROFILE_IDS),
});

export const policyHistoryEntrySchema = z.object({
  version: z.number().int(),
  issuedAt: z.number(),
  createdBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  profiles: policyProfilesSchema,
});

/** GET /api/v1/policies */
export const policiesResponse = z.object({
  current: signedPolicySchema,
  warnings: z.array(policyWarningSchema),
  /** The key that verifies every bundle: the one devices pinned at enrollment. */
  publicKey: z.object({ pem: z.string(), keyId: z.string() }),
  history: z.array(policyHistoryEntrySchema),
});

/** PUT /api/v1/policies */
export const publishPolicyResponse = z.object({
  policy: signedPolicySchema,
  warnings: z.array(policyWarningSchema),
  unchanged: z.boolean(),
});
