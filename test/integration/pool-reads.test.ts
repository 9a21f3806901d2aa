/**
 * `runningTotals` / `globalRunningTotals` on a repository with a `pgPool` read through node-postgres instead of
 * Prisma: the same rows, in the same order, with the same exact types, for every model, frame and NULL policy,
 * from a session in another zone too; and a repository on a caller's transaction keeps reading in it.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { InventoryMovementRepository, Prisma, SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { LedgerError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { comparable } from '../support/comparable.ts';
import { useTestPool } from '../support/pg-pool.ts';
import { transactionRows } from '../support/rows.ts';

const db = useTestDatabase();
const pool = useTestPool(db, 2);

describe('running totals read through the pgPool', () => {
  beforeAll(async () => {
    // Microseconds, ties, NULL amounts, dates and a two-field partition, written with plain SQL.
    await pool().query(`
      INSERT INTO "Transaction" ("accountId", amount, "createdAt")
      SELECT 1 + g % 7, CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 1000 - 300) / 100.0 END,
             timestamptz '2026-03-29 00:59:59+00' + (g / 3) * interval '1 microsecond' * 997
      FROM generate_series(1, 3000) AS g`);
    await pool().query(`
      INSERT INTO "SalesRecord" (region, "saleDate", revenue)
      SELECT (ARRAY['EMEA', 'APAC', 'Zürich ✓'])[1 + g % 3], date '2027-12-25' + g % 20, (g % 500) + 0.25
      FROM generate_series(1, 1000) AS g`);
    await pool().query(`
      INSERT INTO inventory_movements (warehouse_id, product_sku, quantity, moved_at)
      SELECT 1 + g % 3, 'SKU-' || (g % 4), (g % 90) - 40.125, timestamptz '2026-10-25 00:30:00+00' + g * interval '1 minute'
      FROM generate_series(1, 1000) AS g`);
  });

  const variants = [{}, { frame: 'range' as const }, { nulls: 'skip' as const }, { from: new Date('2026-03-29T00:59:59.5Z') }];

  it.each(variants)('Transaction %j: equal to the Prisma path, row for row, with exact types', async (options) => {
    const viaPrisma = new TransactionRepository(db.prisma);
    const viaPool = new TransactionRepository(db.prisma, { pgPool: pool() });
    for (const read of ['runningTotals', 'globalRunningTotals'] as const) {
      const expected = await viaPrisma[read](options);
      const actual = await viaPool[read](options);
      expect(actual.length).toBeGreaterThan(0);
      expect(comparable(actual)).toEqual(comparable(expected));
      const [row] = actual;
      expect(row!.runningTotal).toBeInstanceOf(Prisma.Decimal);
      expect(typeof row!.id).toBe('bigint');
      expect(row!.createdAt).toBeInstanceOf(Date);
    }
  });

  it('SalesRecord (dates) and InventoryMovement (two-field partition): equal to the Prisma path', async () => {
    const sales = await Promise.all([new SalesRecordRepository(db.prisma).runningTotals(), new SalesRecordRepository(db.prisma, { pgPool: pool() }).runningTotals()]);
    expect(comparable(sales[1])).toEqual(comparable(sales[0]));
    expect(sales[1][0]!.saleDate.toISOString()).toMatch(/T00:00:00\.000Z$/);
    const stock = await Promise.all([
      new InventoryMovementRepository(db.prisma).runningTotals({ partitions: [{ warehouseId: 1, productSku: 'SKU-1' }] }),
      new InventoryMovementRepository(db.prisma, { pgPool: pool() }).runningTotals({ partitions: [{ warehouseId: 1, productSku: 'SKU-1' }] }),
    ]);
    expect(stock[1].length).toBeGreaterThan(0);
    expect(comparable(stock[1])).toEqual(comparable(stock[0]));
  });

  it('reads the same instants from a session in Pacific/Chatham (+13:45 in March)', async () => {
    const chatham = new pg.Pool({ connectionString: db.url, max: 1, options: '-c TimeZone=Pacific/Chatham' });
    chatham.on('error', () => {});
    try {
      const expected = await new TransactionRepository(db.prisma).globalRunningTotals();
      expect(comparable(await new TransactionRepository(db.prisma, { pgPool: chatham }).globalRunningTotals())).toEqual(comparable(expected));
    } finally {
      await chatham.end();
    }
  });

  it("a repository on a caller's transaction reads in that transaction (its own uncommitted rows), not on the pool", async () => {
    await db.prisma.$transaction(async (tx) => {
      const repo = new TransactionRepository(tx, { pgPool: pool() });
      await repo.insertMany(transactionRows(3, () => ({ accountId: 424242 })));
      expect(await repo.runningTotals({ partitions: [424242] })).toHaveLength(3);
      throw new Error('roll back');
    }).catch((error: unknown) => expect((error as Error).message).toBe('roll back'));
    expect(await new TransactionRepository(db.prisma, { pgPool: pool() }).runningTotals({ partitions: [424242] })).toEqual([]);
  });

  it('a pool that cannot serve fails with a LedgerError', async () => {
    const ended = new pg.Pool({ connectionString: db.url });
    await ended.end();
    await expect(new TransactionRepository(db.prisma, { pgPool: ended }).runningTotals()).rejects.toBeInstanceOf(LedgerError);
  });
});
