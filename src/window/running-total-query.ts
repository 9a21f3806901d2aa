import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { columnInfo, type FieldOf, type ModelName } from './catalog.ts';
import { conditions, type Condition } from './conditions.ts';
import { windowFunctions } from './functions.ts';
import type { PartitionKeyRelation } from './filters.ts';
import { windowQuery, type WindowQuery } from './window-query.ts';
import type { WindowSpec } from './window-spec.ts';

/**
 * What a NULL amount means to a running total.
 * - `'zero'` (default): the row is returned, its amount stays `null`, and it adds nothing (`COALESCE(amount, 0)`).
 * - `'skip'`: rows with a NULL amount are left out of the result altogether.
 */
export type NullPolicy = 'zero' | 'skip';

export interface RunningTotalQuery<M extends ModelName> {
  /** Partitioning, ordering and frame of the total. Must be ordered (enforced by the type). */
  readonly window: WindowSpec<M, true>;
  /** The Decimal (or integer) field that is summed. */
  readonly amount: FieldOf<M>;
  readonly nulls: NullPolicy;
  /** Columns returned beside the total, under their Prisma field names. */
  readonly select: readonly FieldOf<M>[];
  /** Conditions, ANDed. They apply before the window, so totals start within them. */
  readonly where?: readonly Condition<M>[] | undefined;
  /** Output name of the total; default `runningTotal`. */
  readonly alias?: string | undefined;
  /** An opening amount added to the total (on rows matching `where`, or all rows): see `runningTotal`'s `carry`. */
  readonly carry?: { readonly amount: Prisma.Decimal; readonly where?: Condition<M> | undefined };
  /** `LIMIT n` (keyset chunks). */
  readonly limit?: number | undefined;
  /**
   * Fields whose stored values each row also returns, exactly, as `__position: string[]` (keyset chunks resume
   * after the last row's; see `WindowQuery.selectExactText`); with `positionAtRow`, only that row of the result
   * (from 1), the others NULL (`WindowQuery.selectExactTextAt`).
   */
  readonly positionOf?: readonly FieldOf<M>[] | undefined;
  readonly positionAtRow?: number | undefined;
  /**
   * `'partition'`: `positionAtRow` counts rows in the total's own window, restarting in each of its partitions,
   * and PostgreSQL computes the count with the total, in one pass; the same row as `'result'` (the default, a
   * count in the result's order) when the result holds one partition, as a keyset chunk of one partition does.
   */
  readonly positionCountedIn?: 'result' | 'partition' | undefined;
  /**
   * Rows of these partition keys only, each key read on its own (`WindowQuery.eachPartitionOf`): the window must
   * partition by the keys' fields, and a row counted for `positionAtRow` is counted in the window's partition.
   */
  readonly perPartition?: PartitionKeyRelation<M> | undefined;
}

/** The total's named window when a row counter shares it (reserved like the other `__` names). */
const TOTAL_WINDOW = '__total';

/**
 * The running-total query of the repositories, composed with the window query builder. Rows come back in the
 * order their totals accumulate (partition keys, order keys, id).
 *
 * ```ts
 * runningTotalQuery({ window: windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'),
 *                     amount: 'amount', nulls: 'zero', select: ['id', 'accountId', 'amount', 'createdAt'] }).toSql()
 * // SELECT "id" AS "id", "accountId" AS "accountId", "amount" AS "amount", ("createdAt" AT TIME ZONE INTERVAL '+00:00') AS "createdAt",
 * //   SUM(COALESCE("amount", 0)) OVER (PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC
 * //   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal"
 * // FROM "public"."Transaction"  ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC
 * ```
 */
export function runningTotalQuery<M extends ModelName>(query: RunningTotalQuery<M>): WindowQuery<M, Record<string, unknown>, never> {
  const { window, amount, nulls } = query;
  const model = window.model;
  if (nulls !== 'zero' && nulls !== 'skip') {
    throw new WindowSpecError(`NULL policy must be 'zero' or 'skip', got "${String(nulls)}".`);
  }
  const f = windowFunctions(model);
  const numeric = amount as never; // a numeric field: checked at run time by the functions below
  const skipNulls = nulls === 'skip' && columnInfo(model, amount).nullable;
  const where = [...(query.where ?? []), ...(skipNulls ? [conditions(model).isNotNull(amount)] : [])];
  // With NULL rows filtered out, a plain SUM is the running total; otherwise NULLs count as zero.
  const total = f.runningTotal(numeric, { nullsAsZero: !skipNulls, ...(query.carry && { carry: query.carry }) });
  const alias = query.alias ?? 'runningTotal';
  const base = windowQuery(model).select(...query.select).where(...where);
  let built: WindowQuery<M, object, string>;
  if (query.positionOf && query.positionAtRow !== undefined && query.positionCountedIn === 'partition') {
    // The row counter over the total's own window: one WindowAgg computes both.
    built = base
      .window(TOTAL_WINDOW, window)
      .add(alias, total as never, TOTAL_WINDOW)
      .selectExactTextAt('__position', { row: query.positionAtRow, window: TOTAL_WINDOW }, ...query.positionOf);
  } else {
    built = base.add(alias, total as never, window);
    if (query.positionOf) {
      built =
        query.positionAtRow === undefined
          ? built.selectExactText('__position', ...query.positionOf)
          : built.selectExactTextAt('__position', query.positionAtRow, ...query.positionOf);
    }
  }
  if (query.perPartition) built = built.eachPartitionOf(query.perPartition);
  return (query.limit === undefined ? built : built.limit(query.limit)) as WindowQuery<M, Record<string, unknown>, never>;
}

/**
 * The SQL of {@link runningTotalQuery}, for a caller's own `$queryRaw`. With `nulls: 'skip'` on a nullable amount,
 * rows without an amount are filtered out and the total is a plain `SUM`.
 * ```ts
 * const sql = runningTotalSql({ window: windowSpec('Transaction').orderBy('createdAt'), amount: 'amount', nulls: 'skip', select: ['id', 'amount'] });
 * const rows = await prisma.$queryRaw(sql);
 * // SELECT "id" AS "id", "amount" AS "amount",
 * //   SUM("amount") OVER (ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal"
 * // FROM "public"."Transaction" WHERE "amount" IS NOT NULL ORDER BY "Transaction"."createdAt" ASC, "Transaction"."id" ASC
 * ```
 */
export function runningTotalSql<M extends ModelName>(query: RunningTotalQuery<M>): Prisma.Sql {
  return runningTotalQuery(query).toSql();
}
