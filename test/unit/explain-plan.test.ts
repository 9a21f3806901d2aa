import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { describeWindowFeed, explainQuery, ExplainFormatError, formatPlanTree, summarizePlan } from '../../src/explain/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { mockPrisma, oneLine, sentSql } from '../support/mock-client.ts';

// Plans captured from PostgreSQL 18.4 on 50k transactions (see test/fixtures/explain-plans/README.md).
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'explain-plans');
const plan = (name: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));

describe('summarizePlan', () => {
  it('reports an index scan feeding the WindowAgg, its index, rows and times', () => {
    const summary = summarizePlan(plan('tx-partition-index'));
    expect(summary).toMatchObject({
      analyzed: true,
      hasWindowAgg: true,
      windowAggFedBy: 'index-scan',
      feedNodeType: 'Index Scan',
      sortUnderWindowAgg: false,
      indexName: 'Transaction_accountId_createdAt_id_idx',
      rows: 50_000,
    });
    expect(summary.executionTimeMs).toBeGreaterThan(0);
    expect(summary.planningTimeMs).toBeGreaterThan(0);
    expect(summary.sharedBlocks?.hit).toBeGreaterThan(0);
    expect(summary.root.nodeType).toBe('WindowAgg');
    expect(summary.root.children.map((child) => child.nodeType)).toEqual(['Index Scan']);
  });

  it('Citus: a WindowAgg found only in the task plan runs on the workers, and the feed is read there', () => {
    const summary = summarizePlan(plan('citus-partition-workers'));
    expect(summary).toMatchObject({
      hasWindowAgg: true,
      windowAggFedBy: 'index-scan',
      sortUnderWindowAgg: false,
      distributed: { windowAggOn: 'workers', scan: { provider: 'Citus Adaptive', taskCount: 4 } },
    });
    expect(summary.indexName).toMatch(/^Transaction_accountId_createdAt_id_idx_\d+$/);
    expect(summary.distributed?.scan.workerNode).toMatch(/^host=\S+ port=\d+ dbname=/);
    // The coordinator only sorts the merged rows into the result order.
    expect(summary.root.nodeType).toBe('Sort');
    expect(summary.root.children[0]?.nodeType).toBe('Custom Scan');
    const tree = formatPlanTree(summary.root);
    expect(tree[1]).toMatch(/^  Custom Scan/);
    expect(tree[2]).toMatch(/^    Citus Adaptive: 4 task\(s\); one of them on host=/);
    expect(tree[3]).toMatch(/^      WindowAgg/);
    expect(describeWindowFeed(summary)).toBe(
      `no Sort: WindowAgg fed by Index Scan (index ${summary.indexName}) — on the workers, once per shard`,
    );
  });

  // Shapes of Citus 13's JSON with a "Distributed Subplan" (a CTE or subquery it runs first), trimmed to what is read.
  const task = (plan: object) => ({ 'Task Count': 4, 'Tasks Shown': 'One of 4', Tasks: [{ Node: 'host=w1 port=5432', 'Remote Plan': [[{ Plan: plan }]] }] });
  const citusScan = (job: object, subplan?: object) => ({
    'Node Type': 'Custom Scan',
    'Custom Plan Provider': 'Citus Adaptive',
    'Plan Rows': 100,
    'Distributed Query': { ...(subplan && { Subplans: [{ PlannedStmt: [{ Plan: subplan }] }] }), Job: job },
  });
  const indexScan = { 'Node Type': 'Index Scan', 'Index Name': 'Transaction_accountId_createdAt_id_idx_102008', 'Plan Rows': 100 };
  const resultScan = { 'Node Type': 'Function Scan', 'Plan Rows': 100 };

  it('Citus: a WindowAgg the coordinator computes in a distributed subplan is found there', () => {
    const subplan = { 'Node Type': 'WindowAgg', 'Plan Rows': 100, Plans: [{ 'Node Type': 'Sort', 'Plan Rows': 100, Plans: [citusScan(task(indexScan))] }] };
    const summary = summarizePlan([{ Plan: citusScan(task(resultScan), subplan) }]);
    expect(summary).toMatchObject({ hasWindowAgg: true, windowAggFedBy: 'sort', sortUnderWindowAgg: true, distributed: { windowAggOn: 'coordinator' } });
    expect(summary.distributed?.scan.subplans).toHaveLength(1);
    expect(formatPlanTree(summary.root).join('\n')).toMatch(/distributed subplan 1, run first on the coordinator:\n\s+WindowAgg/);
  });

  it('Citus: a WindowAgg pushed down to the workers inside a subplan is found in that task plan', () => {
    const windowOnWorkers = { 'Node Type': 'WindowAgg', 'Plan Rows': 100, Plans: [indexScan] };
    const summary = summarizePlan([{ Plan: citusScan(task(resultScan), citusScan(task(windowOnWorkers))) }]);
    expect(summary).toMatchObject({ hasWindowAgg: true, windowAggFedBy: 'index-scan', distributed: { windowAggOn: 'workers' } });
    expect(summary.indexName).toBe('Transaction_accountId_createdAt_id_idx_102008');
  });

  it('refuses a subplan that is not a plan with an ExplainFormatError', () => {
    const broken = { ...citusScan(task(resultScan)), 'Distributed Query': { Subplans: [{ PlannedStmt: [{ Plan: { nope: 1 } }] }], Job: task(resultScan) } };
    expect(() => summarizePlan([{ Plan: broken }])).toThrow(ExplainFormatError);
  });

  it('Citus: a WindowAgg above the Custom Scan runs on the coordinator, over every row the workers send', () => {
    const summary = summarizePlan(plan('citus-global-coordinator'));
    expect(summary).toMatchObject({
      hasWindowAgg: true,
      windowAggFedBy: 'sort',
      sortUnderWindowAgg: true,
      distributed: { windowAggOn: 'coordinator', scan: { taskCount: 4 } },
    });
    expect(summary.distributed?.scan.taskPlan?.nodeType).toMatch(/Scan/);
    expect(describeWindowFeed(summary)).toMatch(/on the Citus coordinator, over every row the workers send \(not pushed down\)$/);
  });

  it('a plan without a Custom Scan has no distributed part', () => {
    expect(summarizePlan(plan('tx-partition-index')).distributed).toBeUndefined();
  });

  it('reports the global index for the global running total', () => {
    expect(summarizePlan(plan('tx-global-index'))).toMatchObject({
      windowAggFedBy: 'index-scan',
      sortUnderWindowAgg: false,
      indexName: 'Transaction_createdAt_id_idx',
    });
  });

  it('reports a Sort over a Seq Scan when the index is missing, with no index name', () => {
    const summary = summarizePlan(plan('tx-partition-sort'));
    expect(summary).toMatchObject({ windowAggFedBy: 'sort', feedNodeType: 'Sort', sortUnderWindowAgg: true });
    expect(summary.indexName).toBeUndefined();
    const sort = summary.root.children[0];
    expect(sort?.sortKey).toEqual(['"accountId"', '"createdAt"', 'id']);
    expect(sort?.sortMethod).toBe('quicksort');
    expect(sort?.children[0]?.nodeType).toBe('Seq Scan');
  });

  it('finds the index below a Sort (bitmap scan of a few partitions)', () => {
    expect(summarizePlan(plan('tx-two-accounts'))).toMatchObject({
      windowAggFedBy: 'sort',
      sortUnderWindowAgg: true,
      indexName: 'Transaction_accountId_createdAt_id_idx',
    });
  });

  it('classifies an Index Only Scan and an Incremental Sort', () => {
    expect(summarizePlan(plan('tx-partition-index-only'))).toMatchObject({
      windowAggFedBy: 'index-only-scan',
      sortUnderWindowAgg: false,
    });
    expect(summarizePlan(plan('tx-partition-incremental'))).toMatchObject({
      windowAggFedBy: 'sort',
      feedNodeType: 'Incremental Sort',
      sortUnderWindowAgg: true,
    });
  });

  it('reads a plan without ANALYZE: estimates, planning time, no execution time', () => {
    const summary = summarizePlan(plan('tx-partition-estimate'));
    expect(summary).toMatchObject({ analyzed: false, windowAggFedBy: 'index-scan', rows: 50_000 });
    expect(summary.executionTimeMs).toBeUndefined();
    expect(summary.planningTimeMs).toBeGreaterThan(0);
  });

  it('looks through a Gather Merge to the Sort that feeds the WindowAgg', () => {
    const node = (type: string, extra: object = {}, plans: object[] = []) => ({
      'Node Type': type, 'Plan Rows': 10, ...extra, ...(plans.length > 0 && { Plans: plans }),
    });
    const parallel = [{ Plan: node('WindowAgg', {}, [node('Gather Merge', {}, [node('Sort', {}, [node('Seq Scan')])])]) }];
    expect(summarizePlan(parallel)).toMatchObject({ windowAggFedBy: 'sort', sortUnderWindowAgg: true });
    const noWindow = [{ Plan: node('Sort', {}, [node('Seq Scan')]) }];
    expect(summarizePlan(noWindow)).toMatchObject({ hasWindowAgg: false, windowAggFedBy: 'other', sortUnderWindowAgg: false });
  });

  it('multiplies per-loop figures out', () => {
    const looped = [{ Plan: { 'Node Type': 'WindowAgg', 'Plan Rows': 5, 'Actual Rows': 5, 'Actual Loops': 3, 'Actual Total Time': 2 } }];
    expect(summarizePlan(looped).root).toMatchObject({ actualRows: 15, actualTimeMs: 6 });
  });

  it('accepts the JSON as text and rejects what is not an EXPLAIN plan', () => {
    expect(summarizePlan(JSON.stringify(plan('tx-global-index'))).indexName).toBe('Transaction_createdAt_id_idx');
    expect(() => summarizePlan([])).toThrow(ExplainFormatError);
    expect(() => summarizePlan(undefined)).toThrow(ExplainFormatError);
    expect(() => summarizePlan([{ Plan: { Plans: [] } }])).toThrow(/no "Node Type"/);
    expect(() => summarizePlan([{ Plan: { 'Node Type': 'WindowAgg', Plans: [{}] } }])).toThrow(/Plans\[0\]/);
  });

  it('formats the tree and the verdict for people', () => {
    const sorted = summarizePlan(plan('tx-partition-sort'));
    expect(describeWindowFeed(sorted)).toBe('Sort under the WindowAgg: fed by Sort');
    expect(formatPlanTree(sorted.root)).toEqual([
      expect.stringMatching(/^WindowAgg {2}rows=50000 time=[\d.]+ ms$/),
      expect.stringMatching(/^ {2}Sort by "accountId", "createdAt", id \(quicksort\) {2}rows=50000/),
      expect.stringMatching(/^ {4}Seq Scan on Transaction {2}rows=50000/),
    ]);
    expect(describeWindowFeed(summarizePlan(plan('tx-global-index')))).toBe(
      'no Sort: WindowAgg fed by Index Scan (index Transaction_createdAt_id_idx)',
    );
  });
});

