/** Plan checks: EXPLAIN a query (e.g. a repository's running-total SQL) and read what feeds its window. */
export { explainQuery, type ExplainOptions } from './explain-query.ts';
export { summarizePlan, requireRawExplain, ExplainFormatError } from './parse-plan.ts';
export { describeWindowFeed, formatPlanTree } from './format-plan.ts';
export type { DistributedScan, PlanNode, PlanSummary, RawExplain, RawPlanNode, WindowAggFeed } from './plan-summary.ts';
