/**
 * Pull cost per page against the store's size (issue 17: a full pull costs the same per page
 * whatever the store's size; a pull with nothing new stays flat). In process, on the server's
 * own PullService and database: per store size (BENCH_PULL_PEOPLE, default 1000,10000), one
 * store of that many people, a full sync from 0 in pages of 500 (BENCH_PULL_RUNS times, default
 * 5), pulls with nothing new, and pulls after one person changed. Prints the median and spread
 * of each; it writes no document. `npx tsx bench/sync/pull-pages.ts [sqlite|postgres]`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TOTP_SECRET_KEY_LABEL, TotpSecretBox } from '../../backend-sync/auth/totp-secret-box';
import { loadConfig } from '../../backend-sync/config';
import { openServerDatabase, type Database } from '../../backend-sync/db/database';
import type { Dialect } from '../../backend-sync/db/dialect';
import { derivedSecret, loadSigningKeys } from '../../backend-sync/keys/signing-keys';
import { PolicyService } from '../../backend-sync/policies/policy.service';
import { nextChangeSeq } from '../../backend-sync/services/change-seq';
import { ServerAudit } from '../../backend-sync/services/server-audit';
import { PullService } from '../../backend-sync/sync/pull.service';
import { RecordSigner } from '../../backend-sync/sync/record-signer';
import { insertTestUser } from '../../tests/backend/support/user-factory';
import { PG_URL } from './settings';

const SIZES = (process.env.BENCH_PULL_PEOPLE ?? '1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_PULL_RUNS ?? 5);
const PAGE = 500;
const clock = { nowMs: () => Date.now() };

const spread = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const f = (v: number) => v.toFixed(2);
  return `median ${f(s[Math.floor(s.length / 2)]!)} ms (min ${f(s[0]!)}, max ${f(s.at(-1)!)}, n=${s.length})`;
};

async function seedStore(database: Database, people: number): Promise<string> {
  const store = randomUUID();
  const now = clock.nowMs();
  await database.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('stores')
      .values({ id: store, name: `Store ${people}`, brand: '', created_at: now, updated_at: now })
      .execute();
    for (let i = 0; i < people; i++) {
      await insertTestUser(tx, {
        role: 'viewer',
        username: `p${people}-${i}`,
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
        totpSecret: null,
        stores: [store],
        now,
      });
    }
  });
  return store;
}

async function main(dialect: Dialect): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyholder-bench-pull-'));
  const schema = `kh_bench_${randomBytes(5).toString('hex')}`;
  const admin = dialect === 'postgres' ? new pg.Client({ connectionString: PG_URL }) : null;
  await admin?.connect();
  await admin?.query(`CREATE SCHEMA ${schema}`);
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(dialect === 'postgres' ? { DATABASE_URL: PG_URL } : {}),
  });
  const database = await openServerDatabase(config, dialect === 'postgres' ? { schema } : {});
  try {
    const keys = loadSigningKeys(config);
    const policies = new PolicyService(
      database.db,
      clock,
      keys.policy,
      new ServerAudit(database.db, clock),
    );
    await policies.load();
    const service = new PullService(
      database.db,
      dialect,
      clock,
      policies,
      new TotpSecretBox(derivedSecret(keys, TOTP_SECRET_KEY_LABEL)),
      new RecordSigner(keys.policy),
    );
    for (const people of SIZES) {
      const storeId = await seedStore(database, people);
      const deviceId = randomUUID();
      await database.db
        .insertInto('devices')
        .values({
          id: deviceId,
          store_id: storeId,
          name: 'Till',
          credential_hash: randomUUID(),
          audit_mac_key: '',
          last_seq: 0,
          last_hash: '0'.repeat(64),
          reported_seq: 0,
          created_at: clock.nowMs(),
        })
        .execute();
      const device = {
        deviceId,
        storeId,
        auditMacKey: Buffer.alloc(32),
        store: { id: storeId, name: `Store ${people}`, brand: '' },
      };
      // Pages with more to come, and the last page (the receipt's digest: read once per head
      // of the store, then cached, so only the warm-up run reads the whole membership).
      const pages: number[] = [];
      const lastPages: number[] = [];
      const unchanged: number[] = [];
      let cursor = 0;
      for (let run = 0; run < RUNS + 1; run++) {
        cursor = 0;
        for (let more = true; more;) {
          const t0 = performance.now();
          const page = await service.pull(device, { since: cursor, limit: PAGE });
          const ms = performance.now() - t0;
          if (run > 0) (page.more ? pages : lastPages).push(ms); // run 0 warms up
          cursor = page.cursor;
          more = page.more;
        }
      }
      for (let run = 0; run < RUNS * 4; run++) {
        const t0 = performance.now();
        await service.pull(device, { since: cursor, limit: PAGE });
        unchanged.push(performance.now() - t0);
      }
      // One person changes, then the pull that brings it: the receipt's digest is read again
      // for the store's new head (the one read of the whole membership per change).
      const changed: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        await database.db.transaction().execute(async (tx) => {
          const someone = await tx
            .selectFrom('user_stores')
            .select('user_id')
            .where('store_id', '=', storeId)
            .limit(1)
            .executeTakeFirstOrThrow();
          await tx
            .updateTable('users')
            .set({ change_seq: await nextChangeSeq(tx, 'users') })
            .where('id', '=', someone.user_id)
            .execute();
        });
        const t0 = performance.now();
        cursor = (await service.pull(device, { since: cursor, limit: PAGE })).cursor;
        changed.push(performance.now() - t0);
      }
      const what = `${dialect}, store of ${people} people`;
      console.log(`${what}: full-sync page of ${PAGE}: ${spread(pages)}`);
      console.log(`${what}: last page of a full sync: ${spread(lastPages)}`);
      console.log(`${what}: pull with nothing new: ${spread(unchanged)}`);
      console.log(`${what}: pull after one change: ${spread(changed)}`);
    }
  } finally {
    await database.close();
    await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin?.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const dialect = (process.argv[2] ?? 'sqlite') as Dialect;
if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error('sqlite or postgres');
await main(dialect);
