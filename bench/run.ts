import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { benchRenderer } from './renderer.bench';
import { benchSignIn } from './sign-in.bench';
import type { BenchSection } from './stats';

/**
 * `npm run bench`: runs every benchmark, prints the figures and writes docs/PERFORMANCE.md.
 * Benchmarks measure; tests never assert timings.
 */
const benches: Array<[string, () => Promise<BenchSection>]> = [
  ['sign-in', benchSignIn],
  ['renderer', benchRenderer],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  const sections: BenchSection[] = [];
  for (const [name, run] of benches) {
    if (only && only !== name) continue;
    console.log(`\n# ${name}`);
    const section = await run();
    for (const line of section.lines) console.log(`  ${line}`);
    sections.push(section);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const doc = [
    '# Performance',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}). Figures vary between machines; compare runs on one machine.`,
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, '']),
  ].join('\n');
  if (!only) writeFileSync(resolve(import.meta.dirname, '../docs/PERFORMANCE.md'), doc);
  console.log(
    only
      ? '\n(single benchmark: docs/PERFORMANCE.md not rewritten)'
      : '\nwrote docs/PERFORMANCE.md',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
