import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, contract } from '../../../common/ipc/contract';
import { defaultPolicyDocument, resolvePolicy } from '../../../common/policy';
import { createApiHandlers, type ApiHandlers } from '../../../electron/core/api/api-handlers';
import { dispatch } from '../../../electron/core/api/dispatch';
import { newWindowContext, type WindowContext } from '../../../electron/core/api/window-context';
import { ADMIN_PASSWORD, CoreHarness } from '../../support/core-harness';

const INVALID = { ok: false, error: { code: 'invalid_request', message: expect.any(String) } };

describe('IPC dispatch: the one path every UI call takes', () => {
  let h: CoreHarness;
  let handlers: ApiHandlers;
  let ctx: WindowContext;
  let secret: string;
  const auditCount = () => h.kh.audit.query().total;

  beforeEach(async () => {
    h = new CoreHarness();
    ({ secret } = await h.setUp());
    handlers = createApiHandlers(h.kh);
    ctx = newWindowContext();
  });
  afterEach(() => h.dispose());

  it('has a handler for every channel of the contract, and no other', () => {
    expect(Object.keys(handlers).sort()).toEqual([...CHANNELS].sort());
    expect(CHANNELS.length).toBe(Object.keys(contract).length);
  });

  it('refuses unknown channels and malformed payloads generically, writing nothing', async () => {
    const before = auditCount();
    const bad: Array<[string, unknown]> = [
      ['auth.nope', {}],
      ['__proto__', {}],
      ['constructor', {}],
      ['auth.signIn', { username: 'ada.admin' }],
      ['auth.signIn', { username: 42, password: ADMIN_PASSWORD }],
      ['auth.signIn', { username: 'ada.admin', password: ADMIN_PASSWORD, role: 'admin' }],
      ['auth.signIn', { username: 'ada.admin', password: 'x'.repeat(1025) }],
      [
        'auth.signIn',
        JSON.parse('{"__proto__": {"admin": true}, "username": "a", "password": "b"}'),
      ],
      ['auth.submitCode', { challengeId: '../../etc', code: '123456' }],
      [
        'staff.create',
        { username: 'eve', displayName: 'Eve', email: 'not-an-email', role: 'viewer' },
      ],
      ['staff.create', { username: 'eve', displayName: 'Eve', email: '', role: 'root' }],
      ['audit.query', { limit: 1e9 }],
      ['setup.createFirstAdmin', null],
      ['session.lock', 'hello'],
    ];
    for (const [channel, payload] of bad) {
      expect(await dispatch(handlers, ctx, channel, payload), channel).toEqual(INVALID);
    }
    expect(auditCount()).toBe(before);
    expect(h.kh.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 1 });
  });

  it('binds the session to the window: calls without a sign-in are refused', async () => {
    expect(await dispatch(handlers, ctx, 'staff.list', { search: '' })).toMatchObject({
      ok: false,
      error: { code: 'session_ended' },
    });
    const first = await dispatch(handlers, ctx, 'auth.signIn', {
      username: 'ADA.ADMIN',
      password: ADMIN_PASSWORD,
    });
    expect(first).toMatchObject({ ok: true, data: { status: 'needs_totp' } });
    const challengeId = (first as { data: { challengeId: string } }).data.challengeId;
    const done = await dispatch(handlers, ctx, 'auth.submitCode', {
      challengeId,
      code: h.code(secret),
    });
    expect(done).toMatchObject({ ok: true, data: { status: 'signed_in' } });
    expect(await dispatch(handlers, ctx, 'staff.list', { search: '' })).toMatchObject({ ok: true });
    // The renderer's idle timer locks with reason idle; the audit says so.
    expect(await dispatch(handlers, ctx, 'session.lock', { reason: 'idle' })).toMatchObject({
      ok: true,
      data: { state: 'locked' },
    });
    expect(h.kh.audit.query({ action: 'auth.session_lock' }).entries[0]?.details).toEqual({
      reason: 'idle',
    });
    expect(await dispatch(handlers, ctx, 'session.lock', { reason: 'nap' })).toEqual(INVALID);
    // Another window has no session of its own.
    expect(
      await dispatch(handlers, newWindowContext(), 'staff.list', { search: '' }),
    ).toMatchObject({ ok: false, error: { code: 'session_ended' } });
  });

  it('maps core errors to their code and message, and hides unexpected ones', async () => {
    const wrong = await dispatch(handlers, ctx, 'auth.signIn', {
      username: 'ada.admin',
      password: 'nope',
    });
    expect(wrong).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'The username or password is not right.' },
    });
    const logged: unknown[] = [];
    const broken = {
      ...handlers,
      'app.state': () => {
        throw new Error('SQLITE_IOERR at /secret/path');
      },
    } as ApiHandlers;
    const result = await dispatch(broken, ctx, 'app.state', {}, (_c, e) => logged.push(e));
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(JSON.stringify(result)).not.toMatch(/SQLITE|secret|path|at /);
    expect(logged).toHaveLength(1);
  });

  it('strips anything a handler returns beyond the contract (no hash or secret can leak)', async () => {
    const leaky = {
      ...handlers,
      'me.overview': () => ({
        ...fakeOverview,
        passwordHash: '$argon2id$…',
        totpSecret: 'JBSWY3DPEHPK3PXP',
      }),
    } as unknown as ApiHandlers;
    const result = await dispatch(leaky, ctx, 'me.overview', {});
    expect(result).toMatchObject({ ok: true });
    expect(JSON.stringify(result)).not.toMatch(/argon2id|JBSWY3/);
  });
});

const fakeOverview = {
  username: 'x',
  displayName: 'X',
  email: '',
  role: 'viewer',
  totpEnabled: false,
  totpRequired: false,
  recoveryCodesLeft: 0,
  passwordChangedAt: 0,
  passwordExpiresAt: null,
  passwordRules: { policy: resolvePolicy(defaultPolicyDocument(), 'viewer'), context: {} },
};
