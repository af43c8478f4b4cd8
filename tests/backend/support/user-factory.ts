import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, UsersTable } from '../../../backend-sync/db/schema';
import { insertUser, type NewUser } from '../../../backend-sync/people/users.repository';

/**
 * A person as tests and benchmarks put them straight into the server's database: active and
 * verified by default, as the users routes leave someone who has finished their invitation,
 * through the server's own insert (backend-sync/people/users.repository.ts), and assigned to
 * `stores`. Call it inside a transaction (the account takes a change number).
 */
export interface TestUser {
  role: UsersTable['role'];
  username: string;
  /** Defaults to `<username>@example.com`. */
  email?: string;
  /** Defaults to the username. */
  displayName?: string;
  /** Defaults to a random one. */
  id?: string;
  /** Defaults to 'active'. */
  status?: UsersTable['status'];
  /** The password's argon2id hash; null: none chosen yet. */
  passwordHash: string | null;
  /** Defaults to `now`. */
  passwordChangedAt?: number;
  credential?: NewUser['credential'];
  /** The TOTP secret as it is to be stored (sealed, or in the clear as an old version left it). */
  totpSecret: string | null;
  stores?: readonly string[];
  /** Defaults to `now`. */
  createdAt?: number;
  now: number;
}

export async function insertTestUser(
  tx: Kysely<DB>,
  person: TestUser,
): Promise<{ id: string; email: string; username: string }> {
  const id = person.id ?? randomUUID();
  const email = person.email ?? `${person.username}@example.com`;
  await insertUser(tx, {
    id,
    email,
    username: person.username,
    displayName: person.displayName ?? person.username,
    role: person.role,
    status: person.status ?? 'active',
    emailVerifiedAt: person.now,
    passwordHash: person.passwordHash,
    passwordChangedAt: person.passwordChangedAt ?? person.now,
    credential: person.credential ?? null,
    totpSecret: person.totpSecret,
    createdAt: person.createdAt ?? person.now,
    now: person.now,
  });
  for (const storeId of person.stores ?? []) {
    await tx.insertInto('user_stores').values({ user_id: id, store_id: storeId }).execute();
  }
  return { id, email, username: person.username };
}
