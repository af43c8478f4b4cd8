// The store's files are owner-only (0600) whatever the umask: the database and the -wal/-shm
// SQLite creates beside it, profile.json, backups (VACUUM INTO) and a restored store. Real
// files, real SQLite; only the process umask is set (and restored).
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, openLocalStore, restoreFrom } from '../../../electron/core/db/local-store';
import { CoreHarness } from '../../support/core-harness';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { FakeClock } from '../../support/fake-clock';

const modeOf = (file: string) => statSync(file).mode & 0o777;

// POSIX modes only: on Windows the profile folder's ACL protects the files (nothing to check).
describe.skipIf(process.platform === 'win32').each([
  { label: '022', umask: 0o022 },
  { label: '000', umask: 0o000 },
])('owner-only store files with umask $label', ({ umask }) => {
  let saved: number;
  const cleanup: (() => void)[] = [];
  const withUmask = () => {
    saved = process.umask(umask);
    cleanup.push(() => process.umask(saved));
  };
  afterEach(() => {
    for (const undo of cleanup.splice(0).reverse()) undo();
  });

  it('creates the store, its WAL and SHM, profile.json and its folder owner-only', async () => {
    withUmask();
    const base = mkdtempSync(join(tmpdir(), 'keyholder-modes-'));
    cleanup.push(() => rmSync(base, { recursive: true, force: true }));
    const dataDir = join(base, 'profile'); // created by Keyholder
    const h = new CoreHarness(new MemorySecretStore(), new FakeClock(), { dataDir });
    cleanup.push(() => h.dispose());
    const { session } = await h.setUp();
    await h.kh.staff.create(session.sessionId, {
      username: 'wal.writer',
      displayName: 'Wal Writer',
      email: '',
      role: 'viewer',
    });
    const db = join(dataDir, DB_FILE);
    expect(existsSync(`${db}-wal`)).toBe(true);
    expect(existsSync(`${db}-shm`)).toBe(true);
    for (const file of [db, `${db}-wal`, `${db}-shm`, join(dataDir, 'profile.json')]) {
      expect(modeOf(file), file).toBe(0o600);
    }
    expect(modeOf(dataDir)).toBe(0o700);
  });

  it('writes backups owner-only and restores into an owner-only store', async () => {
    withUmask();
    const h = new CoreHarness();
    cleanup.push(() => h.dispose());
    const { session } = await h.setUp();
    const backup = join(h.dir, 'backup.db');
    h.kh.deviceAdmin.backup(session.sessionId, backup);
    expect(modeOf(backup)).toBe(0o600);

    // A backup someone made readable by everyone (copied around, say) restores owner-only.
    chmodSync(backup, 0o644);
    h.kh.close();
    const live = await openLocalStore(h.dir, h.secrets);
    const restored = await restoreFrom(live, backup, h.secrets);
    restored.db.prepare('SELECT count(*) FROM accounts').get();
    const db = join(h.dir, DB_FILE);
    for (const file of [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f))) {
      expect(modeOf(file), file).toBe(0o600);
    }
    restored.close();
    expect(modeOf(backup)).toBe(0o644); // the person's own file is left as it was
  });

  it('narrows a store made readable by others (before this rule) when it opens', async () => {
    withUmask();
    const h = new CoreHarness();
    cleanup.push(() => h.dispose());
    await h.setUp();
    h.kh.close();
    const db = join(h.dir, DB_FILE);
    chmodSync(db, 0o644);
    await h.open();
    expect(modeOf(db)).toBe(0o600);
    expect(modeOf(`${db}-wal`)).toBe(0o600);
  });
});
