import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../../../backend-sync/auth/totp-secret-box';
import { loadConfig } from '../../../backend-sync/config';
import { migrations, openServerDatabase } from '../../../backend-sync/db/database';
import type { Dialect } from '../../../backend-sync/db/dialect';
import type { DB } from '../../../backend-sync/db/schema';
import { derivedSecret, loadSigningKeys } from '../../../backend-sync/keys/signing-keys';
import type { PolicyService } from '../../../backend-sync/policies/policy.service';
import { nextChangeSeq } from '../../../backend-sync/services/change-seq';
import { PullService } from '../../../backend-sync/sync/pull.service';
import { RecordSigner } from '../../../backend-sync/sync/record-signer';
import { PULL_PAGE_SIZE } from '../../../common/sync/protocol';
import { describeEachDialect, TEST_DATABASE_URL } from '../support/server-harness';
import { insertTestUser } from '../support/user-factory';

/**
 * A cursor a PC got before migration 008 (the store change sequence) still means what it meant:
 * the numbers are the 'users' sequence's, copied onto the memberships. A database is built at
 * migration 007, people change after a PC's cursor, then the server opens it (running 008) and
 * the PC's next pull brings exactly those changes; a pull from 0 brings everyone.
 */
describeEachDialect('a cursor from before the store change sequence', (dialect) => {
  it('converges after the migration', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-sync-'));
    const schema = `kh_test_${randomBytes(6).toString('hex')}`;
    const admin = dialect === 'postgres' ? await adminClient() : null;
    await admin?.query(`CREATE SCHEMA ${schema}`);
    try {
      const store = randomUUID();
      const people: string[] = [];
      let cursor = 0;
      const old = olderDatabase(dialect, dataDir, schema);
      try {
        await applyBefore008(old, dialect);
        const now = 1_800_000_000_000;
        await old.transaction().execute(async (tx) => {
          await tx
            .insertInto('stores')
            .values({
              id: store,
              name: 'Maple Street',
              brand: '',
              created_at: now,
              updated_at: now,
            })
            .execute();
          for (let i = 0; i < 6; i++) {
            const user = await insertTestUser(tx, {
              role: 'viewer',
              username: `crew-${i}`,
              passwordHash: null,
              totpSecret: null,
              stores: [store],
              now,
            });
            people.push(user.id);
          }
        });
        // What a PC's last pull left it with: the head of the sequence.
        cursor = Number(
          (
            await old.selectFrom('counters').select('value').where('name', '=', 'users').execute()
          )[0]!.value,
        );
        await old.transaction().execute(async (tx) => {
          await tx
            .updateTable('users')
            .set({ display_name: 'Renamed', change_seq: await nextChangeSeq(tx, 'users') })
            .where('id', '=', people[0]!)
            .execute();
          await tx
            .updateTable('users')
            .set({ status: 'disabled', change_seq: await nextChangeSeq(tx, 'users') })
            .where('id', '=', people[1]!)
            .execute();
          await tx.deleteFrom('user_stores').where('user_id', '=', people[2]!).execute();
        });
      } finally {
        await old.destroy();
      }

      const config = loadConfig({
        DATA_DIR: dataDir,
        ...(dialect === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
      });
      const database = await openServerDatabase(
        config,
        dialect === 'postgres' ? { schema, poolSize: 2 } : { checkpointInBackground: false },
      );
      try {
        const keys = loadSigningKeys(config);
        const policy = { version: 1 };
        const policies = {
          currentBundle: async () => policy,
          bundleAt: async () => policy,
        } as unknown as PolicyService;
        const service = new PullService(
          database.db,
          dialect,
          { nowMs: () => 1_800_000_100_000 },
          policies,
          new TotpSecretBox(derivedSecret(keys, TOTP_SECRET_KEY_LABEL)),
          new RecordSigner(keys.policy),
        );
        const device = { deviceId: randomUUID(), storeId: store, auditMacKey: Buffer.alloc(32) };
        const next = await service.pull(device, { since: cursor, limit: PULL_PAGE_SIZE });
        expect(next.accounts.map((a) => [a.id, a.displayName])).toEqual([[people[0], 'Renamed']]);
        expect(next.revocations.disabledAccountIds).toEqual([people[1]]);
        expect(next.revocations.removedAccountIds).toEqual([people[2]]);
        expect(next.fullSync).toBe(false);
        const all = await service.pull(device, { since: 0, limit: PULL_PAGE_SIZE });
        expect(all.accounts.map((a) => a.id).sort()).toEqual(
          [people[0], ...people.slice(3)].sort(),
        );
        expect(all.revocations.disabledAccountIds).toEqual([people[1]]);
      } finally {
        await database.close();
      }
    } finally {
      await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin?.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  return client;
}

/** The server's database as a build before 008 left it (same file, same schema). */
function olderDatabase(dialect: Dialect, dataDir: string, schema: string): Kysely<DB> {
  if (dialect === 'postgres') {
    const pool = new pg.Pool({
      connectionString: TEST_DATABASE_URL,
      max: 1,
      options: `-c search_path=${schema}`,
    });
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  }
  const file = new Sqlite(join(dataDir, 'keyholder-sync.db'));
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: file }) });
}

async function applyBefore008(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  // Every migration before 008, as the server ran them.
  const steps = Object.entries(migrations(dialect)).filter(([name]) => name < '008');
  await db.transaction().execute(async (tx) => {
    await sql`create table schema_migrations (name text primary key, applied_at bigint not null)`.execute(
      tx,
    );
    for (const [name, step] of steps) {
      await step.up(tx as unknown as Kysely<unknown>);
      await sql`insert into schema_migrations (name, applied_at) values (${name}, 0)`.execute(tx);
    }
  });
}
