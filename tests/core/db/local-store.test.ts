import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/core/db/database';
import { DB_FILE, openLocalStore, restoreFrom } from '../../../electron/core/db/local-store';
import { MIGRATIONS } from '../../../electron/core/db/migrations';
import { KeytarSecretStore } from '../../../electron/core/keychain/keytar-secret-store';
import { openKeyholder } from '../../../electron/core/keyholder';
import { CoreHarness, errorCode, expectStep } from '../../support/core-harness';
import { describeWithKeychain } from '../../support/keyring';
import { MemorySecretStore } from '../../support/memory-secret-store';

/** Every file of the store (db, WAL, SHM) as one buffer, read while the app holds it open. */
function storeBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir)
      .filter((f) => f.startsWith(DB_FILE))
      .map((f) => readFileSync(join(dir, f))),
  );
}

describeWithKeychain('encrypted local store with the real keychain', () => {
  let h: CoreHarness;
  let service: string;
  beforeEach(() => {
    service = `Keyholder-test-${process.pid}-${Date.now()}`;
    h = new CoreHarness(new KeytarSecretStore({ service }));
  });
  afterEach(() => h.dispose());

  it('keeps names, emails and TOTP secrets out of the database file and its WAL', async () => {
    const { secret, session } = await h.setUp();
    await h.kh.staff.create(session.sessionId, {
      username: 'zelda.quartermain',
      displayName: 'Zelda Quartermain',
      email: 'zelda.q@example.test',
      role: 'viewer',
    });
    expect(existsSync(join(h.dir, `${DB_FILE}-wal`))).toBe(true);
    const bytes = storeBytes(h.dir);
    expect(bytes.length).toBeGreaterThan(4096);
    for (const needle of [
      'zelda',
      'Zelda Quartermain',
      'zelda.q@example.test',
      'ada.admin',
      secret,
      'SQLite format 3',
    ]) {
      expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
    }
  });

  it('cannot be opened without the key or with another key', async () => {
    await h.setUp();
    h.kh.close();
    const file = join(h.dir, DB_FILE);
    expect(() => new Database(file).prepare('SELECT * FROM accounts').all()).toThrow(
      /not a database/,
    );
    expect(await errorCode(() => openDatabase({ file, hexKey: 'ab'.repeat(32) }))).toBe(
      'store_key_mismatch',
    );
    // The real key comes back from the keychain after a restart.
    await h.open();
    expect(h.kh.firstRun.needsSetup()).toBe(false);
  });

  it('the database key lives in the keychain under the profile’s fixed name', async () => {
    await h.setUp();
    const key = await new KeytarSecretStore({ service }).get(`${h.kh.profileId}/database-key`);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(h.dir, 'profile.json'), 'utf8')).not.toContain(key!);
  });
});

it('a keychain failure gives the typed error and creates nothing', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'keyholder-nokeychain-')), 'data');
  try {
    for (const reason of [
      'no-dbus',
      'dbus-unreachable',
      'no-secret-service',
      'keyring-locked',
      'no-login-keyring',
    ] as const) {
      const err = await openKeyholder({
        dataDir: dir,
        secrets: new MemorySecretStore().failWith(reason),
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'keychain_unavailable', details: { reason } });
      expect(existsSync(dir)).toBe(false);
    }
    // Reads work but the first write fails (a locked collection): still nothing on disk.
    const writeFails = await openKeyholder({
      dataDir: dir,
      secrets: new MemorySecretStore().failWith('keyring-locked', ['set']),
    }).catch((e: unknown) => e);
    expect(writeFails).toMatchObject({
      code: 'keychain_unavailable',
      details: { reason: 'keyring-locked' },
    });
    expect(existsSync(dir)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('an existing store whose key is gone from the keychain is refused with a clear message', async () => {
  const h = new CoreHarness();
  try {
    await h.setUp();
    h.kh.close();
    const err = await openKeyholder({ dataDir: h.dir, secrets: new MemorySecretStore() }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'store_key_missing' });
  } finally {
    h.dispose();
  }
});

it('refuses a damaged database file', async () => {
  const h = new CoreHarness();
  try {
    await h.setUp();
    h.kh.close();
    const file = join(h.dir, DB_FILE);
    const bytes = readFileSync(file);
    bytes.fill(0x41, 8192, 12288); // scribble over a page
    writeFileSync(file, bytes);
    expect(await errorCode(() => h.open())).toMatch(/^store_(corrupt|key_mismatch)$/);
  } finally {
    h.dispose();
  }
});

it('refuses a database written by a newer or different version', async () => {
  const h = new CoreHarness();
  try {
    await h.setUp();
    h.kh.db
      .prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
      .run(MIGRATIONS.length + 1, '999-future', 0);
    h.kh.close();
    const err = await h.open().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'store_schema_unknown' });
    expect((err as Error).message).toMatch(/newer or different version/);
  } finally {
    h.dispose();
  }
});

