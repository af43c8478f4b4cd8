import { z } from 'zod';
import {
  personRole as ROLE,
  personStatus as STATUS,
  storeRef,
  type UserDto,
} from '../../common/admin-api/people.schemas';
import { usernameSchema } from '../../common/identity/username';
import { PASSWORD_MAX_LENGTH_CAP } from '../../common/policy';
import { nameText } from '../../common/text/canonical-text';
import {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  STORE_NAME_MAX_LENGTH,
} from '../../common/text/text-limits';
import { preferencesPatchSchema, preferencesSchema } from './preferences';

/**
 * Bodies, queries and answers of the people routes (users, profile, account recovery); the
 * answers of /api/v1/users, which the desktop's admin area checks too, are shared from
 * common/admin-api/people.schemas.ts.
 * Requests are strict objects with bounded strings: an unknown field, a wrong type or an
 * over-long value is a generic 400 before any handler runs. Answers are zod schemas too, so the
 * serializer drops anything not listed: no hash, TOTP secret or token can leak by accident.
 */

// Surrounding spaces (a pasted address) are trimmed before the address is checked.
export const emailField = z.string().trim().max(EMAIL_MAX_LENGTH).pipe(z.email());
const password = z.string().min(1).max(PASSWORD_MAX_LENGTH_CAP);
const totpCode = z.string().min(1).max(16);
const shortCode = z.string().min(1).max(32);
const linkToken = z.string().min(1).max(128);
/** A person's name as shown: a canonical name (no control or bidi control), trimmed, 1–100. */
export const displayNameField = nameText(DISPLAY_NAME_MAX_LENGTH, { trim: true, min: 1 });
/** Tombstones of erased people use "erased-…" usernames; nobody else may. */
export const usernameField = usernameSchema.refine(
  (u) => !u.startsWith('erased-'),
  'This username is reserved.',
);
const storeIds = z.array(z.string().min(1).max(64)).max(200);
export const idParam = z.strictObject({ id: z.uuid() });

// ---- /api/v1/users -------------------------------------------------------------------------

export const createUserBody = z.strictObject({
  email: emailField,
  username: usernameField,
  displayName: displayNameField,
  role: ROLE,
  storeIds: storeIds.default([]),
});

