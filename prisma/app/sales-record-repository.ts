import '../generated/window-ledger.ts';
import { defineRunningTotalRepository } from '../../src/index.ts';
import type { InputOf } from '../../src/index.ts';

/**
 * Running revenue over `SalesRecord`: per region (`runningTotals`) or across regions (`globalRunningTotals`),
 * ordered by `saleDate, id`, backed by the indexes `(region, saleDate, id)` and `(saleDate, id)`. `partitions`
 * are region names; `saleDate` is a `@db.Date`, so `from` / `to` and row dates are whole days (midnight UTC).
 * Rows carry every column, `externalId` (the idempotency key) included.
 *
 * ```ts
 * const repo = new SalesRecordRepository(prisma);
 * const rows = await repo.runningTotals({ partitions: ['EMEA'], frame: 'range' });
 * ```
 */
export class SalesRecordRepository extends defineRunningTotalRepository('SalesRecord', {
  partitionBy: 'region',
  orderBy: 'saleDate',
  amount: 'revenue',
}) {}

/**
 * A sale to insert: `{ region, saleDate, revenue, externalId? }`. `saleDate` is a calendar day: pass midnight UTC
 * (`new Date('2026-03-01')`); `externalId` (at most 128 characters) makes a retry skip the row.
 */
export type NewSalesRecord = InputOf<SalesRecordRepository>;
