import * as Prisma from '../prisma-runtime.ts';
import { columnRef, isCollatable, tableRef, tablesFollowSearchPath, type FieldOf, type ModelName } from './catalog.ts';

/**
 * A bound list's value compared as the field's column compares: text takes the column's own collation, which
 * schema.prisma cannot name but the column carries, and `COALESCE` keeps the value and takes that collation from a
 * NULL of the column; other types are left as they are. Without it a list's text is deduplicated and sorted under
 * the database's default collation while the column compares under its own: under a case-insensitive one, 'x' and
 * 'X' are two keys of the list but one of the table, and PostgreSQL 18 returned the rows of `(a, b) IN (SELECT *
 * FROM unnest(...))` twice, once per spelling (it made the list distinct before joining, by the list's collation).
 *
 * The NULL is a field of the table's row type, `(NULL::"schema"."table")."column"`: nothing is read, and Citus
 * pushes it to the shards. A table named without its schema (a catalog generated with `searchPath = "true"`) reads
 * it from the table instead, `(SELECT "column" FROM "table" LIMIT 0)`: its row type's bare name could be a type of
 * pg_catalog, which PostgreSQL looks in first (a table named `point` or `text`).
 * ```ts
 * inColumnCollation('InventoryMovement', 'productSku', Prisma.sql`"__keys"."__key_1"`)
 * // COALESCE("__keys"."__key_1", (NULL::"public"."inventory_movements")."product_sku")
 * ```
 */
export function inColumnCollation<M extends ModelName>(model: M, field: FieldOf<M>, value: Prisma.Sql): Prisma.Sql {
  if (!isCollatable(model, field)) return value;
  const column = columnRef(model, field);
  const typedNull = tablesFollowSearchPath(model) ? Prisma.sql`(SELECT ${column} FROM ${tableRef(model)} LIMIT 0)` : Prisma.sql`(NULL::${tableRef(model)}).${column}`;
  return Prisma.sql`COALESCE(${value}, ${typedNull})`;
}

/**
 * The select list of a bound key list read from `unnest(...) AS alias(names)`: `*`, or, with a text field, each key
 * by its name, text in its column's collation (`inColumnCollation`), so that `DISTINCT`, `ORDER BY` and joins
 * over the list compare keys as the table does.
 * ```ts
 * keyListColumns('InventoryMovement', ['warehouseId', 'productSku'], aliasRef('k'), [aliasRef('a'), aliasRef('b')])
 * // "k"."a" AS "a", COALESCE("k"."b", (NULL::"public"."inventory_movements")."product_sku") AS "b"
 * ```
 */
export function keyListColumns<M extends ModelName>(model: M, fields: readonly FieldOf<M>[], alias: Prisma.Sql, names: readonly Prisma.Sql[]): Prisma.Sql {
  if (!fields.some((field) => isCollatable(model, field))) return Prisma.raw('*');
  return Prisma.join(
    fields.map((field, i) => Prisma.sql`${inColumnCollation(model, field, Prisma.sql`${alias}.${names[i]!}`)} AS ${names[i]!}`),
    ', ',
  );
}
