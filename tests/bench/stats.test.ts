// The benchmarks' pure helpers: spreads over runs, the field-wise median run, the figure table
// and the goal verdicts docs/PERFORMANCE.md is written from (bench/stats.ts, bench/document.ts).
import { describe, expect, it } from 'vitest';
import { goalTable, renderDocument, sectionStamp } from '../../bench/document';
import {
  clause,
  clauseMet,
  figureTable,
  goalVerdict,
  median,
  medianOf,
  spread,
} from '../../bench/stats';

const show = (v: number) => `${v}`;

describe('bench stats', () => {
  it('takes the median of odd and even counts, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('spreads runs into min, median, max and their count', () => {
    expect(spread([5, 1, 9, 3, 7])).toEqual({ min: 1, median: 5, max: 9, runs: 5 });
  });

  it('takes the median run field by field, strings from the first run', () => {
    const runs = [
      { name: 'a', rate: 10, nested: { p50: 3 }, list: [1, 10] },
      { name: 'b', rate: 30, nested: { p50: 1 }, list: [3, 30] },
      { name: 'c', rate: 20, nested: { p50: 2 }, list: [2, 20] },
    ];
    expect(medianOf(runs)).toEqual({ name: 'a', rate: 20, nested: { p50: 2 }, list: [2, 20] });
  });

  it('writes every figure row with its yardstick and min / median / max', () => {
    const table = figureTable([
      { measure: 'ingest', yardstick: 'raw insert', values: [3, 1, 2], show },
      { measure: 'skipped', yardstick: 'unnest', values: [], show },
    ]);
    expect(table.split('\n')).toEqual([
      '| measure | yardstick | runs | min | median | max |',
      '|---|---|---|---|---|---|',
      '| ingest | raw insert | 3 | 1 | 2 | 3 |',
      '| skipped | unnest | 0 | — | — | — |',
    ]);
  });

  it('holds each clause to the median of its runs, in the stated direction', () => {
    expect(clause('≥ 2', [1, 2, 9], '>=', 2, show).value).toBe(2);
    expect(clauseMet(clause('≥ 2', [1, 2, 9], '>=', 2, show))).toBe(true);
    expect(clauseMet(clause('≥ 3', [1, 2, 9], '>=', 3, show))).toBe(false);
    expect(clauseMet(clause('≤ 2', [1, 2, 9], '<=', 2, show))).toBe(true);
    expect(clauseMet(clause('≤ 1', [1, 2, 9], '<=', 1, show))).toBe(false);
  });

  it('meets a goal only if every clause is measured and met', () => {
    const met = clause('≥ 1', [2], '>=', 1, show);
    const missed = clause('≥ 3', [2], '>=', 3, show);
    const unmeasured = clause('PostgreSQL ≥ 1', null, '>=', 1, show);
    expect(goalVerdict({ name: 'g', clauses: [met, met] })).toBe('met');
    expect(goalVerdict({ name: 'g', clauses: [met, missed] })).toBe('not met');
    expect(goalVerdict({ name: 'g', clauses: [met, unmeasured] })).toBe('not met');
    expect(goalVerdict({ name: 'g', clauses: [] })).toBe('not met');
  });

  it('lists every goal with its clauses, median figures and verdict', () => {
    const section = {
      title: 'T',
      body: '',
      lines: [],
      goals: [
        {
          name: 'refresh ≥ 2,400/s and ≥ 15 % of a bare Fastify hello-world',
          clauses: [
            clause('≥ 2,400/s', [2500, 2600, 2300], '>=', 2400, show),
            clause('≥ 15 %', [0.1, 0.2, 0.12], '>=', 0.15, show),
          ],
        },
      ],
    };
    const run = { section, startedAt: '2026-12-08T01:02:03.000Z', loadStart: 1, loadEnd: 2 };
    expect(goalTable([run]).split('\n')[2]).toBe(
      '| refresh ≥ 2,400/s and ≥ 15 % of a bare Fastify hello-world | ≥ 2,400/s; ≥ 15 % | 2500; 0.12 | **not met** |',
    );
    const facts = { commit: 'abc1234', dirty: true, machine: '2 × CPU', runs: 3 };
    expect(sectionStamp(run, facts)).toBe(
      '_Measured 2026-12-08 01:02 UTC, commit abc1234 + uncommitted changes, 2 × CPU; load average (1 min) 1.00 at the start, 2.00 at the end; 3 runs per figure._',
    );
    expect(renderDocument([run], { ...facts, dirty: false })).toContain('commit abc1234,');
  });
});
