// Issue 12, "How it is shown": an attacker at a shared store PC's desktop reads the store key
// from the real keychain (gnome-keyring), opens keyholder.db beside Keyholder and edits what a
// sign-in rests on. Each edit is refused, audited, and reported at the next sync to a real
// server, which heals the PC; a second PC of the store is never fooled.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { accountChangeSigningInput } from '../../../common/identity/credential';
import { PasswordHasher } from '../../../electron/core/accounts/password-hasher';
import { newCredential, signText } from '../../../electron/core/crypto/credential-key';
import { KeytarSecretStore } from '../../../electron/core/keychain/keytar-secret-store';
import { secretName, type SecretKind } from '../../../electron/core/keychain/secret-store';
import { PASSWORD } from '../../backend/auth/support/auth-helpers';
import {
  createPerson,
  createStore,
  setStatus,
  type Person,
} from '../../backend/stores/support/admin-api';
import { DesktopAttacker } from '../../support/desktop-attacker';
import { expectDetailsInCatalogue } from '../../support/audit-details-check';
import { describeWithKeychain } from '../../support/keyring';
import { errorCode } from '../../support/core-harness';
import { startSyncWorld, TestPc, type SyncWorld } from '../sync/support/sync-world';

const ATTACKER_PASSWORD = 'the attacker knows this one';
const KINDS: SecretKind[] = ['database-key', 'audit-mac-key', 'time-seal-key', 'device-credential'];

