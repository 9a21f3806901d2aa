import * as Prisma from '../prisma-runtime.ts';
import { aliasRef, columnRef, tableRef, type ModelName } from '../window/catalog.ts';
import { typedColumnValue } from '../window/parameters.ts';
import { instantOf, instantSql, keyOutput, keysSql } from './bucket-compiler.ts';
import { filtersOf } from './running-total-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

/**
 * The balance of each partition including every row at or before `at` (every row when `at` is absent): one
 * aggregate grouped by partition over the composite index's ranges `(partition = k AND order <= at)`. Given
 * partitions without rows have balance 0; without `partitions`, every partition with a row at or before `at`.
 * NULL amounts add nothing. A grouped subquery rather than one correlated subquery per key: the same plan on a
 * single node, and one Citus pushes down to the workers when the table is distributed by the partition.
 *
 * ```sql
 * WITH keys AS (SELECT DISTINCT * FROM unnest(CAST($1 AS int4[])) AS "given"("k0"))
 * SELECT keys."k0" AS "accountId", COALESCE(sums."balance", 0) AS "balance"
 * FROM keys LEFT JOIN (SELECT "accountId" AS "k0", SUM("amount") AS "balance" FROM "public"."Transaction"
 *   WHERE "accountId" = ANY(CAST($2 AS int4[])) AND "createdAt" <= CAST($3 AS timestamptz) GROUP BY "accountId") sums
 *   ON keys."k0" = sums."k0"
 * ORDER BY keys."k0"
 * ```
 */
export function compileBalances<M extends ModelName>(plan: RunningTotalPlan<M>, at: Date | undefined): Prisma.Sql {
  const { model } = plan;
  const table = tableRef(model);
  const instant = instantSql(model, plan.orderBy);
  const atInstant = at ? instantOf(model, plan.orderBy, Prisma.sql`(${typedColumnValue('options.at', model, plan.orderBy, at)})`) : undefined;
  const filters = [
    ...filtersOf({ ...plan, from: undefined, to: undefined }).map((condition) => condition.sql),
    ...(atInstant ? [Prisma.sql`${instant} <= ${atInstant}`] : []),
  ];
  const where = filters.length === 0 ? Prisma.empty : Prisma.sql` WHERE ${Prisma.join(filters, ' AND ')}`;
  const sum = Prisma.sql`SUM(${columnRef(model, plan.amount)})`;
  if (plan.partitionBy.length === 0) return Prisma.sql`SELECT COALESCE(${sum}, 0) AS "balance" FROM ${table}${where}`;

  const names = plan.partitionBy.map((_, i) => aliasRef(`k${i}`));
  const columns = plan.partitionBy.map((field) => columnRef(model, field));
  const sums = Prisma.sql`SELECT ${Prisma.join(columns.map((column, i) => Prisma.sql`${column} AS ${names[i]!}`), ', ')}, ${sum} AS "balance"
    FROM ${table}${where} GROUP BY ${Prisma.join(columns, ', ')}`;
  // Given partitions are all reported (0 without rows); otherwise the grouped rows are the partitions.
  const source = plan.partitions ? Prisma.sql`keys` : Prisma.sql`sums`;
  const outputs = plan.partitionBy.map((field, i) => Prisma.sql`${keyOutput(model, field, Prisma.sql`${source}.${names[i]!}`)} AS ${aliasRef(field)}`);
  const select = Prisma.sql`SELECT ${Prisma.join([...outputs, Prisma.sql`COALESCE(sums."balance", 0) AS "balance"`], ', ')}`;
  const order = Prisma.sql` ORDER BY ${Prisma.join(names.map((k) => Prisma.sql`${source}.${k}`), ', ')}`;
  if (!plan.partitions) return Prisma.sql`${select} FROM (${sums}) sums${order}`;
  const match = Prisma.join(names.map((k) => Prisma.sql`keys.${k} = sums.${k}`), ' AND ');
  return Prisma.sql`WITH keys AS (${keysSql(plan, table, instant, undefined)})
    ${select} FROM keys LEFT JOIN (${sums}) sums ON ${match}${order}`;
}
