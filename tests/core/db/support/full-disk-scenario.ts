/**
 * A store PC on a small tmpfs that fills up, seen through the same path the UI takes
 * (dispatch), then through start-up (what Electron main's error box and the browser shell
 * print). Runs in the test process when it may mount, or in a child process inside a user +
 * mount namespace (full-disk-child.ts); either way it returns a plain report the test checks.
 *
 * `mounted` is an empty tmpfs of a few MiB at `mountDir`; `remount` switches it ro/rw.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiResult } from '../../../../common/ipc/contract';
import { createApiHandlers } from '../../../../electron/core/api/api-handlers';
import { dispatch } from '../../../../electron/core/api/dispatch';
import { newWindowContext, type WindowContext } from '../../../../electron/core/api/window-context';
import { openKeyholder } from '../../../../electron/core/keyholder';
import { startupFailure } from '../../../../electron/main/startup-error';
import { shellStartupMessage } from '../../../../electron/shell/startup-message';
import { ADMIN_PASSWORD, CoreHarness } from '../../../support/core-harness';
import { FakeClock } from '../../../support/fake-clock';
import { MemorySecretStore } from '../../../support/memory-secret-store';
import { fillUp } from '../../../support/small-tmpfs';

export const TMPFS_KIB = 16 * 1024;
const WRONG = 'not the password at all';
const CREW_PASSWORD = 'lilac violin morning tea';

interface Startup {
  code: string;
  box: { title: string; message: string };
  shell: string;
}

export interface FullDiskReport {
  /** Every answer while the disk was full, by what was tried. */
  whileFull: Record<string, ApiResult<unknown>>;
  /** Errors dispatch logged while the disk was full (code only). */
  logged: string[];
  before: { failures: number | null; auditTotal: number };
  afterFreeing: {
    failures: number | null;
    auditTotal: number;
    auditVerified: boolean;
    wrong: ApiResult<unknown>;
    failuresAfterWrong: number | null;
    right: string;
  };
  startup: {
    fullExisting: Startup;
    fullNew: Startup;
    readOnlyExisting: Startup;
    readOnlyNew: Startup;
  };
}

