import { describe, expect, it } from 'vitest';
import { batchInserts, statement } from '../../../backend-sync/db/compiled';

describe('hand-compiled statements of the sync hot paths', () => {
  it('a batch of any size is inserted with at most nine distinct SQL texts per table', () => {
    const texts = new Set<string>();
    for (let n = 1; n <= 500; n++) {
      const rows = Array.from({ length: n }, (_, i) => [i, `v${i}`]);
      const inserts = batchInserts('sqlite', 't', ['a', 'b'], rows);
      // Every row once, in order, as bound parameters.
      expect(inserts.flatMap((q) => q.parameters)).toEqual(rows.flat());
      for (const q of inserts) texts.add(q.sql);
    }
    // 256, 128, 64, 32, 16, 8, 4, 2 and 1 rows: the SQLite statement cache holds them all.
    expect(texts.size).toBe(9);
  });

  it('numbers PostgreSQL placeholders across rows and leaves values out of the text', () => {
    const [q] = batchInserts(
      'postgres',
      't',
      ['a', 'b'],
      [
        ["x'); drop table t; --", 1],
        ['y', 2],
      ],
    );
    expect(q!.sql).toBe('insert into t (a, b) values ($1, $2), ($3, $4)');
    expect(q!.parameters).toEqual(["x'); drop table t; --", 1, 'y', 2]);
    const select = statement('select * from t where a = ? and b = any(?::int[])');
    expect(select('postgres', [1, [2]]).sql).toBe(
      'select * from t where a = $1 and b = any($2::int[])',
    );
    expect(select('sqlite', [1, [2]]).sql).toBe(
      'select * from t where a = ? and b = any(?::int[])',
    );
  });
});
