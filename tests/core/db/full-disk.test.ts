// Fail closed on a full or read-only disk (issue 12, item 5). A real store on a small tmpfs
// that fills up: a wrong and a right password get the same answer, `store_unwritable` with its
// message and nothing else (no password oracle), nothing is counted or lost, and start-up says
// the same thing. The tmpfs is mounted in place when this process may (root); otherwise the
// scenario runs in a child process inside an unprivileged user + mount namespace; otherwise the
// suite is skipped with a notice saying what it needs (tests/support/small-tmpfs.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_UNWRITABLE_MESSAGE } from '../../../electron/core/db/storage-faults';
import { mountTmpfs, remountTmpfs, tmpfsAccess, unmountTmpfs } from '../../support/small-tmpfs';
import { fullDiskScenario, TMPFS_KIB, type FullDiskReport } from './support/full-disk-scenario';

const CHILD = 'tests/core/db/support/full-disk-child.ts';
const UNWRITABLE = {
  ok: false,
  error: { code: 'store_unwritable', message: STORE_UNWRITABLE_MESSAGE },
};

const access = tmpfsAccess();
if (access.how === 'none') {
  console.warn(`[full-disk tests skipped] ${access.why}`);
}
const describeTmpfs = access.how === 'none' ? describe.skip : describe;

/** Runs the scenario in a child in its own user + mount namespace; kills it on timeout. */
function inNamespace(dir: string, children: Set<ChildProcess>): Promise<FullDiskReport> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-rm', process.execPath, '--import', 'tsx', CHILD, dir], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-8_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const line = out.split('\n').find((l) => l.startsWith('report '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('report '.length)) as FullDiskReport);
      else reject(new Error(`scenario child ended (${code ?? signal}) without a report:\n${err}`));
    });
  });
}

const title =
  access.how === 'none'
    ? `a full or read-only disk [skipped: ${access.why}]`
    : `a full or read-only disk (tmpfs via ${access.how})`;

describeTmpfs(title, () => {
  const children = new Set<ChildProcess>();
  let dir = '';
  let mounted = false;
  let report: FullDiskReport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyholder-full-disk-'));
    if (access.how === 'root') {
      mountTmpfs(dir, TMPFS_KIB);
      mounted = true;
      report = await fullDiskScenario(dir, (mode) => remountTmpfs(dir, mode));
    } else {
      report = await inNamespace(dir, children);
    }
  }, 150_000);

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    if (mounted) unmountTmpfs(dir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers a wrong and a right password alike: store_unwritable, with its message only', () => {
    for (const attempt of [
      'wrong password 1',
      'right password 1',
      'wrong password 2',
      'right password 2',
      'unknown user',
    ]) {
      expect(report.whileFull[attempt], attempt).toEqual(UNWRITABLE);
    }
  });

  it('answers re-entered passwords (session unlock) alike too', () => {
    expect(report.whileFull['unlock, wrong password']).toEqual(UNWRITABLE);
    expect(report.whileFull['unlock, right password']).toEqual(UNWRITABLE);
  });

  it('any other call that needs to write says the same instead of a generic error', () => {
    expect(report.whileFull['add a person']).toEqual(UNWRITABLE);
    // The fault itself still reaches the log, for whoever looks after the PC.
    expect(report.logged).toContain('SQLITE_FULL');
  });

  it('after space is freed, nothing was counted or lost and sign-in works as before', () => {
    // One failure before the disk filled; the refused attempts counted nothing.
    expect(report.before.failures).toBe(1);
    expect(report.afterFreeing.failures).toBe(1);
    expect(report.afterFreeing.auditTotal).toBe(report.before.auditTotal);
    expect(report.afterFreeing.auditVerified).toBe(true);
    expect(report.afterFreeing.wrong).toMatchObject({
      ok: false,
      error: { code: 'invalid_credentials' },
    });
    expect(report.afterFreeing.failuresAfterWrong).toBe(2);
    expect(report.afterFreeing.right).toBe('needs_totp');
  });

  it('start-up on a full or read-only disk says what is wrong, in the error box and the shell', () => {
    for (const [name, startup] of Object.entries(report.startup)) {
      expect(startup.code, name).toBe('store_unwritable');
      expect(startup.box, name).toEqual({
        title: 'Keyholder cannot write to its local store',
        message: STORE_UNWRITABLE_MESSAGE,
      });
      expect(startup.shell, name).toBe(`Keyholder cannot start: ${STORE_UNWRITABLE_MESSAGE}`);
    }
  });
});
