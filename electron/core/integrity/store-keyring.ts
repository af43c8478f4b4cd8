import { createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Credential } from '../../../common/identity/credential';
import {
  privateKeyFromSeed,
  rawPublicKey,
  type CredentialMaterial,
} from '../crypto/credential-key';
import { openBox, sealTo, sealedBoxSchema } from '../crypto/sealed-box';
import { keyFingerprint } from './signed-state';
import type { Db } from '../db/database';
import { KeyholderError } from '../errors';

/** Which key a person holds on a standalone PC. */
export type HeldKeyKind = 'store' | 'manager';

/** A key unlocked for one session: it signs records (and, the store key, the policy). */
export interface Signer {
  readonly kind: HeldKeyKind;
  readonly accountId: string;
  readonly key: KeyObject;
  /** The private seed, to seal the same key to someone else (an admin granting the store key). */
  readonly seed: Buffer;
}

const LABEL: Record<HeldKeyKind, string> = {
  store: 'keyholder/standalone/store-key/v1',
  manager: 'keyholder/standalone/manager-key/v1',
};

/**
 * A standalone PC's authority (invariant 9 without a server): an Ed25519 store key made at first
 * run, whose public half is pinned in `store_anchor` (and named in the first audit entry). Every
 * account record and the policy are signed with it, so that someone who edits the store without
 * an admin's password cannot produce a record the PC accepts. Its private half is held only
 * sealed (crypto/sealed-box.ts) to the credential box key of each admin (common/identity/
 * credential.ts): only their password opens it. Managers hold keys of their own, named in their
 * record, that sign crew records only (integrity/standalone-records.ts). A key is opened for a
 * session when its holder confirms their password, kept in memory until the session locks or
 * ends, and never written anywhere unsealed.
 */
export class StoreKeyring {
  private readonly unlocked = new Map<string, Signer>();

  constructor(private readonly db: Db) {}

  /** The pinned store key (SPKI PEM), or null on a PC without one (connected, or older). */
  anchorKey(): string | null {
    const row = this.db.prepare('SELECT public_key FROM store_anchor WHERE id = 1').get() as
      { public_key: string } | undefined;
    return row?.public_key ?? null;
  }

  /** A short name of the pinned store key (recorded in the audit log, shown to admins). */
  fingerprint(): string | null {
    const pem = this.anchorKey();
    return pem ? keyFingerprint(pem) : null;
  }

  /** First run: a new store key, pinned, sealed to the first admin. Call in the first-run transaction. */
  createStore(adminId: string, credential: Credential, now: number): Signer {
    const seed = randomBytes(32);
    const key = privateKeyFromSeed('ed25519', seed);
    const pem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    this.db
      .prepare('INSERT INTO store_anchor (id, public_key, created_at) VALUES (1, ?, ?)')
      .run(pem, now);
    this.grant(adminId, 'store', seed, credential);
    return { kind: 'store', accountId: adminId, key, seed };
  }

  /** Seals a key to a person's credential (they open it with their password). */
  grant(accountId: string, kind: HeldKeyKind, seed: Buffer, credential: Credential): void {
    const sealed = JSON.stringify(sealTo(credential.box, seed, LABEL[kind]));
    this.db
      .prepare(
        `INSERT INTO store_keys (account_id, kind, sealed) VALUES (?, ?, ?)
         ON CONFLICT(account_id) DO UPDATE SET kind = excluded.kind, sealed = excluded.sealed`,
      )
      .run(accountId, kind, sealed);
  }

  /** A new manager key sealed to the manager: returns its public half for their record. */
  newManagerKey(accountId: string, credential: Credential): string {
    const seed = randomBytes(32);
    this.grant(accountId, 'manager', seed, credential);
    return rawPublicKey(privateKeyFromSeed('ed25519', seed));
  }

  /** The person no longer holds a key (their role or status changed). */
  revoke(accountId: string): void {
    this.db.prepare('DELETE FROM store_keys WHERE account_id = ?').run(accountId);
    for (const [session, signer] of this.unlocked)
      if (signer.accountId === accountId) this.unlocked.delete(session);
  }

  /** Opens the person's key with what their password yields; null when they hold none. */
  open(accountId: string, material: CredentialMaterial): Signer | null {
    const row = this.db
      .prepare('SELECT kind, sealed FROM store_keys WHERE account_id = ?')
      .get(accountId) as { kind: HeldKeyKind; sealed: string } | undefined;
    if (!row) return null;
    const box = sealedBoxSchema.safeParse(parseJson(row.sealed));
    const seed = box.success ? openBox(box.data, material.boxKey, LABEL[row.kind]) : null;
    if (!seed) {
      throw new KeyholderError(
        'store_key_unreadable',
        'Your signing key on this PC cannot be opened with your password. Ask an administrator to reset your password.',
      );
    }
    return { kind: row.kind, accountId, key: privateKeyFromSeed('ed25519', seed), seed };
  }

  /** `open`, with a key that cannot be opened read as none. */
  tryOpen(accountId: string, material: CredentialMaterial): Signer | undefined {
    try {
      return this.open(accountId, material) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** The person's password changed: their key, sealed again to the new password's credential. */
  reseal(accountId: string, old: CredentialMaterial, next: Credential): void {
    const signer = this.open(accountId, old);
    if (signer) this.grant(accountId, signer.kind, signer.seed, next);
  }

  /** Keeps an opened key for a session (until it locks or ends: `forget`). */
  remember(sessionId: string, signer: Signer): void {
    this.unlocked.set(sessionId, signer);
  }

  signerFor(sessionId: string): Signer | null {
    return this.unlocked.get(sessionId) ?? null;
  }

  forget(sessionId: string): void {
    this.unlocked.delete(sessionId);
  }

  /** Drops everything (the PC connected to a server: the server is the authority now). */
  clear(): void {
    this.db.prepare('DELETE FROM store_keys').run();
    this.db.prepare('DELETE FROM store_anchor').run();
    this.unlocked.clear();
  }
}

/** An Ed25519 signature (base64) over the UTF-8 of `text`. */
export function signWith(signer: Signer, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), signer.key).toString('base64');
}

/** A row edited into something that is not JSON reads as no box at all. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
