import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs to fill up, for tests of a full or read-only disk. How one can be had here:
 *
 * - `root`: this process may mount (root with CAP_SYS_ADMIN): `mount -t tmpfs` in place, and
 *   the test unmounts it whatever happens.
 * - `namespace`: an unprivileged user + mount namespace (`unshare -rm`) works: the test runs a
 *   child process in one, which mounts its own tmpfs; the mount lives and dies with the child.
 * - `none`: neither (not Linux, no unshare, user namespaces disabled): tests skip, saying why.
 *
 * KEYHOLDER_TEST_TMPFS=namespace takes the namespace route even as root (to test that route).
 */
export type TmpfsAccess = { how: 'root' } | { how: 'namespace' } | { how: 'none'; why: string };

const NEEDS =
  'needs Linux and either root (mount -t tmpfs) or unprivileged user namespaces (unshare -rm)';

let probed: TmpfsAccess | null = null;

export function tmpfsAccess(): TmpfsAccess {
  probed ??= probe();
  return probed;
}

function probe(): TmpfsAccess {
  if (process.platform !== 'linux')
    return { how: 'none', why: `${NEEDS}; this is ${process.platform}` };
  const dir = mkdtempSync(join(tmpdir(), 'keyholder-tmpfs-probe-'));
  try {
    if (process.getuid?.() === 0 && process.env.KEYHOLDER_TEST_TMPFS !== 'namespace') {
      try {
        mountTmpfs(dir, 64);
        unmountTmpfs(dir);
        return { how: 'root' };
      } catch {
        // Root without CAP_SYS_ADMIN (a container): try a namespace instead.
      }
    }
    const unshare = spawnSync(
      'unshare',
      ['-rm', 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir],
      {
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
    if (unshare.status === 0) return { how: 'namespace' };
    const said = (unshare.error?.message ?? unshare.stderr ?? '').trim().split('\n')[0];
    return { how: 'none', why: `${NEEDS}; unshare -rm failed here: ${said || 'no reason given'}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function mountTmpfs(dir: string, sizeKiB: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', dir], {
    stdio: 'pipe',
  });
}

export function remountTmpfs(dir: string, mode: 'ro' | 'rw'): void {
  execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' });
}

/** Unmounts; lazily when something still holds a file open, so the mount never outlives us. */
export function unmountTmpfs(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Fills the file system holding `dir` to the last block; returns the filler file. */
export function fillUp(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'a');
  const chunk = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return file;
}
