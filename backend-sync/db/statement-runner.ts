import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type { CompiledQuery, Kysely } from 'kysely';
import type { DB } from './schema';

/**
 * Runs hand-compiled statements (db/compiled.ts) of the hottest requests — the password + TOTP
 * sign-in, whose every step is paid beside a memory-hard hash, the refresh-token rotation, and
 * the shared rate-limit counters (one upsert per request with RATE_LIMIT_STORE=database) — with
 * as little around them as each dialect allows:
 *
 * - SQLite: each call holds the one connection through Kysely (its mutex, so nothing of another
 *   request runs between the statements, and a Kysely transaction that is waiting on something
 *   is never joined), then runs the statements synchronously on better-sqlite3's cached
 *   prepared statements. One acquire per call instead of Kysely's promise chain per statement:
 *   a sign-in allocated 40 of its 133 KB in Kysely. Writes are group-committed: those that
 *   arrive in the same turn of the event loop, or while the connection is busy, run in one
 *   transaction, each in a savepoint of its own (a failure undoes only its own statements), and
 *   each is answered once that transaction has committed. On a busy server most of a commit's
 *   cost (its WAL writes, a system call per page) is then shared: refresh rotations went from
 *   1,570–2,220/s to 2,350–3,350/s in three alternating runs each on a 2-core virtual machine,
 *   and with the rate-limit counters in the database the hello-world route went from
 *   4,650–5,090/s to 8,310–8,890/s.
 * - PostgreSQL: Kysely, with the pool's named prepared statements (database.ts).
 *
 * Both run the same SQL texts, so both dialects' tests cover the same statements.
 *
 * Never call it from inside a Kysely transaction: on SQLite it would wait for the connection
 * that transaction holds (for ever), and on PostgreSQL it would run outside it. ESLint refuses
 * a call written inside a transaction's callback (eslint.config.js); one reached through a
 * helper called from there is not caught, so helpers that take a transaction take `trx`.
 */
export interface StatementRunner {
  /** The rows of one read. */
  read<R>(query: CompiledQuery): Promise<R[]>;
  /**
   * In one transaction: `guard`, then — only if it changed exactly one row — `then` in order.
   * Resolves to whether the guard held; when it did not, the transaction is rolled back. A
   * failing statement rolls the whole transaction back (and rejects).
   */
  guardedWrite(guard: CompiledQuery, then: readonly CompiledQuery[]): Promise<boolean>;
  /**
   * `guardedWrite` with several guards, run in order: resolves to -1 when each changed exactly
   * one row and `then` ran, else to the index of the first that did not (nothing is written).
   */
  guardedWrites(guards: readonly CompiledQuery[], then: readonly CompiledQuery[]): Promise<number>;
  /** One write in a transaction of its own (a group's, on SQLite), and the rows it returns. */
  write<R>(query: CompiledQuery): Promise<R[]>;
}

export function kyselyStatementRunner(db: Kysely<DB>): StatementRunner {
  const guardedWrites: StatementRunner['guardedWrites'] = (guards, then) =>
    guardResult(
      db.transaction().execute(async (trx) => {
        for (const [i, guard] of guards.entries()) {
          const { numAffectedRows } = await trx.executeQuery(guard);
          if (Number(numAffectedRows) !== 1) throw new GuardFailed(i);
        }
        for (const query of then) await trx.executeQuery(query);
        return -1;
      }),
    );
  return {
    async read<R>(query: CompiledQuery): Promise<R[]> {
      return (await db.executeQuery<R>(query)).rows;
    },
    guardedWrites,
    guardedWrite: async (guard, then) => (await guardedWrites([guard], then)) === -1,
    async write<R>(query: CompiledQuery): Promise<R[]> {
      return (await db.executeQuery<R>(query)).rows;
    },
  };
}

/** Thrown inside the transaction when a guard did not hold, so that it rolls back. */
class GuardFailed extends Error {
  constructor(readonly index: number) {
    super('guard failed');
  }
}

function guardResult(written: Promise<number>): Promise<number> {
  return written.catch((error: unknown) => {
    if (error instanceof GuardFailed) return error.index;
    throw error;
  });
}

/** The prepared-statement cache of the SQLite connection (sqlite-statement-cache.ts). */
export interface SqliteStatements {
  readonly sqlite: Sqlite.Database;
  statement(sql: string): Sqlite.Statement;
}

