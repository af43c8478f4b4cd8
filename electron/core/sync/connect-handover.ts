import type { ConnectPreviewDto } from '../../../common/ipc/sync.schemas';
import { credentialSchema, type Credential } from '../../../common/identity/credential';
import {
  keepsAWayIn,
  planHandover,
  type EnrollPreviewResponse,
  type Handover,
  type HandoverEntry,
  type LocalPersonForPlan,
} from '../../../common/sync/handover';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { SessionView } from '../auth/session.service';
import { KeyholderError } from '../errors';
import type { StandaloneAuthority } from '../integrity/standalone-authority.service';
import type { StoreIntegrity } from '../integrity/store-integrity.service';
import type { SyncHttp } from './sync-http';

/**
 * Connecting a standalone PC hands its people over to the server's store
 * (common/sync/handover.ts, docs/SYNC-PROTOCOL.md "Enrollment with handover"). Only a person
 * whose row agrees with its signed record is handed over: someone who edited the store cannot
 * slip an account of their own into the server through an admin's connect.
 */
export interface HandoverDeps {
  accounts: AccountRepository;
  integrity: StoreIntegrity;
  authority: StandaloneAuthority;
}

/**
 * Before a standalone PC's people are handed over: the admin confirmed the plan they were
 * shown, and their password (`password_required` until then: the store key open for the
 * session, and on a PC from before store keys every account signed, so each can be checked).
 */
export function confirmed(d: HandoverDeps, me: SessionView, confirmHandover?: boolean): void {
  if (!confirmHandover) {
    throw new KeyholderError(
      'handover_not_confirmed',
      'Review what connecting does to the people on this PC, then confirm. Nothing was changed.',
    );
  }
  d.authority.signerFor(me);
}

/** The server's preview for this code (not used) and the plan for this PC's people. */
export async function askServer(
  d: HandoverDeps,
  http: SyncHttp,
  code: string,
  standalone: boolean,
  emails: Readonly<Record<string, string>> = {},
): Promise<{ preview: EnrollPreviewResponse; plan: HandoverEntry[]; people: LocalPerson[] }> {
  const people = standalone ? localPeople(d, emails) : [];
  const preview = await http.previewEnroll({ code, ...previewQuestion(people) });
  return { preview, plan: planFrom(people, preview), people };
}

type LocalPerson = LocalPersonForPlan & { row: AccountRow };

/**
 * Every local person, as the plan sees them, with their row. A person without an address takes
 * the one the admin typed for them at connect, if any (an address of their own is never
 * replaced).
 */
function localPeople(d: HandoverDeps, emails: Readonly<Record<string, string>>): LocalPerson[] {
  const rows = d.accounts.list('');
  // A PC from before store keys signs nothing yet: an admin's password confirmation (which
  // connecting asks for) signs every account first, and the plan is made again then.
  const unsigned = d.integrity.anchor() === null;
  return rows.map((row) => ({
    row,
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email.trim() || (emails[row.id] ?? '').trim(),
    role: row.role,
    status: row.status,
    verified: unsigned || d.integrity.heldVersion(row) !== null,
  }));
}

/** What the PC asks the preview about: the names and addresses it could hand over. */
function previewQuestion(people: readonly LocalPersonForPlan[]) {
  return {
    usernames: people.map((p) => p.username),
    emails: people.map((p) => p.email.trim()).filter(Boolean),
  };
}

function planFrom(
  people: readonly LocalPersonForPlan[],
  preview: EnrollPreviewResponse,
): HandoverEntry[] {
  return planHandover(people, {
    assignedUsernames: preview.people.filter((p) => p.status === 'active').map((p) => p.username),
    takenUsernames: preview.takenUsernames,
    takenEmails: preview.takenEmails,
  });
}

export function previewDto(
  serverUrl: string,
  preview: EnrollPreviewResponse,
  plan: HandoverEntry[],
  accountId: string | null,
): ConnectPreviewDto {
  return {
    serverUrl,
    storeName: preview.storeName,
    serverPeople: preview.people,
    plan,
    keepsAWayIn: accountId === null || plan.length === 0 || keepsAWayIn(plan, accountId),
  };
}

/**
 * The handover sent with the enrollment: the people the plan hands over, with what lets them
 * go on signing in (hash, authenticator, credential key). Refused, before anything is sent or
 * written, when whoever connects would be left without a way in.
 */
export function handoverFor(
  plan: readonly HandoverEntry[],
  people: readonly LocalPerson[],
  me: { accountId: string; username: string },
): Handover {
  if (!keepsAWayIn(plan, me.accountId)) {
    throw new KeyholderError(
      'connect_no_way_in',
      'Connecting would leave you without an account on this store. Type an email address for yourself in the plan if you have none here, or ask an administrator of the server to assign you to the store (with your username), then connect again. Nothing was changed.',
    );
  }
  const byId = new Map(people.map((p) => [p.id, p]));
  const handedOver = plan
    .filter((e) => e.outcome === 'handed_over')
    .map((e) => {
      const { row, email } = byId.get(e.id)!;
      return {
        id: row.id,
        username: row.username,
        displayName: row.displayName,
        email,
        role: row.role,
        passwordHash: row.passwordHash,
        passwordChangedAt: row.passwordChangedAt,
        mustChangePassword: row.mustChangePassword,
        temporaryPasswordExpiresAt: row.tempPasswordExpiresAt,
        totpSecret: row.totpEnabledAt !== null ? row.totpSecret : null,
        credential: credentialOf(row.signedRecord),
      };
    });
  return { people: handedOver, connectingUsername: me.username };
}

/** The credential key named in the person's signed record (verified before the plan). */
function credentialOf(signedRecord: string | null): Credential | null {
  if (!signedRecord) return null;
  try {
    const parsed = credentialSchema.safeParse(
      (JSON.parse(signedRecord) as { credential?: unknown }).credential,
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
