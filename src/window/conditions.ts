import * as Prisma from '../prisma-runtime.ts';
import { WindowSpecError } from '../errors.ts';
import { requireColumnValue } from '../validation/column-value.ts';
import { describe } from '../validation/dates.ts';
import { denseItems, requireDense } from '../validation/dense.ts';
import { aliasRef, columnInfo, columnRef, type FieldOf, type ModelName } from './catalog.ts';
import { keyListColumns } from './column-collation.ts';
import { checkedColumnArray, columnValue, typedColumnValue } from './parameters.ts';
import type { FieldValue } from './types.ts';

const LIST = aliasRef('__list');

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
const OPERATORS: readonly ComparisonOperator[] = ['=', '<>', '<', '<=', '>', '>='];

/** A boolean SQL condition over one model: catalog-checked columns, bound values. */
export interface Condition<M extends ModelName> {
  readonly model: M;
  readonly sql: Prisma.Sql;
}

/**
 * Checks that `value` is a condition over `model` (built by `conditions(model)`), so a wrong argument fails here
 * with a clear message instead of being rendered as a bound parameter.
 *
 * ```ts
 * requireCondition('Transaction', c.isNull('amount'), 'sum filter'); // the condition
 * requireCondition('Transaction', 'amount IS NULL', 'sum filter');   // throws WindowSpecError
 * ```
 */
export function requireCondition<M extends ModelName>(model: M, value: unknown, what: string): Condition<M> {
  const candidate = value as Partial<Condition<ModelName>> | null | undefined;
  if (typeof value !== 'object' || value === null || !(candidate?.sql instanceof Prisma.Sql)) {
    throw new WindowSpecError(`${what}: expected a condition built with conditions('${model}'), got ${describe(value)}.`);
  }
  if (candidate.model !== model) {
    throw new WindowSpecError(`${what}: the condition was built for ${String(candidate.model)}, not ${model}.`);
  }
  return value as Condition<M>;
}

function requireList(what: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new WindowSpecError(`${what}: expected an array, got ${describe(value)}.`);
  return value;
}

/**
 * Conditions for WHERE and `FILTER (WHERE ...)`, with values always bound as parameters. Every value is checked
 * against its column's type before any SQL is built (`ValidationError`); fields against Prisma's data model
 * (`WindowSpecError`).
 *
 * ```ts
 * const c = conditions('Transaction');
 * c.compare('amount', '<', new Prisma.Decimal(0))   // "amount" < $1
 * c.isNull('amount')                                 // "amount" IS NULL
 * c.in('accountId', [1, 2])                          // "accountId" = ANY(CAST($1 AS int4[]))
 * c.and(c.isNotNull('amount'), c.compare('accountId', '=', 7))
 * c.in('accountId', [1.5])                           // throws ValidationError: not an integer
 * ```
 */