export const updateUserBody = z
  .strictObject({
    displayName: displayNameField.optional(),
    username: usernameField.optional(),
    /** Only while the account is pending (a typo in the invitation); people change their own. */
    email: emailField.optional(),
    storeIds: storeIds.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'Nothing to change.');

export const roleBody = z.strictObject({ role: ROLE });
export const statusBody = z.strictObject({ status: z.enum(['active', 'disabled']) });
export const eraseBody = z.strictObject({
  /** The person's current email address, typed again: erasure cannot be undone. */
  confirmEmail: emailField,
});

export const listUsersQuery = z.strictObject({
  store: z.string().min(1).max(64).optional(),
  role: ROLE.optional(),
  status: STATUS.optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(400).optional(),
});

/** A person as the users routes answer (common/admin-api/people.schemas.ts `userResponse`). */
export type UserView = UserDto;

const jsonObject = z.record(z.string(), z.unknown());
export const exportResponse = z.object({
  format: z.literal('keyholder-person-export/1'),
  exportedAt: z.number(),
  person: z.object({
    id: z.string(),
    email: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: ROLE,
    status: STATUS,
    emailVerifiedAt: z.number().nullable(),
    passwordChangedAt: z.number().nullable(),
    totpEnabled: z.boolean(),
    preferences: preferencesSchema,
    createdAt: z.number(),
    updatedAt: z.number(),
  }),
  stores: z.array(storeRef),
  sessions: z.array(
    z.object({
      id: z.string(),
      createdAt: z.number(),
      lastUsedAt: z.number(),
      expiresAt: z.number(),
      revokedAt: z.number().nullable(),
      userAgent: z.string().nullable(),
    }),
  ),
  serverAudit: z.array(
    z.object({
      at: z.number(),
      action: z.string(),
      outcome: z.string(),
      actorId: z.string().nullable(),
      targetId: z.string().nullable(),
      storeId: z.string().nullable(),
      details: jsonObject,
    }),
  ),
  storeAudit: z.array(
    z.object({
      deviceId: z.string(),
      seq: z.number(),
      storeId: z.string(),
      at: z.number(),
      action: z.string(),
      outcome: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      targetId: z.string().nullable(),
      targetName: z.string().nullable(),
      details: jsonObject,
    }),
  ),
});
export type PersonExport = z.infer<typeof exportResponse>;

// ---- /api/v1/profile -----------------------------------------------------------------------

export const profileResponse = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: ROLE,
  totpEnabled: z.boolean(),
  stores: z.array(storeRef),
  preferences: preferencesSchema,
  /** A new address waiting for confirmation, masked. */
  pendingEmail: z.string().nullable(),
});
export const updateProfileBody = z.strictObject({ displayName: displayNameField });
export const changeEmailBody = z.strictObject({
  newEmail: emailField,
  currentPassword: password,
});
export const changeEmailResponse = z.object({
  status: z.literal('verification_sent'),
  sentTo: z.string(),
});
export const confirmEmailCodeBody = z.strictObject({ code: shortCode });
export const emailChangedResponse = z.object({
  status: z.literal('email_changed'),
  email: z.string(),
});
export { preferencesPatchSchema, preferencesSchema };
export const signInsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce.number().int().min(1).optional(),
});
export const signInsResponse = z.object({
  entries: z.array(
    z.object({
      at: z.number(),
      outcome: z.enum(['success', 'failure', 'denied']),
      reason: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
    }),
  ),
  nextBefore: z.number().nullable(),
});
export const sessionsResponse = z.object({
  sessions: z.array(
    z.object({
      id: z.string(),
      createdAt: z.number(),
      lastUsedAt: z.number(),
      expiresAt: z.number(),
      userAgent: z.string().nullable(),
      current: z.boolean(),
    }),
  ),
});
export const revokedResponse = z.object({ revoked: z.int() });

// ---- /api/v1/account (no session) ----------------------------------------------------------

/** A link's token alone, or the typed code with the address it was sent to. */
function credential<T extends z.ZodRawShape>(extra: T) {
  return z.union([
    z.strictObject({ token: linkToken, ...extra }),
    z.strictObject({ email: emailField, code: shortCode, ...extra }),
  ]);
}

export const credentialBody = credential({});
export const verificationCompleteBody = credential({
  password,
  totpCode: totpCode.optional(),
});
export const resetRequestBody = z.strictObject({ email: emailField });
/** Setting up 2FA again: the mailed secret, the current password (unchanged) and a first code. */
export const twoFactorCompleteBody = credential({ password, totpCode });
export const resetCompleteBody = credential({
  newPassword: password,
  totpCode: totpCode.optional(),
});
export const findAccountBody = z.strictObject({
  displayName: displayNameField,
  storeName: nameText(STORE_NAME_MAX_LENGTH, { trim: true, min: 1 }),
});
export const confirmEmailTokenBody = z.strictObject({ token: linkToken });

export const verificationStartResponse = z.object({
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  totpRequired: z.boolean(),
  totp: z.object({ secret: z.string(), manualKey: z.string(), otpauthUri: z.string() }),
  password: z.object({ minLength: z.int(), maxLength: z.int() }),
});
export const verificationCompleteResponse = z.object({
  status: z.literal('active'),
  username: z.string(),
  totpEnabled: z.boolean(),
});
export const twoFactorStartResponse = z.object({
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  totp: z.object({ secret: z.string(), manualKey: z.string(), otpauthUri: z.string() }),
});
export const twoFactorCompleteResponse = z.object({
  status: z.literal('two_factor_enabled'),
  username: z.string(),
});
export const resetCheckResponse = z.object({
  totpRequired: z.boolean(),
  password: z.object({ minLength: z.int(), maxLength: z.int() }),
});
export const resetCompleteResponse = z.object({ status: z.literal('password_changed') });
export const acceptedResponse = z.object({
  status: z.literal('accepted'),
  message: z.string(),
});
