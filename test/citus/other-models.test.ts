/**
 * The rest of the API on the cluster, equal to the single node row for row: a ledger distributed by a text column
 * (SalesRecord by region, dates as calendar days), one whose partition has two fields of which only the first is
 * the distribution column (InventoryMovement by warehouse), bucket streams and pages, insertAndReport, and the
 * client extension.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import {
  InventoryMovementRepository,
  SalesRecordRepository,
  TransactionRepository,
  type NewInventoryMovement,
  type NewSalesRecord,
  type NewTransaction,
  type PrismaClient,
} from '../../prisma/app/index.ts';
import { explainQuery, expressions, groupedQuery, windowFunctions, windowLedger, windowQuery } from '../../src/index.ts';
import { centsToString, stringToCents } from '../../scripts/lib/reference.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { citusAvailable, useCluster } from '../support/citus-cluster.ts';
import { comparable } from '../support/comparable.ts';
import { collect } from '../support/iterate.ts';
import { milliToString } from '../support/ledger-data.ts';
import { recordingPrisma } from '../support/mock-client.ts';
import { PROPERTY_SEED } from '../support/property-seed.ts';

const cluster = useCluster();
const REGIONS = ['EMEA', 'APAC', 'AMER', 'LATAM', `O'Brien; --`, 'Zürich ✓'];

describe.skipIf(!citusAvailable)('other models and paths on Citus', () => {
  const random = seededRandom(PROPERTY_SEED);
  const sales: NewSalesRecord[] = Array.from({ length: 1_500 }, (_, i) => ({
    region: REGIONS[Math.floor(random() * REGIONS.length)]!,
    saleDate: new Date(Date.UTC(2027, 11, 20) + Math.floor(random() * 30) * 86_400_000), // across a year end
    revenue: centsToString(BigInt(Math.floor(random() * 1_000_000) - 100_000)),
    externalId: i % 3 === 0 ? null : `sale-${i}`,
  }));
  const movements: NewInventoryMovement[] = Array.from({ length: 1_500 }, () => ({
    warehouseId: 1 + Math.floor(random() * 5),
    productSku: `SKU-${Math.floor(random() * 4)}`,
    quantity: milliToString(BigInt(Math.floor(random() * 200_000) - 50_000)),
    movedAt: new Date(Date.UTC(2026, 9, 24) + Math.floor(random() * 4 * 24 * 60) * 60_000 + Math.floor(random() * 1000)),
  }));

  beforeAll(async () => {
    if (!citusAvailable) return;
    await cluster.truncate();
    await cluster.both((db) => new SalesRecordRepository(db).insertMany(sales, { strategy: 'unnest', chunkSize: 400 }));
    await cluster.both((db) => new InventoryMovementRepository(db).insertMany(movements, { strategy: 'createMany', chunkSize: 400 }));
  });

  it('SalesRecord (distributed by a text column): running totals per region and across regions, equal and exact', async () => {
    const perRegion = await cluster.both((db) => new SalesRecordRepository(db).runningTotals({ partitions: REGIONS }));
    expect(comparable(perRegion.citus)).toEqual(comparable(perRegion.single));
    expect(perRegion.citus).toHaveLength(sales.length);
    const global = await cluster.both((db) => new SalesRecordRepository(db).globalRunningTotals());
    expect(comparable(global.citus)).toEqual(comparable(global.single));
    // The last running total of each region is the sum of its revenue.
    const last = new Map(perRegion.citus.map((row) => [row.region, row.runningTotal.toFixed(2)]));
    const sums = new Map<string, bigint>();
    for (const sale of sales) sums.set(sale.region, (sums.get(sale.region) ?? 0n) + stringToCents(String(sale.revenue)));
    expect(Object.fromEntries(last)).toEqual(Object.fromEntries([...sums].map(([region, cents]) => [region, centsToString(cents)])));
  });

  it('SalesRecord: ISO weeks across the year end and a global bucket series, equal on both', async () => {
    const options = { bucket: 'week' as const, from: new Date('2027-12-13'), to: new Date('2028-01-24'), fill: 'zero' as const };
    const weeks = await cluster.both((db) => new SalesRecordRepository(db).bucketTotals({ ...options, partitions: REGIONS }));
    expect(comparable(weeks.citus)).toEqual(comparable(weeks.single));
    expect(weeks.citus).toHaveLength(REGIONS.length * 6);
    const global = await cluster.both((db) => new SalesRecordRepository(db).globalBucketTotals(options));
    expect(comparable(global.citus)).toEqual(comparable(global.single));
  });

  it('InventoryMovement (partition (warehouse, sku), distributed by warehouse): totals, a page walk and a stream, pushed down', async () => {
    const keys = [...new Set(movements.map((m) => `${m.warehouseId}|${m.productSku}`))].map((key) => {
      const [warehouseId, productSku] = key.split('|');
      return { warehouseId: Number(warehouseId), productSku: productSku! };
    });
    const totals = await cluster.both((db) => new InventoryMovementRepository(db).runningTotals({ partitions: keys }));
    expect(comparable(totals.citus)).toEqual(comparable(totals.single));
    const stream = await cluster.both((db) => collect(new InventoryMovementRepository(db).streamRunningTotals({ partitions: keys }, { chunkSize: 97 }), movements.length));
    expect(comparable(stream.citus)).toEqual(comparable(totals.citus));
    expect(comparable(stream.single)).toEqual(comparable(totals.single));

    const walk = async (db: PrismaClient) => {
      const repo = new InventoryMovementRepository(db, { cursorSecret: 'citus-test-secret-32-characters!!' });
      const rows: unknown[] = [];
      let after: string | undefined;
      do {
        const page = await repo.page({ partition: keys[0]!, limit: 13, ...(after !== undefined && { after }) });
        rows.push(...page.rows);
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
      return rows;
    };
    const pages = await cluster.both(walk);
    expect(comparable(pages.citus as object[])).toEqual(comparable(pages.single as object[]));
    expect(pages.citus.length).toBe(movements.filter((m) => m.warehouseId === keys[0]!.warehouseId && m.productSku === keys[0]!.productSku).length);

    const plan = await new InventoryMovementRepository(cluster.citus).explain({ partitions: keys });
    expect(plan.distributed?.windowAggOn).toBe('workers');
  });

  it('each read of one (warehouse, sku) key, and bucket totals of one region, are routed to one shard (one task each)', async () => {
    // What the repositories send, recorded instead of run (rows come back empty), then explained on the cluster.
    const key = { warehouseId: 3, productSku: 'SKU-1' };
    const recorder = recordingPrisma();
    const stock = new InventoryMovementRepository(recorder.prisma as never);
    const at = new Date(Date.UTC(2026, 9, 26));
    await stock.runningTotals({ partitions: [key] });
    await stock.balanceAsOf({ partitions: [key], at });
    await stock.currentBalances({ partitions: [key] });
    await stock.bucketTotals({ partitions: [key], bucket: 'day', timeZone: 'Europe/Berlin', from: new Date(Date.UTC(2026, 9, 24)), to: at });
    await new SalesRecordRepository(recorder.prisma as never).bucketTotals({ partitions: ['EMEA'], bucket: 'week', from: new Date('2027-12-13'), to: new Date('2028-01-24') });
    expect(recorder.sent.query).toHaveLength(5);
    for (const sql of recorder.sent.query) {
      const plan = await explainQuery(cluster.citus, sql);
      expect(plan.distributed?.scan.taskCount, sql.text).toBe(1);
    }
  });

  it('hour buckets of stock in Europe/Berlin across the autumn DST change: streamed and paged like bucketTotals', async () => {
    const keys = [{ warehouseId: 1, productSku: 'SKU-0' }, { warehouseId: 2, productSku: 'SKU-1' }];
    const options = { partitions: keys, bucket: 'hour' as const, from: new Date('2026-10-24T00:00:00Z'), to: new Date('2026-10-27T00:00:00Z'), timeZone: 'Europe/Berlin', fill: 'zero' as const };
    const whole = await cluster.both((db) => new InventoryMovementRepository(db).bucketTotals(options));
    expect(comparable(whole.citus)).toEqual(comparable(whole.single));
    expect(whole.citus).toHaveLength(2 * 72); // 72 hours of instants; the 25-hour local day repeats 02:00
    const streamed = await cluster.both((db) => collect(new InventoryMovementRepository(db).streamBucketTotals(options, { chunkSize: 10 })));
    expect(comparable(streamed.citus)).toEqual(comparable(whole.citus));
    expect(comparable(streamed.single)).toEqual(comparable(whole.single));
    const paged = await cluster.both(async (db) => {
      const repo = new InventoryMovementRepository(db, { cursorSecret: 'citus-test-secret-32-characters!!' });
      const rows: unknown[] = [];
      let after: string | null = null;
      do {
        const page = await repo.pageBucketTotals({ ...options, limit: 25, after });
        rows.push(...page.rows);
        after = page.nextCursor;
      } while (after !== null);
      return rows;
    });
    expect(comparable(paged.citus as object[])).toEqual(comparable(whole.citus));
  });

  it('calendar bucket expressions (e.bucket) in grouped and window queries over every shard: equal on both', async () => {
    const e = expressions('InventoryMovement');
    const f = windowFunctions('InventoryMovement');
    for (const bucket of ['hour', 'day', 'week'] as const) {
      const key = e.bucket('movedAt', bucket, { timeZone: 'Europe/Berlin' });
      const grouped = await cluster.both((db) =>
        groupedQuery('InventoryMovement').groupBy('bucket', key).aggregate('n', f.count()).aggregate('total', f.sum('quantity')).execute(db),
      );
      expect(comparable(grouped.citus), bucket).toEqual(comparable(grouped.single));
      expect(grouped.citus.reduce((n, g) => n + Number(g.n), 0)).toBe(movements.length);
      const rows = await cluster.both((db) => windowQuery('InventoryMovement').select('id').selectExpr('bucket', key).execute(db));
      expect(comparable(rows.citus), bucket).toEqual(comparable(rows.single));
    }
  });

  it('insertAndReport and the client extension: the same totals on both', async () => {
    const rows: NewTransaction[] = Array.from({ length: 300 }, (_, i) => ({
      accountId: 1 + (i % 6),
      amount: centsToString(BigInt((i * 7919) % 100_000) - 20_000n),
      createdAt: new Date(Date.UTC(2026, 5, 1) + i * 60_000),
      externalId: `report-${i}`,
    }));
    const reported = await cluster.both((db) => new TransactionRepository(db).insertAndReport(rows, { chunkSize: 64 }));
    expect(reported.citus).toMatchObject({ inserted: rows.length, skipped: 0 });
    // Ids come from each database's own sequence (earlier files used them differently): compared without them.
    const withoutIds = (totals: readonly { id: bigint }[]) => comparable(totals.map(({ id: _id, ...row }) => row));
    expect(withoutIds(reported.citus.totals)).toEqual(withoutIds(reported.single.totals));

    const config = { Transaction: { partitionBy: 'accountId', orderBy: 'createdAt', amount: 'amount' } } as const;
    const viaExtension = await cluster.both((db) => db.$extends(windowLedger(config)).transaction.runningTotals({ partitions: [1, 2, 3, 4, 5, 6] }));
    const viaRepository = await new TransactionRepository(cluster.citus).runningTotals({ partitions: [1, 2, 3, 4, 5, 6] });
    expect(withoutIds(viaExtension.citus)).toEqual(withoutIds(viaExtension.single));
    expect(comparable(viaExtension.citus.map(({ externalId: _key, ...row }) => row))).toEqual(comparable(viaRepository));
  });
});
