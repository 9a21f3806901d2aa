/**
 * BENCHMARKS.md: created with a short header on first use; every run appends one row to the summary table (between
 * the `bench:summary` markers) and one detailed section at the end. Text outside the markers and the run sections
 * (e.g. a hand-written analysis) is never touched.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

import { fmtRatio, type Measurement, type Ratio } from './results.ts';
import { machineLine, type Machine } from './machine.ts';
import { MEASUREMENT_HEADERS, RATIO_HEADERS, measurementRows, ratioRows } from './table.ts';

const START = '<!-- bench:summary -->';
const END = '<!-- /bench:summary -->';
const SUMMARY_HEADERS = ['date', 'command', 'machine', 'rows', 'stream / pg-cursor', 'stream RSS', 'e2e / server', 'deep / page 1', 'findMany / $queryRaw', 'unnest / COPY'];

const HEADER = `# Benchmarks

Made by \`npm run bench\` (scripts/bench/bench.ts; \`npm run bench -- --help\`). Every figure below is a ratio of
two numbers measured in the same run on the same machine: absolute times move from machine to machine, ratios
much less. Goals come from issue 6. Runs are appended by the script; the analysis above the runs is written by hand.

## Summary (one row per run)

${START}
| ${SUMMARY_HEADERS.join(' | ')} |
|${SUMMARY_HEADERS.map(() => '---').join('|')}|
${END}

## Runs
`;

export interface RunRecord {
  readonly date: Date;
  readonly command: string;
  readonly machine: Machine;
  readonly data: string;
  readonly seconds: number;
  readonly measurements: readonly Measurement[];
  readonly ratios: readonly Ratio[];
}

const cell = (text: string): string => text.replaceAll('|', '\\|');
const mdTable = (headers: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

function pick(ratios: readonly Ratio[], name: string): string {
  const r = ratios.find((x) => x.name === name);
  return r ? `${fmtRatio(r)}${r.goal ? (r.goal.met ? ' ✓' : ' ✗') : ''}` : '–';
}

function summaryRow(run: RunRecord, rows: string): string {
  const r = run.ratios;
  const m = run.machine;
  return `| ${[
    run.date.toISOString().slice(0, 16).replace('T', ' '),
    `\`${run.command}\``,
    `${m.cores} cores, ${m.postgres.replace('PostgreSQL ', 'PG ')}, ${m.node}`,
    rows,
    pick(r, 'stream (pgPool) / pg-cursor throughput'),
    pick(r, 'stream (pgPool) peak RSS'),
    pick(r, 'repo.runningTotals time / server execution time'),
    pick(r, 'keyset page at 90% depth / page 1 time'),
    pick(r, 'findMany + JS sum time / $queryRaw time'),
    pick(r, "insertMany 'unnest' / COPY throughput"),
  ].map(cell).join(' | ')} |`;
}

export function runSection(run: RunRecord): string {
  const missed = run.ratios.filter((r) => r.goal && !r.goal.met);
  return [
    `### ${run.date.toISOString().slice(0, 16).replace('T', ' ')} UTC · \`${run.command}\``,
    '',
    `- Machine: ${machineLine(run.machine)}`,
    `- Data: ${run.data}`,
    `- Bench wall-clock time: ${Math.round(run.seconds)} s`,
    '',
    mdTable(RATIO_HEADERS, ratioRows(run.ratios)),
    '',
    missed.length === 0
      ? 'All goals measured in this run were met.'
      : ['Goals missed in this run:', ...missed.map((r) => `- **${r.name}** ${fmtRatio(r)} (goal ${r.goal!.text}): ${r.goal!.why ?? ''}`)].join('\n'),
    '',
    '<details><summary>Measurements</summary>',
    '',
    mdTable(MEASUREMENT_HEADERS, measurementRows(run.measurements)),
    '',
    '</details>',
    '',
  ].join('\n');
}

/** Appends the run to `file` (creating it with the header first). */
export async function appendRun(file: string, run: RunRecord, rows: string): Promise<void> {
  let text = existsSync(file) ? await readFile(file, 'utf8') : HEADER;
  const end = text.indexOf(END);
  if (end === -1) text = `${text.trimEnd()}\n\n${HEADER.slice(HEADER.indexOf('## Summary'))}`;
  const at = text.indexOf(END);
  text = `${text.slice(0, at)}${summaryRow(run, rows)}\n${text.slice(at)}`;
  text = `${text.trimEnd()}\n\n${runSection(run)}`;
  await writeFile(file, text);
}

