import type { Db } from '../db/database';
import { keyFingerprint } from './signed-state';

/**
 * What the audit log says of a PC's anchor (the key its records are checked against). Each
 * anchor is named in the chain when it is pinned: `storeKey` at first run or when a standalone
 * PC adopts a store key (`setup.first_admin`, `store.sign`), `serverKey` at a connect
 * (`sync.connect`). Someone who swaps the pinned key for one of their own, and signs records
 * with it, must also rewrite the chain (docs/SECURITY.md, "What cannot hold").
 */

/**
 * Whether `pem` is the key the audit log last pinned (the newest entry naming a server or store
 * key). A log naming none (a PC from before keys were named, or a first run under way) has
 * nothing to compare.
 */
export function namedInChain(db: Db, kind: 'serverKey' | 'storeKey', pem: string): boolean {
  const last = db
    .prepare(
      `SELECT json_extract(details, '$.serverKey') AS serverKey,
              json_extract(details, '$.storeKey') AS storeKey
         FROM audit_log
        WHERE action IN ('setup.first_admin', 'store.sign', 'sync.connect')
          AND (json_extract(details, '$.serverKey') IS NOT NULL
            OR json_extract(details, '$.storeKey') IS NOT NULL)
        ORDER BY seq DESC LIMIT 1`,
    )
    .get() as { serverKey: string | null; storeKey: string | null } | undefined;
  return !last || last[kind] === keyFingerprint(pem);
}

/**
 * Whether anything on a PC without an anchor says it had one: signed records, a receipt, the
 * enrolled mode, keys people hold, or a store key the chain names. Such a PC had its anchor
 * removed; one with none of these is a standalone PC from before store keys.
 */
export function tracesOfAnchor(db: Db): boolean {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM accounts WHERE signed_record IS NOT NULL OR server_version > 0)
          + (SELECT count(*) FROM receipt_accounts)
          + (SELECT count(*) FROM device WHERE mode = 'enrolled' OR server_url IS NOT NULL)
          + (SELECT count(*) FROM store_keys)
          + (SELECT count(*) FROM audit_log WHERE action IN ('setup.first_admin', 'store.sign')
               AND json_extract(details, '$.storeKey') IS NOT NULL) AS n`,
    )
    .get() as { n: number };
  return row.n > 0;
}
