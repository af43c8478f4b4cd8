import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyholderApi } from '../../common/ipc/contract';
import { withStepUp } from '../../renderer/api/step-up-api';
import { ADMIN_PASSWORD, CoreHarness } from '../support/core-harness';
import { signInAdmin, windowApi } from './support/window-api';

/**
 * The renderer's step-up (renderer/api/step-up-api.ts) over the real core through the real
 * dispatch, as one window sees it: a change on a standalone PC asks for the password once per
 * session, then goes through; cancelling gives the screen the core's own answer.
 */
describe('step-up for signed changes', () => {
  let h: CoreHarness;
  let api: KeyholderApi;
  let calls: string[];
  beforeEach(async () => {
    h = new CoreHarness();
    const { secret } = await h.setUp();
    ({ api, calls } = windowApi(h));
    // A new sign-in in this window: its key is not open yet.
    await signInAdmin(h, api, secret);
    calls.length = 0;
  });
  afterEach(() => h.dispose());

  const newCrew = (username: string) => ({
    username,
    displayName: username,
    email: '',
    role: 'viewer' as const,
  });

  it('asks once, sends the password, and makes the call again', async () => {
    let asked = 0;
    const wrapped = withStepUp(api, async () => {
      asked += 1;
      const confirmed = await api.session.confirmPassword({ password: ADMIN_PASSWORD });
      return confirmed.ok;
    });
    const made = await wrapped.staff.create(newCrew('cam'));
    expect(made.ok).toBe(true);
    expect(calls).toEqual(['staff.create', 'session.confirmPassword', 'staff.create']);
    // The session keeps the key: the next change goes straight through.
    expect((await wrapped.staff.create(newCrew('dee'))).ok).toBe(true);
    expect(asked).toBe(1);
  });

  it('cancel: the screen gets the core’s answer and nothing is written', async () => {
    const wrapped = withStepUp(api, () => Promise.resolve(false));
    const refused = await wrapped.staff.create(newCrew('cam'));
    expect(refused).toEqual({
      ok: false,
      error: { code: 'password_required', message: 'Confirm your password to do this.' },
    });
    expect(h.kh.db.prepare("SELECT 1 FROM accounts WHERE username = 'cam'").get()).toBeUndefined();
    expect(calls).toEqual(['staff.create']);
  });

  it('a wrong password in the prompt leaves the change refused, and counts as a failure', async () => {
    const wrapped = withStepUp(api, async () => {
      const answer = await api.session.confirmPassword({ password: 'not my password' });
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_credentials' } });
      return false;
    });
    expect(await wrapped.staff.create(newCrew('cam'))).toMatchObject({
      ok: false,
      error: { code: 'password_required' },
    });
    const counted = h.kh.db
      .prepare('SELECT failures FROM sign_in_failures WHERE username = ?')
      .get('ada.admin') as { failures: number };
    expect(counted.failures).toBe(1);
  });
});
