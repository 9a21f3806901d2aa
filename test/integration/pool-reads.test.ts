/**
 * `runningTotals` / `globalRunningTotals` on a repository with a `pgPool` read through node-postgres instead of
 * Prisma: the same rows, in the same order, with the same exact types, for every model, frame and NULL policy,
 * from a session in another zone too; and a repository on a caller's transaction keeps reading in it.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { InventoryMovementRepository, Prisma, SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { defineRunningTotalRepository, LedgerError, UnrepresentableValueError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { comparable } from '../support/comparable.ts';
import { collect } from '../support/iterate.ts';
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

  it('Reading (time, timetz, timestamp, float, real, unconstrained numeric) and dates past 9999: equal to the Prisma path', async () => {
    class ReadingRepository extends defineRunningTotalRepository('Reading', { partitionBy: 'sensorId', orderBy: 'takenAt', amount: 'score' }) {}
    await pool().query(`
      INSERT INTO readings (sensor_id, taken_at, day_time, value, ratio, level, shift_start, score)
      SELECT 1 + g % 2, timestamp '2026-03-29 00:59:59.999999' + g * interval '17 minutes 1.000007 seconds',
             time '00:00:00.000999' + g * interval '7 minutes 3.123456 seconds',
             (g * 0.1)::float8, CASE WHEN g % 3 = 0 THEN NULL ELSE (g / 7.0)::real END, NULLIF(g % 5, 0),
             CASE WHEN g % 4 = 0 THEN NULL ELSE timetz '06:30:00.5+05:30' + g * interval '1 hour 0.25 seconds' END,
             CASE WHEN g % 6 = 0 THEN NULL ELSE g * 1.000000001 END
      FROM generate_series(1, 300) AS g`);
    const readings = await Promise.all([new ReadingRepository(db.prisma).runningTotals(), new ReadingRepository(db.prisma, { pgPool: pool() }).runningTotals()]);
    expect(readings[1].length).toBe(300);
    expect(comparable(readings[1])).toEqual(comparable(readings[0]));
    expect(readings[1].find((r) => r.shiftStart !== null)!.shiftStart).toBeInstanceOf(Date);
    expect(readings[1][0]!.dayTime).toBeInstanceOf(Date);

    await pool().query(`INSERT INTO "SalesRecord" (region, "saleDate", revenue) VALUES ('Far', date '0050-06-15', 2.00), ('Beyond', date '10000-01-01', 1.00)`);
    const far = await Promise.all([
      new SalesRecordRepository(db.prisma).runningTotals({ partitions: ['Far'] }),
      new SalesRecordRepository(db.prisma, { pgPool: pool() }).runningTotals({ partitions: ['Far'] }),
    ]);
    expect(comparable(far[1])).toEqual(comparable(far[0]));
    expect(far[1].map((r) => r.saleDate.toISOString())).toEqual(['0050-06-15T00:00:00.000Z']);
    // Dates are read as the timestamp of their midnight (the same Date): past year 9999 that is refused on both
    // paths, as such a timestamp is.
    for (const options of [{}, { pgPool: pool() }]) {
      await expect(new SalesRecordRepository(db.prisma, options).runningTotals({ partitions: ['Beyond'] })).rejects.toThrow(UnrepresentableValueError);
    }
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

  it("a repository on a caller's transaction reads and streams in that transaction (its own uncommitted rows), not on the pool", async () => {
    await db.prisma.$transaction(async (tx) => {
      const repo = new TransactionRepository(tx, { pgPool: pool() });
      await repo.insertMany(transactionRows(3, () => ({ accountId: 424242 })));
      expect(await repo.runningTotals({ partitions: [424242] })).toHaveLength(3);
      // Streams too: in the caller's transaction, not on a second connection of the pool (which would not see
      // these rows, and on a one-connection pool would wait for the transaction that waits for it).
      expect(await collect(repo.streamRunningTotals({ partitions: [424242] }))).toHaveLength(3);
      throw new Error('roll back');
    }).catch((error: unknown) => expect((error as Error).message).toBe('roll back'));
    expect(await new TransactionRepository(db.prisma, { pgPool: pool() }).runningTotals({ partitions: [424242] })).toEqual([]);
  });

  it('a pool that cannot serve fails with a LedgerError', async () => {
    const ended = new pg.Pool({ connectionString: db.url });
    await ended.end();
    await expect(new TransactionRepository(db.prisma, { pgPool: ended }).runningTotals()).rejects.toBeInstanceOf(LedgerError);
    await expect(new TransactionRepository(db.prisma, { pgPool: ended }).page({ partition: 1, limit: 5 })).rejects.toBeInstanceOf(LedgerError);
  });
});

/** A page as plain JSON: its rows, cursor and balances. */
const pageOf = (page: { rows: object[]; nextCursor: string | null; openingBalance: Prisma.Decimal; closingBalance: Prisma.Decimal }) => ({
  rows: comparable(page.rows),
  nextCursor: page.nextCursor,
  opening: page.openingBalance.toFixed(),
  closing: page.closingBalance.toFixed(),
});

