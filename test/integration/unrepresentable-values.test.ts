/**
 * Stored values a JavaScript `Date` cannot hold — `infinity`, `-infinity`, a BC timestamp, a five-digit year —
 * written by plain SQL, as another service might. A read that would return one fails with
 * `UnrepresentableValueError` on every path (through Prisma and through the `pgPool`, whole reads, pages, streams,
 * the builder) instead of putting an `Invalid Date` in a row (found by an outside trial); reads that do not return
 * such a value are unaffected, and totals over them stay PostgreSQL's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { UnrepresentableValueError, windowFunctions, windowQuery, windowSpec } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';

const db = useTestDatabase();
const pool = useTestPool(db, 2);

const STORED = ['infinity', '-infinity', '0044-03-15 12:00:00+00 BC', '12345-01-01 00:00:00+00'];

beforeAll(async () => {
  // Accounts 1..4 hold one such value each beside an ordinary row; account 9 only ordinary rows.
  for (const [i, at] of STORED.entries()) {
    await pool().query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES ($1, 1, '2026-01-01T00:00:00Z'), ($1, 2, $2)`, [i + 1, at]);
  }
  await pool().query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES (9, 5, '2026-01-01T00:00:00Z'), (9, 6, '2026-01-02T00:00:00Z')`);
  await pool().query(`INSERT INTO "SalesRecord" (region, "saleDate", revenue) VALUES ('EU', 'infinity', 1), ('US', '0044-03-15 BC', 1), ('ASIA', '2026-01-01', 1)`);
});
afterAll(async () => {
  await pool().query(`DELETE FROM "Transaction"; DELETE FROM "SalesRecord"`);
});

describe('a stored value with no JavaScript Date', () => {
  it.each(STORED.map((value, i) => [value, i + 1] as const))("'%s' fails every read that returns it, on both paths", async (_, account) => {
    for (const repo of [new TransactionRepository(db.prisma), new TransactionRepository(db.prisma, { pgPool: pool() })]) {
      await expect(repo.runningTotals({ partitions: [account] })).rejects.toBeInstanceOf(UnrepresentableValueError);
      await expect(repo.globalRunningTotals()).rejects.toBeInstanceOf(UnrepresentableValueError);
      await expect(collect(repo.streamRunningTotals({ partitions: [account] }, { chunkSize: 1 }))).rejects.toBeInstanceOf(UnrepresentableValueError);
      await expect(
        (async () => {
          let after: string | undefined;
          for (let pages = 0; pages < 5; pages++) {
            const page = await repo.page({ partition: account, limit: 1, after });
            if (!page.nextCursor) return;
            after = page.nextCursor;
          }
        })(),
      ).rejects.toBeInstanceOf(UnrepresentableValueError);
    }
    const query = windowQuery('Transaction')
      .select('id', 'createdAt')
      .add('total', windowFunctions('Transaction').runningTotal('amount'), windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'));
    await expect(query.execute(db.prisma)).rejects.toBeInstanceOf(UnrepresentableValueError);
    await expect(collect(query.stream(db.prisma, { chunkSize: 1 }))).rejects.toBeInstanceOf(UnrepresentableValueError);
  });

  it('a @db.Date of infinity or BC fails too; the error says what was stored', async () => {
    const sales = new SalesRecordRepository(db.prisma, { pgPool: pool() });
    await expect(sales.runningTotals({ partitions: ['EU'] })).rejects.toThrow(/infinity/);
    await expect(new SalesRecordRepository(db.prisma).runningTotals({ partitions: ['US'] })).rejects.toBeInstanceOf(UnrepresentableValueError);
    expect((await sales.runningTotals({ partitions: ['ASIA'] })).map((r) => r.saleDate.toISOString())).toEqual(['2026-01-01T00:00:00.000Z']);
  });

  it('reads that return no such value are unaffected, and totals over them are PostgreSQL’s', async () => {
    const repo = new TransactionRepository(db.prisma, { pgPool: pool() });
    expect((await repo.runningTotals({ partitions: [9] })).map((r) => r.runningTotal.toFixed(2))).toEqual(['5.00', '11.00']);
    const [infinite] = await repo.balanceAsOf({ partitions: [1], at: new Date('2030-01-01T00:00:00Z') });
    expect(infinite!.balance.toFixed(2), "'infinity' is after every instant").toBe('1.00');
    const [past] = await repo.balanceAsOf({ partitions: [2], at: new Date('2030-01-01T00:00:00Z') });
    expect(past!.balance.toFixed(2), "'-infinity' is before every instant").toBe('3.00');
  });
});
