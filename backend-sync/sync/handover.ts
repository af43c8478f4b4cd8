import type { Kysely } from 'kysely';
import {
  handoverRole,
  planHandover,
  type EnrollPreviewResponse,
  type Handover,
} from '../../common/sync/handover';
import type { TotpSecretBox } from '../auth/totp-secret-box';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import type { ServerAudit } from '../services/server-audit';
import { isUniqueViolation } from '../people/people-deps';
import { insertUser } from '../people/users.repository';
import { strongEnough } from './account-changes.service';

/**
 * A standalone PC's people handed over to a store at enrollment (common/sync/handover.ts).
 * What it trusts: the enrollment code, issued by a server admin for this store, authorises the
 * PC to name people for that store only, as crew or managers (never a franchise admin); the
 * hashes must cost what the server's own cost; and the rule the PC showed its admin is applied
 * again here to what the server holds, in the enrollment's transaction, so a name taken since
 * refuses the whole handover (and the code stays usable) instead of doing something unseen.
 */

const lower = (s: string) => s.trim().toLowerCase();

/** The store's people and which of the names asked about another account holds. */
export async function storeSide(
  db: Kysely<DB>,
  storeId: string,
  usernames: readonly string[],
  emails: readonly string[],
): Promise<Omit<EnrollPreviewResponse, 'storeId' | 'storeName'>> {
  const people = await db
    .selectFrom('users as u')
    .innerJoin('user_stores as us', 'us.user_id', 'u.id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.status'])
    .where('us.store_id', '=', storeId)
    .where('u.erased_at', 'is', null)
    .orderBy('u.username')
    .execute();
  const wantedEmails = [...new Set(emails.map(lower).filter(Boolean))];
  const named =
    usernames.length === 0 && wantedEmails.length === 0
      ? []
      : await db
          .selectFrom('users')
          .select(['id', 'username', 'email'])
          .where((eb) =>
            eb.or([
              ...(usernames.length ? [eb('username', 'in', [...usernames])] : []),
              ...(wantedEmails.length ? [eb('email', 'in', wantedEmails)] : []),
            ]),
          )
          .execute();
  // Every holder counts: an active one of this store is `kept` by the plan before anything
  // else; one invited or disabled there keeps its username, so nobody with it is created.
  const asked = new Set(usernames);
  return {
    people: people.map((p) => ({
      username: p.username,
      displayName: p.display_name,
      role: p.role,
      status: p.status,
    })),
    takenUsernames: named.map((u) => u.username).filter((u) => asked.has(u)),
    takenEmails: named.map((u) => u.email).filter((e) => wantedEmails.includes(e)),
  };
}

function refusal(code: string, message: string): HttpError {
  return new HttpError(409, code, message);
}

const changed = () =>
  refusal(
    'handover_changed',
    'The people of this store on the server changed since the plan was shown. Nothing was changed: review the plan again.',
  );

async function insertOrChanged(insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (error) {
    throw isUniqueViolation(error) ? changed() : error;
  }
}

/**
 * Creates the handed-over people on the store, inside the enrollment's transaction `tx`.
 * Throws (rolling the enrollment and the code's claim back) when any person is no longer
 * `handed_over` by the rule, or when whoever connects would be left without a way in.
 */
export async function applyHandover(
  tx: Kysely<DB>,
  d: { box: TotpSecretBox; audit?: ServerAudit; now: number },
  storeId: string,
  deviceId: string,
  handover: Handover,
): Promise<number> {
  const { people } = handover;
  const ids = new Set(people.map((p) => p.id));
  const names = new Set(people.map((p) => p.username));
  if (ids.size !== people.length || names.size !== people.length)
    throw new HttpError(400, 'invalid_request', 'The request is not valid.');
  if (people.some((p) => !strongEnough(p.passwordHash)))
    throw new HttpError(400, 'invalid_request', 'The request is not valid.');
  const side = await storeSide(
    tx,
    storeId,
    people.map((p) => p.username),
    people.map((p) => p.email),
  );
  const assigned = side.people.filter((p) => p.status === 'active').map((p) => p.username);
  if (!names.has(handover.connectingUsername) && !assigned.includes(handover.connectingUsername))
    throw refusal(
      'handover_no_way_in',
      'Whoever connects this PC must be handed over or already be assigned to the store. Nothing was changed.',
    );
  const plan = planHandover(
    people.map((p) => ({ ...p, status: 'active', verified: true })),
    { assignedUsernames: assigned, ...side },
  );
  const takenId =
    people.length === 0
      ? undefined
      : await tx
          .selectFrom('users')
          .select('id')
          .where('id', 'in', [...ids])
          .executeTakeFirst();
  if (takenId || plan.some((e) => e.outcome !== 'handed_over')) throw changed();
  for (const p of people) {
    const role = handoverRole(p.role);
    // A name taken by a transaction that committed after the check above: same answer.
    await insertOrChanged(() =>
      insertUser(tx, {
        id: p.id,
        email: lower(p.email),
        username: p.username,
        displayName: p.displayName,
        role,
        status: 'active',
        passwordHash: p.passwordHash,
        passwordChangedAt: p.passwordChangedAt,
        mustChangePassword: p.mustChangePassword,
        tempPasswordExpiresAt: p.temporaryPasswordExpiresAt,
        totpSecret: p.totpSecret === null ? null : d.box.seal(p.totpSecret),
        // Decided here: a later enrolment from another PC does not replace it.
        totpChangedAt: p.totpSecret === null ? null : d.now,
        credential: p.credential,
        now: d.now,
      }),
    );
    await tx.insertInto('user_stores').values({ user_id: p.id, store_id: storeId }).execute();
    await d.audit?.write(
      {
        action: 'user.create',
        outcome: 'success',
        targetId: p.id,
        storeId,
        details: {
          source: 'handover',
          deviceId,
          role,
          ...(role !== p.role ? { roleOnPc: p.role } : {}),
          storeIds: [storeId],
        },
      },
      tx,
    );
  }
  return people.length;
}
