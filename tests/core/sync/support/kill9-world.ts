import { systemClock } from '../../../../backend-sync/clock';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../../../backend-sync/app';
import { PasswordHasher } from '../../../../backend-sync/auth/password-hasher';
import { loadConfig, type Config } from '../../../../backend-sync/config';
import { openServerDatabase, type Database } from '../../../../backend-sync/db/database';
import type { Dialect } from '../../../../backend-sync/db/dialect';
import { nextChangeSeq } from '../../../../backend-sync/services/change-seq';
import { EnrollmentService } from '../../../../backend-sync/sync/enrollment.service';
import { PASSWORD, NO_LIMITS } from '../../../backend/auth/support/auth-helpers';
import { TEST_DATABASE_URL } from '../../../backend/support/server-harness';
import { Child, freePort } from './child';
import { insertTestUser } from '../../../backend/support/user-factory';

const SERVER_CHILD = 'tests/core/sync/support/server-child.ts';

/**
 * A sync server's data (a SQLite data folder, or a PostgreSQL schema of its own) seeded with one
 * store and its people, with the real clock (the server may run in a child process, whose clock
 * a test cannot move). The server itself runs either in this process (`listenHere`) or as a
 * child process on a fixed port (`startChild`), restarted on the same data and port after each
 * kill -9. `close` removes the data folder and drops the schema.
 */
