import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServerDatabase } from '../../backend-sync/db/database';
import { KEY_DIR_NAME, KEY_FILE_NAME } from '../../backend-sync/keys/signing-keys';
import { systemClock } from '../../backend-sync/clock';
import { ServerAudit } from '../../backend-sync/services/server-audit';
import { createStore, startAdminApi, type AdminApi } from './stores/support/admin-api';
import { TEST_DATABASE_URL } from './support/server-harness';

const run = promisify(execFile);

/** `npm run server -- …` on a data folder, as an operator runs it. */
async function cli(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'backend-sync/main.ts', ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...env },
        timeout: 60_000,
      },
    );
    return { code: 0, ...r };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('SQLite: `npm run server -- backup --to FILE` while the server is writing', () => {
  let api: AdminApi;
  let storeId: string;
  const out = mkdtempSync(join(tmpdir(), 'keyholder-backup-'));
  beforeAll(async () => {
    api = await startAdminApi('sqlite');
    storeId = await createStore(api, 'Before the backup');
  });
  afterAll(async () => {
    await api.s.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('writes a consistent copy that the server opens', { timeout: 120_000 }, async () => {
    const audit = new ServerAudit(api.s.database.db, systemClock);
    let writing = true;
    let written = 0;
    // The live server keeps committing (one row every few milliseconds) during the backup.
    const writer = (async () => {
      while (writing) {
        await audit.write({ action: 'store.update', outcome: 'success', details: { written } });
        written += 1;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const file = join(out, 'keyholder-backup.db');
    await new Promise((r) => setTimeout(r, 100));
    const before = written;
    const result = await cli({ DATA_DIR: api.s.dataDir }, 'backup', '--to', file);
    writing = false;
    await writer;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Backup written to ${file}`);
    expect(written).toBeGreaterThan(before); // the server did write while the copy was made

    const copy = new Sqlite(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const events = copy
        .prepare("select count(*) as n from server_audit where action = 'store.update'")
        .get() as { n: number };
      expect(events.n).toBeGreaterThanOrEqual(before);
    } finally {
      copy.close();
    }

    // Restore = put the file back as DATA_DIR/keyholder-sync.db (with the keys folder).
    const restored = join(out, 'restored');
    mkdirSync(restored);
    copyFileSync(file, join(restored, 'keyholder-sync.db'));
    const database = await openServerDatabase({ dataDir: restored, DATABASE_URL: undefined });
    try {
      const store = await database.db
        .selectFrom('stores')
        .select('name')
        .where('id', '=', storeId)
        .executeTakeFirst();
      expect(store?.name).toBe('Before the backup');
      const admin = await database.db
        .selectFrom('users')
        .select('email')
        .where('id', '=', api.adminId)
        .executeTakeFirst();
      expect(admin?.email).toBe(api.adminEmail);
    } finally {
      await database.close();
    }
    // The signing key is not in the database: it is a separate file, owner-only.
    const key = statSync(join(api.s.dataDir, KEY_DIR_NAME, KEY_FILE_NAME));
    expect(key.mode & 0o777).toBe(0o600);
  });

  it(
    'refuses without --to, and sends no digest on an empty database',
    { timeout: 60_000 },
    async () => {
      const missing = await cli({ DATA_DIR: api.s.dataDir }, 'backup');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/backup needs --to FILE/);
      const empty = mkdtempSync(join(tmpdir(), 'keyholder-digest-cli-'));
      try {
        const digest = await cli({ DATA_DIR: empty }, 'send-digest');
        expect(digest.code, digest.stderr).toBe(0);
        expect(digest.stdout).toContain('Weekly digest: 0 sent, 0 failed.');
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    },
  );
});

const hasPgTools = spawnSync('pg_dump', ['--version']).status === 0;

describe.skipIf(!TEST_DATABASE_URL || !hasPgTools)(
  'PostgreSQL: the pg_dump / pg_restore commands of docs/OPERATIONS.md',
  () => {
    let api: AdminApi;
    const out = mkdtempSync(join(tmpdir(), 'keyholder-pgdump-'));
    const restoreDb = `kh_restore_${randomBytes(5).toString('hex')}`;
    const admin = async (text: string) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(text);
      } finally {
        await client.end();
      }
    };
    beforeAll(async () => {
      api = await startAdminApi('postgres');
    });
    afterAll(async () => {
      await api.s.close();
      await admin(`DROP DATABASE IF EXISTS ${restoreDb}`);
      rmSync(out, { recursive: true, force: true });
    });

    it(
      'dumps a live database and restores it into an empty one',
      { timeout: 120_000 },
      async () => {
        const storeId = await createStore(api, 'Dumped store');
        const file = join(out, 'keyholder.dump');
        // The documented command (tests work in a schema of their own: --schema picks it).
        const dump = spawnSync(
          'pg_dump',
          ['--format=custom', `--schema=${api.s.pgSchema}`, `--file=${file}`, TEST_DATABASE_URL!],
          { encoding: 'utf8' },
        );
        expect(dump.status, dump.stderr).toBe(0);

        await admin(`CREATE DATABASE ${restoreDb}`);
        const target = new URL(TEST_DATABASE_URL!);
        target.pathname = `/${restoreDb}`;
        const restore = spawnSync(
          'pg_restore',
          ['--no-owner', '--exit-on-error', `--dbname=${target.toString()}`, file],
          { encoding: 'utf8' },
        );
        expect(restore.status, restore.stderr).toBe(0);

        const database = await openServerDatabase(
          { DATABASE_URL: target.toString(), dataDir: out },
          { schema: api.s.pgSchema!, poolSize: 1 },
        );
        try {
          const store = await database.db
            .selectFrom('stores')
            .select('name')
            .where('id', '=', storeId)
            .executeTakeFirst();
          expect(store?.name).toBe('Dumped store');
        } finally {
          await database.close();
        }
      },
    );
  },
);
