/** Small helpers shared by the benchmarks. */
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

export interface BenchSection {
  title: string;
  /** Markdown body. */
  body: string;
  /** One-line figures for the console. */
  lines: string[];
}
