import * as Prisma from '../prisma-runtime.ts';
import { aliasRef, columnRef, tableRef, type FieldOf, type ModelName } from './catalog.ts';
import type { Condition } from './conditions.ts';
import { typedColumnValue } from './parameters.ts';
import { whereAll } from './filters.ts';

/**
 * The balance before a point in time, as one indexed aggregate (no window, no scan of earlier pages):
 * ```sql
 * SELECT COALESCE(SUM("amount"), 0) AS "opening" FROM "public"."Transaction" WHERE "accountId" = $1 AND "createdAt" < $2
 * ```
 * `where` holds the partition (and any other) conditions; `before` the exclusive time bound.
 */
export function openingBalanceSql<M extends ModelName>(
  model: M,
  amount: FieldOf<M>,
  orderBy: FieldOf<M>,
  before: Date,
  where: readonly Condition<M>[],
): Prisma.Sql {
  const bound = typedColumnValue('from', model, orderBy, before);
  const conditions = [...where.map((c) => c.sql), Prisma.sql`${columnRef(model, orderBy)} < ${bound}`];
  return Prisma.sql`SELECT COALESCE(SUM(${columnRef(model, amount)}), 0) AS ${aliasRef('opening')} FROM ${tableRef(model)} ${whereAll(conditions)}`;
}
