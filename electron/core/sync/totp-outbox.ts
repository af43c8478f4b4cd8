import { createHash } from 'node:crypto';
import {
  changeAuthorizationSchema,
  type AuthorizedTotpFields,
  type ChangeAuthorization,
} from '../../../common/identity/credential';
import { MAX_ACCOUNT_CHANGES, type TotpEnrolledChange } from '../../../common/sync/protocol';
import type { AccountRepository, AccountRow } from '../accounts/account-repository';
import type { CredentialsService } from '../accounts/credentials.service';
import type { CredentialMaterial } from '../crypto/credential-key';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/database';
import { auditAccountChange } from './account-outbox';
import type { SyncHttp } from './sync-http';

/**
 * An authenticator enrolled on a connected PC goes to the sync server (`totp_enrolled`), which
 * signs it into the person's record for every PC of their stores: one phone works on all of
 * them, and once the record holds the secret, removing it here is noticed (integrity). Until
 * then it is kept beside the record, as docs/SECURITY.md says. Signed by the owner's credential
 * key, so nobody else can enrol a phone for them through the PC's files.
 *
 * Queue it in the enrolment's transaction. A standalone PC, or an account the server does not
 * hold yet, queues nothing.
 */
export function queueTotpEnrolment(
  db: Db,
  account: Pick<AccountRow, 'id' | 'serverVersion'>,
  totpSecret: string,
  changedAt: number,
  authorize: (storeId: string, change: AuthorizedTotpFields) => ChangeAuthorization | undefined,
): void {
  if (account.serverVersion === 0) return;
  const state = db.prepare('SELECT store_id FROM sync_state WHERE id = 1').get() as
    { store_id: string } | undefined;
  if (!state) return;
  const authorization = authorize(state.store_id, {
    accountId: account.id,
    kind: 'totp_enrolled',
    totpSecret,
    changedAt,
  });
  db.prepare('DELETE FROM totp_outbox WHERE account_id = ?').run(account.id);
  db.prepare(
    `INSERT INTO totp_outbox (account_id, totp_secret, changed_at, base_version, authorization)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(
    account.id,
    totpSecret,
    changedAt,
    account.serverVersion,
    authorization ? JSON.stringify(authorization) : null,
  );
}

/**
 * An enrolment just confirmed (in its transaction): audited, and queued for the server signed by
 * `key`, the owner's password's (null: a password from before credential keys).
 */
export function recordEnrolment(
  d: { db: Db; accounts: AccountRepository; audit: AuditLog; credentials: CredentialsService },
  account: Pick<AccountRow, 'id' | 'username'>,
  now: number,
  key: CredentialMaterial | null,
): void {
  const actor = { id: account.id, name: account.username };
  d.audit.append({ actor, action: 'totp.enroll', target: actor, outcome: 'success' });
  const enrolled = d.accounts.byId(account.id);
  if (!enrolled?.totpSecret) return;
  const authorize = d.credentials.ownAuthorizer(account.id, key);
  queueTotpEnrolment(d.db, enrolled, enrolled.totpSecret, now, authorize);
}

/** Two-step sign-in turned off here before the server heard of it: nothing to send. */
export function dropTotpEnrolment(db: Db, accountId: string): void {
  db.prepare('DELETE FROM totp_outbox WHERE account_id = ?').run(accountId);
}

interface Row {
  id: number;
  account_id: string;
  totp_secret: string;
  changed_at: number;
  base_version: number;
  authorization: string | null;
}

/**
 * Step 2 of a sync run, after password changes: sends the waiting enrolments and settles each
 * answer in one transaction per batch (audited like password changes). Taken: the row goes;
 * the signed record that carries the secret comes with the next pull. Superseded (an admin
 * reset two-step sign-in on the server since, or it holds another secret): the phone enrolled
 * here stops working, as the reset meant (the server's state comes with the pull). Refused:
 * the secret stays on this PC only. Returns whether the server took any.
 */
export async function pushTotpEnrolments(
  d: { db: Db; accounts: AccountRepository; audit: AuditLog },
  http: SyncHttp,
  disable: (accountId: string) => void,
): Promise<boolean> {
  let taken = false;
  for (;;) {
    const rows = d.db
      .prepare('SELECT * FROM totp_outbox ORDER BY id LIMIT ?')
      .all(MAX_ACCOUNT_CHANGES) as Row[];
    if (rows.length === 0) return taken;
    const changes: TotpEnrolledChange[] = rows.map((r) => {
      const auth = changeAuthorizationSchema.safeParse(parseOrNull(r.authorization));
      return {
        accountId: r.account_id,
        kind: 'totp_enrolled',
        totpSecret: r.totp_secret,
        changedAt: r.changed_at,
        baseVersion: r.base_version,
        ...(auth.success ? { authorization: auth.data } : {}),
      };
    });
    const digest = createHash('sha256').update(JSON.stringify(changes)).digest('hex');
    const answer = await http.pushAccountChanges(changes, `totp-${digest}`);
    d.db.transaction(() => {
      for (const [i, row] of rows.entries()) {
        const result = answer.results[i];
        const account = d.accounts.byId(row.account_id);
        d.db.prepare('DELETE FROM totp_outbox WHERE id = ?').run(row.id);
        if (result?.outcome === 'applied') taken = true;
        else if (
          result?.outcome === 'superseded' &&
          account?.totpSecret === row.totp_secret &&
          account.totpOrigin === 'local'
        )
          disable(row.account_id);
        auditAccountChange(d.audit, account, 'totp_enrolled', result?.outcome, row.changed_at);
      }
    })();
  }
}

/** A stored authorization edited into something that is not JSON reads as none (refused). */
function parseOrNull(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