export function conditions<M extends ModelName>(model: M) {
  const make = (sql: Prisma.Sql): Condition<M> => Object.freeze({ model, sql });
  const parts = (what: string, list: readonly unknown[]): Condition<M>[] => {
    if (list.length === 0) throw new WindowSpecError(`${what}() needs at least one condition.`);
    return denseItems(`${what}()`, list, (path, part) => requireCondition(model, part, path));
  };
  return {
    compare<F extends FieldOf<M>>(field: F, operator: ComparisonOperator, value: NonNullable<FieldValue<M, F>>): Condition<M> {
      const column = columnRef(model, field);
      if (!OPERATORS.includes(operator)) {
        throw new WindowSpecError(`Unknown operator "${String(operator)}": use one of ${OPERATORS.join(' ')}.`);
      }
      if (value === null || value === undefined) {
        throw new WindowSpecError(`compare(${field}, '${operator}', ${String(value)}): use isNull / isNotNull for NULL.`);
      }
      const param = columnValue(`compare(${field}, '${operator}')`, model, field, value);
      return make(Prisma.sql`${column} ${Prisma.raw(operator)} ${param}`);
    },
    /**
     * Two fields of the same row compared: `"a" > "b"`. Both must be of one kind (numbers with numbers, dates and
     * times with each other, text with text, booleans with booleans); a row where either is NULL does not match.
     * ```ts
     * c.compareFields('takenAt', '<', 'dayTime') // throws WindowSpecError: DateTime kinds differ (timestamp vs time)
     * c.compareFields('value', '>', 'ratio')     // "value" > "ratio"
     * ```
     */
    compareFields(left: FieldOf<M>, operator: ComparisonOperator, right: FieldOf<M>): Condition<M> {
      if (!OPERATORS.includes(operator)) {
        throw new WindowSpecError(`Unknown operator "${String(operator)}": use one of ${OPERATORS.join(' ')}.`);
      }
      const kinds = [left, right].map((field) => comparableKind(model, field));
      if (kinds[0] !== kinds[1]) {
        throw new WindowSpecError(`compareFields(${left}, '${operator}', ${right}): a ${kinds[0]} cannot be compared with a ${kinds[1]}.`);
      }
      return make(Prisma.sql`${columnRef(model, left)} ${Prisma.raw(operator)} ${columnRef(model, right)}`);
    },
    isNull(field: FieldOf<M>): Condition<M> {
      return make(Prisma.sql`${columnRef(model, field)} IS NULL`);
    },
    isNotNull(field: FieldOf<M>): Condition<M> {
      return make(Prisma.sql`${columnRef(model, field)} IS NOT NULL`);
    },
    in<F extends FieldOf<M>>(field: F, values: readonly NonNullable<FieldValue<M, F>>[]): Condition<M> {
      const column = columnRef(model, field);
      const list = requireList(`in(${field})`, values);
      if (list.length === 0) throw new WindowSpecError(`in(${field}, []): an empty list matches nothing.`);
      const params = denseItems(`in(${field})`, list, (path, value) => requireColumnValue(path, model, field, value));
      return make(Prisma.sql`${column} = ANY(${checkedColumnArray(model, field, params)})`);
    },
    /**
     * Row comparison for keyset pagination: `("a", "b", "id") > (CAST($1 AS int4), CAST($2 AS timestamptz), CAST($3 AS int8))`.
     * PostgreSQL compares it lexicographically and can walk a composite index on the same columns.
     * ```ts
     * c.after(['createdAt', 'id'], [new Date('2026-01-01'), 41n])
     * ```
     */
    after(fields: readonly FieldOf<M>[], values: readonly unknown[]): Condition<M> {
      const keys = requireDense('after() fields', requireList('after() fields', fields)) as readonly string[];
      const given = requireDense('after() values', requireList('after() values', values));
      if (keys.length === 0 || keys.length !== given.length) {
        throw new WindowSpecError('after() needs one value per field.');
      }
      const columns = keys.map((field) => columnRef(model, field));
      const bound = keys.map((field, i) => typedColumnValue(`after(${field})`, model, field, given[i]));
      return make(Prisma.sql`(${Prisma.join(columns, ', ')}) > (${Prisma.join(bound, ', ')})`);
    },
    /**
     * Membership of a composite key: `("a", "b") IN (SELECT * FROM unnest(CAST($1 AS int4[]), CAST($2 AS int4[])) AS
     * "__list"("__key_0", "__key_1"))` — one bound array per field, whatever the number of keys. Text keys compare in their column's collation
     * (`inColumnCollation`), so a row is returned once however many spellings of its key the list holds.
     * ```ts
     * conditions('InventoryMovement').inTuples(['warehouseId', 'productSku'], [[1, 'SKU-1'], [2, 'SKU-9']])
     * // ("warehouse_id", "product_sku") IN (SELECT "__list"."__key_0" AS "__key_0",
     * //   COALESCE("__list"."__key_1", (NULL::"public"."inventory_movements")."product_sku") AS "__key_1"
     * //   FROM unnest(CAST($1 AS int4[]), CAST($2 AS text[])) AS "__list"("__key_0", "__key_1"))
     * ```
     */
    inTuples(fields: readonly FieldOf<M>[], tuples: readonly (readonly unknown[])[]): Condition<M> {
      const { columns, arrays } = tupleArrays(model, fields, tuples, 'inTuples()');
      const names = fields.map((_, i) => aliasRef(`__key_${i}`));
      const list = keyListColumns(model, fields, LIST, names);
      return make(Prisma.sql`(${Prisma.join(columns, ', ')}) IN (SELECT ${list} FROM unnest(${Prisma.join(arrays, ', ')}) AS ${LIST}(${Prisma.join(names, ', ')}))`);
    },
    and(...items: Condition<M>[]): Condition<M> {
      return make(Prisma.sql`(${Prisma.join(parts('and', items).map((p) => p.sql), ' AND ')})`);
    },
    or(...items: Condition<M>[]): Condition<M> {
      return make(Prisma.sql`(${Prisma.join(parts('or', items).map((p) => p.sql), ' OR ')})`);
    },
    not(part: Condition<M>): Condition<M> {
      return make(Prisma.sql`NOT (${requireCondition(model, part, 'not()').sql})`);
    },
  };
}

