import { z } from 'zod';
import { PROFILE_IDS } from '../policy/policy';
import { adminContract } from './admin.schemas';
import { CHANNEL_NAMES, type ChannelName } from './channels';
import {
  appStateSchema,
  auditEntrySchema,
  auditFilterSchema,
  auditVerificationSchema,
  enrollmentSchema,
  firstAdminSchema,
  idSchema,
  myOverviewSchema,
  newStaffSchema,
  passwordInput,
  policyViewSchema,
  rawUsernameInput,
  roleSchema,
  sessionViewSchema,
  signInStepSchema,
  staffSummarySchema,
  timeStatusSchema,
} from './schemas';
import {
  accountPageRequestSchema,
  accountPageSchema,
  connectPreviewRequestSchema,
  connectPreviewSchema,
  connectRequestSchema,
  syncStatusSchema,
} from './sync.schemas';

const empty = z.object({}).strict();
const ok = z.object({});
const challenge = { challengeId: idSchema };
const code = z.string().max(32);
const staffTarget = z.object({ accountId: idSchema }).strict();
const profileRole = z
  .object({
    profile: z.enum(PROFILE_IDS),
    overrides: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}
type ChannelSpec = { request: z.ZodType; response: z.ZodType };

/**
 * THE contract between the UI and the core: channel name → request and response schema.
 * Electron's preload builds `window.keyholder` from it, main registers one handler per channel,
 * and the browser shell serves the same channels over loopback HTTP. The session is never a
 * parameter: the host binds it to the window, so a renderer cannot act as someone else.
 */
export const contract = {
  'app.state': channel(empty, appStateSchema),

  'setup.createFirstAdmin': channel(firstAdminSchema, signInStepSchema),

  'auth.signIn': channel(
    z.object({ username: rawUsernameInput, password: passwordInput }).strict(),
    signInStepSchema,
  ),
  'auth.submitCode': channel(z.object({ ...challenge, code }).strict(), signInStepSchema),
  'auth.submitRecoveryCode': channel(z.object({ ...challenge, code }).strict(), signInStepSchema),
  'auth.submitNewPassword': channel(
    z.object({ ...challenge, newPassword: passwordInput }).strict(),
    signInStepSchema,
  ),
  'auth.beginEnrollment': channel(z.object(challenge).strict(), enrollmentSchema),
  'auth.confirmEnrollment': channel(z.object({ ...challenge, code }).strict(), signInStepSchema),
  'auth.cancel': channel(z.object(challenge).strict(), ok),

  'session.touch': channel(empty, sessionViewSchema),
  'session.lock': channel(
    z.object({ reason: z.enum(['manual', 'idle']).optional() }).strict(),
    sessionViewSchema,
  ),
  'session.unlock': channel(z.object({ password: passwordInput }).strict(), sessionViewSchema),
  'session.switchUser': channel(empty, ok),
  'session.resume': channel(
    z.object({ sessionId: idSchema, password: passwordInput }).strict(),
    sessionViewSchema,
  ),
  'session.signOut': channel(empty, ok),
  // Step-up: the signed-in person's password opens the store key on a standalone PC for this
  // session (electron/core/integrity/standalone-authority.service.ts), asked for when a change
  // answers `password_required`.
  'session.confirmPassword': channel(z.object({ password: passwordInput }).strict(), ok),

  'staff.list': channel(
    z.object({ search: z.string().max(100) }).strict(),
    z.array(staffSummarySchema),
  ),
  'staff.create': channel(
    newStaffSchema,
    z.object({ account: staffSummarySchema, temporaryPassword: z.string() }),
  ),
  'staff.setStatus': channel(
    staffTarget.extend({ status: z.enum(['active', 'disabled']) }).strict(),
    staffSummarySchema,
  ),
  'staff.resetPassword': channel(
    // The manager's own password: its key signs the change (common/identity/credential.ts).
    z.object({ accountId: idSchema, password: passwordInput }).strict(),
    // unlocked: the account was locked out and the reset lifted the lock (audited).
    z.object({
      account: staffSummarySchema,
      temporaryPassword: z.string(),
      unlocked: z.boolean(),
    }),
  ),
  'staff.unlock': channel(staffTarget, staffSummarySchema),
  'staff.resetTwoFactor': channel(staffTarget, staffSummarySchema),
  'staff.changeRole': channel(
    staffTarget.extend({ role: roleSchema }).strict(),
    staffSummarySchema,
  ),

  'audit.query': channel(
    auditFilterSchema,
    z.object({ entries: z.array(auditEntrySchema), total: z.number() }),
  ),
  'audit.verify': channel(empty, auditVerificationSchema),
  'audit.export': channel(
    z
      .object({
        format: z.enum(['csv', 'json']),
        filter: auditFilterSchema.omit({ limit: true, offset: true }),
      })
      .strict(),
    z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  ),

  'me.overview': channel(empty, myOverviewSchema),
  'me.changePassword': channel(
    z.object({ currentPassword: passwordInput, newPassword: passwordInput }).strict(),
    ok,
  ),
  'me.beginTotp': channel(z.object({ password: passwordInput }).strict(), enrollmentSchema),
  'me.confirmTotp': channel(
    z.object({ code }).strict(),
    z.object({ recoveryCodes: z.array(z.string()) }),
  ),
  'me.disableTotp': channel(z.object({ password: passwordInput, code }).strict(), ok),
  'me.regenerateRecoveryCodes': channel(
    z.object({ password: passwordInput }).strict(),
    z.object({ recoveryCodes: z.array(z.string()) }),
  ),
  'me.signInHistory': channel(empty, z.array(auditEntrySchema)),
  'me.sessions': channel(empty, z.array(sessionViewSchema)),

  'settings.policy': channel(empty, policyViewSchema),
  'settings.updatePolicy': channel(
    z
      .object({
        roles: z.object({ admin: profileRole, manager: profileRole, viewer: profileRole }).strict(),
      })
      .strict(),
    policyViewSchema,
  ),
  'settings.confirmTime': channel(empty, timeStatusSchema),

  // Sync (electron/core/sync). Status and "Sync now" need no session: the sign-in screen shows
  // them too (a PC past its offline bound must be able to sync before anyone can sign in).
  'sync.status': channel(empty, syncStatusSchema),
  'sync.previewConnect': channel(connectPreviewRequestSchema, connectPreviewSchema),
  'sync.connect': channel(connectRequestSchema, syncStatusSchema),
  'sync.syncNow': channel(empty, syncStatusSchema),
  'sync.networkChanged': channel(z.object({ online: z.boolean() }).strict(), ok),
  // No session either: "Forgot password?" is on the sign-in screen.
  'sync.accountPage': channel(accountPageRequestSchema, accountPageSchema),

  // The admin area (electron/core/server-admin): an admin works on the sync server.
  ...adminContract,
} as const satisfies Record<ChannelName, ChannelSpec>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>;

/** What every call resolves to: data, or an error a person can read. Never a stack trace. */
export type ApiError = { code: string; message: string; details?: Record<string, unknown> };
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** `auth.signIn` → ['auth', 'signIn']: the preload exposes `api.auth.signIn(...)`. */
export { splitChannel } from './channels';

type Namespaces = { [C in Channel]: C extends `${infer N}.${string}` ? N : never }[Channel];
type VerbsOf<N extends string> = {
  [C in Channel]: C extends `${N}.${infer V}` ? V : never;
}[Channel];
type ChannelOf<N extends string, V extends string> = `${N}.${V}` & Channel;

/** The renderer's API, derived from the contract: `api.staff.create(input)` and so on. */
export type KeyholderApi = {
  [N in Namespaces]: {
    [V in VerbsOf<N>]: (
      request: RequestOf<ChannelOf<N, V>>,
    ) => Promise<ApiResult<ResponseOf<ChannelOf<N, V>>>>;
  };
};

/** Every channel, in the order of `channels.ts` (the same set as the contract's keys). */
export const CHANNELS: Channel[] = [...CHANNEL_NAMES];

/** Generic refusal for a payload that does not match its schema (no field-level detail leaks). */
export const INVALID_REQUEST: ApiError = {
  code: 'invalid_request',
  message: 'The request was not valid. Check what you entered and try again.',
};
export const INTERNAL_ERROR: ApiError = {
  code: 'internal',
  message: 'Something went wrong. Try again; if it keeps happening, contact support.',
};
