import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { benchAudit } from './audit.bench';
import { renderDocument, type SectionRun } from './document';
import { benchFleetBehindBalancer } from './fleet.bench';
import { benchRenderer } from './renderer.bench';
import { benchServer } from './server.bench';
import { benchSignIn } from './sign-in.bench';
import { RUNS, type BenchSection } from './stats';
import { benchSync } from './sync.bench';

/**
 * `npm run bench`: runs every section (each figure BENCH_RUNS times), prints the figures and
 * writes docs/PERFORMANCE.md from this one run. BENCH_OUT=FILE writes the document there
 * instead. `npm run bench -- NAME [NAME…]` runs only those sections, and then needs BENCH_OUT:
 * the real document is only ever written whole, by one run, so no section in it is from an
 * older run or commit than the others. A section that cannot run here (fleet: no haproxy or
 * PostgreSQL; audit: no PostgreSQL) still writes its section, saying so, and its goals read
 * "not measured". Benchmarks measure; tests never assert timings.
 */
const benches: Array<[string, () => Promise<BenchSection>]> = [
  ['sign-in', benchSignIn],
  ['renderer', benchRenderer],
  ['server', benchServer],
  // The storm: many PCs at once on one server (bench/sync/fleet.ts), after a week's backlog.
  ['sync', benchSync],
  // PCs on their timers through HAProxy to two instances; not measured without haproxy or
  // PostgreSQL (its goal then reads "not measured").
  ['fleet', benchFleetBehindBalancer],
  // PostgreSQL only; not measured without it.
  ['audit', benchAudit],
];

const ROOT = resolve(import.meta.dirname, '..');
const PERFORMANCE = resolve(ROOT, 'docs/PERFORMANCE.md');

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const out = process.env.BENCH_OUT ? resolve(process.env.BENCH_OUT) : PERFORMANCE;
  if (only.length > 0 && out === PERFORMANCE) {
    throw new Error('a run of some sections writes only to BENCH_OUT, never docs/PERFORMANCE.md');
  }
  // Taken before anything is written, so the run's own output does not count as a change.
  const facts = {
    commit: git('rev-parse', '--short', 'HEAD').trim(),
    dirty: git('status', '--porcelain').trim() !== '',
    machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    runs: RUNS,
  };
  const runs: SectionRun[] = [];
  for (const [name, run] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
    console.log(`\n# ${name}`);
    const startedAt = new Date().toISOString();
    const loadStart = loadavg()[0]!;
    const section = await run();
    runs.push({ section, startedAt, loadStart, loadEnd: loadavg()[0]! });
    for (const line of section.lines) console.log(`  ${line}`);
  }
  writeFileSync(out, renderDocument(runs, facts));
  console.log(`\nwrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
