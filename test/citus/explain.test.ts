/**
 * `explain` reads Citus plans: a running total per account (the distribution column) runs as one WindowAgg per
 * shard on the workers, fed by the composite index there; a window over all accounts is computed on the
 * coordinator, and the summary says so.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { TransactionRepository } from '../../prisma/app/index.ts';
import { describeWindowFeed, formatPlanTree, windowFunctions, windowQuery, windowSpec } from '../../src/index.ts';
import { citusAvailable, useCluster } from '../support/citus-cluster.ts';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { explainQuery } from '../../src/explain/index.ts';
import type { ReadRows } from '../../src/executor/pool-query.ts';
import { fetchChunk } from '../../src/streaming/keyset-chunk.ts';
import type { RunningTotalPlan } from '../../src/streaming/running-total-plan.ts';

const cluster = useCluster();
const ROWS = 60_000;
const ACCOUNTS = 200;
/** citus.shard_count of the test database (test/citus/global-setup.ts). */
const SHARDS = 4;

describe.skipIf(!citusAvailable)('explain on a Citus cluster', () => {
  beforeAll(async () => {
    await cluster.truncate();
    // 15,000 rows per shard: enough that the planner reads the index rather than scanning and sorting.
    await cluster.pool.citus.query(
      `INSERT INTO "Transaction" ("accountId", amount, "createdAt")
       SELECT 1 + g % $2, (g % 1000) - 300, timestamptz '2026-01-01' + g * interval '1 minute' + (g % 7) * interval '1 microsecond'
       FROM generate_series(1, $1) AS g`,
      [ROWS, ACCOUNTS],
    );
    await cluster.pool.citus.query('ANALYZE "Transaction"');
  });

  it('running totals per account: one WindowAgg per shard on the workers, fed by the covering (accountId, createdAt, id, amount) index alone, no Sort', async () => {
    const plan = await new TransactionRepository(cluster.citus).explain();
    expect(plan.distributed?.windowAggOn).toBe('workers');
    expect(plan.distributed?.scan.provider).toMatch(/Citus/);
    expect(plan.distributed?.scan.taskCount).toBe(SHARDS);
    expect(plan.distributed?.scan.workerNode).toMatch(/port=\d+/);
    expect(plan.hasWindowAgg).toBe(true);
    expect(plan.sortUnderWindowAgg).toBe(false);
    expect(plan.windowAggFedBy).toBe('index-only-scan');
    // The shard's copy of the index: Citus suffixes index names with the shard id.
    expect(plan.indexName).toMatch(/^Transaction_accountId_createdAt_id_amount_idx_\d+$/);
    // `rows` is one task's: a share of the table, not all of it.
    expect(plan.rows).toBeGreaterThan(0);
    expect(plan.rows).toBeLessThan(ROWS);
    expect(describeWindowFeed(plan)).toMatch(/on the workers, once per shard/);
    expect(formatPlanTree(plan.root).join('\n')).toMatch(new RegExp(`Citus Adaptive: ${SHARDS} task\\(s\\); one of them on host=`));
  });

  it('a running total of one account is routed to the one shard that holds it', async () => {
    const plan = await new TransactionRepository(cluster.citus).explain({ partitions: [42] });
    expect(plan.distributed?.windowAggOn).toBe('workers');
    expect(plan.distributed?.scan.taskCount).toBe(1);
    expect(plan.rows).toBe(ROWS / ACCOUNTS);
  });

  it('running totals of many accounts: one task per shard touched, each WindowAgg on its worker', async () => {
    const plan = await new TransactionRepository(cluster.citus).explain({ partitions: Array.from({ length: 50 }, (_, i) => i + 1) });
    expect(plan.distributed?.windowAggOn).toBe('workers');
    expect(plan.distributed?.scan.taskCount).toBeGreaterThan(1);
  });

  it('a running total across accounts is flagged: the coordinator computes it over every row the workers send', async () => {
    const plan = await new TransactionRepository(cluster.citus).explain({}, 'global');
    expect(plan.distributed?.windowAggOn).toBe('coordinator');
    expect(plan.distributed?.scan.taskCount).toBeGreaterThan(1);
    expect(plan.hasWindowAgg).toBe(true);
    expect(describeWindowFeed(plan)).toMatch(/on the Citus coordinator/);
  });

  it('a builder window partitioned by another column is flagged the same way', async () => {
    const query = windowQuery('Transaction')
      .select('id', 'accountId', 'createdAt')
      .add('n', windowFunctions('Transaction').rowNumber(), windowSpec('Transaction').partitionBy('externalId').orderBy('createdAt'));
    const plan = await query.explain(cluster.citus);
    expect(plan.distributed?.windowAggOn).toBe('coordinator');
  });

  it('a window Citus computes in a distributed subplan (top rows per key of another column, by amount) is found there and flagged', async () => {
    const query = windowQuery('Transaction')
      .select('id', 'accountId', 'amount')
      .topPerPartition(2, windowSpec('Transaction').partitionBy('externalId').orderBy('amount', 'desc'));
    const plan = await query.explain(cluster.citus);
    const scan = plan.distributed?.scan;
    expect(scan?.subplans?.length, formatPlanTree(plan.root).join('\n')).toBeGreaterThan(0);
    expect(plan.hasWindowAgg).toBe(true);
    expect(plan.distributed?.windowAggOn).toBe('coordinator');
    expect(plan.sortUnderWindowAgg).toBe(true);
    expect(formatPlanTree(plan.root).join('\n')).toMatch(/distributed subplan 1, run first on the coordinator:\n\s+WindowAgg/);
  });

  it('keyset chunks of one account and of a list, as streams and pages send them, keep their windows on the workers', async () => {
    // What fetchChunk sends, recorded instead of run: its rows come back empty, so it stops after one chunk.
    const sent: Prisma.Sql[] = [];
    const record: ReadRows = async <Row,>(sql: Prisma.Sql) => {
      sent.push(sql);
      return [] as Row[];
    };
    const plan = (keys: number[][]): RunningTotalPlan<'Transaction'> => ({
      model: 'Transaction', partitionBy: ['accountId'], orderBy: 'createdAt', amount: 'amount',
      select: ['id', 'accountId', 'amount', 'createdAt'], nulls: 'zero', frame: 'rows', partitions: { fields: ['accountId'], keys },
    });
    const position = { key: ['7'], order: '2026-01-02T00:00:00+00:00', id: '100', total: new Prisma.Decimal(0) };
    await fetchChunk(record, plan([[7]]), position, 1000);
    await fetchChunk(record, plan(Array.from({ length: 50 }, (_, i) => [i + 1])), position, 1000);
    // One statement for the account; two for the list (the rest of the position's account, then the ones after it).
    expect(sent).toHaveLength(3);
    for (const sql of sent) expect((await explainQuery(cluster.citus, sql)).distributed?.windowAggOn).toBe('workers');
  });

  it('on the single node the same calls report no distributed part', async () => {
    await cluster.pool.single.query('TRUNCATE "Transaction"');
    const plan = await new TransactionRepository(cluster.single).explain({ partitions: [42] });
    expect(plan.distributed).toBeUndefined();
  });
});
