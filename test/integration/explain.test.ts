import { beforeAll, describe, expect, it } from 'vitest';

import { Prisma, type PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { explainQuery } from '../../src/explain/index.ts';
import { InventoryMovementRepository, SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { vacuumAllVisible } from '../../scripts/lib/all-visible.ts';

const ROWS = 50_000;

/** VACUUM until every page of `table` is marked all-visible (what an index-only scan needs, and what decides the plan). */
async function allVisible(prisma: PrismaClient, table = '"Transaction"'): Promise<void> {
  expect(await vacuumAllVisible((sql) => prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(sql), [table], 40), `${table} all-visible`).toBe(true);
}

describe('explainQuery on the running-total SQL', () => {
  const db = useTestDatabase();

  beforeAll(async () => {
    // Large enough that the planner prefers the composite indexes to Seq Scan + Sort; generated server-side (~1 s),
    // from a fixed random seed (setseed holds for the session, hence one transaction).
    await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT setseed(0.42)`;
      await tx.$executeRaw`
      INSERT INTO "Transaction" ("accountId", amount, "createdAt")
      SELECT 1 + floor(1000 * power(random(), 2))::int,
             CASE WHEN random() < 0.01 THEN NULL ELSE round((random() * 1500 - 500)::numeric, 2) END,
             timestamptz '2026-01-01 00:00:00+00' + g * interval '10 minutes'
      FROM generate_series(1, ${ROWS}) AS g`;
      await tx.$executeRaw`
      INSERT INTO "SalesRecord" (region, "saleDate", revenue)
      SELECT (ARRAY['EMEA', 'AMER', 'APAC', 'LATAM'])[1 + floor(random() * 4)::int],
             date '2026-01-01' + (g * 365 / ${ROWS})::int,
             round((random() * 1000 - 50)::numeric, 2)
      FROM generate_series(1, ${ROWS}) AS g`;
    });
    // (warehouse, product) pairs: 100 warehouses × 37 products, every pair with rows.
    await db.prisma.$executeRaw`
      INSERT INTO inventory_movements (warehouse_id, product_sku, quantity, moved_at)
      SELECT 1 + (g % 100), 'SKU-' || (g % 37), (g % 1000 - 500) / 10.0, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
      FROM generate_series(1, ${ROWS}) AS g`;
    await db.prisma.$executeRaw`ANALYZE "Transaction", "SalesRecord", inventory_movements`;
  });

  it.each([
    // The per-account index ends with `amount`: it holds every column the window reads, so no heap row is needed.
    ['Transaction', 'partition', 'Transaction_accountId_createdAt_id_amount_idx', 'index-only-scan'],
    ['Transaction', 'global', 'Transaction_createdAt_id_idx', 'index-scan'],
    ['SalesRecord', 'partition', 'SalesRecord_region_saleDate_id_idx', 'index-scan'],
    ['SalesRecord', 'global', 'SalesRecord_saleDate_id_idx', 'index-scan'],
  ] as const)('%s %s running totals: the WindowAgg reads %s (%s), no Sort', async (model, scope, index, feed) => {
    const repo = model === 'Transaction' ? new TransactionRepository(db.prisma) : new SalesRecordRepository(db.prisma);
    const summary = await explainQuery(db.prisma, repo.runningTotalsSql(undefined, scope));
    expect(summary).toMatchObject({
      analyzed: true,
      hasWindowAgg: true,
      sortUnderWindowAgg: false,
      windowAggFedBy: feed,
      indexName: index,
      rows: ROWS,
    });
    expect(summary.executionTimeMs).toBeGreaterThan(0);
  });

  it.each([1, 10, 200])('filtered to %i accounts, on a vacuumed table: read from the index in window order, no Sort', async (count) => {
    await allVisible(db.prisma);
    const accounts = Array.from({ length: count }, (_, i) => 1 + i * 3);
    const summary = await explainQuery(db.prisma, new TransactionRepository(db.prisma).runningTotalsSql({ partitions: accounts }, 'partition'));
    const [{ rows }] = await db.prisma.$queryRaw<[{ rows: bigint }]>`SELECT count(*) AS rows FROM "Transaction" WHERE "accountId" = ANY(${accounts})`;
    expect(summary).toMatchObject({
      sortUnderWindowAgg: false,
      windowAggFedBy: 'index-only-scan',
      indexName: 'Transaction_accountId_createdAt_id_amount_idx',
      rows: Number(rows),
    });
    expect(JSON.stringify(summary.root)).not.toContain('"Sort"');
  });

  it.each([2, 10, 190])('filtered to %i (warehouse, product) keys: each key read from the index in window order, no Sort under the WindowAgg', async (count) => {
    await allVisible(db.prisma, 'inventory_movements');
    // Keys that share warehouses and products without covering their every pair, one without rows.
    const keys = Array.from({ length: count }, (_, i) => ({ warehouseId: 1 + ((i * 7) % 100), productSku: `SKU-${(i * 3) % 37}` }));
    keys[count - 1] = { warehouseId: 1, productSku: 'none' };
    const summary = await new InventoryMovementRepository(db.prisma).explain({ partitions: keys });
    const [{ rows }] = await db.prisma.$queryRaw<[{ rows: bigint }]>`
      SELECT count(*) AS rows FROM inventory_movements
      WHERE (warehouse_id, product_sku) IN (SELECT * FROM unnest(${keys.map((k) => k.warehouseId)}::int[], ${keys.map((k) => k.productSku)}::text[]))`;
    expect(rows).toBeGreaterThan(0n);
    expect(summary).toMatchObject({ sortUnderWindowAgg: false, indexName: 'inventory_movements_warehouse_id_product_sku_moved_at_id_qu_idx', windowAggFedBy: 'index-only-scan' });
    // The statement's rows (its root ran once; a WindowAgg run once per key reports rows per loop, rounded).
    expect(summary.root.actualRows).toBe(Number(rows));
  });

  it('leaves no rows behind when the explained statement writes', async () => {
    const insert = Prisma.sql`INSERT INTO "SalesRecord" (region, "saleDate", revenue) VALUES (${'TEST'}, ${new Date('2026-05-01')}, ${'1.00'})`;
    const summary = await explainQuery(db.prisma, insert);
    expect(summary.root.nodeType).toBe('ModifyTable');
    expect(summary.rows).toBe(0); // ModifyTable without RETURNING emits no rows; the insert did run…
    const [{ count }] = await db.prisma.$queryRaw<[{ count: bigint }]>`SELECT COUNT(*) AS count FROM "SalesRecord" WHERE region = 'TEST'`;
    expect(count).toBe(0n); // …and was rolled back.
  });

  it("joins the caller's transaction, rolling back only its own savepoint", async () => {
    const inserted = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "SalesRecord" (region, "saleDate", revenue) VALUES ('KEEP', '2026-05-02', 2)`;
      await explainQuery(tx, Prisma.sql`DELETE FROM "SalesRecord" WHERE region = 'KEEP'`);
      return tx.$queryRaw<[{ count: bigint }]>`SELECT COUNT(*) AS count FROM "SalesRecord" WHERE region = 'KEEP'`;
    });
    expect(inserted[0].count).toBe(1n);
    await db.prisma.$executeRaw`DELETE FROM "SalesRecord" WHERE region = 'KEEP'`;
  });

  // Last: drops indexes in this file's private database.
  it('reports the Sort once the composite index is gone', async () => {
    await db.prisma.$executeRaw`DROP INDEX "Transaction_accountId_createdAt_id_amount_idx"`;
    await db.prisma.$executeRaw`DROP INDEX "SalesRecord_saleDate_id_idx"`;
    const transactions = new TransactionRepository(db.prisma);
    const partitioned = await explainQuery(db.prisma, transactions.runningTotalsSql(undefined, 'partition'));
    expect(partitioned).toMatchObject({ windowAggFedBy: 'sort', sortUnderWindowAgg: true, rows: ROWS });
    expect(partitioned.root.children[0]?.sortKey).toEqual(['"accountId"', '"createdAt"', 'id']);
    const sales = new SalesRecordRepository(db.prisma);
    const global = await explainQuery(db.prisma, sales.runningTotalsSql(undefined, 'global'), { analyze: false });
    expect(global).toMatchObject({ analyzed: false, windowAggFedBy: 'sort', sortUnderWindowAgg: true });
  });
});