/**
 * Composite keys checked against their fields' types (`ValidationError`, `WindowSpecError`) and bound as one array
 * per field: the columns and `CAST($n AS <type>[])` arrays that `unnest` turns back into the keys.
 * ```ts
 * tupleArrays('InventoryMovement', ['warehouseId', 'productSku'], [[1, 'SKU-1']], 'inTuples()')
 * // columns: "warehouse_id", "product_sku"; arrays: CAST($1 AS int4[]), CAST($2 AS text[])
 * ```
 */
export function tupleArrays<M extends ModelName>(
  model: M,
  fields: readonly FieldOf<M>[],
  tuples: readonly (readonly unknown[])[],
  what: string,
): { readonly columns: Prisma.Sql[]; readonly arrays: Prisma.Sql[] } {
  const keys = requireDense(`${what} fields`, requireList(`${what} fields`, fields)) as readonly string[];
  const rows = requireDense(`${what} tuples`, requireList(`${what} tuples`, tuples));
  if (keys.length === 0 || rows.length === 0) {
    throw new WindowSpecError(`${what} needs at least one field and one tuple, each with one value per field.`);
  }
  const checked = rows.map((tuple, t) => {
    const path = `${what} tuples[${t}]`;
    const values = requireDense(path, requireList(path, tuple));
    if (values.length !== keys.length) {
      throw new WindowSpecError(`${path}: has ${values.length} values for ${keys.length} fields; give one value per field.`);
    }
    return keys.map((field, i) => requireColumnValue(`${path}[${i}] (${field})`, model, field, values[i]));
  });
  return {
    columns: keys.map((field) => columnRef(model, field)),
    arrays: keys.map((field, i) => checkedColumnArray(model, field, checked.map((tuple) => tuple[i]))),
  };
}

// Which fields PostgreSQL compares meaningfully: numbers with numbers, text with text, and each kind of time only
// with itself (a time of day is not an instant; a date compares with a timestamp only through a zone).
function comparableKind(model: string, field: string): string {
  const info = columnInfo(model, field);
  if (info.isList) throw new WindowSpecError(`compareFields: ${model}.${field} is a list.`);
  // An enum compares with its own type only, in the order its values are declared.
  if (info.kind === 'enum') return `${info.type} (enum)`;
  switch (info.type) {
    case 'Int':
    case 'BigInt':
    case 'Float':
    case 'Decimal':
      return 'number';
    case 'String':
      return info.nativeType?.[0] === 'Uuid' ? 'uuid' : 'text';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return `${(info.nativeType?.[0] ?? 'Timestamp').toLowerCase()}`;
    default:
      throw new WindowSpecError(`compareFields: ${model}.${field} (${info.type}) cannot be compared.`);
  }
}
