/**
 * Small helpers shared by the benchmarks, and the interface every section of
 * docs/PERFORMANCE.md implements. Pure functions (tests/bench/stats.test.ts).
 */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  p50: number;
  p95: number;
  mean: number;
  n: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean, n: samples.length };
}

export const ms = (v: number): string => `${v.toFixed(2)} ms`;

/**
 * How many times each section measures each figure (BENCH_RUNS, default 5). Every figure is
 * reported as min / median / max of its runs and every verdict is taken on the medians.
 */
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));

/** The median of an odd count is the middle value; of an even count, the mean of the two. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  return {
    min: Math.min(...values),
    median: median(values),
    max: Math.max(...values),
    runs: values.length,
  };
}

/**
 * The field-wise median of several runs' figures of one shape: every number is the median of
 * that number over the runs (arrays element by element, objects key by key); anything else is
 * taken from the first run. Lets a report write its prose from "the median run" without a run
 * that is median in one figure and an outlier in another.
 */
export function medianOf<T>(runs: T[]): T {
  const first = runs[0] as unknown;
  if (typeof first === 'number') return median(runs as number[]) as T;
  if (Array.isArray(first)) {
    return first.map((_, i) => medianOf(runs.map((r) => (r as unknown[])[i]))) as T;
  }
  if (first && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = medianOf(runs.map((r) => (r as Record<string, unknown>)[key]));
    }
    return out as T;
  }
  return first as T;
}

/** A row of a section's figure table: what was measured, against what, and its runs. */
export interface FigureRow {
  measure: string;
  /**
   * The yardstick this figure is judged against, measured in the same run (or, for a figure
   * judged against a fixed limit only, that limit: "absolute: goal ≤ 2 s"). Never empty.
   */
  yardstick: string;
  values: number[];
  show: (v: number) => string;
}

export const FIGURE_TABLE_HEADER = '| measure | yardstick | runs | min | median | max |';

/** The figure table every section starts with: min / median / max of each figure's runs. */
export function figureTable(rows: FigureRow[]): string {
  return [
    FIGURE_TABLE_HEADER,
    '|---|---|---|---|---|---|',
    ...rows.map((r) => {
      if (r.values.length === 0) return `| ${r.measure} | ${r.yardstick} | 0 | — | — | — |`;
      const s = spread(r.values);
      return `| ${r.measure} | ${r.yardstick} | ${s.runs} | ${r.show(s.min)} | ${r.show(s.median)} | ${r.show(s.max)} |`;
    }),
  ].join('\n');
}

/** The context table under a figure table: figures from the same run no goal judges. */
export function contextTable(rows: string[]): string {
  return ['Context from the same run:', '', '| measure | figure |', '|---|---|', ...rows].join(
    '\n',
  );
}

/** One clause of a goal, held against the median of its runs (or another stated basis). */
export interface Clause {
  /** The clause as the goal states it, e.g. "≥ 2,400/s". */
  text: string;
  /** The figure the clause is held to; null when it was not measured (e.g. no PostgreSQL). */
  value: number | null;
  op: '>=' | '<=';
  limit: number;
  show: (v: number) => string;
  /** What `value` is, when not the median of the runs (e.g. "total of 5 runs"). */
  basis?: string;
}

export interface Goal {
  /** The goal's wording (issue 17, point 2). */
  name: string;
  clauses: Clause[];
}

/** A clause over the median of `values` (null when there are none: not measured). */
export function clause(
  text: string,
  values: number[] | null,
  op: Clause['op'],
  limit: number,
  show: (v: number) => string,
): Clause {
  return { text, value: values && values.length ? median(values) : null, op, limit, show };
}

export function clauseMet(c: Clause): boolean {
  if (c.value === null || Number.isNaN(c.value)) return false;
  return c.op === '>=' ? c.value >= c.limit : c.value <= c.limit;
}

export type Verdict = 'met' | 'not met';

/** Met only if every clause is measured and met: a clause not measured fails the goal. */
export function goalVerdict(goal: Goal): Verdict {
  return goal.clauses.length > 0 && goal.clauses.every(clauseMet) ? 'met' : 'not met';
}

/**
 * One section of docs/PERFORMANCE.md. bench/run.ts heads it with its date, commit, machine and
 * load average at its start and end, and puts its goals' verdicts in the document's goal table.
 * A section measures each figure RUNS times, starts its body with a `figureTable` and lists the
 * goals it judges with `clause`s on the medians.
 */
export interface BenchSection {
  title: string;
  /** Markdown body. */
  body: string;
  /** One-line figures for the console. */
  lines: string[];
  /** The goals this section's figures are held to (none for a section without goals). */
  goals?: Goal[];
}
