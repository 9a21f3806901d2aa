import type * as Prisma from '../prisma-runtime.ts';
import type { NullPolicy } from '../window/running-total-query.ts';
import type { BulkInsertOptions } from '../ingest/bulk-insert.ts';

/**
 * - `'rows'` (default): `ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, ordered by (time, id): every row gets
 *   its own total, and rows with equal timestamps accumulate in id order.
 * - `'range'`: `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, ordered by time only: rows with equal
 *   timestamps are peers and **share one total** — the total after all of them.
 */
export type FrameChoice = 'rows' | 'range';

export interface RunningTotalOptions<Key> {
  /** Only these partitions (account ids / regions). Omit for all. At most 10,000 keys. */
  readonly partitions?: readonly Key[] | undefined;
  /** Inclusive start. Totals start at zero here (rows before `from` are not carried in). */
  readonly from?: Date | undefined;
  /** Exclusive end: the range is `[from, to)`. */
  readonly to?: Date | undefined;
  /** Default `'rows'`. */
  readonly frame?: FrameChoice | undefined;
  /** Default `'zero'`: NULL amounts add nothing but their rows are returned. `'skip'` leaves those rows out. */
  readonly nulls?: NullPolicy | undefined;
}


export interface InsertAndReportOptions<Key> extends BulkInsertOptions {
  /** Which running totals to return after the insert; by default the partitions the batch touched, all dates. */
  readonly report?: RunningTotalOptions<Key> | undefined;
}


/** A model row plus its running total (exact `Decimal`). */
export type WithRunningTotal<Row> = Row & { readonly runningTotal: Prisma.Decimal };

export interface PageOptions<Key> {
  /** The account / region of the statement; omit for the global ledger. */
  readonly partition?: Key | undefined;
  /** Statement start (inclusive): the first page opens with the balance before it. */
  readonly from?: Date | undefined;
  /** Statement end (exclusive). */
  readonly to?: Date | undefined;
  readonly frame?: FrameChoice | undefined;
  readonly nulls?: NullPolicy | undefined;
  /** `nextCursor` of the previous page. */
  readonly after?: string | undefined;
  /** Rows per page, 1..10,000. */
  readonly limit: number;
}
