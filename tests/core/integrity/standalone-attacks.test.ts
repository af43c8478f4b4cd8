// Issue 12 on a standalone PC (no server to heal it): someone at the store PC's desktop reads the
// keychain (the real gnome-keyring), opens keyholder.db beside Keyholder and edits what sign-in
// rests on. Each edit is refused and audited; an admin's own action puts the account back as it
// was signed. What they cannot be stopped from (rewriting the whole store, chain included) is in
// docs/SECURITY.md, "What cannot hold".
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Role } from '../../../common/policy/policy';
import { syncedAccountSchema, type SyncedAccount } from '../../../common/sync/protocol';
import { accountSigningInput } from '../../../common/sync/signed-records';
import { PasswordHasher } from '../../../electron/core/accounts/password-hasher';
import { deriveCredential } from '../../../electron/core/crypto/credential-key';
import { StoreKeyring, signWith } from '../../../electron/core/integrity/store-keyring';
import { KeytarSecretStore } from '../../../electron/core/keychain/keytar-secret-store';
import { secretName, type SecretKind } from '../../../electron/core/keychain/secret-store';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';
import { DesktopAttacker } from '../../support/desktop-attacker';
import { describeWithKeychain } from '../../support/keyring';

const ATTACKER_PASSWORD = 'the attacker knows this one';
const PASSWORD: Record<Role, string> = {
  admin: 'spare keys hang by the office door',
  manager: 'the safe keys live in the back office',
  viewer: 'espresso tamper on the counter',
};
const KINDS: SecretKind[] = ['database-key', 'audit-mac-key', 'time-seal-key'];

