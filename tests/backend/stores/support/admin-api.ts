import type { Credential } from '../../../../common/identity/credential';
import { credentialOf } from '../../../../backend-sync/auth/credential-key';
import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { StaffRole } from '../../../../common/rbac/permissions';
import { SYNC_API_PREFIX } from '../../../../common/sync/protocol';
import { PasswordHasher } from '../../../../backend-sync/auth/password-hasher';
import { newTotpSecret } from '../../../../backend-sync/auth/totp';
import type { Dialect } from '../../../../backend-sync/db/dialect';
import type { DB } from '../../../../backend-sync/db/schema';
import { nextChangeSeq } from '../../../../backend-sync/services/change-seq';
import {
  bearer,
  PASSWORD,
  setUpAdmin,
  signIn,
  startAuthServer,
  type AuthServer,
} from '../../auth/support/auth-helpers';
import { sealTotpSecret, type TestServer } from '../../support/server-harness';
import { insertTestUser } from '../../support/user-factory';

/**
 * A sync server with a signed-in admin, and helpers for the admin API and for store PCs.
 * People other than the admin are written straight into the database (what the users routes
 * do, with a change_seq), then sign in through the real sign-in route.
 */
export interface AdminApi extends AuthServer {
  adminId: string;
  adminEmail: string;
  adminSecret: string;
  admin: string;
}

export async function startAdminApi(dialect: Dialect): Promise<AdminApi> {
  const server = await startAuthServer(dialect);
  const adminEmail = 'franchise.admin@example.com';
  const { userId, secret } = await setUpAdmin(server, adminEmail);
  const { accessToken } = await signIn(server, adminEmail, secret);
  return { ...server, adminId: userId, adminEmail, adminSecret: secret, admin: accessToken };
}

/** Signs the admin in again (after moving the clock past the token's lifetime). */
export async function refreshAdmin(api: AdminApi): Promise<void> {
  api.admin = (await signIn(api, api.adminEmail, api.adminSecret)).accessToken;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function call(
  s: TestServer,
  method: Method,
  url: string,
  token: string | null,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return s.app.inject({
    method,
    url,
    headers: { ...(token ? bearer(token) : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

export async function createStore(
  api: AdminApi,
  name: string,
  brand = 'Northwind',
): Promise<string> {
  const r = await call(api.s, 'POST', '/api/v1/stores', api.admin, { name, brand });
  expect(r.statusCode, r.body).toBe(201);
  return r.json<{ id: string }>().id;
}

const hasher = new PasswordHasher();

export interface Person {
  id: string;
  email: string;
  username: string;
  secret: string;
}

/** A server account, as the users routes would create it (active, verified, with TOTP). */
export async function createPerson(
  api: AuthServer,
  input: {
    role: StaffRole;
    stores?: string[];
    name?: string;
    status?: 'active' | 'disabled' | 'pending';
    passwordChangedAt?: number;
    createdAt?: number;
    id?: string;
    /** A password set before credential keys (no credential key on record). */
    legacy?: boolean;
    /** false: no authenticator enrolled yet. */
    totp?: boolean;
  },
): Promise<Person> {
  const db = api.s.database.db;
  const id = input.id ?? randomUUID();
  const tag = randomBytes(4).toString('hex');
  const username = `${input.role}.${tag}`;
  const email = `${username}@example.com`;
  const now = api.clock.nowMs();
  const secret = newTotpSecret();
  const passwordHash = await hasher.hash(PASSWORD);
  const credential = input.legacy ? null : await passwordCredential();
  await db.transaction().execute((tx) =>
    insertTestUser(tx, {
      credential,
      id,
      email,
      username,
      displayName: input.name ?? `${input.role} ${tag}`,
      role: input.role,
      status: input.status ?? 'active',
      passwordHash,
      passwordChangedAt: input.passwordChangedAt ?? now,
      totpSecret: input.totp === false ? null : sealTotpSecret(api.s, secret),
      stores: input.stores ?? [],
      createdAt: input.createdAt ?? now,
      now,
    }),
  );
  return { id, email, username, secret };
}

/**
 * The credential key of PASSWORD (as the server sets one with every password), made once per
 * test process: everyone here shares that password, and deriving costs an argon2id.
 */
let sharedCredential: Promise<Credential> | undefined;
export function passwordCredential(): Promise<Credential> {
  sharedCredential ??= credentialOf(PASSWORD);
  return sharedCredential;
}

export async function signInAs(api: AuthServer, person: Person): Promise<string> {
  return (await signIn(api, person.email, person.secret)).accessToken;
}

/** What the users routes do to disable, enable or erase someone: a new change_seq with it. */
export async function setStatus(
  api: AuthServer,
  userId: string,
  status: 'active' | 'disabled',
  erased = false,
): Promise<void> {
  const db = api.s.database.db;
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        status,
        ...(erased ? { erased_at: api.clock.nowMs() } : {}),
        change_seq: await nextChangeSeq(tx, 'users'),
      })
      .where('id', '=', userId)
      .execute();
  });
}

export async function assign(api: AuthServer, userId: string, storeId: string): Promise<void> {
  await api.s.database.db
    .insertInto('user_stores')
    .values({ user_id: userId, store_id: storeId })
    .execute();
}

export async function unassign(api: AuthServer, userId: string, storeId: string): Promise<void> {
  await api.s.database.db
    .deleteFrom('user_stores')
    .where('user_id', '=', userId)
    .where('store_id', '=', storeId)
    .execute();
}

export interface EnrolledPc {
  deviceId: string;
  credential: string;
  serverPublicKey: string;
  auth: Record<string, string>;
}

/** Issues an enrollment code through the admin API and enrolls a PC with it. */
export async function enrollPc(
  api: AdminApi,
  storeId: string,
  pc: { deviceId?: string; macKey?: string; name?: string } = {},
): Promise<EnrolledPc> {
  const issued = await call(api.s, 'POST', `/api/v1/stores/${storeId}/enrollment-codes`, api.admin);
  expect(issued.statusCode, issued.body).toBe(201);
  const r = await call(api.s, 'POST', `${SYNC_API_PREFIX}/enroll`, null, {
    code: issued.json<{ code: string }>().code,
    deviceId: pc.deviceId ?? randomUUID(),
    deviceName: pc.name ?? 'Till 1',
    appVersion: '0.1.0',
    auditMacKey: pc.macKey ?? randomBytes(32).toString('base64'),
  });
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json<{ deviceId: string; credential: string; serverPublicKey: string }>();
  return { ...body, auth: { authorization: `Device ${body.credential}` } };
}

export async function rowCounts(
  s: TestServer,
  tables: (keyof DB)[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await s.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

export async function serverEvents(
  s: TestServer,
  action: string,
): Promise<
  {
    outcome: string;
    actorId: string | null;
    targetId: string | null;
    storeId: string | null;
    details: Record<string, unknown>;
  }[]
> {
  const rows = await s.database.db
    .selectFrom('server_audit')
    .select(['outcome', 'actor_id', 'target_id', 'store_id', 'details'])
    .where('action', '=', action)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    outcome: r.outcome,
    actorId: r.actor_id,
    targetId: r.target_id,
    storeId: r.store_id,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