it('a renamed past migration also counts as an unknown schema', async () => {
  const h = new CoreHarness();
  try {
    await h.setUp();
    h.kh.db.prepare("UPDATE schema_migrations SET name = '001-something-else' WHERE id = 1").run();
    h.kh.close();
    expect(await errorCode(() => h.open())).toBe('store_schema_unknown');
  } finally {
    h.dispose();
  }
});

it('backs up online to an encrypted file and restores it', async () => {
  const h = new CoreHarness();
  try {
    const { session } = await h.setUp();
    const target = join(h.dir, 'backup-1.db');
    h.kh.deviceAdmin.backup(session.sessionId, target);
    expect(await errorCode(() => h.kh.deviceAdmin.backup(session.sessionId, target))).toBe(
      'backup_exists',
    );
    expect(readFileSync(target).includes(Buffer.from('ada.admin'))).toBe(false);
    expect(() => new Database(target).prepare('SELECT 1 FROM accounts').all()).toThrow(
      /not a database/,
    );

    // After the backup: a new account that the restore must roll back.
    await h.kh.staff.create(session.sessionId, {
      username: 'late',
      displayName: 'Late Arrival',
      email: '',
      role: 'viewer',
    });
    const store = await openLocalStore(h.dir + '-other', new MemorySecretStore());
    expect(
      await errorCode(() => restoreFrom(store, join(h.dir, 'missing.db'), new MemorySecretStore())),
    ).toBe('store_key_missing');
    store.close();
    rmSync(h.dir + '-other', { recursive: true, force: true });

    h.kh.close();
    const live = await openLocalStore(h.dir, h.secrets);
    const restored = await restoreFrom(live, target, h.secrets);
    expect(
      restored.db.prepare("SELECT count(*) AS n FROM accounts WHERE username = 'late'").get(),
    ).toEqual({ n: 0 });
    restored.close();
    await h.open();
    expect(h.kh.audit.verify()).toMatchObject({ ok: true });
    expectStep(await h.kh.signIn.signIn('ada.admin', 'correct horse battery staple'), 'needs_totp');
  } finally {
    h.dispose();
    rmSync(h.dir + '-other', { recursive: true, force: true });
  }
});

it('refuses to restore a file that is not a backup of this computer', async () => {
  const h = new CoreHarness();
  try {
    await h.setUp();
    const foreign = join(h.dir, 'foreign.db');
    const other = new Database(foreign);
    other.pragma(`hexkey='${'cd'.repeat(32)}'`);
    other.exec('CREATE TABLE t (x)');
    other.close();
    h.kh.close();
    const live = await openLocalStore(h.dir, h.secrets);
    expect(await errorCode(() => restoreFrom(live, foreign, h.secrets))).toBe('backup_unreadable');
    // The live store is untouched and still opens.
    live.close();
    await h.open();
    expect(h.kh.firstRun.needsSetup()).toBe(false);
  } finally {
    h.dispose();
  }
});
