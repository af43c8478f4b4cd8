import { z } from 'zod';
import {
  lockoutsSchema,
  outOfSyncSchema,
  signInsPerDaySchema,
} from '../admin-api/analytics.schemas';
import { auditPageSchema, serverAuditEntrySchema } from '../admin-api/audit.schemas';
import { deviceSchema, devicesResponse, enrollmentCodeSchema } from '../admin-api/devices.schemas';
import {
  createUserResponse,
  eraseResponse,
  listUsersResponse,
  mailSentResponse,
  twoFactorResetResponse,
  unlockResponse,
  userResponse,
} from '../admin-api/people.schemas';
import {
  policiesResponse,
  publishPolicyBody,
  publishPolicyResponse as publishResponse,
} from '../admin-api/policies.schemas';
import { createStoreBody, storeSchema, storesResponse } from '../admin-api/stores.schemas';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../audit/audit-record';
import { ROLES } from '../policy/policy';
import { nameText } from '../text/canonical-text';
import { timeMs } from '../time/time.schemas';
import {
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  USERNAME_MAX_LENGTH,
} from '../text/text-limits';
import { signedPolicySchema } from '../sync/protocol';

/**
 * IPC shapes of the admin area (electron/core/server-admin): the franchise admin working on the
 * sync server from a store PC. Requests are strict and bounded. The responses are also what core
 * checks the server's answers against (z.object strips anything else), so a field the server
 * adds never reaches the renderer unseen. No token ever crosses IPC: core keeps them.
 *
 * The server's answers have one definition, common/admin-api/, which the server's routes use
 * too; where the desktop checks a narrower shape, it is derived here and says why.
 */
const id = z.uuid();
const role = z.enum(ROLES);
const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();
const empty = strict({});
const storeIds = z.array(id).max(200);
const time = timeMs();

// ---- requests ----------------------------------------------------------------------------

