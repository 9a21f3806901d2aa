import { describeWindowFeed, formatPlanTree, type PlanSummary } from '../../src/index.ts';

const count = (n: number): string => n.toLocaleString('en-US');
const ms = (n: number | undefined): string => (n === undefined ? '–' : `${n.toFixed(n < 10 ? 2 : 1)} ms`);

/** Human-readable plan check: verdict, figures, compact plan tree, and the OK/FAIL line. */
export function formatExplain(query: string, database: string, summary: PlanSummary): string {
  const buffers = summary.sharedBlocks
    ? ` · shared buffers hit ${count(summary.sharedBlocks.hit)}, read ${count(summary.sharedBlocks.read)}`
    : '';
  const rows = summary.analyzed ? `rows ${count(summary.rows)}` : `rows ≈ ${count(summary.rows)} (estimate)`;
  const verdict = summary.sortUnderWindowAgg
    ? 'FAIL: a Sort feeds the WindowAgg (exit 3). Usual causes: the composite index is missing, the table is small or ' +
      'not ANALYZEd, or a selective filter made a bitmap scan + Sort cheaper (an index that also holds the summed ' +
      'column, on a vacuumed table, is read alone and in order: see README, "explain").'
    : 'OK: no Sort under the WindowAgg.';
  return [
    `${query} on ${database}`,
    `  ${describeWindowFeed(summary)}`,
    `  ${rows} · execution ${ms(summary.executionTimeMs)} · planning ${ms(summary.planningTimeMs)}${buffers}`,
    'Plan:',
    ...formatPlanTree(summary.root, '  '),
    verdict,
    '',
  ].join('\n');
}

/** The summary as JSON, without the raw EXPLAIN output (the compact tree is kept). */
export function explainJson(query: string, summary: PlanSummary): string {
  const { raw: _raw, ...rest } = summary;
  return `${JSON.stringify({ query, ...rest }, null, 2)}\n`;
}
