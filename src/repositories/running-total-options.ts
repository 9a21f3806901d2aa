import type * as Prisma from '../prisma-runtime.ts';
import type { NullPolicy } from '../window/running-total-query.ts';
import type { BulkInsertOptions } from '../ingest/bulk-insert.ts';
import type { Bucket, ComparePeriod } from '../validation/bucket-options.ts';

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
  /**
   * Longest wait for a pooled connection, in ms (default 10,000, at most 600,000): the first page's snapshot
   * transaction, and every page on the `pgPool` path; past it, `DatabaseUnavailableError` and nothing read.
   */
  readonly maxWaitMs?: number | undefined;
}

export interface BucketTotalsOptions<Key> {
  /** Only these partitions; omit for every partition with a row before the last bucket's end. At most 10,000 keys. */
  readonly partitions?: readonly Key[] | undefined;
  /** `hour`, `day`, `week` (ISO: Monday), `month`, `quarter` or `year`, of the calendar in `timeZone`. */
  readonly bucket: Bucket;
  /** Every bucket that overlaps `[from, to)` is returned, whole (its rows are not clipped to the range). */
  readonly from: Date;
  readonly to: Date;
  /** IANA zone the calendar is read in; default `'UTC'`. A `date` order column's days are the same in every zone. */
  readonly timeZone?: string | undefined;
  /** `'zero'` (default): every bucket, empty ones with count 0; `'none'`: only buckets with rows. */
  readonly fill?: 'zero' | 'none' | undefined;
  /** Default `true`: running totals start at the balance before the first bucket, not at zero. */
  readonly carry?: boolean | undefined;
  /**
   * Also compare each bucket with the same bucket one such period earlier (e.g. `'year'`: same month last year).
   * The period must be a whole number of buckets (weeks compare with `'week'` only).
   */
  readonly compareWith?: ComparePeriod | undefined;
}

/**
 * One bucket of one partition. Differences are exact; ratios are PostgreSQL's numeric division (at least 16
 * significant digits), `null` when the base is 0. A bucket before the first rows has sum 0.
 */
export interface BucketTotal {
  /** The bucket's first instant (local midnight, or the local hour's start, as an instant). */
  readonly bucketStart: Date;
  /** The next bucket's start: a DST day is 23 or 25 hours long. */
  readonly bucketEnd: Date;
  /** Rows in the bucket (NULL amounts included). */
  readonly count: bigint;
  /** Sum of the amounts (NULL amounts add nothing); 0 for an empty bucket. */
  readonly sum: Prisma.Decimal;
  readonly min: Prisma.Decimal | null;
  readonly max: Prisma.Decimal | null;
  readonly avg: Prisma.Decimal | null;
  /** Balance at the bucket's end: the carried opening balance plus every bucket so far. */
  readonly runningTotal: Prisma.Decimal;
  /** Sum of the bucket just before this one (0 when it has no rows). */
  readonly previousSum: Prisma.Decimal;
  readonly change: Prisma.Decimal;
  readonly changeRatio: Prisma.Decimal | null;
  /** With `compareWith`: the same bucket one period earlier, and the change from it. */
  readonly comparedSum?: Prisma.Decimal;
  readonly comparedChange?: Prisma.Decimal;
  readonly comparedRatio?: Prisma.Decimal | null;
}

/** A bucket of a partition: the partition's key (the value, or an object for a composite key) and its totals. */
export type PartitionBucketTotal<Key> = BucketTotal & { readonly key: Key };

export interface BalanceOptions<Key> {
  /** Only these partitions; omit for every partition with a row at or before `at`. */
  readonly partitions?: readonly Key[] | undefined;
  /** Inclusive: rows whose order value is at or before `at` count. */
  readonly at: Date;
}

/** A partition's balance: the sum of its amounts (NULL adds nothing), 0 for a partition without rows. */
export interface PartitionBalance<Key> {
  readonly key: Key;
  readonly balance: Prisma.Decimal;
}
