import type { DistributedScan, PlanNode, PlanSummary, RawExplain, RawPlanNode, WindowAggFeed } from './plan-summary.ts';
import { LedgerError } from '../errors.ts';

const SORT_NODES = new Set(['Sort', 'Incremental Sort']);
/** Nodes that pass their child's rows through in the same order: look below them for what feeds the WindowAgg. */
const PASS_THROUGH_NODES = new Set(['Gather Merge', 'Materialize', 'Result', 'Limit', 'Memoize', 'Subquery Scan']);

const FEED_BY_NODE: Readonly<Record<string, WindowAggFeed>> = {
  Sort: 'sort',
  'Incremental Sort': 'sort',
  'Index Scan': 'index-scan',
  'Index Only Scan': 'index-only-scan',
  'Seq Scan': 'seq-scan',
};

/**
 * EXPLAIN output this parser cannot read (a PostgreSQL version with another JSON shape, or not JSON at all).
 * ```ts
 * summarizePlan('not json');        // throws ExplainFormatError: EXPLAIN output is not JSON
 * summarizePlan([{ Plan: {} }]);    // throws ExplainFormatError: EXPLAIN output: [0].Plan is not a plan node (no "Node Type")
 * ```
 */
export class ExplainFormatError extends LedgerError {
  readonly code = 'EXPLAIN_FORMAT';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const numberAt = (node: Record<string, unknown>, key: string): number | undefined => {
  const value = node[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

const stringAt = (node: Record<string, unknown>, key: string): string | undefined => {
  const value = node[key];
  return typeof value === 'string' ? value : undefined;
};

function requireRawNode(value: unknown, path: string): RawPlanNode {
  if (!isRecord(value) || typeof value['Node Type'] !== 'string') {
    throw new ExplainFormatError(`EXPLAIN output: ${path} is not a plan node (no "Node Type")`);
  }
  const plans = value.Plans;
  if (plans !== undefined && !Array.isArray(plans)) throw new ExplainFormatError(`EXPLAIN output: ${path}.Plans is not an array`);
  (plans ?? []).forEach((child: unknown, i: number) => requireRawNode(child, `${path}.Plans[${i}]`));
  return value as RawPlanNode;
}

/**
 * Checks the shape of `EXPLAIN (FORMAT JSON)` output: what `$queryRaw` returns in the "QUERY PLAN" column (a parsed
 * array), or that JSON as text.
 */
export function requireRawExplain(output: unknown): readonly RawExplain[] {
  let parsed: unknown = output;
  if (typeof output === 'string') {
    try {
      parsed = JSON.parse(output);
    } catch (error) {
      throw new ExplainFormatError('EXPLAIN output is not JSON', { cause: error });
    }
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !isRecord(parsed[0])) {
    throw new ExplainFormatError('EXPLAIN output: expected a non-empty JSON array of { Plan, … }');
  }
  parsed.forEach((entry: unknown, i: number) => {
    if (!isRecord(entry)) throw new ExplainFormatError(`EXPLAIN output: [${i}] is not an object`);
    requireRawNode(entry.Plan, `[${i}].Plan`);
  });
  return parsed as RawExplain[];
}

/** Converts PostgreSQL's node into the compact form. Per-loop figures are multiplied out to totals. */
export function compactNode(raw: RawPlanNode): PlanNode {
  const loops = numberAt(raw, 'Actual Loops') ?? 1;
  const actualRows = numberAt(raw, 'Actual Rows');
  const actualTime = numberAt(raw, 'Actual Total Time');
  const sortKey = raw['Sort Key'];
  return {
    nodeType: raw['Node Type'],
    ...(stringAt(raw, 'Relation Name') !== undefined && { relation: stringAt(raw, 'Relation Name') }),
    ...(stringAt(raw, 'Index Name') !== undefined && { indexName: stringAt(raw, 'Index Name') }),
    ...(Array.isArray(sortKey) && { sortKey: sortKey.filter((key): key is string => typeof key === 'string') }),
    ...(stringAt(raw, 'Sort Method') !== undefined && { sortMethod: stringAt(raw, 'Sort Method') }),
    planRows: numberAt(raw, 'Plan Rows') ?? 0,
    ...(actualRows !== undefined && { actualRows: actualRows * loops }),
    ...(actualTime !== undefined && { actualTimeMs: actualTime * loops }),
    children: (raw.Plans ?? []).map(compactNode),
    ...(isRecord(raw['Distributed Query']) && { distributed: distributedScanOf(raw) }),
  };
}

/**
 * Citus's `"Distributed Query": { "Job": { "Task Count", "Tasks": [{ "Node", "Remote Plan": [[{ "Plan" }]] }] } }`
 * of a `Custom Scan` node. Only the first task shown is read: all tasks run the same plan on their own shard.
 */
function distributedScanOf(raw: RawPlanNode): DistributedScan {
  const job = (raw['Distributed Query'] as Record<string, unknown>).Job;
  if (!isRecord(job)) throw new ExplainFormatError('EXPLAIN output: a Citus "Distributed Query" without a "Job"');
  const tasks = Array.isArray(job.Tasks) ? job.Tasks : [];
  const task: unknown = tasks[0];
  const remote = isRecord(task) && Array.isArray(task['Remote Plan']) ? (task['Remote Plan'] as unknown[]).flat() : [];
  const first = remote[0];
  const subplans = subplansOf(raw['Distributed Query'] as Record<string, unknown>);
  return {
    provider: stringAt(raw, 'Custom Plan Provider') ?? 'Citus',
    taskCount: numberAt(job, 'Task Count') ?? tasks.length,
    ...(isRecord(task) && stringAt(task, 'Node') !== undefined && { workerNode: stringAt(task, 'Node') }),
    ...(isRecord(first) && { taskPlan: compactNode(requireRawNode(first.Plan, 'Distributed Query.Job.Tasks[0]."Remote Plan"')) }),
    ...(subplans.length > 0 && { subplans }),
  };
}

/** `"Subplans": [{ "PlannedStmt": [{ "Plan" }] }]` of a Citus "Distributed Query": plans the coordinator runs first. */
function subplansOf(query: Record<string, unknown>): PlanNode[] {
  const subplans = Array.isArray(query.Subplans) ? query.Subplans : [];
  return subplans.flatMap((subplan: unknown, i: number) => {
    const statements = isRecord(subplan) && Array.isArray(subplan.PlannedStmt) ? (subplan.PlannedStmt as unknown[]) : [];
    return statements.filter(isRecord).map((statement, j) => compactNode(requireRawNode(statement.Plan, `Distributed Query.Subplans[${i}].PlannedStmt[${j}]`)));
  });
}

/**
 * Every node the coordinator runs: the plan itself and, below each Citus scan, the subplans it runs before it
 * (not the workers' task plans).
 */
function* coordinatorNodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const subplan of node.distributed?.subplans ?? []) yield* coordinatorNodes(subplan);
  for (const child of node.children) yield* coordinatorNodes(child);
}

function* preOrder(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.children) yield* preOrder(child);
}

