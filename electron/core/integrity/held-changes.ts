import {
  accountChangeSigningInput,
  mayAuthorize,
  type Credential,
} from '../../../common/identity/credential';
import { signedFields, type SyncedAccount } from '../../../common/sync/protocol';
import { signedByCredential } from '../crypto/credential-key';
import type { Db } from '../db/database';
import { SyncStateRepository } from '../sync/sync-state';
import { verifiedAccountRecord, type Anchor } from './signed-state';

/** The password fields a held change sets (compared with the account's row). */
export interface HeldPassword {
  passwordHash: string;
  passwordChangedAt: number;
  mustChangePassword: boolean;
  tempPasswordExpiresAt: number | null;
}

/** The result of checking an account's held changes: the newest one's fields, or why not. */
export type HeldChanges =
  | { ok: true; latest: HeldPassword | null; credential: Credential | null }
  | { ok: false; reason: 'change_unsigned' | 'change_forged' };

/**
 * The password changes made on this PC for an account and not yet in a record the server
 * signed (the outbox: waiting, or applied and waiting for that record), checked the way the
 * server checks them (common/identity/credential.ts): each is signed by someone who may make
 * it, with the key they held then — the owner's key before the change, a manager's current key
 * for a temporary password. A change made before credential keys (no key to check with yet) is
 * taken unsigned, once; after it, the key it brings is required. So a change someone wrote into
 * the store by hand gives nobody a password here, as it would give nobody one on the server.
 *
 * `depth` bounds the check of a signer's own held changes (a manager who changed their own
 * password here, then gave a temporary one).
 */
export function checkHeldChanges(
  db: Db,
  anchor: Anchor,
  account: { id: string },
  record: SyncedAccount,
  depth = 2,
  before = Number.MAX_SAFE_INTEGER,
): HeldChanges {
  const changes = new SyncStateRepository(db).changesOf(account.id).filter((c) => c.id < before);
  let key: Credential | null = record.credential ?? null;
  const target = { id: account.id, role: record.role, status: record.status };
  for (const change of changes) {
    const auth = change.authorization;
    if (!auth) {
      if (key !== null) return { ok: false, reason: 'change_unsigned' };
    } else {
      const signer =
        auth.by === account.id
          ? { ...target, key }
          : signerOf(db, anchor, auth.by, depth - 1, change.id);
      const fields = signedFields({ ...change, accountId: account.id });
      if (
        !signer?.key ||
        !mayAuthorize(change.kind, signer, target) ||
        !signedByCredential(
          signer.key,
          accountChangeSigningInput(anchor.storeId, fields, auth.by),
          auth.signature,
        )
      )
        return { ok: false, reason: 'change_forged' };
    }
    key = change.credential ?? null;
  }
  const last = changes.at(-1);
  return {
    ok: true,
    credential: key,
    latest: last
      ? {
          passwordHash: last.passwordHash,
          passwordChangedAt: last.changedAt,
          mustChangePassword: last.mustChangePassword,
          tempPasswordExpiresAt:
            last.kind === 'password_reset' ? (last.temporaryUntil ?? null) : null,
        }
      : null,
  };
}

/**
 * A signer as its signed record and its own held changes made before `before` (an outbox id)
 * say it was when it signed: the key it held then (the server checks in the same order).
 */
function signerOf(db: Db, anchor: Anchor, id: string, depth: number, before: number) {
  if (depth < 0) return null;
  const row = db.prepare('SELECT signed_record FROM accounts WHERE id = ?').get(id) as
    { signed_record: string | null } | undefined;
  const record = verifiedAccountRecord(anchor, row?.signed_record ?? null);
  if (!record) return null;
  const held = checkHeldChanges(db, anchor, { id }, record, depth, before);
  if (!held.ok) return null;
  return { id, role: record.role, status: record.status, key: held.credential };
}
