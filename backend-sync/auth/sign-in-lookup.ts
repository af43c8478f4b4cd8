import type { Selectable } from 'kysely';
import { statement } from '../db/compiled';
import type { Dialect } from '../db/dialect';
import type { SignInFailuresTable, UsersTable } from '../db/schema';
import type { StatementRunner } from '../db/statement-runner';

/**
 * The account of an address and its failure counter (lockout.service.ts), in one read: always
 * one row, with nulls for an unknown address or no counter. The counter's subject is
 * `lockoutSubject`'s: the account's id, or the address when there is no account.
 */
const userAndCounter = statement(`select u.id, u.email, u.username, u.display_name, u.role,
    u.status, u.password_hash, u.totp_secret, u.totp_last_step, u.temp_password_expires_at,
    u.must_change_password, u.password_changed_at,
    f.subject as failure_subject, f.failures, f.last_failed_at, f.locked_until, f.locked_by_admin
  from (select cast(? as text) as email) q
  left join users u on u.email = q.email
  left join sign_in_failures f
    on f.subject = case when u.id is null then 'e:' || q.email else 'u:' || u.id end`);

/** The columns of an account the sign-in and the password change read. */
export const USER_COLUMNS = [
  'id',
  'email',
  'username',
  'display_name',
  'role',
  'status',
  'password_hash',
  'totp_secret',
  'totp_last_step',
  'must_change_password',
  'password_changed_at',
] as const;

type SignInUser = Selectable<Pick<UsersTable, (typeof USER_COLUMNS)[number]>>;

type Nullable<T> = { [K in keyof T]: T[K] | null };
type UserAndCounterRow = Nullable<SignInUser> & {
  temp_password_expires_at: number | string | null;
  failure_subject: string | null;
} & Nullable<Omit<SignInFailuresTable, 'subject'>>;

/** The row's account (undefined for an unknown address) and its failure counter, if any. */
function splitRow(row: UserAndCounterRow): {
  user: (SignInUser & { temp_password_expires_at: number | string | null }) | undefined;
  counter: SignInFailuresTable | undefined;
} {
  const r = row;
  const user =
    r.id === null
      ? undefined
      : {
          id: r.id,
          email: r.email as string,
          username: r.username as string,
          display_name: r.display_name as string,
          role: r.role as SignInUser['role'],
          status: r.status as SignInUser['status'],
          password_hash: r.password_hash,
          totp_secret: r.totp_secret,
          totp_last_step: Number(r.totp_last_step),
          must_change_password: Number(r.must_change_password),
          password_changed_at:
            r.password_changed_at === null ? null : Number(r.password_changed_at),
          temp_password_expires_at: r.temp_password_expires_at,
        };
  const counter: SignInFailuresTable | undefined =
    r.failure_subject === null
      ? undefined
      : {
          subject: r.failure_subject,
          failures: Number(r.failures),
          last_failed_at: Number(r.last_failed_at),
          locked_until: r.locked_until === null ? null : Number(r.locked_until),
          locked_by_admin: Number(r.locked_by_admin),
        };
  return { user, counter };
}

/**
 * The sign-in's first read: the account of `email` (already normalised), if any, and the
 * failure counter of its lockout subject, hand-compiled and run by the statement runner.
 */
export async function readUserAndCounter(
  statements: StatementRunner,
  dialect: Dialect,
  email: string,
): Promise<ReturnType<typeof splitRow>> {
  const [row] = await statements.read<UserAndCounterRow>(userAndCounter(dialect, [email]));
  if (!row) throw new Error('sign-in lookup returned no row');
  return splitRow(row);
}
