import type { CoreHarness } from './core-harness';
import { DesktopAttacker } from './desktop-attacker';

/**
 * Turns the harness's standalone store into one as Keyholder left it before store keys
 * (migration 005, and what came after it): no store key, no key anyone holds, no signed record or policy bundle, and a
 * chain that names none of them. Keyholder then runs migrations 005 on again at `reopen`, as it does
 * on a PC upgraded from that version.
 *
 * The store is rewritten from the outside with the keychain's keys, chain included: exactly the
 * whole-store rewrite docs/SECURITY.md says no PC can tell on its own ("What cannot hold").
 */
export async function asBeforeStoreKeys(h: CoreHarness): Promise<void> {
  const attacker = new DesktopAttacker(h.dir, h.secrets, h.kh.profileId);
  h.kh.close();
  await attacker.edit(async (db) => {
    db.exec(`
      DROP TABLE store_anchor;
      DROP TABLE store_keys;
      DROP TABLE totp_outbox;
      DELETE FROM schema_migrations WHERE id >= 5;
      UPDATE accounts SET signed_record = NULL, server_version = 0;
      UPDATE policy SET signed_bundle = NULL;
      DELETE FROM account_outbox;
    `);
    await attacker.rewriteChain(db, (entry) => {
      if (entry.action === 'store.sign') return null;
      const { storeKey: _key, recordVersion: _version, ...details } = entry.details;
      return { ...entry, details };
    });
  });
  h.clock.restart();
  await h.open();
}