describe('explainQuery', () => {
  it('prefixes the exact statement with EXPLAIN ANALYZE, keeps its bound values, and rolls back a savepoint', async () => {
    const { prisma, tx } = mockPrisma();
    tx.$queryRaw.mockResolvedValue([{ 'QUERY PLAN': plan('tx-partition-index') }]);
    tx.$executeRaw.mockResolvedValue(0);
    const sql = new TransactionRepository(prisma).runningTotalsSql({ partitions: [7] }, 'partition');

    const summary = await explainQuery(prisma, sql);

    expect(summary.windowAggFedBy).toBe('index-scan');
    const sent = sentSql(tx.$queryRaw);
    expect(oneLine(sent)).toBe(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${oneLine(sql)}`);
    expect(sent.values).toEqual([[7]]);
    const savepoints = tx.$executeRaw.mock.calls.map((call) => (call[0] as unknown as TemplateStringsArray).join('?'));
    expect(savepoints).toEqual(['SAVEPOINT ledger_explain', 'ROLLBACK TO SAVEPOINT ledger_explain', 'RELEASE SAVEPOINT ledger_explain']);
  });

  it('rolls the savepoint back when the statement fails, and reports the mapped error', async () => {
    const { prisma, tx } = mockPrisma();
    tx.$queryRaw.mockRejectedValue(new Error('boom'));
    tx.$executeRaw.mockResolvedValue(0);
    await expect(explainQuery(prisma, Prisma.sql`SELECT 1`)).rejects.toThrow(/boom/);
    expect(tx.$executeRaw).toHaveBeenCalledTimes(2); // SAVEPOINT, then ROLLBACK TO SAVEPOINT
    expect(String((tx.$executeRaw.mock.calls[1]?.[0] as unknown as string[])[0])).toContain('ROLLBACK TO SAVEPOINT');
  });

  it('without analyze sends EXPLAIN (FORMAT JSON, SUMMARY) outside any transaction', async () => {
    const { prisma } = mockPrisma();
    prisma.$queryRaw.mockResolvedValue([{ 'QUERY PLAN': plan('tx-partition-estimate') }]);
    const summary = await explainQuery(prisma, Prisma.sql`SELECT ${1}`, { analyze: false });
    expect(summary.analyzed).toBe(false);
    expect(oneLine(sentSql(prisma.$queryRaw))).toBe('EXPLAIN (FORMAT JSON, SUMMARY) SELECT $1');
    expect(prisma.$transaction).not.toHaveBeenCalled();
  });
});