describeWithKeychain(
  'a standalone store PC: records edited through the real store and keychain',
  () => {
    const keychain = new KeytarSecretStore({ service: `Keyholder-test-${randomUUID()}` });
    let h: CoreHarness;
    let attacker: DesktopAttacker;
    let admin: string;
    let mia: { id: string; session: string };
    let cam: { id: string };

    /** Someone `by` adds, signed in once with their own password (TOTP enrolled when required). */
    async function person(role: Role, username: string, by: string) {
      const made = await h.kh.staff.create(by, {
        username,
        displayName: username,
        email: '',
        role,
      });
      const first = expectStep(
        await h.kh.signIn.signIn(username, made.temporaryPassword),
        'needs_password_change',
      );
      let step = await h.kh.signIn.submitNewPassword(first.challengeId, PASSWORD[role]);
      if (step.status === 'needs_totp_enrollment') {
        const enrollment = await h.kh.signIn.beginEnrollment(step.challengeId);
        step = await h.kh.signIn.confirmEnrollment(step.challengeId, h.code(enrollment.manualKey));
        h.clock.advance(30_000);
      }
      return { id: made.account.id, session: expectStep(step, 'signed_in').session };
    }
    const signInCode = (username: string, password: string) =>
      errorCode(() => h.kh.signIn.signIn(username, password));
    const tampers = () =>
      h.kh.audit
        .query({ action: 'integrity.tamper', limit: 100 })
        .entries.map((e) => `${String(e.details.subject)}:${String(e.details.reason)}`);
    const recordOf = (
      db: { prepare(sql: string): { get(...a: unknown[]): unknown } },
      id: string,
    ) =>
      syncedAccountSchema.parse(
        JSON.parse(
          (
            db.prepare('SELECT signed_record FROM accounts WHERE id = ?').get(id) as {
              signed_record: string;
            }
          ).signed_record,
        ),
      );
    /** Restarts Keyholder after the attacker's edit. */
    async function restart(edit: Parameters<DesktopAttacker['edit']>[0]) {
      h.kh.close();
      await attacker.edit(edit);
      h.clock.restart();
      await h.open();
    }

    beforeEach(async () => {
      h = new CoreHarness(keychain);
      admin = (await h.setUp()).session.sessionId;
      attacker = new DesktopAttacker(h.dir, keychain, h.kh.profileId);
      const m = await person('manager', 'mia', admin);
      mia = { id: m.id, session: m.session.sessionId };
      cam = { id: (await person('viewer', 'cam', mia.session)).id };
    });
    afterEach(async () => {
      const profile = h.kh.profileId;
      h.dispose();
      for (const kind of KINDS) await keychain.delete(secretName(profile, kind));
    });

    it('a password hash swapped for the attacker’s signs nobody in; an admin’s reset repairs it', async () => {
      const forged = await new PasswordHasher().hash(ATTACKER_PASSWORD);
      await restart((db) =>
        db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ?').run(forged, cam.id),
      );
      expect(await signInCode('cam', ATTACKER_PASSWORD)).toBe('account_tampered');
      expect(await signInCode('cam', PASSWORD.viewer)).toBe('account_tampered');
      expect(tampers()).toContain('account:password_edited');

      // The admin gives Cam a temporary password: written from the signed record, not the edit.
      const session = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secretOf('ada.admin'));
      const { temporaryPassword } = await h.kh.staff.resetPassword(
        session.sessionId,
        cam.id,
        ADMIN_PASSWORD,
      );
      expect(await signInCode('cam', ATTACKER_PASSWORD)).toBe('invalid_credentials');
      expect((await h.kh.signIn.signIn('cam', temporaryPassword)).status).toBe(
        'needs_password_change',
      );
    });

    it('crew made admin, a disabled account set active, an old record put back: refused', async () => {
      h.kh.staff.setStatus(admin, mia.id, 'disabled'); // Mia leaves: her crew is signed again
      const dee = await person('viewer', 'dee.crew', admin);
      const saved = await attacker.edit((db) =>
        db.prepare('SELECT signed_record FROM accounts WHERE id = ?').get(dee.id),
      );
      h.kh.staff.setStatus(admin, dee.id, 'disabled');
      await restart((db) => {
        db.prepare("UPDATE accounts SET role = 'admin' WHERE id = ?").run(cam.id);
        // Mia back as she was, and Dee's record from before she was let go.
        db.prepare("UPDATE accounts SET status = 'active' WHERE id = ?").run(mia.id);
        db.prepare("UPDATE accounts SET status = 'active', signed_record = ? WHERE id = ?").run(
          (saved as { signed_record: string }).signed_record,
          dee.id,
        );
      });
      expect(await signInCode('cam', PASSWORD.viewer)).toBe('account_tampered');
      expect(await signInCode('mia', PASSWORD.manager)).toBe('account_tampered');
      expect(await signInCode('dee.crew', PASSWORD.viewer)).toBe('account_tampered');
      expect(tampers()).toEqual(
        expect.arrayContaining(['account:fields_edited', 'account:record_rolled_back']),
      );
    });

    it('an old record put back while Keyholder runs, after the account was checked and changed: refused', async () => {
      // Dee signs in (her record's version is now known to the running app), then a manager
      // disables her (a newer version, named in the chain). The earlier record, written back
      // beside the running app, is older than what the chain names since: refused.
      const dee = await person('viewer', 'dee.crew', mia.session);
      h.kh.sessions.end(dee.session.sessionId, 'signed_out');
      h.clock.advance(30_000);
      const saved = await attacker.edit(
        (db) =>
          db.prepare('SELECT signed_record FROM accounts WHERE id = ?').get(dee.id) as {
            signed_record: string;
          },
      );
      const again = expectStep(await h.kh.signIn.signIn('dee.crew', PASSWORD.viewer), 'signed_in');
      h.kh.sessions.end(again.session.sessionId, 'signed_out');
      h.kh.staff.setStatus(mia.session, dee.id, 'disabled');
      await attacker.edit((db) =>
        db
          .prepare("UPDATE accounts SET status = 'active', signed_record = ? WHERE id = ?")
          .run(saved.signed_record, dee.id),
      );
      expect(await signInCode('dee.crew', PASSWORD.viewer)).toBe('account_tampered');
      expect(tampers()).toContain('account:record_rolled_back');
    });

    it('a manager’s own key cannot make anyone more than crew, even with her password', async () => {
      // Someone who knows Mia's password opens her key from the store and signs Cam as an admin.
      await restart(async (db) => {
        // Her password now is the one she chose (held until her record is signed again).
        const held = db
          .prepare('SELECT credential FROM account_outbox WHERE account_id = ? ORDER BY id DESC')
          .get(mia.id) as { credential: string };
        const { salt } = JSON.parse(held.credential) as { salt: string };
        const material = await deriveCredential(PASSWORD.manager, salt);
        const signer = new StoreKeyring(db as never).open(mia.id, material)!;
        expect(signer.kind).toBe('manager');
        const camRecord = recordOf(db, cam.id);
        const forged: SyncedAccount = {
          ...camRecord,
          role: 'admin',
          version: camRecord.version + 1,
        };
        const { signature: _old, signedBy: _by, ...fields } = forged;
        const signature = signWith(signer, accountSigningInput(h.kh.deviceId, fields));
        db.prepare("UPDATE accounts SET role = 'admin', signed_record = ? WHERE id = ?").run(
          JSON.stringify({ ...fields, signature, signedBy: mia.id }),
          cam.id,
        );
      });
      expect(await signInCode('cam', PASSWORD.viewer)).toBe('account_tampered');
      expect(tampers()).toContain('account:record_invalid');
    });

    it('a policy edited by hand stops everyone but admins until an admin saves it again', async () => {
      await restart((db) => {
        const row = db.prepare('SELECT document FROM policy').get() as { document: string };
        const doc = JSON.parse(row.document) as { roles: Record<string, unknown> };
        doc.roles.viewer = { profile: 'standard', overrides: { lockout: { threshold: 1000 } } };
        db.prepare('UPDATE policy SET document = ?').run(JSON.stringify(doc));
      });
      expect(await signInCode('cam', PASSWORD.viewer)).toBe('store_check_failed');
      expect(tampers()).toContain('policy:document_edited');
      const session = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secretOf('ada.admin'));
      h.kh.deviceAdmin.updatePolicy(session.sessionId, { roles: h.kh.policies.current().roles });
      expect(h.kh.policies.forRole('viewer').lockout.threshold).toBe(10);
      expect((await h.kh.signIn.signIn('cam', PASSWORD.viewer)).status).toBe('signed_in');
    });

    it('an older signed policy put back (a weaker lockout) is refused: the chain names a newer one', async () => {
      const older = await attacker.edit((db) =>
        db.prepare('SELECT document, signed_bundle FROM policy').get(),
      );
      h.kh.deviceAdmin.updatePolicy(admin, {
        roles: {
          ...h.kh.policies.current().roles,
          viewer: { profile: 'pci' },
        },
      });
      await restart((db) =>
        db
          .prepare('UPDATE policy SET document = @document, signed_bundle = @signed_bundle')
          .run(older),
      );
      expect(await signInCode('cam', PASSWORD.viewer)).toBe('store_check_failed');
      expect(tampers()).toContain('policy:bundle_rolled_back');
    });

    it('the store key swapped for the attacker’s, every record signed again with it: nobody signs in', async () => {
      const forged = await new PasswordHasher().hash(ATTACKER_PASSWORD);
      await restart(async (db) => {
        const { generateKeyPairSync } = await import('node:crypto');
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
        db.prepare('UPDATE store_anchor SET public_key = ?').run(pem);
        const ids = db.prepare('SELECT id FROM accounts').all() as { id: string }[];
        for (const { id } of ids) {
          const { signature: _s, signedBy: _b, ...fields } = recordOf(db, id);
          const next = { ...fields, passwordHash: forged, version: fields.version + 1 };
          const signature = signWith(
            { kind: 'store', accountId: id, key: privateKey, seed: Buffer.alloc(32) },
            accountSigningInput(h.kh.deviceId, next),
          );
          db.prepare('UPDATE accounts SET password_hash = ?, signed_record = ? WHERE id = ?').run(
            forged,
            JSON.stringify({ ...next, signature }),
            id,
          );
        }
      });
      expect(await signInCode('ada.admin', ATTACKER_PASSWORD)).toBe('store_tampered');
      expect(await signInCode('cam', ATTACKER_PASSWORD)).toBe('store_tampered');
      expect(tampers()).toContain('anchor:anchor_replaced');
    });

    it('the store key and every record’s signature removed: nobody signs in', async () => {
      await restart((db) =>
        db.exec(`DELETE FROM store_anchor; DELETE FROM store_keys;
               UPDATE accounts SET signed_record = NULL, server_version = 0;`),
      );
      expect(await signInCode('ada.admin', ADMIN_PASSWORD)).toBe('store_tampered');
      expect(tampers()).toContain('anchor:anchor_missing');
    });

    /** A person's TOTP secret as their authenticator app holds it. */
    function secretOf(username: string): string {
      return (
        h.kh.db.prepare('SELECT totp_secret FROM accounts WHERE username = ?').get(username) as {
          totp_secret: string;
        }
      ).totp_secret;
    }
  },
);
