/**
 * docs/PERFORMANCE.md from one run of every section: the goal table (every goal, its clauses,
 * the median figures and the verdict), then each section headed with its own date, commit,
 * machine and load average. Pure: bench/run.ts gathers the facts, tests/bench/ checks the text.
 */
import { goalVerdict, type BenchSection, type Clause } from './stats';

export interface SectionRun {
  section: BenchSection;
  /** ISO time the section started. */
  startedAt: string;
  /** 1-minute load average at the start and at the end of the section. */
  loadStart: number;
  loadEnd: number;
}

export interface RunFacts {
  /** Short commit hash, and whether the tree had uncommitted changes. */
  commit: string;
  dirty: boolean;
  machine: string;
  runs: number;
}

export const GOAL_TABLE_HEADER = '| goal | clauses | median figures | verdict |';

export const commitLabel = (facts: Pick<RunFacts, 'commit' | 'dirty'>): string =>
  `commit ${facts.commit}${facts.dirty ? ' + uncommitted changes' : ''}`;

/** The line under a section's title: when, at which commit, where, and how loaded. */
export function sectionStamp(run: SectionRun, facts: RunFacts): string {
  const at = `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC`;
  return `_Measured ${at}, ${commitLabel(facts)}, ${facts.machine}; load average (1 min) ${run.loadStart.toFixed(2)} at the start, ${run.loadEnd.toFixed(2)} at the end; ${facts.runs} runs per figure._`;
}

const clauseFigure = (c: Clause): string =>
  `${c.value === null ? 'not measured' : c.show(c.value)}${c.basis ? ` (${c.basis})` : ''}`;

export function goalTable(runs: SectionRun[]): string {
  const rows = runs.flatMap(({ section }) =>
    (section.goals ?? []).map((goal) => {
      const verdict = goalVerdict(goal);
      return `| ${goal.name} | ${goal.clauses.map((c) => c.text).join('; ')} | ${goal.clauses.map(clauseFigure).join('; ')} | ${verdict === 'met' ? 'met' : '**not met**'} |`;
    }),
  );
  return [GOAL_TABLE_HEADER, '|---|---|---|---|', ...rows].join('\n');
}

export function renderDocument(runs: SectionRun[], facts: RunFacts): string {
  return [
    '# Performance',
    '',
    `Written by one run of \`npm run bench\` (${commitLabel(facts)}, ${facts.machine}): every section below comes from that run. Each figure was measured ${facts.runs} times (\`BENCH_RUNS\`) and is shown as min / median / max beside its yardstick, measured in the same run; verdicts are taken on the medians, from every clause of the goal. Figures vary between machines and with whatever else the machine is doing (the load average is given per section); compare runs on one machine.`,
    '',
    '## Goals',
    '',
    goalTable(runs),
    '',
    ...runs.flatMap((run) => [
      `## ${run.section.title}`,
      '',
      sectionStamp(run, facts),
      '',
      run.section.body,
      '',
    ]),
  ].join('\n');
}
