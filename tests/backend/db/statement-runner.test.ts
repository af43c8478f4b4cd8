import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { statement } from '../../../backend-sync/db/compiled';
import type { Dialect } from '../../../backend-sync/db/dialect';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server-harness';

const insertStore = statement(
  'insert into stores (id, name, created_at, updated_at) values (?, ?, ?, ?)',
);
const renameStore = statement('update stores set name = ? where id = ? and name = ?');
const storeNames = statement('select name from stores where id like ? order by name');

describeEachDialect(
  "statement runner (the sign-in's and the refresh's statements)",
  (dialect: Dialect) => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s.close());

    const names = async (prefix: string) =>
      (await s.database.statements.read<{ name: string }>(storeNames(dialect, [`${prefix}%`]))).map(
        (r) => r.name,
      );
    const store = (id: string, name: string) => insertStore(dialect, [id, name, 1, 1]);

    it('writes the rest only when the guard changed exactly one row', async () => {
      const { statements } = s.database;
      await statements.guardedWrite(store('g-1', 'Guard'), []);
      expect(
        await statements.guardedWrite(renameStore(dialect, ['Guard 2', 'g-1', 'Guard']), [
          store('g-2', 'Follower'),
        ]),
      ).toBe(true);
      expect(await names('g-')).toEqual(['Follower', 'Guard 2']);
      // The guard no longer holds (the name moved on): nothing else is written.
      expect(
        await statements.guardedWrite(renameStore(dialect, ['Guard 3', 'g-1', 'Guard']), [
          store('g-3', 'Never'),
        ]),
      ).toBe(false);
      expect(await names('g-')).toEqual(['Follower', 'Guard 2']);
    });

    it('tells which of several guards did not hold, and undoes what the ones before it wrote', async () => {
      const { statements } = s.database;
      await statements.guardedWrite(store('m-1', 'One'), [store('m-2', 'Two')]);
      const rename = (id: string, from: string, to: string) => renameStore(dialect, [to, id, from]);
      // The second guard fails: the first one's rename is rolled back, nothing else is written.
      expect(
        await statements.guardedWrites(
          [rename('m-1', 'One', 'One renamed'), rename('m-2', 'Not its name', 'Two renamed')],
          [store('m-3', 'Never')],
        ),
      ).toBe(1);
      expect(await names('m-')).toEqual(['One', 'Two']);
      expect(
        await statements.guardedWrites(
          [rename('m-1', 'Not its name', 'x')],
          [store('m-3', 'Never')],
        ),
      ).toBe(0);
      expect(await names('m-')).toEqual(['One', 'Two']);
      // Every guard holds: all of it commits.
      expect(
        await statements.guardedWrites(
          [rename('m-1', 'One', 'One renamed'), rename('m-2', 'Two', 'Two renamed')],
          [store('m-3', 'Three')],
        ),
      ).toBe(-1);
      expect(await names('m-')).toEqual(['One renamed', 'Three', 'Two renamed']);
    });

    it('decides writes sent together one by one: a failure undoes only its own', async () => {
      const { statements } = s.database;
      await statements.guardedWrite(store('c-0', 'Base'), []);
      // Sent in one turn of the event loop, as by concurrent requests (on SQLite they commit as
      // one group): a guard that fails and a statement that fails each cost only their own write.
      const results = await Promise.allSettled([
        statements.guardedWrite(store('c-1', 'First'), [store('c-2', 'Second')]),
        statements.guardedWrites(
          [renameStore(dialect, ['x', 'c-0', 'Not its name'])],
          [store('c-3', 'Never')],
        ),
        statements.guardedWrite(store('c-4', 'Fourth'), [store('c-1', 'Duplicate key')]),
        statements.guardedWrite(renameStore(dialect, ['Base renamed', 'c-0', 'Base']), [
          store('c-5', 'Fifth'),
        ]),
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'error'))).toEqual([
        true,
        0,
        'error',
        true,
      ]);
      expect(await names('c-')).toEqual(['Base renamed', 'Fifth', 'First', 'Second']);
    });

    it.skipIf(dialect !== 'sqlite')(
      'fails every write of a group when SQLite rolls the whole transaction back',
      async () => {
        const { statements } = s.database;
        // RAISE(ROLLBACK) ends the transaction itself, as a full disk or an I/O error may.
        await sql`create trigger stores_roll_back before insert on stores
          when new.name = 'Roll back' begin select raise(rollback, 'rolled back'); end`.execute(
          s.database.db,
        );
        try {
          const results = await Promise.allSettled([
            statements.guardedWrite(store('w-1', 'Before'), []),
            statements.guardedWrite(store('w-2', 'Roll back'), []),
            statements.guardedWrite(store('w-3', 'After'), []),
          ]);
          // None is acknowledged, and none was written: no write is told it failed that did not.
          expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
          expect(await names('w-')).toEqual([]);
        } finally {
          await sql`drop trigger stores_roll_back`.execute(s.database.db);
        }
        // The runner goes on with the next writes.
        expect(await statements.guardedWrite(store('w-4', 'Later'), [])).toBe(true);
        expect(await names('w-')).toEqual(['Later']);
      },
    );

    it('runs single writes with what they return, each failing alone', async () => {
      const { statements } = s.database;
      const insertReturning = statement(
        'insert into stores (id, name, created_at, updated_at) values (?, ?, 1, 1) returning id, name',
      );
      expect(
        await statements.write<{ id: string; name: string }>(
          insertReturning(dialect, ['s-1', 'One']),
        ),
      ).toEqual([{ id: 's-1', name: 'One' }]);
      // Sent together (one group on SQLite): the one that fails does not take the other along.
      const results = await Promise.allSettled([
        statements.write(insertReturning(dialect, ['s-1', 'Duplicate key'])),
        statements.write(renameStore(dialect, ['One renamed', 's-1', 'One'])),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'error'))).toEqual([
        'error',
        [],
      ]);
      expect(await names('s-')).toEqual(['One renamed']);
    });

    it('rolls the guard back too when a later statement fails', async () => {
      const { statements } = s.database;
      await statements.guardedWrite(store('r-1', 'Before'), []);
      await expect(
        statements.guardedWrite(renameStore(dialect, ['After', 'r-1', 'Before']), [
          store('r-2', 'Second'),
          store('r-2', 'Duplicate key'),
        ]),
      ).rejects.toThrow();
      expect(await names('r-')).toEqual(['Before']);
    });

    it('never sees the writes of a transaction that is still open, or that rolls back', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
      const transaction = s.database.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into stores (id, name, created_at, updated_at)
          values ('t-1', 'Uncommitted', 1, 1)`.execute(trx);
          inserted();
          await held; // waiting on something else, as an upload waits for its verdicts
          throw new Error('rolled back');
        })
        .catch(() => 'rolled back');
      await insertedYet;
      // SQLite has one connection: the read waits for the transaction (Kysely's mutex) instead
      // of reading through it. PostgreSQL reads on another connection and sees only commits.
      const read = names('t-');
      // On PostgreSQL the read waits for nothing: it is checked before anything else commits.
      if (dialect === 'postgres') expect(await read).toEqual([]);
      const write = s.database.statements.guardedWrite(store('t-2', 'Committed'), []);
      release();
      expect(await transaction).toBe('rolled back');
      expect(await read).toEqual([]);
      expect(await write).toBe(true);
      expect(await names('t-')).toEqual(['Committed']);
    });

    it("runs a statement's one text on a Kysely transaction too, numbered as the runner's", async () => {
      const guard = renameStore(dialect, ['Renamed', 'k-1', 'Named']);
      // What `run` sends: the text between the placeholders, joined by Kysely's `sql`.
      const pieces = ['update stores set name = ', ' where id = ', ' and name = ', ''];
      const viaKysely = sql(
        Object.assign(pieces, { raw: pieces }),
        'Renamed',
        'k-1',
        'Named',
      ).compile(s.database.db);
      expect(viaKysely.sql).toBe(guard.sql);
      await s.database.statements.guardedWrite(store('k-1', 'Named'), []);
      const changed = await s.database.db.transaction().execute(async (trx) => {
        const first = await renameStore.run(trx, ['Renamed', 'k-1', 'Named']);
        const again = await renameStore.run(trx, ['Renamed', 'k-1', 'Named']);
        return [Number(first.numAffectedRows), Number(again.numAffectedRows)];
      });
      expect(changed).toEqual([1, 0]);
      expect(await names('k-')).toEqual(['Renamed']);
    });
  },
);
