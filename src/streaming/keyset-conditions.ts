import * as Prisma from '../prisma-runtime.ts';
import { columnRef, type FieldOf, type ModelName } from '../window/catalog.ts';
import { storedValue } from '../window/parameters.ts';
import type { Condition } from '../window/conditions.ts';

/**
 * Conditions on a keyset position. Positions hold stored values as PostgreSQL printed them (see
 * `exactTextSql`), so each is bound as text and cast back to its column's type: the comparison sees the stored
 * value itself (every microsecond of a `timestamptz`), never a value rounded on its way through JavaScript.
 */

/**
 * Rows after the position in index order:
 * `("accountId", "createdAt", "id") > (CAST($1 AS int4), CAST($2 AS timestamptz), CAST($3 AS int4))`.
 * PostgreSQL compares the row values lexicographically and walks a composite index on the same columns.
 */
export function afterPosition<M extends ModelName>(model: M, fields: readonly FieldOf<M>[], texts: readonly string[]): Condition<M> {
  const columns = fields.map((field) => columnRef(model, field));
  const values = fields.map((field, i) => storedValue(model, field, texts[i]!));
  return Object.freeze({ model, sql: Prisma.sql`(${Prisma.join(columns, ', ')}) > (${Prisma.join(values, ', ')})` });
}

/** Rows of one partition: `"accountId" = CAST($1 AS int4) AND ...`. */
export function inPartition<M extends ModelName>(model: M, fields: readonly FieldOf<M>[], texts: readonly string[]): Condition<M> {
  const parts = fields.map((field, i) => Prisma.sql`${columnRef(model, field)} = ${storedValue(model, field, texts[i]!)}`);
  return Object.freeze({ model, sql: Prisma.sql`(${Prisma.join(parts, ' AND ')})` });
}

/** Rows whose `field` is at least the position's: `"accountId" >= CAST($1 AS int4)`. */
export function fromKey<M extends ModelName>(model: M, field: FieldOf<M>, text: string): Condition<M> {
  return Object.freeze({ model, sql: Prisma.sql`${columnRef(model, field)} >= ${storedValue(model, field, text)}` });
}
