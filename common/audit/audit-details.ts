import { PROFILE_IDS, ROLES, type ProfileId, type Role } from '../policy/policy';
import { UNLOCK_REASONS } from '../auth/lockout-schedule';
import { fitsPolicyValue, isPolicyField } from '../policy/policy-diff';
import { PERMISSIONS } from '../rbac/permissions';
import { AUDIT_ACTIONS, type AuditAction } from './audit-record';

/**
 * The catalogue of audit entry details: for every audit action, which detail keys its entries
 * hold and what kind of value each is, so viewers show them in words
 * (renderer/features/audit/audit-details-text.ts) instead of keys, epoch milliseconds and
 * internal codes.
 *
 * Invariants:
 * - every action of AUDIT_ACTIONS has an entry (the type says so; tests/common/
 *   audit-details.test.ts fails when one is missing, and when the words of a detail or a code
 *   are missing in a language);
 * - what the PC writes matches it (tests/core/audit/audit-details-coverage.test.ts drives the
 *   real core and reads every entry back through `describeDetails`);
 * - entries are immutable, so a key is never renamed here: an old entry whose key or value no
 *   longer matches is still shown, as "key: value", escaped.
 */

/** Named sets of codes that details hold; each code has words in every language. */
export const AUDIT_CODE_SETS = {
  sign_in_method: ['password', 'password+totp', 'password+recovery_code'],
  sign_in_failure: [
    'unknown_user',
    'bad_password',
    'bad_code',
    'replayed_code',
    'bad_recovery_code',
    'locked',
    'throttled',
    'account_disabled',
    'temporary_password_expired',
    'clock_problem',
    'offline_limit',
    'device_revoked',
    'record_untrusted',
  ],
  offline_bound: ['hours', 'sign_ins', 'unverified'],
  untrusted_record: ['account_tampered', 'sync_required', 'store_tampered', 'store_check_failed'],
  lock_reason: ['manual', 'idle', 'switch_user'],
  session_end: [
    'signed_out',
    'expired',
    'account_disabled',
    'account_removed',
    'role_changed',
    'password_changed',
    // The same person signed in again on this PC (one session per person: SessionService).
    'replaced',
  ],
  account_status: ['active', 'disabled'],
  change_source: ['sync'],
  password_change: ['self', 'temporary', 'required', 'expired'],
  clock_check: ['startup'],
  seal_problem: ['seal_missing', 'seal_forged', 'seal_stale'],
  confirmed_by: ['admin'],
  permission: PERMISSIONS,
  policy_refusal: ['malformed', 'bad_signature', 'version_mismatch', 'not_newer'],
  // totp_enrolled: an authenticator enrolled on a connected PC, sent to the server to sign.
  account_change_kind: ['password_changed', 'password_reset', 'totp_enrolled'],
  account_change_result: ['applied', 'superseded', 'refused', 'missing'],
  removal: ['removed_by_server', 'not_in_store'],
  tamper_subject: ['account', 'anchor', 'receipt', 'policy', 'device', 'audit', 'time'],
  tamper_reason: [
    // account
    'record_invalid',
    'record_rolled_back',
    'fields_edited',
    'password_edited',
    'totp_edited',
    'change_unsigned',
    'change_forged',
    'set_differs',
    'set_differs_at_sync',
    // anchor
    'anchor_missing',
    'anchor_replaced',
    'bad_pinned_key',
    // receipt
    'missing',
    'invalid',
    'accounts_edited',
    // policy
    'bundle_invalid',
    'bundle_rolled_back',
    'document_edited',
    // device
    'mode_edited',
    'counters_edited',
    // audit (electron/core/audit/audit-log.ts, checkHead)
    'head_missing',
    'log_deleted',
    'truncated',
    'appended_behind',
    'head_mismatch',
  ],
  store_sign: ['adopted'],
  unlock_reason: UNLOCK_REASONS,
} as const satisfies Record<string, readonly string[]>;
export type AuditCodeSet = keyof typeof AUDIT_CODE_SETS;
export type AuditCode<S extends AuditCodeSet> = (typeof AUDIT_CODE_SETS)[S][number];

/**
 * How one detail's value is shown. `words` names its phrase (`audit.detail.<words>` in the
 * renderer's dictionaries), the detail's key when absent.
 */
