import { Prisma } from '../generated/prisma/client.ts';
import { arrayTypeOf, columnRef, type FieldOf, type ModelName } from './catalog.ts';

/**
 * WHERE-clause fragments for window queries. Values are always bound parameters; only catalog-checked column
 * names reach the SQL text. Inputs are assumed validated by the caller (see src/validation).
 */

/** `"f" >= $1 AND "f" < $2` — a half-open range; either end may be omitted. */
export function withinRange<M extends ModelName>(
  model: M,
  field: FieldOf<M>,
  range: { readonly from?: Date | undefined; readonly to?: Date | undefined },
): Prisma.Sql[] {
  const column = columnRef(model, field);
  const parts: Prisma.Sql[] = [];
  if (range.from) parts.push(Prisma.sql`${column} >= ${range.from}`);
  if (range.to) parts.push(Prisma.sql`${column} < ${range.to}`);
  return parts;
}

/** `"f" = ANY(CAST($1 AS int4[]))` — one bound array, so the statement text does not change with the list length. */
export function inList<M extends ModelName>(model: M, field: FieldOf<M>, values: readonly unknown[]): Prisma.Sql {
  return Prisma.sql`${columnRef(model, field)} = ANY(CAST(${values} AS ${Prisma.raw(arrayTypeOf(model, field))}))`;
}

/** `"f" IS NOT NULL` */
export function isNotNull<M extends ModelName>(model: M, field: FieldOf<M>): Prisma.Sql {
  return Prisma.sql`${columnRef(model, field)} IS NOT NULL`;
}

/** `WHERE a AND b ...`, or nothing for an empty list. */
export function whereAll(conditions: readonly Prisma.Sql[]): Prisma.Sql {
  return conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
}
