import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRecordSchema } from '../../../common/audit/audit-record';
import { createApiHandlers, type ApiHandlers } from '../../../electron/core/api/api-handlers';
import { dispatch } from '../../../electron/core/api/dispatch';
import { newWindowContext, type WindowContext } from '../../../electron/core/api/window-context';
import { ADMIN_PASSWORD, CoreHarness, errorCode } from '../../support/core-harness';

const INVALID = { ok: false, error: { code: 'invalid_request', message: expect.any(String) } };
const CREW_PASSWORD = 'espresso tamper on the counter';

/**
 * Issue 12, item 4: a crew member at the store PC could break the audit chain for ever with a
 * username SQLite stores altered (a lone surrogate) or the server refuses (201–256 characters):
 * every later sync was refused and the PC eventually signed nobody in. Reproduced here through
 * the one path every UI call takes, on a real store.
 */
describe('dispatch: text that would break the audit chain', () => {
  let h: CoreHarness;
  let handlers: ApiHandlers;
  let crew: WindowContext;
  let admin: WindowContext;

  beforeEach(async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    handlers = createApiHandlers(h.kh);
    const adminSession = await h.signInWithCode('ada.admin', ADMIN_PASSWORD, secret);
    admin = { ...newWindowContext(), sessionId: adminSession.sessionId };
    const { temporaryPassword } = await h.kh.staff.create(adminSession.sessionId, {
      username: 'cat.crew',
      displayName: 'Cat Crew',
      email: '',
      role: 'viewer',
    });
    crew = newWindowContext();
    const first = await dispatch(handlers, crew, 'auth.signIn', {
      username: 'cat.crew',
      password: temporaryPassword,
    });
    const challengeId = (first as { data: { challengeId: string } }).data.challengeId;
    expect(
      await dispatch(handlers, crew, 'auth.submitNewPassword', {
        challengeId,
        newPassword: CREW_PASSWORD,
      }),
    ).toMatchObject({ ok: true, data: { status: 'signed_in' } });
  });
  afterEach(() => h.dispose());

  const entries = () => h.kh.audit.after(0, 10_000);
  const newStaff = (username: string, displayName = 'New Person') => ({
    username,
    displayName,
    email: '',
    role: 'viewer',
  });
  /** The chain verifies and every entry is one the sync server's schema accepts. */
  const expectHealthyChain = () => {
    expect(h.kh.audit.verify()).toMatchObject({ ok: true });
    for (const e of entries())
      expect(auditRecordSchema.safeParse(e).success, `${e.seq}`).toBe(true);
  };

  it('a crew member creating "\\ud800x" is refused generically; nothing is written', async () => {
    const before = entries().length;
    expect(await dispatch(handlers, crew, 'staff.create', newStaff('\ud800x'))).toEqual(INVALID);
    expect(await dispatch(handlers, crew, 'staff.create', newStaff('x\udc00'))).toEqual(INVALID);
    expect(entries()).toHaveLength(before);
    expectHealthyChain();
  });

  it('a crew member creating a 230-character username is refused; the entry fits the server', async () => {
    for (const username of ['a'.repeat(230), `z${'𠀀'.repeat(250)}`]) {
      const result = await dispatch(handlers, crew, 'staff.create', newStaff(username));
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const denied = entries().at(-1)!;
      expect(denied).toMatchObject({ action: 'permission.denied', actorName: 'cat.crew' });
      expect(Array.from(denied.targetName!)).toHaveLength(200);
      expect(username.startsWith(denied.targetName!)).toBe(true);
    }
    // Over the raw username limit (256 code points): refused before anything runs.
    const before = entries().length;
    expect(await dispatch(handlers, crew, 'staff.create', newStaff('a'.repeat(257)))).toEqual(
      INVALID,
    );
    expect(entries()).toHaveLength(before);
    expectHealthyChain();
  });

  it('names with control or text-direction characters are refused with the generic error', async () => {
    const before = entries().length;
    for (const username of ['evil\u202egpj', 'tab\tname', 'line\u2028sep', 'nul\u0000']) {
      expect(await dispatch(handlers, crew, 'staff.create', newStaff(username))).toEqual(INVALID);
      expect(await dispatch(handlers, admin, 'staff.create', newStaff(username))).toEqual(INVALID);
    }
    for (const displayName of ['Ada \u202eevil', 'Ada\u0085', 'Ada\u2066']) {
      expect(
        await dispatch(handlers, admin, 'staff.create', newStaff('new.person', displayName)),
      ).toEqual(INVALID);
    }
    expect(entries()).toHaveLength(before);
    expect(h.kh.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 2 });
    expectHealthyChain();
  });

  it('sign-in with such names: refused generically, or recorded so that the chain verifies', async () => {
    const before = entries().length;
    for (const username of ['\ud800x', 'evil\u202e', 'a\u0000']) {
      const result = await dispatch(handlers, newWindowContext(), 'auth.signIn', {
        username,
        password: 'whatever it is',
      });
      expect(result).toEqual(INVALID);
    }
    expect(entries()).toHaveLength(before);
    // Not a username (over 64 once normalised): one shared "(invalid)" name.
    const long = await dispatch(handlers, newWindowContext(), 'auth.signIn', {
      username: 'a'.repeat(230),
      password: 'whatever it is',
    });
    expect(long).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect(entries().at(-1)).toMatchObject({ action: 'auth.sign_in', targetName: '(invalid)' });
    // A valid but unknown username of 64 code points, 127 UTF-16 units: `.slice(0, 64)` used
    // to cut its last pair in half.
    const astral = `a${'𠀀'.repeat(63)}`;
    const unknown = await dispatch(handlers, newWindowContext(), 'auth.signIn', {
      username: astral,
      password: 'whatever it is',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
    expect(entries().at(-1)).toMatchObject({ action: 'auth.sign_in', targetName: astral });
    expectHealthyChain();
  });

  it('core refuses such text itself, whoever calls it (the audit log is the last line)', async () => {
    const before = entries().length;
    const code = await errorCode(() =>
      h.kh.staff.create(crew.sessionId!, {
        username: '\ud800x',
        displayName: 'X',
        email: '',
        role: 'viewer',
      }),
    );
    expect(code).toBe('audit_text_refused');
    expect(entries()).toHaveLength(before);
    expectHealthyChain();
  });
});