export type AuditDetailSpec = { readonly words?: string } &
  /** Free text a person typed or a server sent (names, addresses): shown escaped. */
  (
    | { readonly kind: 'text' }
    /** A key fingerprint or an id: shown as written, escaped. */
    | { readonly kind: 'key' }
    /**
     * Epoch milliseconds: a date and time in the reader's locale, and how far it is from the
     * entry's own time. `never`: null means "no end", with the words `audit.detail.<never>`.
     */
    | { readonly kind: 'time'; readonly never?: string }
    /** Milliseconds: a duration in the largest fitting unit ("2 hours"). */
    | { readonly kind: 'duration' }
    /** A whole number the words count (ICU plural: "1 failed attempt", "3 failed attempts"). */
    | { readonly kind: 'count' }
    /** A number that names something (a record version, an entry's number). */
    | { readonly kind: 'number' }
    | { readonly kind: 'role' }
    /** One code of a named set, each with words. */
    | { readonly kind: 'code'; readonly set: AuditCodeSet }
    /** true or false; the words choose by `{value, select, true {…} other {…}}`. */
    | { readonly kind: 'flag' }
    /** Role → policy profile, e.g. { viewer: 'standard' }. */
    | { readonly kind: 'profiles' }
    /** [{ role, profile }]: roles given a profile that is not recommended. */
    | { readonly kind: 'profile_warnings' }
    /**
     * [{ role, field, before, after }] (common/policy/policy-diff.ts): each setting a policy
     * change moved, "Crew: idle lock 15 minutes → 5 minutes".
     */
    | { readonly kind: 'policy_changes' }
    /** A TOTP time step (30-second windows since 1970): shown as the time of day the code was for. */
    | { readonly kind: 'totp_step' }
  );

const recordVersion = { kind: 'number', words: 'record_version' } as const;
const source = { kind: 'code', set: 'change_source', words: 'source' } as const;
const fingerprint = { kind: 'key', words: 'key_fingerprint' } as const;

