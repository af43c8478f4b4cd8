import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../backend-sync/db/database-unavailable';

/** Which database errors the server answers 503 database_unavailable (retry) rather than 500. */
describe('database unavailable, for now', () => {
  it('SQLite busy or locked past its timeout: yes; a constraint or syntax error: no', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyholder-busy-'));
    const file = join(dir, 'busy.db');
    const holder = new Sqlite(file);
    const other = new Sqlite(file);
    try {
      holder.pragma('journal_mode = WAL');
      holder.exec('create table t (id integer primary key)');
      other.pragma('busy_timeout = 0');
      holder.exec('begin immediate');
      let busy: unknown = null;
      try {
        other.exec('insert into t (id) values (1)');
      } catch (error) {
        busy = error;
      }
      expect((busy as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
      expect(isDatabaseUnavailable(busy)).toBe(true);
      holder.exec('commit');
      other.exec('insert into t (id) values (1)');
      let duplicate: unknown = null;
      try {
        other.exec('insert into t (id) values (1)');
      } catch (error) {
        duplicate = error;
      }
      expect(isDatabaseUnavailable(duplicate)).toBe(false);
    } finally {
      holder.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL nobody listening: yes; a plain error: no', async () => {
    const client = new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
    const refused = await client.connect().then(
      () => null,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new Error('relation "x" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