export class KillWorld {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'keyholder-kill9-server-'));
  readonly pgSchema: string | null;
  readonly config: Config;
  readonly env: Record<string, string>;
  storeId = '';
  /** An argon2id hash with the server's costs (of PASSWORD), shared by everyone seeded. */
  passwordHash = '';
  private db: Database | null = null;
  private app: FastifyInstance | null = null;
  private standby: Child | null = null;
  server: Child | null = null;

  private constructor(
    readonly dialect: Dialect,
    readonly port: number,
  ) {
    this.pgSchema = dialect === 'postgres' ? `kh_test_${randomBytes(6).toString('hex')}` : null;
    this.env = {
      DATA_DIR: this.dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'silent',
      ...NO_LIMITS,
      ...(dialect === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL! } : {}),
      ...(this.pgSchema ? { KH_TEST_PG_SCHEMA: this.pgSchema } : {}),
    };
    this.config = loadConfig(this.env);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Creates the data (and schema), one store and `people` active members of it. */
  static async create(dialect: Dialect, people: number): Promise<KillWorld> {
    const world = new KillWorld(dialect, await freePort());
    try {
      await world.seed(people);
    } catch (error) {
      await world.close().catch(() => undefined);
      throw error;
    }
    return world;
  }

  private async seed(people: number): Promise<void> {
    if (this.pgSchema) await adminQuery(`CREATE SCHEMA ${this.pgSchema}`);
    const db = await this.database();
    const now = Date.now();
    this.storeId = randomUUID();
    this.passwordHash = await new PasswordHasher().hash(PASSWORD);
    await db.db
      .insertInto('stores')
      .values({
        id: this.storeId,
        name: 'Maple Street',
        brand: 'Northwind',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await this.addPeople(people);
  }

  /** The server database, opened in this process (not while a child server runs on SQLite). */
  async database(): Promise<Database> {
    this.db ??= await openServerDatabase(
      this.config,
      this.pgSchema ? { schema: this.pgSchema, poolSize: 4 } : {},
    );
    return this.db;
  }

  async closeDatabase(): Promise<void> {
    await this.app?.close();
    this.app = null;
    await this.db?.close();
    this.db = null;
  }

  /** Active, verified members of the store, as the users routes create them. */
  async addPeople(count: number): Promise<string[]> {
    const db = (await this.database()).db;
    const now = Date.now();
    const ids: string[] = [];
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < count; i += 1) {
        const id = randomUUID();
        const tag = randomBytes(5).toString('hex');
        await insertTestUser(tx, {
          id,
          username: `viewer.${tag}`,
          displayName: `Viewer ${tag}`,
          role: 'viewer',
          passwordHash: this.passwordHash,
          totpSecret: null,
          stores: [this.storeId],
          now,
        });
        ids.push(id);
      }
    });
    return ids;
  }

  /** An admin "edits" every member: each takes a new change number, so PCs pull them all again. */
  async touchEveryone(): Promise<void> {
    const db = (await this.database()).db;
    await db.transaction().execute(async (tx) => {
      const members = await tx
        .selectFrom('user_stores')
        .select('user_id')
        .where('store_id', '=', this.storeId)
        .orderBy('user_id')
        .execute();
      for (const m of members) {
        await tx
          .updateTable('users')
          .set({ change_seq: await nextChangeSeq(tx, 'users'), updated_at: Date.now() })
          .where('id', '=', m.user_id)
          .execute();
      }
    });
  }

  async disable(userId: string): Promise<void> {
    const db = (await this.database()).db;
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set({ status: 'disabled', change_seq: await nextChangeSeq(tx, 'users') })
        .where('id', '=', userId)
        .execute();
    });
  }

  /** Someone leaves the store (the membership trigger writes the tombstone PCs pull). */
  async removeFromStore(userId: string): Promise<void> {
    const db = (await this.database()).db;
    await db
      .deleteFrom('user_stores')
      .where('user_id', '=', userId)
      .where('store_id', '=', this.storeId)
      .execute();
  }

  async issueCode(): Promise<string> {
    const enrollment = new EnrollmentService((await this.database()).db, systemClock);
    return (await enrollment.issueCode(this.storeId, 'kill9-test-admin')).code;
  }

  /** Who the store's PCs must hold: id → status (pending and erased people are never sent). */
  async membership(): Promise<Map<string, { status: string; version: number }>> {
    const rows = await (
      await this.database()
    ).db
      .selectFrom('user_stores')
      .innerJoin('users', 'users.id', 'user_stores.user_id')
      .select(['users.id', 'users.status', 'users.change_seq'])
      .where('user_stores.store_id', '=', this.storeId)
      .where('users.status', '!=', 'pending')
      .where('users.erased_at', 'is', null)
      .execute();
    return new Map(rows.map((r) => [r.id, { status: r.status, version: Number(r.change_seq) }]));
  }

  /** Pending idempotency claims left behind (a server killed between claim and commit). */
  async inProgressClaims(): Promise<number> {
    const row = await sql<{
      n: number;
    }>`select count(*) as n from idempotency_keys where state = 'in_progress'`.execute(
      (await this.database()).db,
    );
    return Number(row.rows[0]?.n ?? 0);
  }

  // --- the server in this process -------------------------------------------------------

  async listenHere(): Promise<void> {
    const database = await this.database();
    this.app = await buildApp({ config: this.config, database, logger: false });
    await this.app.listen({ host: '127.0.0.1', port: this.port });
  }

  // --- the server as a child process --------------------------------------------------------

  /** A server process with its modules loaded, waiting for `go`. */
  private prepare(): Child {
    return Child.spawn('sync server', SERVER_CHILD, this.env);
  }

  /** Starts the server process (this process's handle on the data is closed first). */
  async startChild(): Promise<void> {
    await this.closeDatabase();
    this.standby ??= this.prepare();
    const next = this.standby;
    this.standby = null;
    await next.waitFor('loaded');
    next.send('go');
    await next.waitFor('listening');
    this.server = next;
    // The next restart's process loads while this one serves.
    this.standby = this.prepare();
  }

  /** kill -9 the server process now. */
  async killChild(): Promise<void> {
    await this.server?.kill9();
    this.server = null;
  }

  async stopChildren(): Promise<void> {
    await this.server?.kill9();
    await this.standby?.kill9();
    this.server = null;
    this.standby = null;
  }

  async close(): Promise<void> {
    await this.stopChildren();
    await this.closeDatabase().catch(() => undefined);
    if (this.pgSchema) await adminQuery(`DROP SCHEMA IF EXISTS ${this.pgSchema} CASCADE`);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