/** Every action's details, in the order they are shown. */
export const AUDIT_DETAILS = {
  'setup.first_admin': {
    storeName: { kind: 'text', words: 'store_name' },
    storeKey: fingerprint,
    recordVersion,
  },
  'auth.sign_in': {
    method: { kind: 'code', set: 'sign_in_method' },
    reason: { kind: 'code', set: 'sign_in_failure', words: 'sign_in_reason' },
    failures: { kind: 'count' },
    until: { kind: 'time', words: 'locked_until', never: 'locked_until_unlocked' },
    retryAt: { kind: 'time', words: 'retry_at' },
    bound: { kind: 'code', set: 'offline_bound', words: 'offline_bound' },
    code: { kind: 'code', set: 'untrusted_record', words: 'untrusted_record' },
    totpStep: { kind: 'totp_step', words: 'totp_step' },
    clockProblem: { kind: 'flag', words: 'clock_problem' },
  },
  'auth.sign_out': { reason: { kind: 'code', set: 'session_end', words: 'session_end' } },
  'auth.session_lock': { reason: { kind: 'code', set: 'lock_reason', words: 'lock_reason' } },
  'auth.session_unlock': {},
  'auth.session_expired': { reason: { kind: 'code', set: 'session_end', words: 'session_end' } },
  'auth.lockout': {
    failures: { kind: 'count' },
    until: { kind: 'time', words: 'locked_until', never: 'locked_until_unlocked' },
  },
  'account.create': { role: { kind: 'role' }, recordVersion },
  'account.unlock': {
    wasLocked: { kind: 'flag', words: 'was_locked' },
    // Absent: a manager's unlock; password_reset: lifted by a temporary password's reset.
    reason: { kind: 'code', set: 'unlock_reason', words: 'unlock_reason' },
  },
  'account.disable': {
    before: { kind: 'code', set: 'account_status', words: 'status_before' },
    after: { kind: 'code', set: 'account_status', words: 'status_after' },
    source,
    recordVersion,
  },
  'account.enable': {
    before: { kind: 'code', set: 'account_status', words: 'status_before' },
    after: { kind: 'code', set: 'account_status', words: 'status_after' },
    recordVersion,
  },
  'account.role_change': {
    before: { kind: 'role', words: 'role_before' },
    after: { kind: 'role', words: 'role_after' },
    recordVersion,
  },
  'account.update': { recordVersion },
  'password.change': {
    reason: { kind: 'code', set: 'password_change', words: 'password_change' },
  },
  'password.temporary_issued': {
    expiresAt: { kind: 'time', words: 'temporary_until' },
    recordVersion,
  },
  'totp.enroll_start': {},
  'totp.enroll': {},
  'totp.disable': { recordVersion },
  'totp.reset': { recordVersion },
  'recovery_codes.generate': { count: { kind: 'count', words: 'codes_made' } },
  'recovery_code.use': { remaining: { kind: 'count', words: 'codes_left' } },
  'policy.change': {
    source,
    versionBefore: { kind: 'number', words: 'policy_version_before' },
    versionAfter: { kind: 'number', words: 'policy_version_after' },
    profilesBefore: { kind: 'profiles', words: 'profiles_before' },
    profilesAfter: { kind: 'profiles', words: 'profiles_after' },
    warnings: { kind: 'profile_warnings', words: 'profile_warnings' },
    // Written since policy changes name what they changed (before: only profiles, above).
    changes: { kind: 'policy_changes', words: 'policy_changes' },
  },
  'time.anomaly': {
    wallClock: { kind: 'time', words: 'clock_said' },
    behindMs: { kind: 'duration', words: 'clock_behind' },
    at: { kind: 'code', set: 'clock_check', words: 'clock_check' },
    seal: { kind: 'code', set: 'seal_problem', words: 'seal_problem' },
  },
  'time.reanchor': {
    before: { kind: 'time', words: 'time_before' },
    after: { kind: 'time', words: 'time_after' },
    by: { kind: 'code', set: 'confirmed_by', words: 'confirmed_by' },
  },
  'store.backup': {},
  'store.restore': {},
  'permission.denied': {
    permission: { kind: 'code', set: 'permission' },
    targetRole: { kind: 'role', words: 'target_role' },
  },
  'sync.connect': {
    server: { kind: 'text', words: 'server' },
    storeName: { kind: 'text', words: 'store_name' },
    storeId: { kind: 'key', words: 'store_id' },
    serverKey: fingerprint,
    afterRevocation: { kind: 'flag', words: 'after_revocation' },
    // A standalone PC's people at connect (common/sync/handover.ts).
    handedOver: { kind: 'count', words: 'people_handed_over' },
    kept: { kind: 'count', words: 'people_kept' },
    notHandedOver: { kind: 'count', words: 'people_not_handed_over' },
  },
  'sync.pull': {
    accounts: { kind: 'count', words: 'accounts_received' },
    disabled: { kind: 'count', words: 'accounts_disabled' },
    removed: { kind: 'count', words: 'accounts_removed' },
    policyVersion: { kind: 'number', words: 'policy_version_received' },
  },
  'sync.policy_refused': {
    reason: { kind: 'code', set: 'policy_refusal', words: 'policy_refusal' },
    heldVersion: { kind: 'number', words: 'policy_version_kept' },
  },
  'sync.account_change': {
    kind: { kind: 'code', set: 'account_change_kind', words: 'account_change' },
    result: { kind: 'code', set: 'account_change_result', words: 'server_answer' },
    changedAt: { kind: 'time', words: 'changed_at' },
  },
  'account.remove': {
    source,
    reason: { kind: 'code', set: 'removal', words: 'removal' },
  },
  'integrity.tamper': {
    subject: { kind: 'code', set: 'tamper_subject', words: 'tamper_subject' },
    reason: { kind: 'code', set: 'tamper_reason', words: 'tamper_reason' },
    accountId: { kind: 'key', words: 'account_id' },
    missing: { kind: 'count', words: 'accounts_missing' },
    extra: { kind: 'count', words: 'accounts_extra' },
    foundSeq: { kind: 'number', words: 'last_entry_found' },
    sealedSeq: { kind: 'number', words: 'last_entry_sealed' },
  },
  'store.sign': {
    reason: { kind: 'code', set: 'store_sign', words: 'store_sign' },
    storeKey: fingerprint,
  },
} as const satisfies Record<AuditAction, Readonly<Record<string, AuditDetailSpec>>>;

