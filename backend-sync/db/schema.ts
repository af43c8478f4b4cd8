import type { Generated } from 'kysely';

/**
 * The server's tables, as Kysely sees them. Times are integer milliseconds since the epoch
 * (BIGINT on PostgreSQL, read back as numbers); JSON columns are text.
 */
export interface UsersTable {
  id: string;
  email: string;
  username: string;
  display_name: string;
  role: 'admin' | 'manager' | 'viewer';
  status: 'pending' | 'active' | 'disabled';
  email_verified_at: number | null;
  password_hash: string | null;
  password_changed_at: number | null;
  /** 1: the next sign-in must set a new password (a temporary password set on a store PC). */
  must_change_password: Generated<number>;
  /** When the password is a temporary one a manager set on a store PC: when it stops working. */
  temp_password_expires_at: Generated<number | null>;
  totp_secret: string | null;
  totp_last_step: number;
  /** When two-step sign-in was last reset or decided here (migration 006); null: never. */
  totp_changed_at: Generated<number | null>;
  /** The credential key of the password (base64 salt and Ed25519 public key); null before 004. */
  credential_salt: Generated<string | null>;
  credential_key: Generated<string | null>;
  credential_box: Generated<string | null>;
  preferences: string;
  change_seq: number;
  erased_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface StoresTable {
  id: string;
  name: string;
  brand: string;
  created_at: number;
  updated_at: number;
}

export interface UserStoresTable {
  user_id: string;
  store_id: string;
  /** The person's users.change_seq, kept by a trigger (migration 008): the pull's keyset. */
  change_seq: Generated<number>;
  /** 1 while the person is active and not erased (a pull sends them), else 0 (a revocation). */
  active: Generated<number>;
}

export interface DevicesTable {
  id: string;
  store_id: string;
  name: string;
  credential_hash: string;
  /** The device's audit MAC key (base64), to verify its chain on upload. */
  audit_mac_key: string;
  app_version: string | null;
  last_sync_at: number | null;
  last_seq: number;
  last_hash: string;
  /**
   * The highest audit seq the device says it holds (reported on each pull); pending events are
   * `reported_seq - last_seq`: written on the PC, not yet on the server.
   */
  reported_seq: number;
  revoked_at: number | null;
  created_at: number;
}

export interface EnrollmentCodesTable {
  code_hash: string;
  store_id: string;
  created_by: string;
  expires_at: number;
  used_at: number | null;
  device_id: string | null;
}

/**
 * One sign-in session: the refresh tokens it rotates through share its absolute lifetime and
 * its revocation (revoking the family kills every token of it, and its access tokens at once).
 */
export interface RefreshFamiliesTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  user_agent: string | null;
}

/** Opaque refresh tokens, SHA-256-hashed; `used_at` set once, by the rotation that wins. */
export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  created_at: number;
  used_at: number | null;
}

/**
 * Failed sign-in counters per subject: `u:<user id>` for an account, `e:<normalised email>`
 * for an address with no account, so unknown addresses lock exactly like real ones.
 */
export interface SignInFailuresTable {
  subject: string;
  failures: number;
  last_failed_at: number;
  locked_until: number | null;
  locked_by_admin: number;
}

export interface OneTimeTokensTable {
  id: string;
  /**
   * `setup`: an admin's CLI setup code (payload `mode: 'two_factor_reset'` for an operator's
   * reset of a lost authenticator); `enroll_totp`: a mailed link to set up two-step sign-in
   * again after a reset (people/two-factor-setup.service.ts); `change_password`: the step after
   * a sign-in with a temporary password (auth/password-change-required.service.ts).
   */
  purpose:
    | 'setup'
    | 'verify_email'
    | 'reset_password'
    | 'change_email'
    | 'enroll_totp'
    | 'change_password';
  user_id: string;
  token_hash: string;
  payload: string | null;
  expires_at: number;
  used_at: number | null;
  created_at: number;
  /** Wrong codes typed against this user's live tokens of this purpose (people/one-time-codes.ts). */
  attempts: Generated<number>;
}

export interface PoliciesTable {
  version: number;
  document: string;
  signature: string;
  created_at: number;
  created_by: string | null;
}

export interface AuditEventsTable {
  device_id: string;
  seq: number;
  store_id: string;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_id: string | null;
  target_name: string | null;
  outcome: string;
  details: string;
  prev_hash: string;
  hash: string;
  mac: string;
  received_at: number;
}

export interface IdempotencyKeysTable {
  device_id: string;
  key: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  response: string | null;
  created_at: number;
}

export interface ServerAuditTable {
  id: Generated<number>;
  at: number;
  actor_id: string | null;
  action: string;
  target_id: string | null;
  store_id: string | null;
  outcome: string;
  details: string;
}

/**
 * Tombstones for devices: a user removed from a store (or deleted, which cascades) is logged
 * here by a trigger on user_stores, numbered from the 'users' counter like users.change_seq,
 * so a pull can tell that store's PCs to drop the account whatever code path removed it.
 */
export interface StoreMembershipRemovalsTable {
  seq: number;
  store_id: string;
  user_id: string;
}

/** Successful password + TOTP sign-ins reported by devices, to spot one code used on two PCs. */
export interface TotpStepUsesTable {
  person_id: string;
  step: number;
  device_id: string;
  seq: number;
  at: number;
}

export interface CountersTable {
  name: string;
  value: number;
}

/** Request counters shared by the server's instances (RATE_LIMIT_STORE=database). */
export interface RateLimitCountersTable {
  /** SHA-256 (hex) of the limiter's key: the route and the client address or account. */
  key: string;
  count: number;
  /** When this window ends (ms since the epoch): the next request after it starts at 1. */
  reset_at: number;
}

export interface DB {
  users: UsersTable;
  stores: StoresTable;
  user_stores: UserStoresTable;
  devices: DevicesTable;
  enrollment_codes: EnrollmentCodesTable;
  refresh_families: RefreshFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  sign_in_failures: SignInFailuresTable;
  one_time_tokens: OneTimeTokensTable;
  policies: PoliciesTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  server_audit: ServerAuditTable;
  counters: CountersTable;
  store_membership_removals: StoreMembershipRemovalsTable;
  totp_step_uses: TotpStepUsesTable;
  rate_limit_counters: RateLimitCountersTable;
}
