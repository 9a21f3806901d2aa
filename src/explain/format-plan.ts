import type { PlanNode, PlanSummary } from './plan-summary.ts';

const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

function describeNode(node: PlanNode): string {
  const target = [
    node.indexName !== undefined ? `using ${node.indexName}` : '',
    node.relation !== undefined ? `on ${node.relation}` : '',
    node.sortKey !== undefined ? `by ${node.sortKey.join(', ')}` : '',
    node.sortMethod !== undefined ? `(${node.sortMethod})` : '',
  ].filter(Boolean);
  const rows = node.actualRows !== undefined ? `rows=${node.actualRows}` : `rows≈${node.planRows}`;
  const time = node.actualTimeMs !== undefined ? ` time=${ms(node.actualTimeMs)}` : '';
  return `${[node.nodeType, ...target].join(' ')}  ${rows}${time}`;
}

/**
 * The plan tree as indented lines, one node per line (like a much shorter `EXPLAIN` text output).
 * ```ts
 * console.log(formatPlanTree(summary.root).join('\n'));
 * // WindowAgg  rows≈100
 * //   Index Only Scan using Transaction_accountId_createdAt_id_amount_idx on Transaction  rows≈100
 * ```
 */
export function formatPlanTree(root: PlanNode, indent = ''): string[] {
  const scan = root.distributed;
  const subplans = (scan?.subplans ?? []).flatMap((subplan, i) => [
    `${indent}  distributed subplan ${i + 1}, run first on the coordinator:`,
    ...formatPlanTree(subplan, `${indent}    `),
  ]);
  const task = scan?.taskPlan
    ? [
        `${indent}  ${scan.provider}: ${scan.taskCount} task(s); one of them${scan.workerNode ? ` on ${scan.workerNode}` : ''}:`,
        ...formatPlanTree(scan.taskPlan, `${indent}    `),
      ]
    : [];
  return [`${indent}${describeNode(root)}`, ...subplans, ...task, ...root.children.flatMap((child) => formatPlanTree(child, `${indent}  `))];
}

/**
 * One line answering "is the window fed by an index or by a Sort?".
 * ```ts
 * describeWindowFeed(summarizePlan(output));
 * // 'no Sort: WindowAgg fed by Index Only Scan (index Transaction_accountId_createdAt_id_amount_idx)'
 * ```
 */
export function describeWindowFeed(summary: PlanSummary): string {
  if (!summary.hasWindowAgg) return 'no WindowAgg in this plan';
  const feed = summary.feedNodeType ?? 'nothing';
  const index = summary.indexName !== undefined ? ` (index ${summary.indexName})` : '';
  const where =
    summary.distributed?.windowAggOn === 'workers'
      ? ' — on the workers, once per shard'
      : summary.distributed?.windowAggOn === 'coordinator'
        ? ' — on the Citus coordinator, over every row the workers send (not pushed down)'
        : '';
  return summary.sortUnderWindowAgg
    ? `Sort under the WindowAgg: fed by ${feed}${index}${where}`
    : `no Sort: WindowAgg fed by ${feed}${index}${where}`;
}

export const formatMs = ms;
