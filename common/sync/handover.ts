import { z } from 'zod';
import { credentialSchema } from '../identity/credential';
import { usernameSchema } from '../identity/username';
import { ROLES, type Role } from '../policy/policy';
import { nameText } from '../text/canonical-text';
import { DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH } from '../text/text-limits';

/**
 * Connecting a standalone PC to a sync server hands its people over to the server's store
 * rather than deleting them (docs/SYNC-PROTOCOL.md "Enrollment with handover"). One rule,
 * `planHandover`, decides for each local person what happens; the PC shows it before the admin
 * confirms, and the server applies the same rule again to what it holds at that moment (and
 * refuses the whole handover when the answer changed, so nothing happens that was not shown).
 */

/** At most this many people are handed over in one enrollment. */
export const MAX_HANDOVER_PEOPLE = 500;

/**
 * The highest role a handover gives. A server admin is an admin of the whole franchise; a code
 * for one store must not make one, so a local admin becomes a manager of that store (an admin
 * raises them in the server's admin area if they should be more).
 */
export const HANDOVER_MAX_ROLE: Role = 'manager';

export function handoverRole(role: Role): Role {
  return role === 'admin' ? HANDOVER_MAX_ROLE : role;
}

export const HANDOVER_OUTCOMES = ['handed_over', 'kept', 'not_handed_over'] as const;
export type HandoverOutcome = (typeof HANDOVER_OUTCOMES)[number];

/**
 * Why, in a word the UI turns into a sentence: `new` (created on the server as they are),
 * `role_lowered` (created, an admin as a manager), `same_username` (someone with this username
 * is already assigned to the store: their server account wins and signs in here), `disabled`,
 * `no_email` (server accounts need an address), `username_taken` / `email_taken` (an account of
 * another store), `record_check_failed` (this PC's record for them does not verify: never
 * handed over, whatever the row says).
 */
export const HANDOVER_REASONS = [
  'new',
  'role_lowered',
  'same_username',
  'disabled',
  'no_email',
  'username_taken',
  'email_taken',
  'record_check_failed',
] as const;
export type HandoverReason = (typeof HANDOVER_REASONS)[number];

/** What the PC knows of a local person when it plans. */
export interface LocalPersonForPlan {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: Role;
  status: 'active' | 'disabled';
  /** The row agrees with its signed record (integrity): only such a person is handed over. */
  verified: boolean;
}

/** What the server says about the store and the names the PC asked about. */
export interface ServerSideForPlan {
  /** Usernames of the people assigned to the store and active there (normalised). */
  assignedUsernames: readonly string[];
  /**
   * Of the usernames and addresses asked about, those another account holds (of another store,
   * or of this one but not active there).
   */
  takenUsernames: readonly string[];
  takenEmails: readonly string[];
}

export interface HandoverEntry {
  id: string;
  username: string;
  displayName: string;
  /** The role here now. */
  role: Role;
  /** The role on the server's store after the handover (for `handed_over`). */
  serverRole: Role;
  outcome: HandoverOutcome;
  reason: HandoverReason;
}

const normalEmail = (email: string) => email.trim().toLowerCase();

/** The plan, one entry per local person, in the order given. Pure: both sides call it. */
export function planHandover(
  people: readonly LocalPersonForPlan[],
  server: ServerSideForPlan,
): HandoverEntry[] {
  const assigned = new Set(server.assignedUsernames);
  const takenNames = new Set(server.takenUsernames);
  const takenEmails = new Set(server.takenEmails.map(normalEmail));
  return people.map((p) => {
    const entry = (outcome: HandoverOutcome, reason: HandoverReason): HandoverEntry => ({
      id: p.id,
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      serverRole: handoverRole(p.role),
      outcome,
      reason,
    });
    if (assigned.has(p.username)) return entry('kept', 'same_username');
    if (!p.verified) return entry('not_handed_over', 'record_check_failed');
    if (p.status !== 'active') return entry('not_handed_over', 'disabled');
    if (!p.email.trim()) return entry('not_handed_over', 'no_email');
    if (takenNames.has(p.username)) return entry('not_handed_over', 'username_taken');
    if (takenEmails.has(normalEmail(p.email))) return entry('not_handed_over', 'email_taken');
    return entry('handed_over', p.role === handoverRole(p.role) ? 'new' : 'role_lowered');
  });
}

/** Whoever connects keeps a way in: handed over, or kept (their server account signs in). */
export function keepsAWayIn(plan: readonly HandoverEntry[], accountId: string): boolean {
  const mine = plan.find((e) => e.id === accountId);
  return mine !== undefined && mine.outcome !== 'not_handed_over';
}

/** `POST /enroll/preview`: the code (not consumed) and the names the PC would hand over. */
export const enrollPreviewRequestSchema = z
  .object({
    code: z.string().min(8).max(64),
    usernames: z.array(z.string().max(256)).max(MAX_HANDOVER_PEOPLE).default([]),
    emails: z.array(z.string().max(EMAIL_MAX_LENGTH)).max(MAX_HANDOVER_PEOPLE).default([]),
  })
  .strict();
export type EnrollPreviewRequest = z.input<typeof enrollPreviewRequestSchema>;

export const enrollPreviewResponseSchema = z.object({
  storeId: z.string().uuid(),
  storeName: z.string(),
  /**
   * The people assigned to the store now. The active ones arrive with the first pull; one
   * invited (`pending`) or disabled keeps its username (a local person with it is not kept).
   */
  people: z.array(
    z.object({
      username: z.string(),
      displayName: z.string(),
      role: z.enum(ROLES),
      status: z.enum(['active', 'pending', 'disabled']),
    }),
  ),
  takenUsernames: z.array(z.string()),
  takenEmails: z.array(z.string()),
});
export type EnrollPreviewResponse = z.infer<typeof enrollPreviewResponseSchema>;

/**
 * One person handed over in `POST /enroll` (`handover`): created on the server's store with
 * the same id, password hash, authenticator and credential key, so they go on signing in on
 * this PC (and any other of the store) with what they have.
 */
export const handoverPersonSchema = z
  .object({
    id: z.string().uuid(),
    username: usernameSchema,
    displayName: nameText(DISPLAY_NAME_MAX_LENGTH, { trim: true, min: 1 }),
    email: z.string().trim().min(3).max(EMAIL_MAX_LENGTH).email(),
    role: z.enum(ROLES),
    passwordHash: z.string().max(512),
    passwordChangedAt: z.number().int().nonnegative(),
    mustChangePassword: z.boolean(),
    temporaryPasswordExpiresAt: z.number().int().nonnegative().nullable(),
    totpSecret: z
      .string()
      .regex(/^[A-Z2-7]{16,128}$/)
      .nullable(),
    credential: credentialSchema.nullable(),
  })
  .strict();
export type HandoverPerson = z.infer<typeof handoverPersonSchema>;

export const handoverSchema = z
  .object({
    people: z.array(handoverPersonSchema).max(MAX_HANDOVER_PEOPLE),
    /** Who connects (one of `people`, or a username assigned to the store: `kept`). */
    connectingUsername: usernameSchema,
  })
  .strict();
export type Handover = z.infer<typeof handoverSchema>;