describeWithKeychain(
  'a shared store PC: records edited through the real store and keychain',
  () => {
    let world: SyncWorld;
    let store: string;
    const keychain = new KeytarSecretStore({ service: `Keyholder-test-${randomUUID()}` });
    const pcs: TestPc[] = [];

    /** A PC of the store with the real keychain, connected; and the attacker at its desktop. */
    async function connectedPc() {
      const pc = new TestPc(world, undefined, keychain);
      pcs.push(pc);
      await pc.connect(world, store);
      return { pc, attacker: new DesktopAttacker(pc.dir, keychain, pc.kh.profileId) };
    }
    /** What the PC audited as tampering: `subject:reason`. */
    const tampers = (pc: TestPc) =>
      pc.kh.audit
        .query({ action: 'integrity.tamper', limit: 100 })
        .entries.map((e) => `${String(e.details.subject)}:${String(e.details.reason)}`);
    /** What the server told admins about this PC. */
    const reported = async (pc: TestPc) =>
      (
        await world.api.s.database.db
          .selectFrom('server_audit')
          .select('details')
          .where('action', '=', 'device.tamper')
          .where('target_id', '=', pc.kh.deviceId)
          .execute()
      ).map((r) => JSON.parse(r.details) as Record<string, unknown>);
    const signInCode = (pc: TestPc, p: Person, password = PASSWORD) =>
      errorCode(() => pc.kh.signIn.signIn(p.username, password));

    beforeAll(async () => {
      world = await startSyncWorld('sqlite');
      store = await createStore(world.api, 'Maple Street');
    });
    afterEach(async () => {
      for (const pc of pcs.splice(0)) {
        // What was audited about the tampering reads in words on the audit screen.
        expectDetailsInCatalogue(pc.kh);
        const profile = pc.kh.profileId;
        pc.dispose();
        for (const kind of KINDS) await keychain.delete(secretName(profile, kind));
      }
    });
    afterAll(() => world.close());

    it('a password hash swapped for the attacker’s signs nobody in; the sync heals and reports it', async () => {
      const cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const { pc, attacker } = await connectedPc();
      const other = await connectedPc();
      const forged = await new PasswordHasher().hash(ATTACKER_PASSWORD);
      pc.kh.close();
      await attacker.edit((db) =>
        db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ?').run(forged, cam.id),
      );
      await pc.open();
      expect(await signInCode(pc, cam, ATTACKER_PASSWORD)).toBe('account_tampered');
      expect(await signInCode(pc, cam)).toBe('account_tampered');
      expect(tampers(pc)).toContain('account:password_edited');
      // The store's other PC was never fooled: the server's record is the one it holds.
      expect(await signInCode(other.pc, cam, ATTACKER_PASSWORD)).toBe('invalid_credentials');
      expect((await other.pc.kh.signIn.signIn(cam.username, PASSWORD)).status).toBe('needs_totp');

      expect((await pc.kh.sync.syncNow()).lastError).toBeNull();
      expect(await reported(pc)).toContainEqual(
        expect.objectContaining({
          subject: 'account',
          reason: 'password_edited',
          accountId: cam.id,
        }),
      );
      expect(await signInCode(pc, cam, ATTACKER_PASSWORD)).toBe('invalid_credentials');
      expect((await pc.kh.signIn.signIn(cam.username, PASSWORD)).status).toBe('needs_totp');
    });

    it('a password change written into the outbox by hand signs nobody in, here or anywhere', async () => {
      const cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const dee = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const { pc, attacker } = await connectedPc();
      const forged = await new PasswordHasher().hash(ATTACKER_PASSWORD);
      // Signed with a key of the attacker's own: it is not Dee's.
      const theirs = await newCredential(ATTACKER_PASSWORD);
      pc.kh.close();
      await attacker.edit((db) => {
        const now = world.api.clock.nowMs() + 60_000; // later than the server's: it would win
        const write = db.prepare(
          `INSERT INTO account_outbox (account_id, kind, password_hash, changed_at,
           must_change_password, base_version, credential, authorization)
         VALUES (?, 'password_changed', ?, ?, 0, 1, ?, ?)`,
        );
        write.run(cam.id, forged, now, null, null);
        const fields = {
          accountId: dee.id,
          kind: 'password_changed' as const,
          passwordHash: forged,
          credential: theirs.credential,
          changedAt: now,
          mustChangePassword: false,
          temporaryUntil: null,
        };
        const signature = signText(
          theirs.signingKey,
          accountChangeSigningInput(store, fields, dee.id),
        );
        write.run(
          dee.id,
          forged,
          now,
          JSON.stringify(theirs.credential),
          JSON.stringify({ by: dee.id, signature }),
        );
        db.prepare(
          'UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id IN (?, ?)',
        ).run(forged, now, cam.id, dee.id);
      });
      await pc.open();
      expect(await signInCode(pc, cam, ATTACKER_PASSWORD)).toBe('account_tampered');
      expect(await signInCode(pc, dee, ATTACKER_PASSWORD)).toBe('account_tampered');
      expect(tampers(pc)).toEqual(
        expect.arrayContaining(['account:change_unsigned', 'account:change_forged']),
      );
      // The PC sends them at its next sync: the server takes neither, and the PC takes them back.
      await pc.kh.sync.syncNow();
      const results = pc.kh.audit
        .query({ action: 'sync.account_change' })
        .entries.map((e) => e.details.result);
      expect(results).toEqual(['refused', 'refused']);
      expect(await signInCode(pc, cam, ATTACKER_PASSWORD)).toBe('invalid_credentials');
      expect((await pc.kh.signIn.signIn(dee.username, PASSWORD)).status).toBe('needs_totp');
      const onServer = await world.api.s.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', 'in', [cam.id, dee.id])
        .execute();
      expect(onServer.map((u) => u.password_hash)).not.toContain(forged);
    });

    it('a TOTP secret swapped, a crew role made admin: refused, audited, reported', async () => {
      const cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const dee = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const { pc, attacker } = await connectedPc();
      pc.kh.close();
      await attacker.edit((db) => {
        db.prepare('UPDATE accounts SET totp_secret = ? WHERE id = ?').run(
          'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          cam.id,
        );
        db.prepare("UPDATE accounts SET role = 'admin' WHERE id = ?").run(dee.id);
      });
      await pc.open();
      expect(await signInCode(pc, cam)).toBe('account_tampered');
      expect(await signInCode(pc, dee)).toBe('account_tampered');
      expect(tampers(pc)).toEqual(
        expect.arrayContaining(['account:totp_edited', 'account:fields_edited']),
      );
      await pc.kh.sync.syncNow();
      expect((await reported(pc)).map((r) => r.accountId)).toEqual(
        expect.arrayContaining([cam.id, dee.id]),
      );
      const session = await pc.signInWithCode(dee.username, PASSWORD, dee.secret);
      expect(session.role).toBe('viewer');
    });

    it('a disabled person set active again, or their old record put back, stays refused', async () => {
      const eve = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const fay = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const { pc, attacker } = await connectedPc();
      // Before they are let go, both save their rows (signed records included).
      const saved = await attacker.edit((db) =>
        db.prepare('SELECT * FROM accounts WHERE id IN (?, ?)').all(eve.id, fay.id),
      );
      await setStatus(world.api, eve.id, 'disabled');
      await setStatus(world.api, fay.id, 'disabled');
      await pc.kh.sync.syncNow();
      expect(await signInCode(pc, eve)).toBe('account_disabled');

      pc.kh.close();
      await attacker.edit((db) => {
        db.prepare("UPDATE accounts SET status = 'active' WHERE id = ?").run(eve.id);
        // Fay's whole row as it was while she was active: a genuine, older signed record.
        const row = saved.find((r) => (r as { id: string }).id === fay.id) as Record<
          string,
          unknown
        >;
        const columns = Object.keys(row);
        db.prepare('DELETE FROM accounts WHERE id = ?').run(fay.id);
        db.prepare(
          `INSERT INTO accounts (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
        ).run(row);
      });
      await pc.open();
      expect(await signInCode(pc, eve)).toBe('account_tampered');
      expect(await signInCode(pc, fay)).toBe('account_tampered');
      expect(tampers(pc)).toEqual(
        expect.arrayContaining(['account:fields_edited', 'account:record_rolled_back']),
      );
      await pc.kh.sync.syncNow();
      expect(await signInCode(pc, eve)).toBe('account_disabled');
      expect(await signInCode(pc, fay)).toBe('account_disabled');
    });

    it('offline limits raised in the stored policy: nobody signs in until a sync brings it back', async () => {
      const cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const { pc, attacker } = await connectedPc();
      pc.kh.close();
      await attacker.edit((db) => {
        const { document } = db.prepare('SELECT document FROM policy').get() as {
          document: string;
        };
        const doc = JSON.parse(document) as {
          roles: Record<string, { overrides?: Record<string, unknown> }>;
        };
        doc.roles.viewer!.overrides = {
          offline: { maxHoursSinceSync: 720, maxSignInsSinceSync: 10_000 },
        };
        db.prepare('UPDATE policy SET document = ?').run(JSON.stringify(doc));
      });
      await pc.open();
      expect(await signInCode(pc, cam)).toBe('sync_required');
      expect(tampers(pc)).toContain('policy:document_edited');
      await pc.kh.sync.syncNow();
      expect(await reported(pc)).toContainEqual(
        expect.objectContaining({ subject: 'policy', reason: 'document_edited' }),
      );
      expect(pc.kh.policies.forRole('viewer').offline.maxSignInsSinceSync).toBe(200);
      expect((await pc.kh.signIn.signIn(cam.username, PASSWORD)).status).toBe('needs_totp');
    });

    it('the server taken away (sync state gone, mode standalone): nobody signs in', async () => {
      const cam = await createPerson(world.api, { role: 'viewer', stores: [store] });
      const { pc, attacker } = await connectedPc();
      pc.kh.close();
      await attacker.edit((db) => {
        db.prepare('DELETE FROM sync_state').run();
        db.prepare("UPDATE device SET mode = 'standalone'").run();
        // And the forged hash that was the point of it.
        db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ?').run('x', cam.id);
      });
      await pc.open();
      expect(pc.kh.device.state().mode).toBe('standalone');
      expect(await signInCode(pc, cam)).toBe('store_tampered');
      expect(await signInCode(pc, { ...cam, username: 'nobody.here' })).toBe('store_tampered');
      expect(tampers(pc)).toContain('anchor:anchor_missing');
    });
  },
);
