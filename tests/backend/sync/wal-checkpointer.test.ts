import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../backend-sync/config';
import { openServerDatabase, type Database } from '../../../backend-sync/db/database';
import { CHECKPOINT_INTERVAL_MS } from '../../../backend-sync/db/wal-checkpointer';

/** SQLite checkpoints run in a worker thread, not inside a request's commit. */
describe('WAL checkpoints in the background (SQLite)', () => {
  const dirs: string[] = [];
  const open = async (checkpointInBackground?: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'keyholder-wal-'));
    dirs.push(dir);
    const config = loadConfig({ DATA_DIR: dir });
    const database = await openServerDatabase(
      config,
      checkpointInBackground === undefined ? {} : { checkpointInBackground },
    );
    return { dir, config, database };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const pragma = async (database: Database, text: string) =>
    (await sql.raw(`pragma ${text}`).execute(database.db)).rows[0] as Record<string, number>;
  const write = async (database: Database, n: number, from = 0) => {
    for (let i = from; i < from + n; i++) {
      await sql`insert into counters (name, value) values (${`bench-${i}`}, ${i})`.execute(
        database.db,
      );
    }
  };

  it('turns automatic checkpoints off and copies the WAL back within a few intervals', async () => {
    const { database } = await open();
    try {
      expect(await pragma(database, 'wal_autocheckpoint')).toEqual({ wal_autocheckpoint: 0 });
      await write(database, 300); // 300 commits: at least 300 WAL frames
      await new Promise((r) => setTimeout(r, CHECKPOINT_INTERVAL_MS * 5));
      // The worker copied them all back, so the next commit starts the WAL over from its
      // beginning: a handful of frames, not 300 more.
      await write(database, 1, 300);
      const state = await pragma(database, 'wal_checkpoint(PASSIVE)');
      expect(state.log).toBeGreaterThan(0);
      expect(state.log).toBeLessThan(20);
    } finally {
      await database.close();
    }
  });

  it('stops with the database, and the data is all there on the next start', async () => {
    const { config, database } = await open();
    await write(database, 50);
    await database.close();
    const again = await openServerDatabase(config);
    try {
      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from counters where name like 'bench-%'`.execute(again.db);
      expect(Number(rows[0]!.n)).toBe(50);
    } finally {
      await again.close();
    }
  });

  it('can be left to SQLite (automatic checkpoints in the committing thread)', async () => {
    const { database } = await open(false);
    try {
      expect(await pragma(database, 'wal_autocheckpoint')).toEqual({ wal_autocheckpoint: 1000 });
    } finally {
      await database.close();
    }
  });
});
