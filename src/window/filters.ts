import * as Prisma from '../prisma-runtime.ts';
import { conditions, tupleArrays, type Condition } from './conditions.ts';
import { aliasRef, type FieldOf, type ModelName } from './catalog.ts';
import { keyListColumns } from './column-collation.ts';

/**
 * Conditions the repositories compose from validated options. Values are always bound parameters; only
 * catalog-checked column names reach the SQL text.
 */

/**
 * The conditions of a half-open range `[from, to)` on a DateTime field: `"f" >= $1`, `"f" < $2`; either end may be
 * omitted (an empty list when both are). Pass them to `where`, which ANDs them.
 * ```ts
 * windowQuery('Transaction').select('id')
 *   .where(...withinRange('Transaction', 'createdAt', { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') }))
 * // SELECT "id" AS "id" FROM "public"."Transaction" WHERE "createdAt" >= CAST($1 AS timestamptz) AND "createdAt" < CAST($2 AS timestamptz)
 * //   ORDER BY "Transaction"."id" ASC
 * ```
 */
export function withinRange<M extends ModelName>(
  model: M,
  field: FieldOf<M>,
  range: { readonly from?: Date | undefined; readonly to?: Date | undefined },
): Condition<M>[] {
  const c = conditions(model);
  const parts: Condition<M>[] = [];
  // The field is a DateTime field by construction (repositories pass their order field); the cast only
  // tells the type checker what the catalog already guarantees.
  if (range.from) parts.push(c.compare(field, '>=', range.from as never));
  if (range.to) parts.push(c.compare(field, '<', range.to as never));
  return parts;
}

/**
 * `"f" = ANY(CAST($1 AS int4[]))` — one bound array, so the statement text does not change with the list length.
 * ```ts
 * windowQuery('Transaction').select('id').where(inList('Transaction', 'accountId', [1, 2, 3]))
 * // SELECT "id" AS "id" FROM "public"."Transaction" WHERE "accountId" = ANY(CAST($1 AS int4[])) ORDER BY "Transaction"."id" ASC
 * // values: [[1, 2, 3]]
 * ```
 */
export function inList<M extends ModelName>(model: M, field: FieldOf<M>, values: readonly unknown[]): Condition<M> {
  return conditions(model).in(field, values as never);
}

/**
 * The rows of a list of partition keys. One field: `"a" = ANY($1)`. Several: the same on the first field, then the
 * whole keys, `"a" = ANY($1) AND ("a", "b") IN (SELECT * FROM unnest($2, $3))`. The first condition only repeats
 * part of the second, but it is the form Citus prunes shards by when the table is distributed by that field: a
 * read of one composite key then reaches one shard instead of all (and still works while another worker is down).
 */
export function inPartitionList<M extends ModelName>(
  model: M,
  fields: readonly FieldOf<M>[],
  keys: readonly (readonly unknown[])[],
): Condition<M>[] {
  const first = inFirstKeyField(model, fields, keys);
  return fields.length === 1 ? [first] : [first, conditions(model).inTuples(fields, keys)];
}

/**
 * The first field of a list of partition keys, `"a" = ANY($1)`: beside a join with the keys, the filter Citus
 * prunes shards by (see `inPartitionList`).
 */
export function inFirstKeyField<M extends ModelName>(model: M, fields: readonly FieldOf<M>[], keys: readonly (readonly unknown[])[]): Condition<M> {
  return inList(model, fields[0]!, keys.map((key) => key[0]));
}

// Each first value once: PostgreSQL before 17 costs an index scan with an `= ANY` list once per element.
function firstValues(keys: readonly (readonly unknown[])[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const key of keys) {
    const value = key[0];
    const text = value instanceof Date ? `date:${value.getTime()}` : Prisma.Decimal.isDecimal(value) ? `decimal:${(value as Prisma.Decimal).toFixed()}` : `${typeof value}:${String(value)}`;
    if (!seen.has(text)) seen.set(text, value);
  }
  return [...seen.values()];
}