type Catalogue = typeof AUDIT_DETAILS;
type SpecWords<K, S> =
  (S extends { words: infer W extends string } ? W : K & string) | NeverWords<S>;
type NeverWords<S> = S extends { never: infer N extends string } ? N : never;
/** The name of every phrase the catalogue uses (renderer: `audit.detail.<name>`). */
export type AuditDetailWords = {
  [A in AuditAction]: {
    [K in keyof Catalogue[A]]: SpecWords<K, Catalogue[A][K]>;
  }[keyof Catalogue[A]];
}[AuditAction];
/** `<set>.<code>` of every code (renderer: `audit.code.<set>.<code>`). */
export type AuditCodeWords = { [S in AuditCodeSet]: `${S}.${AuditCode<S>}` }[AuditCodeSet];

/** One detail of an entry, as the catalogue reads it. */
export type DescribedDetail =
  | {
      readonly key: string;
      readonly words: string;
      readonly spec: AuditDetailSpec;
      readonly value: unknown;
    }
  /** Not in the catalogue for this action, or not the kind it says: shown as "key: value". */
  | { readonly key: string; readonly unknown: true; readonly value: unknown };

const isRole = (v: unknown): v is Role => (ROLES as readonly unknown[]).includes(v);
const isProfile = (v: unknown): v is ProfileId => (PROFILE_IDS as readonly unknown[]).includes(v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isWhole = (v: unknown): v is number => Number.isSafeInteger(v);

/** Whether `value` is what `spec` says (a code of another set counts as not). */
export function fitsSpec(spec: AuditDetailSpec, value: unknown): boolean {
  switch (spec.kind) {
    case 'text':
    case 'key':
      return typeof value === 'string';
    case 'time':
      return (isWhole(value) && value >= 0) || (value === null && spec.never !== undefined);
    case 'duration':
    case 'count':
    case 'totp_step':
      return isWhole(value) && value >= 0;
    case 'number':
      return isWhole(value);
    case 'role':
      return isRole(value);
    case 'code':
      return (AUDIT_CODE_SETS[spec.set] as readonly unknown[]).includes(value);
    case 'flag':
      return typeof value === 'boolean';
    case 'profiles':
      return isRecord(value) && Object.entries(value).every(([r, p]) => isRole(r) && isProfile(p));
    case 'profile_warnings':
      return (
        Array.isArray(value) &&
        value.every((w) => isRecord(w) && isRole(w.role) && isProfile(w.profile))
      );
    case 'policy_changes':
      return (
        Array.isArray(value) &&
        value.every(
          (c) =>
            isRecord(c) &&
            isRole(c.role) &&
            isPolicyField(c.field) &&
            fitsPolicyValue(c.field, c.before) &&
            fitsPolicyValue(c.field, c.after),
        )
      );
  }
}

export function isAuditAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

/**
 * An entry's details in catalogue order, then whatever the catalogue does not know, in the
 * entry's order. A null or absent value the catalogue has no words for is left out (a sync
 * that brought no policy has `policyVersion: null`). `action` may be one this version does not
 * know (the server keeps entries of newer PCs): then every detail is unknown.
 */
export function describeDetails(
  action: string,
  details: Readonly<Record<string, unknown>>,
): DescribedDetail[] {
  const specs: Readonly<Record<string, AuditDetailSpec>> = isAuditAction(action)
    ? AUDIT_DETAILS[action]
    : {};
  const known: DescribedDetail[] = [];
  for (const [key, spec] of Object.entries(specs)) {
    if (!Object.hasOwn(details, key)) continue;
    const value = details[key];
    if (value === null && !(spec.kind === 'time' && spec.never)) continue;
    if (fitsSpec(spec, value)) known.push({ key, words: spec.words ?? key, spec, value });
  }
  const shown = new Set(known.map((d) => d.key));
  const rest = Object.entries(details)
    .filter(([key, value]) => !shown.has(key) && !(value === null && Object.hasOwn(specs, key)))
    .map(([key, value]) => ({ key, unknown: true as const, value }));
  return [...known, ...rest];
}