/** The node that feeds `windowAgg`: its first child, looking through order-preserving pass-through nodes. */
function feedOf(windowAgg: PlanNode): PlanNode | undefined {
  let node = windowAgg.children[0];
  while (node && PASS_THROUGH_NODES.has(node.nodeType) && node.children.length > 0) node = node.children[0];
  return node;
}

/**
 * Summarises parsed `EXPLAIN (FORMAT JSON)` output (see `requireRawExplain` for accepted inputs). On Citus, a
 * `WindowAgg` missing from the coordinator's plan is looked for in the workers' task plan (pushed down).
 * `explainQuery` runs the EXPLAIN and calls this for you.
 * ```ts
 * const sql = repo.runningTotalsSql({ partitions: [42] }, 'partition');
 * const [row] = await prisma.$queryRaw<{ 'QUERY PLAN': unknown }[]>(Prisma.sql`EXPLAIN (FORMAT JSON) ${sql}`);
 * // EXPLAIN (FORMAT JSON) SELECT "id" AS "id", ... FROM "public"."Transaction" WHERE "accountId" = ANY(CAST($1 AS int4[]))
 * //   ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC
 * const summary = summarizePlan(row!['QUERY PLAN']);
 * summary.sortUnderWindowAgg; // false when the index feeds the window in order
 * summary.windowAggFedBy;     // e.g. 'index-only-scan'
 * ```
 */
export function summarizePlan(output: unknown): PlanSummary {
  const raw = requireRawExplain(output);
  const top = raw[0] as RawExplain;
  const root = compactNode(top.Plan);
  const isWindowAgg = (node: PlanNode) => node.nodeType === 'WindowAgg';
  const nodes = [...coordinatorNodes(root)];
  const onCoordinator = nodes.find(isWindowAgg);
  // Citus scans of the plan and of its subplans; a window pushed down is in one of their task plans.
  const scans = nodes.flatMap((node) => (node.distributed ? [node.distributed] : []));
  const pushed = onCoordinator
    ? undefined
    : scans.map((candidate) => ({ candidate, windowAgg: candidate.taskPlan && [...preOrder(candidate.taskPlan)].find(isWindowAgg) })).find((hit) => hit.windowAgg);
  const scan = pushed?.candidate ?? scans[0];
  const onWorkers = pushed?.windowAgg;
  const windowAgg = onCoordinator ?? onWorkers;
  const scope = windowAgg ?? root;
  const below = [...preOrder(scope)].slice(windowAgg ? 1 : 0);
  const feed = windowAgg ? feedOf(windowAgg) : undefined;
  const indexName = below.find((node) => node.indexName !== undefined)?.indexName;
  const executionTimeMs = numberAt(top, 'Execution Time');
  const planningTimeMs = numberAt(top, 'Planning Time');
  const hit = numberAt(top.Plan, 'Shared Hit Blocks');
  const read = numberAt(top.Plan, 'Shared Read Blocks');
  return {
    analyzed: root.actualRows !== undefined,
    hasWindowAgg: windowAgg !== undefined,
    windowAggFedBy: feed ? (FEED_BY_NODE[feed.nodeType] ?? 'other') : 'other',
    ...(feed && { feedNodeType: feed.nodeType }),
    sortUnderWindowAgg: windowAgg !== undefined && below.some((node) => SORT_NODES.has(node.nodeType)),
    ...(indexName !== undefined && { indexName }),
    rows: scope.actualRows ?? scope.planRows,
    ...(executionTimeMs !== undefined && { executionTimeMs }),
    ...(planningTimeMs !== undefined && { planningTimeMs }),
    ...(hit !== undefined && read !== undefined && { sharedBlocks: { hit, read } }),
    ...(scan && { distributed: { windowAggOn: onWorkers ? 'workers' : onCoordinator ? 'coordinator' : 'none', scan } }),
    root,
    raw,
  };
}
