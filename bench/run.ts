import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { benchAudit } from './audit.bench';
import { benchRenderer } from './renderer.bench';
import { benchServer } from './server.bench';
import { benchSignIn } from './sign-in.bench';
import { benchSync } from './sync.bench';
import { benchFleetBehindBalancer } from './fleet.bench';
import type { BenchSection } from './stats';

/**
 * `npm run bench`: runs every benchmark, prints the figures and writes docs/PERFORMANCE.md.
 * `npm run bench -- NAME`: one benchmark; rewrites its section of docs/PERFORMANCE.md only.
 * A benchmark that cannot run here (fleet: no haproxy or PostgreSQL) answers null and says
 * why; its section of docs/PERFORMANCE.md is kept as it was.
 * Benchmarks measure; tests never assert timings.
 */
const benches: Array<[string, () => Promise<BenchSection | null>]> = [
  ['sign-in', benchSignIn],
  ['renderer', benchRenderer],
  ['server', benchServer],
  ['sync', benchSync],
  ['fleet', benchFleetBehindBalancer],
  ['audit', benchAudit],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  const sections: BenchSection[] = [];
  let skipped = false;
  for (const [name, run] of benches) {
    if (only && only !== name) continue;
    console.log(`\n# ${name}`);
    const section = await run();
    if (!section) {
      skipped = true;
      continue;
    }
    for (const line of section.lines) console.log(`  ${line}`);
    sections.push(section);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const stamp = `_Measured on ${new Date().toISOString().slice(0, 10)} (${machine})._`;
  const rendered = sections.map((s) => ({ title: s.title, text: `${stamp}\n\n${s.body}` }));
  if (sections.length === 0) return;
  // One benchmark (`npm run bench -- server`) rewrites its own section and keeps the others; so
  // does a run in which one was skipped, for that one.
  const kept =
    (only || skipped) && existsSync(PERFORMANCE)
      ? previousSections(readFileSync(PERFORMANCE, 'utf8'))
      : [];
  const merged = [...kept];
  for (const section of rendered) {
    const at = merged.findIndex((s) => s.title === section.title);
    if (at >= 0) merged[at] = section;
    else merged.push(section);
  }
  const doc = [
    '# Performance',
    '',
    'Written by `npm run bench`; `npm run bench -- NAME` (sign-in, renderer, server, sync, fleet, audit) rewrites one section. Figures vary between machines and with whatever else the machine is doing; compare runs on one machine.',
    '',
    ...merged.flatMap((s) => [`## ${s.title}`, '', s.text, '']),
  ].join('\n');
  writeFileSync(PERFORMANCE, doc);
  console.log(`\nwrote docs/PERFORMANCE.md (${only ? `section of ${only}` : 'every section'})`);
}

const PERFORMANCE = resolve(import.meta.dirname, '../docs/PERFORMANCE.md');

/**
 * The sections of the current docs/PERFORMANCE.md. A section written before sections carried
 * their own date gets the date and machine of the old header line.
 */
function previousSections(doc: string): Array<{ title: string; text: string }> {
  const header = /Written by `npm run bench` on (\d{4}-\d{2}-\d{2}) \(([^)]*)\)/.exec(doc);
  return doc
    .split(/^## /m)
    .slice(1)
    .map((chunk) => {
      const [title = '', ...rest] = chunk.split('\n');
      let text = rest.join('\n').trim();
      if (!text.startsWith('_Measured') && header) {
        text = `_Measured on ${header[1]} (${header[2]})._\n\n${text}`;
      }
      return { title: title.trim(), text };
    });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
