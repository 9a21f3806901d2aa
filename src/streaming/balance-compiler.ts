import * as Prisma from '../prisma-runtime.ts';
import { aliasRef, columnRef, tableRef, type ModelName } from '../window/catalog.ts';
import { typedColumnValue } from '../window/parameters.ts';
import { instantOf, instantSql, keyOutput, keysSql } from './bucket-compiler.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';

/**
 * The balance of each partition including every row at or before `at` (every row when `at` is absent): one
 * aggregate per partition over the composite index's range `(partition = k AND order <= at)`. Partitions without
 * rows have balance 0. NULL amounts add nothing.
 *
 * ```sql
 * WITH keys AS (SELECT DISTINCT * FROM unnest(CAST($1 AS int4[])) AS given("k0"))
 * SELECT keys."k0" AS "accountId", COALESCE((SELECT SUM("amount") FROM "Transaction"
 *   WHERE "Transaction"."accountId" = keys."k0" AND "createdAt" <= CAST($2 AS timestamptz)), 0) AS "balance"
 * FROM keys ORDER BY keys."k0"
 * ```
 */
export function compileBalances<M extends ModelName>(plan: RunningTotalPlan<M>, at: Date | undefined): Prisma.Sql {
  const { model } = plan;
  const table = tableRef(model);
  const instant = instantSql(model, plan.orderBy);
  const atInstant = at ? instantOf(model, plan.orderBy, Prisma.sql`(${typedColumnValue('options.at', model, plan.orderBy, at)})`) : undefined;
  const names = plan.partitionBy.map((_, i) => aliasRef(`k${i}`));
  const match = plan.partitionBy.map((field, i) => Prisma.sql`${table}.${columnRef(model, field)} = keys.${names[i]!}`);
  const conditions = [...match, ...(atInstant ? [Prisma.sql`${instant} <= ${atInstant}`] : [])];
  const where = conditions.length === 0 ? Prisma.empty : Prisma.sql` WHERE ${Prisma.join(conditions, ' AND ')}`;
  const balance = Prisma.sql`COALESCE((SELECT SUM(${columnRef(model, plan.amount)}) FROM ${table}${where}), 0) AS "balance"`;
  const outputs = plan.partitionBy.map((field, i) => Prisma.sql`${keyOutput(model, field, Prisma.sql`keys.${names[i]!}`)} AS ${aliasRef(field)}`);
  const order = names.length === 0 ? Prisma.empty : Prisma.sql` ORDER BY ${Prisma.join(names.map((k) => Prisma.sql`keys.${k}`), ', ')}`;
  return Prisma.sql`WITH keys AS (${keysSql(plan, table, instant, atInstant ? Prisma.sql`(${atInstant} + interval '1 microsecond')` : undefined)})
    SELECT ${Prisma.join([...outputs, balance], ', ')} FROM keys${order}`;
}
