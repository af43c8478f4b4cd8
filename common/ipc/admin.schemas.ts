import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../audit/audit-record';
import { policyDocumentSchema, PROFILE_IDS, ROLES } from '../policy/policy';

/**
 * IPC shapes of the admin area (electron/core/server-admin): the franchise admin working on the
 * sync server from a store PC. Requests are strict and bounded. The responses are also what core
 * checks the server's answers against (z.object strips anything else), so a field the server
 * adds never reaches the renderer unseen. No token ever crosses IPC: core keeps them.
 */
const id = z.uuid();
const role = z.enum(ROLES);
const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();
const empty = strict({});
const storeName = z.string().trim().min(1).max(100);
const brand = z.string().trim().max(100);
const storeIds = z.array(id).max(200);
const time = z.number().int().min(0).max(8_640_000_000_000_000);

// ---- requests ----------------------------------------------------------------------------

export const adminSignInRequest = strict({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
  totpCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/),
});
export const createStoreRequest = strict({ name: storeName, brand: brand.optional() });
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
  email: z.string().trim().min(3).max(254),
  username: z.string().trim().min(1).max(64),
  displayName: z.string().trim().min(1).max(100),
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
  confirmEmail: z.string().trim().min(3).max(254),
});
const rolePolicy = policyDocumentSchema.shape.roles;
export const publishPolicyRequest = strict({
  basedOnVersion: z.int().min(1).optional(),
  roles: rolePolicy,
});
export const auditFilterRequest = strict({
  storeId: id.optional(),
  person: z.string().min(1).max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: time.optional(),
  to: time.optional(),
});
export const searchAuditRequest = auditFilterRequest
  .extend({
    limit: z.int().min(1).max(500),
    offset: z.int().min(0).max(1_000_000),
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

export const serverStoreSchema = z.object({
  id: z.string(),
  name: z.string(),
  brand: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  activeDevices: z.number().int(),
  people: z.number().int(),
});
export type ServerStoreDto = z.infer<typeof serverStoreSchema>;
export const storesResponse = z.object({ stores: z.array(serverStoreSchema) });

export const enrollmentCodeSchema = z.object({
  storeId: z.string(),
  code: z.string(),
  expiresAt: z.number(),
});

export const serverDeviceSchema = z.object({
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
export type ServerDeviceDto = z.infer<typeof serverDeviceSchema>;
export const devicesResponse = z.object({ devices: z.array(serverDeviceSchema) });

export const serverPersonSchema = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  displayName: z.string(),
  role,
  status: z.enum(['pending', 'active', 'disabled']),
  emailVerified: z.boolean(),
  totpEnabled: z.boolean(),
  stores: z.array(z.object({ id: z.string(), name: z.string() })),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ServerPersonDto = z.infer<typeof serverPersonSchema>;
export const peopleResponse = z.object({
  users: z.array(serverPersonSchema),
  nextCursor: z.string().nullable(),
});
export const createdPersonSchema = serverPersonSchema.extend({
  verificationEmail: z.enum(['sent', 'failed']),
});
const mailResult = z.enum(['sent', 'failed']);
export const unlockPersonSchema = z.object({ wasLocked: z.boolean() });
/** A mail the server sent the person; `sentTo` is the address masked by the server. */
export const passwordResetSentSchema = z.object({ email: mailResult, sentTo: z.string() });
export const twoFactorResetSchema = serverPersonSchema.extend({
  /** The person's sessions on the server that were signed out. */
  revokedSessions: z.number().int(),
  /** The mail with the link to set up two-step sign-in again. */
  setupEmail: mailResult,
  sentTo: z.string(),
});
export const erasedPersonSchema = z.object({
  id: z.string(),
  pseudonym: z.string(),
  erasedAt: z.number(),
});

const warning = z.object({
  profile: z.enum(PROFILE_IDS),
  roles: z.array(role),
  message: z.string(),
});
const signedPolicy = z.object({
  version: z.number().int(),
  issuedAt: z.number(),
  document: policyDocumentSchema,
});
export const serverPolicySchema = z.object({
  current: signedPolicy,
  warnings: z.array(warning),
  history: z.array(
    z.object({
      version: z.number().int(),
      issuedAt: z.number(),
      createdBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
      profiles: z.object({
        admin: z.enum(PROFILE_IDS),
        manager: z.enum(PROFILE_IDS),
        viewer: z.enum(PROFILE_IDS),
      }),
    }),
  ),
});
export type ServerPolicyDto = z.infer<typeof serverPolicySchema>;
export const publishPolicyResponse = z.object({
  policy: signedPolicy,
  warnings: z.array(warning),
  unchanged: z.boolean(),
});

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
export const auditPageSchema = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  entries: z.array(serverAuditEntrySchema),
});
export const auditExportSchema = z.object({
  filename: z.string(),
  mimeType: z.string(),
  content: z.string(),
});

const range = z.object({ from: z.number(), to: z.number() });
export const signInsPerDaySchema = z.object({
  range,
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
export const lockoutsSchema = z.object({
  range,
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
export const outOfSyncSchema = z.object({
  hours: z.number().int(),
  devices: z.array(
    serverDeviceSchema.extend({
      storeName: z.string().nullable(),
      hoursSinceSync: z.number().int().nullable(),
    }),
  ),
});
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
  'admin.policy': { request: empty, response: serverPolicySchema },
  'admin.publishPolicy': { request: publishPolicyRequest, response: publishPolicyResponse },
  'admin.searchAudit': { request: searchAuditRequest, response: auditPageSchema },
  'admin.exportAudit': { request: exportAuditRequest, response: auditExportSchema },
  'admin.analytics': { request: analyticsRequest, response: analyticsSchema },
} as const;
