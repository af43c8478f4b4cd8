import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, CoreHarness, errorCode, expectStep } from '../../support/core-harness';

describe('tamper-evident audit log', () => {
  let h: CoreHarness;
  let secret: string;
  let admin: string;
  beforeEach(async () => {
    h = new CoreHarness();
    ({ secret } = await h.setUp());
    admin = (await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret)).sessionId;
    await errorCode(() => h.kh.signIn.signIn('ada.admin', 'a wrong password'));
    await h.kh.staff.create(admin, {
      username: 'vic',
      displayName: 'Vic Viewer',
      email: '',
      role: 'viewer',
    });
  });
  afterEach(() => h.dispose());

  /** What an attacker holding the database key (but not the keychain MAC key) could do. */
  function attacker(sql: string, ...params: unknown[]): void {
    h.kh.db.exec(
      'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
    );
    h.kh.db.prepare(sql).run(...params);
  }

  it('records every security action with actor, target, outcome and a verifiable chain', () => {
    const { entries, total } = h.kh.audit.query({ limit: 100 });
    const actions = entries.map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'setup.first_admin:success',
        'policy.change:success',
        'totp.enroll:success',
        'recovery_codes.generate:success',
        'auth.sign_in:success',
        'auth.sign_in:failure',
        'account.create:success',
      ]),
    );
    const failure = entries.find((e) => e.action === 'auth.sign_in' && e.outcome === 'failure');
    expect(failure?.details).toMatchObject({ reason: 'bad_password', failures: 1 });
    expect(h.kh.auditLog.verify(admin)).toEqual({ ok: true, checked: total });
    // The record never contains a password, a hash or a TOTP secret.
    const text = JSON.stringify(entries);
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('$argon2id$');
  });

  it('the app cannot update or delete entries', () => {
    expect(() =>
      h.kh.db.prepare("UPDATE audit_log SET outcome = 'success' WHERE seq = 2").run(),
    ).toThrow(/append-only/);
    expect(() => h.kh.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(
      /append-only/,
    );
  });

  it('pinpoints an edited entry', () => {
    attacker("UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = 3");
    expect(h.kh.audit.verify()).toEqual({
      ok: false,
      checked: 2,
      firstBadSeq: 3,
      reason: 'hash_mismatch',
    });
  });

  it('pinpoints an edit whose hash was recomputed without the MAC key', async () => {
    const { sha256Hex } = await import('../../../electron/core/crypto/seal');
    const { auditHashInput } = await import('../../../common/audit/audit-record');
    const e = h.kh.audit.query({ outcome: 'failure' }).entries[0]!;
    const forged = { ...e, outcome: 'success' as const, details: {} };
    const hash = sha256Hex(auditHashInput(forged));
    attacker(
      "UPDATE audit_log SET outcome = 'success', details = '{}', hash = ? WHERE seq = ?",
      hash,
      e.seq,
    );
    expect(h.kh.audit.verify()).toEqual({
      ok: false,
      checked: e.seq - 1,
      firstBadSeq: e.seq,
      reason: 'mac_mismatch',
    });
  });

  it('pinpoints a deleted entry', () => {
    attacker('DELETE FROM audit_log WHERE seq = 5');
    expect(h.kh.audit.verify()).toEqual({
      ok: false,
      checked: 4,
      firstBadSeq: 5,
      reason: 'sequence_gap',
    });
  });

  it('pinpoints reordered entries', () => {
    attacker('UPDATE audit_log SET seq = -1 WHERE seq = 3');
    attacker('UPDATE audit_log SET seq = 3 WHERE seq = 4');
    attacker('UPDATE audit_log SET seq = 4 WHERE seq = -1');
    expect(h.kh.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('detects entries removed from the end', () => {
    const { total } = h.kh.audit.query();
    attacker('DELETE FROM audit_log WHERE seq >= ?', total - 1);
    expect(h.kh.audit.verify()).toEqual({
      ok: false,
      checked: total - 2,
      firstBadSeq: total - 1,
      reason: 'truncated',
    });
  });

  it('an action whose audit entry cannot be written does not happen', async () => {
    h.kh.db.exec(
      "CREATE TRIGGER audit_full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    );
    const before = h.kh.staff.list(admin).length;
    await expect(
      h.kh.staff.create(admin, { username: 'nia', displayName: 'Nia', email: '', role: 'viewer' }),
    ).rejects.toThrow();
    expect(
      h.kh.db.prepare("SELECT count(*) AS n FROM accounts WHERE username = 'nia'").get(),
    ).toEqual({ n: 0 });
    const vic = h.kh.staff.list(admin).find((a) => a.username === 'vic')!;
    expect(() => h.kh.staff.setStatus(admin, vic.id, 'disabled')).toThrow();
    // A correct sign-in cannot produce a session when its success cannot be recorded.
    const c = expectStep(
      await h.kh.signIn
        .signIn('ada.admin', ADMIN_PASSWORD)
        .catch(() => ({ status: 'needs_totp', challengeId: '' }) as const),
      'needs_totp',
    );
    h.clock.advance(30_000);
    if (c.challengeId)
      await expect(h.kh.signIn.submitCode(c.challengeId, h.code(secret))).rejects.toThrow();
    // Nor does it replace the session the person has (one per person: SessionService).
    expect(
      h.kh.sessions.listFor(h.kh.sessions.get(admin).accountId).map((s) => s.sessionId),
    ).toEqual([admin]);
    h.kh.db.exec('DROP TRIGGER audit_full');
    expect(h.kh.staff.list(admin).length).toBe(before);
    expect(h.kh.staff.list(admin).find((a) => a.username === 'vic')?.status).toBe('active');
    expect(h.kh.audit.verify().ok).toBe(true);
  });
});
