import { Prisma } from '../generated/prisma/client.ts';
import { WindowSpecError } from '../errors.ts';
import { arrayTypeOf, columnRef, scalarTypeOf, type FieldOf, type ModelName } from './catalog.ts';
import type { FieldValue } from './types.ts';

/**
 * Dates are bound as ISO-8601 text with an explicit `Z` and cast to the column's type. A bare `Date` parameter
 * reaches PostgreSQL through @prisma/adapter-pg without an offset and is read in the session's TimeZone, so any
 * session not set to UTC would shift every bound by its offset.
 */
export function boundValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return Array.isArray(value) ? value.map(boundValue) : value;
}

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
const OPERATORS: readonly ComparisonOperator[] = ['=', '<>', '<', '<=', '>', '>='];

/** A boolean SQL condition over one model: catalog-checked columns, bound values. */
export interface Condition<M extends ModelName> {
  readonly model: M;
  readonly sql: Prisma.Sql;
}

/**
 * Conditions for WHERE and `FILTER (WHERE ...)`, with values always bound as parameters.
 *
 * ```ts
 * const c = conditions('Transaction');
 * c.compare('amount', '<', new Prisma.Decimal(0))   // "amount" < $1
 * c.isNull('amount')                                 // "amount" IS NULL
 * c.in('accountId', [1, 2])                          // "accountId" = ANY(CAST($1 AS int4[]))
 * c.and(c.isNotNull('amount'), c.compare('accountId', '=', 7))
 * ```
 */
export function conditions<M extends ModelName>(model: M) {
  const make = (sql: Prisma.Sql): Condition<M> => Object.freeze({ model, sql });
  return {
    compare<F extends FieldOf<M>>(field: F, operator: ComparisonOperator, value: NonNullable<FieldValue<M, F>>): Condition<M> {
      if (!OPERATORS.includes(operator)) {
        throw new WindowSpecError(`Unknown operator "${String(operator)}": use one of ${OPERATORS.join(' ')}.`);
      }
      if (value === null || value === undefined) {
        throw new WindowSpecError(`compare(${field}, '${operator}', ${String(value)}): use isNull / isNotNull for NULL.`);
      }
      const bound =
        value instanceof Date ? Prisma.sql`CAST(${boundValue(value)} AS ${Prisma.raw(scalarTypeOf(model, field))})` : Prisma.sql`${value}`;
      return make(Prisma.sql`${columnRef(model, field)} ${Prisma.raw(operator)} ${bound}`);
    },
    isNull(field: FieldOf<M>): Condition<M> {
      return make(Prisma.sql`${columnRef(model, field)} IS NULL`);
    },
    isNotNull(field: FieldOf<M>): Condition<M> {
      return make(Prisma.sql`${columnRef(model, field)} IS NOT NULL`);
    },
    in<F extends FieldOf<M>>(field: F, values: readonly NonNullable<FieldValue<M, F>>[]): Condition<M> {
      if (values.length === 0) throw new WindowSpecError(`in(${field}, []): an empty list matches nothing.`);
      return make(Prisma.sql`${columnRef(model, field)} = ANY(CAST(${boundValue(values)} AS ${Prisma.raw(arrayTypeOf(model, field))}))`);
    },
    /**
     * Row comparison for keyset pagination: `("a", "b", "id") > (CAST($1 AS int4), CAST($2 AS timestamptz), CAST($3 AS int8))`.
     * PostgreSQL compares it lexicographically and can walk a composite index on the same columns.
     */
    after(fields: readonly FieldOf<M>[], values: readonly unknown[]): Condition<M> {
      if (fields.length === 0 || fields.length !== values.length) {
        throw new WindowSpecError('after() needs one value per field.');
      }
      const columns = fields.map((field) => columnRef(model, field));
      const bound = fields.map((field, i) => Prisma.sql`CAST(${boundValue(values[i])} AS ${Prisma.raw(scalarTypeOf(model, field))})`);
      return make(Prisma.sql`(${Prisma.join(columns, ', ')}) > (${Prisma.join(bound, ', ')})`);
    },
    /**
     * Membership of a composite key: `("a", "b") IN (SELECT * FROM unnest(CAST($1 AS int4[]), CAST($2 AS text[])))`
     * — one bound array per field, whatever the number of keys.
     */
    inTuples(fields: readonly FieldOf<M>[], tuples: readonly (readonly unknown[])[]): Condition<M> {
      if (fields.length === 0 || tuples.length === 0 || tuples.some((t) => t.length !== fields.length)) {
        throw new WindowSpecError('inTuples() needs at least one field and one tuple, each with one value per field.');
      }
      const columns = fields.map((field) => columnRef(model, field));
      const arrays = fields.map(
        (field, i) => Prisma.sql`CAST(${tuples.map((t) => boundValue(t[i]))} AS ${Prisma.raw(arrayTypeOf(model, field))})`,
      );
      return make(Prisma.sql`(${Prisma.join(columns, ', ')}) IN (SELECT * FROM unnest(${Prisma.join(arrays, ', ')}))`);
    },
    and(...parts: Condition<M>[]): Condition<M> {
      if (parts.length === 0) throw new WindowSpecError('and() needs at least one condition.');
      return make(Prisma.sql`(${Prisma.join(parts.map((p) => p.sql), ' AND ')})`);
    },
    or(...parts: Condition<M>[]): Condition<M> {
      if (parts.length === 0) throw new WindowSpecError('or() needs at least one condition.');
      return make(Prisma.sql`(${Prisma.join(parts.map((p) => p.sql), ' OR ')})`);
    },
    not(part: Condition<M>): Condition<M> {
      return make(Prisma.sql`NOT (${part.sql})`);
    },
  };
}