/** Every page of a walk, through `read`; bounded, so a cursor that repeats a page fails instead of hanging. */
async function walk<P extends { nextCursor: string | null }>(read: (after: string | undefined) => Promise<P>, maxPages: number): Promise<P[]> {
  const pages: P[] = [];
  let after: string | undefined;
  do {
    const page = await read(after);
    pages.push(page);
    after = page.nextCursor ?? undefined;
    if (pages.length > maxPages) throw new Error(`more than ${maxPages} pages: the walk repeats`);
  } while (after !== undefined);
  return pages;
}

describe('pages read through the pgPool', () => {
  const variants = [{}, { frame: 'range' as const }, { nulls: 'skip' as const }, { from: new Date('2026-03-29T00:59:59.5Z') }];

  it.each(variants)('Transaction %j: every page equal to the Prisma path (rows, cursors, balances), one account and global', async (options) => {
    const viaPrisma = new TransactionRepository(db.prisma);
    const viaPool = new TransactionRepository(db.prisma, { pgPool: pool() });
    for (const partition of [3, undefined]) {
      for (const limit of [7, 500]) {
        const request = { ...options, ...(partition !== undefined && { partition }), limit };
        const expected = await walk((after) => viaPrisma.page({ ...request, ...(after !== undefined && { after }) }), 3_000);
        const actual = await walk((after) => viaPool.page({ ...request, ...(after !== undefined && { after }) }), 3_000);
        expect(actual.length).toBeGreaterThan(limit === 7 ? 10 : 0);
        expect(actual[0]!.rows.length).toBeGreaterThan(0);
        expect(actual.map(pageOf)).toEqual(expected.map(pageOf));
        const row = actual[0]!.rows[0]!;
        expect(row.runningTotal).toBeInstanceOf(Prisma.Decimal);
        expect(typeof row.id).toBe('bigint');
        expect(row.createdAt).toBeInstanceOf(Date);
        expect(actual[0]!.openingBalance).toBeInstanceOf(Prisma.Decimal);
      }
    }
  });

  it("a cursor from either path continues on the other; SalesRecord's peer days (RANGE) and a two-field partition too", async () => {
    const viaPrisma = new TransactionRepository(db.prisma);
    const viaPool = new TransactionRepository(db.prisma, { pgPool: pool() });
    const first = await viaPool.page({ partition: 2, limit: 10 });
    const second = await viaPrisma.page({ partition: 2, limit: 10, after: first.nextCursor! });
    expect(pageOf(await viaPool.page({ partition: 2, limit: 10, after: first.nextCursor! }))).toEqual(pageOf(second));
    expect(pageOf(await viaPrisma.page({ partition: 2, limit: 10, after: second.nextCursor! }))).toEqual(pageOf(await viaPool.page({ partition: 2, limit: 10, after: second.nextCursor! })));

    const sales = { partition: 'EMEA', frame: 'range' as const, limit: 7 };
    const salesPrisma = await walk((after) => new SalesRecordRepository(db.prisma).page({ ...sales, ...(after !== undefined && { after }) }), 1_000);
    const salesPool = await walk((after) => new SalesRecordRepository(db.prisma, { pgPool: pool() }).page({ ...sales, ...(after !== undefined && { after }) }), 1_000);
    // Peer days hold more than 7 rows: a page grows to whole days instead of splitting one.
    expect(salesPool.some((page) => page.rows.length > 7)).toBe(true);
    expect(salesPool.map(pageOf)).toEqual(salesPrisma.map(pageOf));

    const stock = { partition: { warehouseId: 1, productSku: 'SKU-1' }, limit: 13 };
    const stockPrisma = await walk((after) => new InventoryMovementRepository(db.prisma).page({ ...stock, ...(after !== undefined && { after }) }), 1_000);
    const stockPool = await walk((after) => new InventoryMovementRepository(db.prisma, { pgPool: pool() }).page({ ...stock, ...(after !== undefined && { after }) }), 1_000);
    expect(stockPool.length).toBeGreaterThan(1);
    expect(stockPool.map(pageOf)).toEqual(stockPrisma.map(pageOf));
  });

  it("a repository on a caller's transaction pages in that transaction, not on the pool", async () => {
    await db.prisma.$transaction(async (tx) => {
      const repo = new TransactionRepository(tx, { pgPool: pool() });
      await repo.insertMany(transactionRows(3, () => ({ accountId: 434343 })));
      expect((await repo.page({ partition: 434343, limit: 10 })).rows).toHaveLength(3);
      throw new Error('roll back');
    }).catch((error: unknown) => expect((error as Error).message).toBe('roll back'));
  });
});
