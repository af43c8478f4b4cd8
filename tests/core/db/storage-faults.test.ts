// Storage faults (disk full, read-only, I/O errors) reach the person as `store_unwritable` with
// a message they can act on, from any UI call and at start-up, instead of a generic error.
// Real SQLite errors: `PRAGMA query_only` makes every write fail with SQLITE_READONLY exactly as
// a store on a read-only disk does, on every platform. (The tmpfs tests in full-disk.test.ts
// fill a real disk.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../../electron/core/api/api-handlers';
import { dispatch } from '../../../electron/core/api/dispatch';
import { newWindowContext, type WindowContext } from '../../../electron/core/api/window-context';
import { isStorageFault, STORE_UNWRITABLE_MESSAGE } from '../../../electron/core/db/storage-faults';
import { startupFailure } from '../../../electron/main/startup-error';
import { shellStartupMessage } from '../../../electron/shell/startup-message';
import { ADMIN_PASSWORD, CoreHarness, expectStep } from '../../support/core-harness';

const UNWRITABLE = {
  ok: false,
  error: { code: 'store_unwritable', message: STORE_UNWRITABLE_MESSAGE },
};

/** An error as better-sqlite3 or node:fs throws it (a message and a code). */
const fault = (code: string) => Object.assign(new Error(`${code}: at /some/path`), { code });

describe('storage faults', () => {
  let h: CoreHarness;
  let ctx: WindowContext;
  let secret: string;
  const logged: unknown[] = [];
  const call = (channel: string, body: unknown) =>
    dispatch(createApiHandlers(h.kh), ctx, channel, body, (_c, e) => logged.push(e));

  beforeEach(async () => {
    h = new CoreHarness();
    ({ secret } = await h.setUp());
    ctx = newWindowContext();
    logged.length = 0;
  });
  afterEach(() => h.dispose());

  it('are SQLite full, read-only and I/O errors, and full or read-only file systems', () => {
    for (const code of [
      'SQLITE_FULL',
      'SQLITE_READONLY',
      'SQLITE_READONLY_DBMOVED',
      'SQLITE_IOERR',
      'SQLITE_IOERR_WRITE',
      'SQLITE_IOERR_SHMSIZE',
      'ENOSPC',
      'EROFS',
      'EDQUOT',
    ]) {
      expect(isStorageFault(fault(code)), code).toBe(true);
    }
    for (const code of ['SQLITE_CORRUPT', 'SQLITE_CONSTRAINT', 'SQLITE_BUSY', 'ENOENT', 'EACCES']) {
      expect(isStorageFault(fault(code)), code).toBe(false);
    }
    expect(isStorageFault(new Error('no code'))).toBe(false);
    expect(isStorageFault('SQLITE_FULL')).toBe(false);
  });

  it('any UI call that cannot write says so, instead of a generic error, and is logged', async () => {
    const first = expectStep(await h.kh.signIn.signIn('ada.admin', ADMIN_PASSWORD), 'needs_totp');
    const done = await call('auth.submitCode', {
      challengeId: first.challengeId,
      code: h.code(secret),
    });
    expect(done).toMatchObject({ ok: true });
    expect(await call('session.confirmPassword', { password: ADMIN_PASSWORD })).toEqual({
      ok: true,
      data: {},
    });
    h.kh.db.pragma('query_only = ON');
    const created = await call('staff.create', {
      username: 'new.person',
      displayName: 'New Person',
      email: '',
      role: 'viewer',
    });
    expect(created).toEqual(UNWRITABLE);
    expect(logged.map((e) => (e as { code?: string }).code)).toEqual(['SQLITE_READONLY']);
    // Reading still works: the person sees the store as it was.
    expect(await call('staff.list', { search: '' })).toMatchObject({ ok: true });
  });

  it('at start-up, the error box and the browser shell say what is wrong and what to do', () => {
    for (const error of [fault('SQLITE_IOERR_WRITE'), fault('ENOSPC'), fault('EROFS')]) {
      expect(startupFailure(error)).toEqual({
        title: 'Keyholder cannot write to its local store',
        message: STORE_UNWRITABLE_MESSAGE,
      });
      expect(shellStartupMessage(error)).toEqual({
        text: `Keyholder cannot start: ${STORE_UNWRITABLE_MESSAGE}`,
        known: true,
      });
    }
    // Anything else stays generic: no library text, no paths.
    expect(shellStartupMessage(fault('SQLITE_MISUSE'))).toEqual({
      text: 'Keyholder cannot start because of an unexpected error.',
      known: false,
    });
  });
});
