import { Prisma } from '../generated/prisma/client.ts';
import { WindowSpecError } from '../errors.ts';
import { aliasRef, columnInfo, columnRef, tableRef, type FieldOf, type ModelName } from './catalog.ts';
import { isNotNull, whereAll } from './filters.ts';
import { orderItemSql, type WindowSpec } from './window-spec.ts';

/**
 * What a NULL amount means to a running total.
 * - `'zero'` (default): the row is returned, its amount stays `null`, and it adds nothing (`COALESCE(amount, 0)`).
 * - `'skip'`: rows with a NULL amount are left out of the result altogether.
 */
export type NullPolicy = 'zero' | 'skip';

export interface RunningTotalQuery<M extends ModelName> {
  /** Partitioning, ordering and frame of the total. Must be ordered (enforced by the type). */
  readonly window: WindowSpec<M, true>;
  /** The Decimal (or numeric) field that is summed. */
  readonly amount: FieldOf<M>;
  readonly nulls: NullPolicy;
  /** Columns returned beside the total, under their Prisma field names. */
  readonly select: readonly FieldOf<M>[];
  /** Extra conditions, ANDed (see filters.ts). They apply before the window, so totals start within them. */
  readonly where?: readonly Prisma.Sql[];
  /** Output name of the total; default `runningTotal`. */
  readonly alias?: string;
}

/**
 * Builds the running-total SELECT. The result is ordered like the window (partition keys, order keys, id), so rows
 * come back in the order their totals accumulate.
 *
 * ```ts
 * runningTotalSql({ window: windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'),
 *                   amount: 'amount', nulls: 'zero', select: ['id', 'accountId', 'amount', 'createdAt'] })
 * // SELECT "id" AS "id", "accountId" AS "accountId", "amount" AS "amount", "createdAt" AS "createdAt",
 * //   SUM(COALESCE("amount", 0)) OVER (PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC
 * //   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal"
 * // FROM "Transaction" ORDER BY "accountId" ASC, "createdAt" ASC, "id" ASC
 * ```
 */
export function runningTotalSql<M extends ModelName>(query: RunningTotalQuery<M>): Prisma.Sql {
  const { window, amount, nulls } = query;
  const model = window.model;
  if (nulls !== 'zero' && nulls !== 'skip') {
    throw new WindowSpecError(`NULL policy must be 'zero' or 'skip', got "${String(nulls)}".`);
  }
  const amountInfo = columnInfo(model, amount);
  if (amountInfo.type !== 'Decimal' && amountInfo.type !== 'Int' && amountInfo.type !== 'BigInt') {
    throw new WindowSpecError(`Cannot sum ${model}.${amount} of type ${amountInfo.type}: sum a Decimal or integer field.`);
  }
  const amountColumn = columnRef(model, amount);
  const summed =
    amountInfo.nullable && nulls === 'zero' ? Prisma.sql`COALESCE(${amountColumn}, 0)` : amountColumn;
  const where = [...(query.where ?? [])];
  if (amountInfo.nullable && nulls === 'skip') where.push(isNotNull(model, amount));

  const columns = query.select.map((field) => Prisma.sql`${columnRef(model, field)} AS ${aliasRef(field)}`);
  const total = Prisma.sql`SUM(${summed}) OVER (${window.toSql()}) AS ${aliasRef(query.alias ?? 'runningTotal')}`;
  return Prisma.sql`SELECT ${Prisma.join([...columns, total], ', ')} FROM ${tableRef(model)} ${whereAll(where)} ORDER BY ${resultOrderSql(window)}`;
}

/** Partition keys, then the window order with the id tiebreaker (always, also for RANGE: row order stays total). */
export function resultOrderSql<M extends ModelName>(window: WindowSpec<M, true>): Prisma.Sql {
  const model = window.model;
  const items = [
    ...window.partitionFields.map((field) => Prisma.sql`${columnRef(model, field)} ASC`),
    ...window.effectiveOrder({ tiebreaker: true }).map((item) => orderItemSql(model, item)),
  ];
  return Prisma.join(items, ', ');
}