export function sqliteStatementRunner(db: Kysely<DB>, cache: SqliteStatements): StatementRunner {
  const run = (query: CompiledQuery) =>
    cache.statement(query.sql).run(query.parameters as unknown[]).changes;
  // One write's statements. Called inside `commitGroup`'s transaction, better-sqlite3 runs it
  // as a savepoint: when it throws (a guard failed, a statement failed), only its own writes
  // are rolled back, and the rest of the group goes on.
  const write = cache.sqlite.transaction(
    (guards: readonly CompiledQuery[], then: readonly CompiledQuery[]): number => {
      // A guard that fails rolls back what the ones before it wrote.
      for (const [i, guard] of guards.entries()) if (run(guard) !== 1) throw new GuardFailed(i);
      for (const query of then) run(query);
      return -1;
    },
  );
  // One write, and its rows if it has RETURNING, in its own savepoint likewise.
  const returning = cache.sqlite.transaction((query: CompiledQuery): unknown[] => {
    const statement = cache.statement(query.sql);
    const parameters = query.parameters as unknown[];
    // better-sqlite3 refuses `all` for a statement without rows (no RETURNING).
    if (!statement.reader) {
      statement.run(parameters);
      return [];
    }
    return statement.all(parameters) as unknown[];
  });
  // Group commit: the writes that reach the runner while it waits for the connection, or in
  // the same turn of the event loop, commit together. Each is answered only once the group's
  // COMMIT is done, so none is acknowledged before it is durable, but a commit's WAL writes
  // (and system calls) are shared by every request in the group.
  const commitGroup = cache.sqlite.transaction((jobs: readonly GroupedWrite[]) =>
    jobs.map((job): GroupedResult => {
      try {
        if ('query' in job) return { index: -1, rows: returning(job.query) };
        return { index: write(job.guards, job.then) };
      } catch (error) {
        // Some errors (a full disk, an I/O error) make SQLite roll the whole transaction
        // back: then nothing of the group is written, and every write of it fails.
        if (!cache.sqlite.inTransaction) throw error;
        return { error };
      }
    }),
  );
  let waiting: GroupedWrite[] = [];
  const flush = async (): Promise<void> => {
    const jobs = waiting;
    waiting = [];
    try {
      const results = commitGroup(jobs);
      results.forEach((result, i) => {
        const job = jobs[i]!;
        if ('index' in result) job.resolve(result);
        else if (result.error instanceof GuardFailed) job.resolve({ index: result.error.index });
        else job.reject(result.error);
      });
    } catch (error) {
      // BEGIN or COMMIT failed, or SQLite rolled the transaction back: nothing was written.
      for (const job of jobs) job.reject(error);
    }
  };
  const enqueue = (job: GroupedWrite): void => {
    waiting.push(job);
    // The first write of a group asks for the connection once the current turn is over;
    // the ones queued until it is granted join it.
    if (waiting.length === 1) {
      setImmediate(() => {
        db.connection()
          .execute(flush)
          .catch((error: unknown) => {
            for (const queued of waiting.splice(0)) queued.reject(error);
          });
      });
    }
  };
  const guardedWrites: StatementRunner['guardedWrites'] = (guards, then) =>
    new Promise<number>((resolve, reject) =>
      enqueue({ guards, then, resolve: (r) => resolve(r.index), reject }),
    );
  return {
    read<R>(query: CompiledQuery): Promise<R[]> {
      return db
        .connection()
        .execute(async () => cache.statement(query.sql).all(query.parameters as unknown[]) as R[]);
    },
    guardedWrites,
    guardedWrite: async (guard, then) => (await guardedWrites([guard], then)) === -1,
    write<R>(query: CompiledQuery): Promise<R[]> {
      return new Promise<R[]>((resolve, reject) =>
        enqueue({ query, resolve: (r) => resolve((r.rows ?? []) as R[]), reject }),
      );
    },
  };
}

/** A write waiting for its group: guarded statements, or one statement and its rows. */
type GroupedWrite = (
  { guards: readonly CompiledQuery[]; then: readonly CompiledQuery[] } | { query: CompiledQuery }
) & {
  resolve: (result: { index: number; rows?: unknown[] }) => void;
  reject: (error: unknown) => void;
};

type GroupedResult = { index: number; rows?: unknown[] } | { error: unknown };