/**
 * The most first-field values a per-key read filters by `= ANY` beside its join with the keys. The filter lets
 * Citus prune shards, which a longer list reaches most of anyway; PostgreSQL before 17 costs each key's index scan
 * once per element of the list, and past some hundreds of elements scanned the whole table for every key instead.
 */
const PRUNING_LIST_MAX = 16;

/**
 * A list of composite partition keys as a relation of its own, which a query reads each key of on its own through
 * `CROSS JOIN LATERAL` (see `WindowQuery`): the rows of one key then come from the `(a, b, order, id)` index in the
 * window's order, where a join with the list (`inPartitionList`) makes PostgreSQL sort them, or read the whole
 * index when the list is long.
 */
export interface PartitionKeyRelation<M extends ModelName> {
  readonly fields: readonly FieldOf<M>[];
  /**
   * `(SELECT DISTINCT * FROM unnest(CAST($1 AS int4[]), ...) AS "__keys"("__key_0", ...) ORDER BY 1, ...) AS "__keys"`,
   * text keys in their column's collation (`keyListColumns`).
   */
  readonly relation: Prisma.Sql;
  /** The row's key is the relation's: `"a" = "__keys"."__key_0" AND ...`, after the first field's `= ANY` list (of 16 values at most). */
  readonly match: readonly Condition<M>[];
  /** `"__keys"."__key_0", ...`: the key fields the relation is sorted by, as their columns order them. */
  readonly sortedBy: readonly Prisma.Sql[];
}

const KEYS = aliasRef('__keys');

/**
 * The relation of a list of composite partition keys (see `PartitionKeyRelation`). Its conditions keep the first
 * field's `"a" = ANY($1)`, the filter Citus prunes shards by, while that list has at most 16 distinct values.
 * ```ts
 * partitionKeyRelation('InventoryMovement', ['warehouseId', 'productSku'], [[1, 'SKU-1'], [2, 'SKU-9']])
 * // relation: (SELECT DISTINCT "__keys"."__key_0" AS "__key_0",
 * //   COALESCE("__keys"."__key_1", (NULL::"public"."inventory_movements")."product_sku") AS "__key_1"
 * //   FROM unnest(CAST($1 AS int4[]), CAST($2 AS text[])) AS "__keys"("__key_0", "__key_1") ORDER BY 1, 2) AS "__keys"
 * // match:    "warehouse_id" = ANY(CAST($3 AS int4[])), "warehouse_id" = "__keys"."__key_0", "product_sku" = "__keys"."__key_1"
 * // sortedBy: "__keys"."__key_0", "__keys"."__key_1"
 * ```
 */
export function partitionKeyRelation<M extends ModelName>(
  model: M,
  fields: readonly FieldOf<M>[],
  keys: readonly (readonly unknown[])[],
): PartitionKeyRelation<M> {
  const { columns, arrays } = tupleArrays(model, fields, keys, 'partition keys');
  const names = fields.map((_, i) => aliasRef(`__key_${i}`));
  // Sorted keys let PostgreSQL keep their order through the join: the result is then sorted within each key only.
  const order = Prisma.join(names.map((_, i) => Prisma.raw(String(i + 1))), ', ');
  const distinct = keyListColumns(model, fields, KEYS, names);
  const relation = Prisma.sql`(SELECT DISTINCT ${distinct} FROM unnest(${Prisma.join(arrays, ', ')}) AS ${KEYS}(${Prisma.join(names, ', ')}) ORDER BY ${order}) AS ${KEYS}`;
  const match = columns.map((column, i): Condition<M> => Object.freeze({ model, sql: Prisma.sql`${column} = ${KEYS}.${names[i]!}` }));
  const firsts = firstValues(keys);
  return Object.freeze({
    fields: Object.freeze([...fields]),
    relation,
    match: Object.freeze([...(firsts.length <= PRUNING_LIST_MAX ? [inList(model, fields[0]!, firsts)] : []), ...match]),
    sortedBy: Object.freeze(names.map((name) => Prisma.sql`${KEYS}.${name}`)),
  });
}

/** `WHERE a AND b ...`, or nothing for an empty list. */
export function whereAll(parts: readonly Prisma.Sql[]): Prisma.Sql {
  return parts.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}`;
}
