import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../../electron/core/accounts/password-hasher';
import { openKeyholder, type Keyholder } from '../../../electron/core/keyholder';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';
import { FakeClock } from '../../support/fake-clock';
import { MemorySecretStore } from '../../support/memory-secret-store';

/** Counts argon2id verifications, to prove unknown users cost the same work. */
class CountingHasher extends PasswordHasher {
  verifications = 0;
  override verify(stored: string, password: string) {
    this.verifications += 1;
    return super.verify(stored, password);
  }
}

describe('TOTP enrollment and the cost of unknown users', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((f) => f()));

  it('enrollment shows a 160-bit key, an otpauth URI and a QR image, then never again', async () => {
    const h = new CoreHarness();
    cleanups.push(() => h.dispose());
    await h.open();
    const step = await h.kh.firstRun.createFirstAdmin({
      profile: 'standard',
      storeName: 'Maple Street',
      brandName: 'Northwind',
      username: 'ada',
      displayName: 'Ada',
      email: '',
      password: ADMIN_PASSWORD,
    });
    const { challengeId } = expectStep(step, 'needs_totp_enrollment');
    const e = await h.kh.signIn.beginEnrollment(challengeId);
    const key = e.manualKey.replace(/\s/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 characters = 160 bits
    const uri = new URL(e.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(key);
    expect(uri.searchParams.get('issuer')).toBe('Keyholder');
    expect(e.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    // A wrong first code keeps enrollment pending; no session is created.
    expect(await errorCode(() => h.kh.signIn.confirmEnrollment(challengeId, '000000'))).toBe(
      'invalid_code',
    );
    const done = expectStep(
      await h.kh.signIn.confirmEnrollment(challengeId, h.code(key)),
      'signed_in',
    );
    expect(done.recoveryCodes).toHaveLength(10);
    expect(new Set(done.recoveryCodes).size).toBe(10);
    // After enrollment no overview or staff record carries the secret.
    const everything = JSON.stringify([
      h.kh.myAccount.overview(done.session.sessionId),
      h.kh.staff.list(done.session.sessionId),
    ]);
    expect(everything).not.toContain(key);
  });

  it('unknown users cost one argon2id verify, like real ones, and get the same answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyholder-count-'));
    const hasher = new CountingHasher();
    const kh: Keyholder = await openKeyholder({
      dataDir: dir,
      secrets: new MemorySecretStore(),
      clock: new FakeClock(),
      hasher,
    });
    cleanups.push(() => {
      kh.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await kh.firstRun.createFirstAdmin({
      profile: 'standard',
      storeName: 'S',
      brandName: 'B',
      username: 'ada',
      displayName: 'Ada',
      email: '',
      password: ADMIN_PASSWORD,
    });
    hasher.verifications = 0;
    const known = await kh.signIn
      .signIn('ada', 'wrong password')
      .catch((e: { message: string }) => e.message);
    expect(hasher.verifications).toBe(1);
    const unknown = await kh.signIn
      .signIn('nobody-here', 'wrong password')
      .catch((e: { message: string }) => e.message);
    expect(hasher.verifications).toBe(2);
    expect(unknown).toBe(known);
  });
});