export async function fullDiskScenario(
  mountDir: string,
  remount: (mode: 'ro' | 'rw') => void,
): Promise<FullDiskReport> {
  const secrets = new MemorySecretStore();
  const clock = new FakeClock();
  const dataDir = join(mountDir, 'profile');
  const h = new CoreHarness(secrets, clock, { dataDir });
  try {
    const { secret } = await h.setUp();
    const logged: string[] = [];
    const handlers = createApiHandlers(h.kh);
    const call = (ctx: WindowContext, channel: string, body: unknown) =>
      dispatch(handlers, ctx, channel, body, (_channel, error) =>
        logged.push(String((error as { code?: unknown }).code ?? 'untyped')),
      );
    const signInWindow = async () => {
      const ctx = newWindowContext();
      const first = await call(ctx, 'auth.signIn', {
        username: 'ada.admin',
        password: ADMIN_PASSWORD,
      });
      const { challengeId } = (first as { data: { challengeId: string } }).data;
      const done = await call(ctx, 'auth.submitCode', { challengeId, code: h.code(secret) });
      if (!done.ok) throw new Error(`sign-in failed: ${JSON.stringify(done)}`);
      clock.advance(30_000);
      return ctx;
    };
    const failures = () =>
      (
        h.kh.db
          .prepare('SELECT failures FROM sign_in_failures WHERE username = ?')
          .get('ada.admin') as { failures: number } | undefined
      )?.failures ?? null;

    // Before the disk fills: an admin's window, a locked session to unlock, one failure.
    const admin = await signInWindow();
    // Changes are signed with the admin's key on a standalone PC: opened once (step-up).
    await call(admin, 'session.confirmPassword', { password: ADMIN_PASSWORD });
    // The locked session is a crew member's: a second sign-in of the admin would end the
    // admin's first session (one session per person per PC).
    const locked = newWindowContext();
    const made = await call(admin, 'staff.create', {
      username: 'vic.crew',
      displayName: 'Vic Crew',
      email: '',
      role: 'viewer',
    });
    const { temporaryPassword } = (made as { data: { temporaryPassword: string } }).data;
    const first = await call(locked, 'auth.signIn', {
      username: 'vic.crew',
      password: temporaryPassword,
    });
    const { challengeId } = (first as { data: { challengeId: string } }).data;
    const changed = await call(locked, 'auth.submitNewPassword', {
      challengeId,
      newPassword: CREW_PASSWORD,
    });
    if (!changed.ok) throw new Error(`crew sign-in failed: ${JSON.stringify(changed)}`);
    await call(locked, 'session.lock', {});
    await call(newWindowContext(), 'auth.signIn', { username: 'ada.admin', password: WRONG });
    clock.advance(31_000);
    const before = { failures: failures(), auditTotal: h.kh.audit.query().total };

    const filler = fillUp(mountDir);
    const anyone = newWindowContext();
    const whileFull: Record<string, ApiResult<unknown>> = {};
    for (const round of [1, 2]) {
      whileFull[`wrong password ${round}`] = await call(anyone, 'auth.signIn', {
        username: 'ada.admin',
        password: WRONG,
      });
      whileFull[`right password ${round}`] = await call(anyone, 'auth.signIn', {
        username: 'ada.admin',
        password: ADMIN_PASSWORD,
      });
    }
    whileFull['unknown user'] = await call(anyone, 'auth.signIn', {
      username: 'nobody.here',
      password: WRONG,
    });
    whileFull['unlock, wrong password'] = await call(locked, 'session.unlock', { password: WRONG });
    whileFull['unlock, right password'] = await call(locked, 'session.unlock', {
      password: CREW_PASSWORD,
    });
    whileFull['add a person'] = await call(admin, 'staff.create', {
      username: 'new.person',
      displayName: 'New Person',
      email: '',
      role: 'viewer',
    });

    rmSync(filler);
    const freed = { failures: failures(), auditTotal: h.kh.audit.query().total };
    const verified = h.kh.audit.verify();
    const wrong = await call(anyone, 'auth.signIn', { username: 'ada.admin', password: WRONG });
    const failuresAfterWrong = failures();
    clock.advance(31_000);
    const right = await call(anyone, 'auth.signIn', {
      username: 'ada.admin',
      password: ADMIN_PASSWORD,
    });
    const afterFreeing = {
      ...freed,
      auditVerified: verified.ok,
      wrong,
      failuresAfterWrong,
      right: right.ok ? (right.data as { status: string }).status : right.error.code,
    };

    // Start-up: the existing store and a new profile, on a full disk, then on a read-only one.
    h.kh.close();
    const start = async (dir: string): Promise<Startup> => {
      const error = await openKeyholder({ dataDir: dir, secrets, clock }).then(
        (kh) => {
          kh.close();
          return null;
        },
        (e: unknown) => e,
      );
      return {
        code: String((error as { code?: unknown } | null)?.code ?? 'opened'),
        box: startupFailure(error),
        shell: shellStartupMessage(error).text,
      };
    };
    const filler2 = fillUp(mountDir);
    const fullExisting = await start(dataDir);
    const fullNew = await start(join(mountDir, 'new-profile'));
    rmSync(filler2);
    rmSync(join(mountDir, 'new-profile'), { recursive: true, force: true });
    remount('ro');
    try {
      const readOnlyExisting = await start(dataDir);
      const readOnlyNew = await start(join(mountDir, 'other-profile'));
      return {
        whileFull,
        logged,
        before,
        afterFreeing,
        startup: { fullExisting, fullNew, readOnlyExisting, readOnlyNew },
      };
    } finally {
      remount('rw');
    }
  } finally {
    h.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
