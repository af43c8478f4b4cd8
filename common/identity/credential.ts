import { z } from 'zod';
import { canonicalJson } from '../audit/canonical-json';
import { canManage } from '../rbac/permissions';
import type { Role } from '../policy/policy';

/**
 * A person's credential key: an Ed25519 key pair whose private half only their password
 * yields. seed = argon2id(password, salt) with CREDENTIAL_KDF; the signing key is made from the
 * seed (HKDF, CREDENTIAL_LABELS.signing), and so is an X25519 key (`box`). The public halves and
 * the salt travel in the person's
 * signed account record (`credential`), so anyone can check a signature and nobody without the
 * password can make one (cracking it costs what cracking the password hash costs).
 *
 * What it is for (docs/SECURITY.md, "The shared store PC"): a change a store PC makes to an
 * account — a password changed by its owner, a temporary password a manager gives — carries a
 * signature by the key of whoever made it. The sync server and every PC check that signature
 * and who signed (`mayAuthorize`) before they take the change, so someone who can edit a PC's
 * files cannot invent one. Both sides derive keys with the same parameters (a shared known
 * answer in tests/common/credential.test.ts).
 */
export const CREDENTIAL_KDF = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
  saltBytes: 16,
} as const;

/** HKDF-SHA256 labels for what is made from the seed; one label per purpose. */
export const CREDENTIAL_LABELS = {
  signing: 'keyholder/credential/signing/v1',
  /** An X25519 key: what is sealed to a person (`box`) only their password opens. */
  box: 'keyholder/credential/box/v1',
} as const;

const base64Bytes = (n: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
    .refine((s) => Math.floor((s.replace(/=+$/, '').length * 3) / 4) === n, {
      message: `expected ${n} bytes`,
    });

export const credentialSchema = z
  .object({
    /** The argon2id salt (16 bytes, base64). */
    salt: base64Bytes(CREDENTIAL_KDF.saltBytes),
    /** The Ed25519 public key (32 bytes, base64). */
    key: base64Bytes(32),
    /**
     * The X25519 public key (32 bytes, base64): a store key can be sealed to the person without
     * their password (a standalone PC's admin or manager keys, integrity/store-keyring.ts).
     */
    box: base64Bytes(32),
  })
  .strict();
export type Credential = z.infer<typeof credentialSchema>;

export const ACCOUNT_CHANGE_KIND = 'keyholder-account-change';

/** Who made a change, and their signature over `accountChangeSigningInput`. */
export const changeAuthorizationSchema = z
  .object({ by: z.string().uuid(), signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/) })
  .strict();
export type ChangeAuthorization = z.infer<typeof changeAuthorizationSchema>;

/** The fields of a password change that its authorization signs. */
export interface AuthorizedChangeFields {
  accountId: string;
  kind: 'password_changed' | 'password_reset';
  passwordHash: string;
  credential: Credential | null;
  changedAt: number;
  mustChangePassword: boolean;
  temporaryUntil: number | null;
}

/** The fields of a TOTP enrolment made on a PC that its owner's authorization signs. */
export interface AuthorizedTotpFields {
  accountId: string;
  kind: 'totp_enrolled';
  totpSecret: string;
  changedAt: number;
}

/**
 * The bytes a change's authorization signs. `storeId`: the store whose PC made it (null on a
 * standalone PC); `by`: the account whose key signs.
 */
export function accountChangeSigningInput(
  storeId: string | null,
  change: AuthorizedChangeFields | AuthorizedTotpFields,
  by: string,
): string {
  if (change.kind === 'totp_enrolled')
    return canonicalJson({
      kind: ACCOUNT_CHANGE_KIND,
      v: 1,
      storeId,
      accountId: change.accountId,
      change: change.kind,
      totpSecret: change.totpSecret,
      changedAt: change.changedAt,
      by,
    });
  return canonicalJson({
    kind: ACCOUNT_CHANGE_KIND,
    v: 1,
    storeId,
    accountId: change.accountId,
    change: change.kind,
    passwordHash: change.passwordHash,
    credential: change.credential,
    changedAt: change.changedAt,
    mustChangePassword: change.mustChangePassword,
    temporaryUntil: change.temporaryUntil,
    by,
  });
}

/**
 * Whether `signer` may make `kind` for `target` (the rule the server and the PCs apply): an
 * owner changes their own password and enrols their own authenticator; a temporary password is given by someone who manages the
 * target's role (a manager for crew, an admin for anyone), never to themselves. Both must be
 * active; the caller checks that the signature is by the signer's current key.
 */
export function mayAuthorize(
  kind: AuthorizedChangeFields['kind'] | AuthorizedTotpFields['kind'],
  signer: { id: string; role: Role; status: string },
  target: { id: string; role: Role; status: string },
): boolean {
  if (signer.status !== 'active' || target.status !== 'active') return false;
  if (kind === 'password_changed' || kind === 'totp_enrolled') return signer.id === target.id;
  return signer.id !== target.id && canManage(signer.role, target.role);
}
