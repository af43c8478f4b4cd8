import type { Kysely } from 'kysely';
import type { StaffRole } from '../../common/rbac/permissions';
import type { ServerClock } from '../clock';
import type { Principal } from '../auth/auth.plugin';
import type { LockoutService } from '../auth/lockout.service';
import type { PasswordHasher } from '../auth/password-hasher';
import type { PolicyFor } from '../auth/policy-source';
import type { TotpSecretBox } from '../auth/totp-secret-box';
import type { ClientMeta, TokenService } from '../auth/token.service';
import type { Dialect } from '../db/dialect';
import type { DB } from '../db/schema';
import { conflict } from '../errors';
import type { ServerAudit } from '../services/server-audit';
import type { OneTimeCodes } from './one-time-codes';
import type { PeopleMail } from './people-mail';

/** What the people services share (wired by people/people-services.ts). */
export interface PeopleDeps {
  db: Kysely<DB>;
  dialect: Dialect;
  clock: ServerClock;
  audit: ServerAudit;
  tokens: TokenService;
  lockout: LockoutService;
  hasher: PasswordHasher;
  /** Seals and opens TOTP secrets at rest (pending ones in code payloads too). */
  totpSecrets: TotpSecretBox;
  policyFor: PolicyFor;
  codes: OneTimeCodes;
  mail: PeopleMail;
}

/** The caller as the people services see them: role and the stores they belong to. */
export interface Actor {
  userId: string;
  role: StaffRole;
  storeIds: string[];
}

export async function loadActor(db: Kysely<DB>, principal: Principal): Promise<Actor> {
  const rows = await db
    .selectFrom('user_stores')
    .select('store_id')
    .where('user_id', '=', principal.userId)
    .execute();
  return { userId: principal.userId, role: principal.role, storeIds: rows.map((r) => r.store_id) };
}

export interface StoreRef {
  id: string;
  name: string;
}

/** Store assignments (with names) of each of `userIds`. */
export async function storesOf(
  db: Kysely<DB>,
  userIds: string[],
): Promise<Map<string, StoreRef[]>> {
  const out = new Map<string, StoreRef[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('user_stores as us')
    .innerJoin('stores as s', 's.id', 'us.store_id')
    .select(['us.user_id', 's.id', 's.name'])
    .where('us.user_id', 'in', userIds)
    .orderBy('s.name')
    .orderBy('s.id')
    .execute();
  for (const r of rows) out.get(r.user_id)?.push({ id: r.id, name: r.name });
  return out;
}

/** A UNIQUE constraint refused the write (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown } | null;
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === '23505';
}

export const emailTaken = () =>
  conflict('email_taken', 'Another account already uses this email address.');
export const usernameTaken = () =>
  conflict('username_taken', 'Another account already uses this username.');

/** Client address and user agent for audit details. */
export function clientOf(meta: ClientMeta): Record<string, string> {
  return {
    ip: meta.ip,
    ...(meta.userAgent ? { userAgent: meta.userAgent.slice(0, 200) } : {}),
  };
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