export const adminSignInRequest = strict({
  email: z.string().trim().min(3).max(EMAIL_MAX_LENGTH),
  password: z.string().min(1).max(1024),
  totpCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
});
/** The server's POST /stores body as it is. */
export const createStoreRequest = createStoreBody;
export const storeTarget = strict({ storeId: id });
export const deviceTarget = strict({ deviceId: id });
export const listPeopleRequest = strict({
  q: z.string().trim().max(100).optional(),
  storeId: id.optional(),
  role: role.optional(),
  status: z.enum(['pending', 'active', 'disabled']).optional(),
  cursor: z.string().min(1).max(400).optional(),
});
export const createPersonRequest = strict({
  email: z.string().trim().min(3).max(EMAIL_MAX_LENGTH),
  username: nameText(USERNAME_MAX_LENGTH, { trim: true, min: 1 }),
  displayName: nameText(DISPLAY_NAME_MAX_LENGTH, { trim: true, min: 1 }),
  role,
  storeIds,
});
export const setRoleRequest = strict({ personId: id, role });
export const setStatusRequest = strict({
  personId: id,
  status: z.enum(['active', 'disabled']),
});
export const setStoresRequest = strict({ personId: id, storeIds });
export const personTarget = strict({ personId: id });
export const erasePersonRequest = strict({
  personId: id,
  /** The person's current email, typed again by the admin: the server checks it too. */
  confirmEmail: z.string().trim().min(3).max(EMAIL_MAX_LENGTH),
});
/** The server's PUT /policies body as it is. */
export const publishPolicyRequest = publishPolicyBody;
export const auditFilterRequest = strict({
  storeId: id.optional(),
  person: z.string().min(1).max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: time.optional(),
  to: time.optional(),
});
/** Pages by `cursor` (the previous page's `nextCursor`; none: the first) or by `offset`. */
export const searchAuditRequest = auditFilterRequest
  .extend({
    limit: z.int().min(1).max(500),
    offset: z.int().min(0).max(1_000_000).optional(),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();
export const exportAuditRequest = strict({
  format: z.enum(['csv', 'json']),
  filter: auditFilterRequest,
});
export const analyticsRequest = strict({
  storeId: id.optional(),
  from: time,
  to: time,
  utcOffsetMinutes: z.int().min(-840).max(840),
  outOfSyncHours: z.int().min(1).max(8760),
});

// ---- responses (also the checks on the server's answers) ----------------------------------

export const adminStatusSchema = z.object({
  /** This PC is enrolled with a sync server (the admin area needs it). */
  connected: z.boolean(),
  serverUrl: z.string().nullable(),
  /** Signed in to the server in this local session. */
  signedIn: z.boolean(),
  /** The local account's email, to prefill the server sign-in. */
  email: z.string(),
  /** The name the server knows the signed-in admin by. */
  serverUser: z.string().nullable(),
});
export type AdminStatusDto = z.infer<typeof adminStatusSchema>;

export const serverStoreSchema = storeSchema;
export type ServerStoreDto = z.infer<typeof serverStoreSchema>;
export { storesResponse, enrollmentCodeSchema, devicesResponse };

export const serverDeviceSchema = deviceSchema;
export type ServerDeviceDto = z.infer<typeof serverDeviceSchema>;

export const serverPersonSchema = userResponse;
export type ServerPersonDto = z.infer<typeof serverPersonSchema>;
export const peopleResponse = listUsersResponse;
export const createdPersonSchema = createUserResponse;
export const unlockPersonSchema = unlockResponse;
export const passwordResetSentSchema = mailSentResponse;
export const twoFactorResetSchema = twoFactorResetResponse;
export const erasedPersonSchema = eraseResponse;

/**
 * Deliberately narrower than the server's answer: the admin area shows a policy bundle, it does
 * not verify it (devices do, through sync), so the signature is left out (and stripped: not
 * strict like the sync protocol's bundle), and so is the server's `publicKey`.
 */
const policyContent = z.object(signedPolicySchema.shape).omit({ signature: true });
export const serverPolicySchema = policiesResponse
  .omit({ publicKey: true })
  .extend({ current: policyContent });
export type ServerPolicyDto = z.infer<typeof serverPolicySchema>;
export const publishPolicyResponse = publishResponse.extend({ policy: policyContent });

export { serverAuditEntrySchema, auditPageSchema };
export type { ServerAuditEntryDto } from '../admin-api/audit.schemas';
/** A file core built from one of the server's exports (audit, a person's data), to save. */
export const auditExportSchema = z.object({
  filename: z.string(),
  mimeType: z.string(),
  content: z.string(),
});

export { signInsPerDaySchema, lockoutsSchema, outOfSyncSchema };
/** The three figures core fetches for the analytics screen, in one IPC answer. */
export const analyticsSchema = z.object({
  signIns: signInsPerDaySchema,
  lockouts: lockoutsSchema,
  outOfSync: outOfSyncSchema,
});
export type AnalyticsDto = z.infer<typeof analyticsSchema>;

/** The admin channels' contract entries (spread into contract.ts). */
export const adminContract = {
  'admin.status': { request: empty, response: adminStatusSchema },
  'admin.signIn': { request: adminSignInRequest, response: adminStatusSchema },
  'admin.signOut': { request: empty, response: adminStatusSchema },
  'admin.listStores': { request: empty, response: storesResponse },
  'admin.createStore': { request: createStoreRequest, response: serverStoreSchema },
  'admin.issueEnrollmentCode': { request: storeTarget, response: enrollmentCodeSchema },
  'admin.listDevices': { request: storeTarget, response: devicesResponse },
  'admin.revokeDevice': { request: deviceTarget, response: serverDeviceSchema },
  'admin.listPeople': { request: listPeopleRequest, response: peopleResponse },
  'admin.createPerson': { request: createPersonRequest, response: createdPersonSchema },
  'admin.setRole': { request: setRoleRequest, response: serverPersonSchema },
  'admin.setStatus': { request: setStatusRequest, response: serverPersonSchema },
  'admin.setStores': { request: setStoresRequest, response: serverPersonSchema },
  'admin.unlockPerson': { request: personTarget, response: unlockPersonSchema },
  'admin.sendPasswordReset': { request: personTarget, response: passwordResetSentSchema },
  'admin.resetTwoFactor': { request: personTarget, response: twoFactorResetSchema },
  'admin.erasePerson': { request: erasePersonRequest, response: erasedPersonSchema },
  // GDPR access: everything the server holds about the person, as a JSON file.
  'admin.exportPerson': { request: personTarget, response: auditExportSchema },
  // A new verification mail for someone who has not confirmed their address yet.
  'admin.resendInvitation': { request: personTarget, response: passwordResetSentSchema },
  'admin.policy': { request: empty, response: serverPolicySchema },
  'admin.publishPolicy': { request: publishPolicyRequest, response: publishPolicyResponse },
  'admin.searchAudit': { request: searchAuditRequest, response: auditPageSchema },
  'admin.exportAudit': { request: exportAuditRequest, response: auditExportSchema },
  'admin.analytics': { request: analyticsRequest, response: analyticsSchema },
} as const;
