/** Typed summary of a PostgreSQL `EXPLAIN (FORMAT JSON)` plan, focused on what feeds the window aggregate. */

/** What produces the rows a `WindowAgg` consumes (looking through Gather Merge / Materialize / Result / Limit). */
export type WindowAggFeed = 'sort' | 'index-scan' | 'index-only-scan' | 'seq-scan' | 'other';

/** One plan node, compact: the fields worth reading, and its children. */
export interface PlanNode {
  /** PostgreSQL's "Node Type", e.g. `WindowAgg`, `Index Scan`, `Sort`, `Incremental Sort`. */
  readonly nodeType: string;
  readonly relation?: string | undefined;
  readonly indexName?: string | undefined;
  /** Sort nodes: the sort key, e.g. `['"accountId"', '"createdAt"', 'id']`. */
  readonly sortKey?: readonly string[] | undefined;
  /** Sort nodes with ANALYZE: `quicksort`, `external merge`, … */
  readonly sortMethod?: string | undefined;
  /** The planner's row estimate. */
  readonly planRows: number;
  /** ANALYZE only: rows produced over all loops. */
  readonly actualRows?: number | undefined;
  /** ANALYZE only: total time of this node including its children, over all loops, in ms. */
  readonly actualTimeMs?: number | undefined;
  readonly children: readonly PlanNode[];
  /** A Citus `Custom Scan` (distributed query): its tasks, and the plan one of them ran on a worker. */
  readonly distributed?: DistributedScan | undefined;
}

/** What a Citus `Custom Scan (Citus Adaptive)` node reports about the tasks it sent to the workers. */
export interface DistributedScan {
  /** `Citus Adaptive`, `Citus Router`, … (the node's "Custom Plan Provider"). */
  readonly provider: string;
  /** Tasks the query was split into: one per shard it touches. */
  readonly taskCount: number;
  /** The worker that ran the task shown (`host=… port=… dbname=…`). */
  readonly workerNode?: string | undefined;
  /** The plan of the task shown (Citus shows one of them unless `citus.explain_all_tasks` is on). */
  readonly taskPlan?: PlanNode | undefined;
  /**
   * Plans the coordinator runs first and whose rows the query then reads as intermediate results ("Distributed
   * Subplan"): e.g. a window partitioned by another column than the distribution column, over the rows of every
   * shard. Absent when there are none.
   */
  readonly subplans?: readonly PlanNode[] | undefined;
}

/** PostgreSQL's JSON node, as far as we read it; other keys are kept in `raw`. */
export interface RawPlanNode {
  readonly 'Node Type': string;
  readonly Plans?: readonly RawPlanNode[] | undefined;
  readonly [key: string]: unknown;
}

/** One element of the `EXPLAIN (FORMAT JSON)` output array. */
export interface RawExplain {
  readonly Plan: RawPlanNode;
  readonly 'Planning Time'?: number;
  readonly 'Execution Time'?: number;
  readonly [key: string]: unknown;
}

export interface PlanSummary {
  /** True when the plan came from `EXPLAIN ANALYZE` (the query ran; `actual*` figures are present). */
  readonly analyzed: boolean;
  /** Whether the plan has a `WindowAgg` at all. When false, `windowAggFedBy` is `'other'`. */
  readonly hasWindowAgg: boolean;
  /** What feeds the top-most `WindowAgg`. */
  readonly windowAggFedBy: WindowAggFeed;
  /** "Node Type" of that feeding node (e.g. `Incremental Sort`, `Bitmap Heap Scan`), for the `'other'` cases. */
  readonly feedNodeType?: string | undefined;
  /** True when any `Sort` or `Incremental Sort` sits below the `WindowAgg` (also under a Gather Merge). */
  readonly sortUnderWindowAgg: boolean;
  /** The first index (pre-order) used below the `WindowAgg` — or in the whole plan when there is none. */
  readonly indexName?: string | undefined;
  /**
   * Rows the `WindowAgg` (else the root) produced with ANALYZE, over all its loops; the planner's estimate without.
   * A node run in several loops (a window computed per key of a list) is reported per loop, rounded to two
   * decimals by PostgreSQL 18, so its total can be off by a fraction: the root's `actualRows` is the statement's.
   */
  readonly rows: number;
  /** ANALYZE only. */
  readonly executionTimeMs?: number | undefined;
  readonly planningTimeMs?: number | undefined;
  /** ANALYZE + BUFFERS only: shared buffers of the whole plan (hit = from cache, read = from disk / OS). */
  readonly sharedBlocks?: { readonly hit: number; readonly read: number };
  /**
   * Citus plans only (a `Custom Scan` with a distributed query): where the `WindowAgg` runs. `'workers'`: pushed
   * down, once per shard, and the fields above (`windowAggFedBy`, `indexName`, `sortUnderWindowAgg`, `rows`) describe
   * one task's plan on a worker; `'coordinator'`: the workers only scan and the coordinator computes the window over
   * every row they send (a window not partitioned by the distribution column), so the fields describe the
   * coordinator's part.
   */
  readonly distributed?: { readonly windowAggOn: 'workers' | 'coordinator' | 'none'; readonly scan: DistributedScan } | undefined;
  readonly root: PlanNode;
  /** The unmodified JSON PostgreSQL returned. */
  readonly raw: readonly RawExplain[];
}
