import * as Prisma from '../prisma-runtime.ts';
import { UnexpectedError, ValidationError } from '../errors.ts';
import { requireColumnValue } from '../validation/column-value.ts';
import { arrayTypeOf, columnInfo, enumOf, enumTypeName, isJsonColumn, scalarTypeOf, type CatalogEnum } from './catalog.ts';
import { enumLabel, requireEnumName } from '../validation/enum-value.ts';
import { jsonText, type CheckedJson } from '../validation/json-value.ts';
import { formatUtcDate, formatUtcTimestamp } from '../validation/utc-text.ts';

export { formatUtcDate, formatUtcTimestamp };

/**
 * The one place a JavaScript value becomes a bound parameter. Every value is checked against its column's type
 * first (`requireColumnValue`: a `ValidationError` before any SQL) and bound in the form that means the same in
 * every session: instants as ISO-8601 text with `Z`, cast to the column's type; decimals as exact text; keyset
 * positions as the server's own text of a stored value, cast back. Nothing else in the library puts a value into
 * SQL.
 */

const cast = (param: unknown, type: string): Prisma.Sql => Prisma.sql`CAST(${param} AS ${Prisma.raw(type)})`;

/**
 * A value compared with `model.field`. Dates, times, UUIDs and enums are cast (their text needs a type); other values
 * bind as they are and PostgreSQL infers their type from the column:
 * ```ts
 * columnValue('compare(accountId)', 'Transaction', 'accountId', 7)                        // $1
 * columnValue('compare(createdAt)', 'Transaction', 'createdAt', new Date('2026-01-01'))   // CAST($1 AS timestamptz)
 * columnValue('compare(kind)', 'Entry', 'kind', 'CREDIT')                                 // CAST($1 AS "public"."entry_kind"), $1 = 'credit'
 * ```
 */
export function columnValue(path: string, model: string, field: string, value: unknown): Prisma.Sql {
  const param = requireColumnValue(path, model, field, value);
  const info = columnInfo(model, field);
  const typed = info.type === 'DateTime' || info.nativeType?.[0] === 'Uuid' || enumOf(model, field) !== undefined;
  return typed ? cast(param, scalarTypeOf(model, field)) : Prisma.sql`${param}`;
}

/** A value of `model.field`, always cast to its type: `CAST($1 AS int4)` (row comparisons, `lag` defaults). */
export function typedColumnValue(path: string, model: string, field: string, value: unknown): Prisma.Sql {
  return cast(requireColumnValue(path, model, field, value), scalarTypeOf(model, field));
}

/**
 * Values of `model.field`, each already checked with `requireColumnValue`, as one bound array: `CAST($1 AS
 * int4[])`, whatever their number, so the statement text does not change with the list's length.
 */
export function checkedColumnArray(model: string, field: string, values: readonly unknown[]): Prisma.Sql {
  return cast(values, arrayTypeOf(model, field));
}

/**
 * A stored value as the server printed it (`to_json(col) #>> '{}'`), cast back to its column's type: the stored
 * value itself, every microsecond included. `CAST($1 AS timestamptz)`.
 */
export function storedValue(model: string, field: string, text: string): Prisma.Sql {
  return cast(text, scalarTypeOf(model, field));
}

/**
 * One of a stored enum's names, checked (`ValidationError` naming `path`) and bound as its label, cast to the enum:
 * `CAST($1 AS "public"."entry_kind")` (a `lag` default of an enum column).
 */
export function enumValue(path: string, what: string, stored: CatalogEnum, value: unknown): Prisma.Sql {
  return cast(enumLabel(stored, requireEnumName(path, what, stored, value)), enumTypeName(stored));
}

/** A validated interval (frame offsets of RANGE windows): `CAST($1 AS interval)`. */
export function intervalValue(text: string): Prisma.Sql {
  return cast(text, 'interval');
}

/** An exact amount: `CAST($1 AS numeric)`, bound as decimal text (never a float). */
export function numericValue(amount: Prisma.Decimal | string): Prisma.Sql {
  return cast(Prisma.Decimal.isDecimal(amount) ? amount.toFixed() : amount, 'numeric');
}

type Param = string | number | boolean | null;

/** How one validated value of `model.field` is bound inside an insert's column array. */
function insertValue(model: string, field: string): (value: unknown) => Param {
  const info = columnInfo(model, field);
  const native = info.nativeType?.[0];
  const stored = enumOf(model, field);
  return (value) => {
    if (value === null || value === undefined) return null;
    // An enum's name in schema.prisma (validated), written as the label PostgreSQL stores.
    if (stored !== undefined) return enumLabel(stored, value as string);
    switch (info.type) {
      case 'Decimal':
        // Exact decimal text ('-120.45'); toFixed() never switches to exponent notation.
        return Prisma.Decimal.isDecimal(value) ? value.toFixed() : new Prisma.Decimal(value as string).toFixed();
      case 'DateTime':
        if (!(value instanceof Date)) throw new TypeError(`${model}.${field}: expected a validated Date`);
        return native === 'Date' ? formatUtcDate(value) : formatUtcTimestamp(value);
      case 'BigInt':
        return String(value);
      case 'Json':
        return jsonText(value as CheckedJson);
      default:
        return value as Param;
    }
  };
}

// The array type of an insert's column: a `Json` field's own (`jsonb`, or `json` for `@db.Json`), which nothing
// but an insert binds; any other field's as every bound list has it.
function insertArrayTypeOf(model: string, field: string): string {
  const info = columnInfo(model, field);
  if (isJsonColumn(info)) return info.nativeType?.[0] === 'Json' ? 'json[]' : 'jsonb[]';
  return arrayTypeOf(model, field);
}

/**
 * One column of a bulk insert's validated rows as one bound array, `$1::int4[]`: decimals as exact text,
 * instants as UTC text with an explicit offset, dates as calendar days, NULLs kept.
 */
export function insertColumnArray(model: string, field: string, values: readonly unknown[]): Prisma.Sql {
  const toParam = insertValue(model, field);
  return Prisma.sql`${values.map(toParam)}::${Prisma.raw(insertArrayTypeOf(model, field))}`;
}

/**
 * One field of a bulk insert's validated rows as the text PostgreSQL reads for its column (`null` for NULL): what
 * `insertColumnArray` binds, for COPY. Decimals as exact text, instants as UTC text with an explicit offset.
 */
export function insertText(model: string, field: string): (value: unknown) => string | null {
  const toParam = insertValue(model, field);
  return (value) => {
    const param = toParam(value);
    return param === null ? null : String(param);
  };
}

/** A validated text value, such as an IANA time zone name: `CAST($1 AS text)`. */
export function textValue(text: string): Prisma.Sql {
  return cast(text, 'text');
}

/**
 * A value compared with a query's own output (a window function's result or a selected field), whose SQL type
 * the library does not look up: typed by its JavaScript type. Decimals as exact numeric text, bigints as int8,
 * dates as the UTC wall time instants are output as (`timestamp`), finite numbers, strings and booleans as they are.
 * ```ts
 * resultValue('whereResult(balance)', new Prisma.Decimal('100.50')) // CAST($1 AS numeric)
 * ```
 */
export function resultValue(path: string, value: unknown): Prisma.Sql {
  if (Prisma.Decimal.isDecimal(value)) {
    if (!(value as Prisma.Decimal).isFinite()) throw new ValidationError(path, 'expected a finite Decimal.');
    return numericValue(value as Prisma.Decimal);
  }
  if (typeof value === 'bigint') return cast(value.toString(), 'int8');
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(path, 'expected a valid Date.');
    return cast(formatUtcTimestamp(value).slice(0, -3), 'timestamp');
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(path, `expected a finite number, got ${String(value)}.`);
    return Prisma.sql`${value}`;
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new ValidationError(path, 'a string cannot hold NUL.');
    return cast(value, 'text');
  }
  if (typeof value === 'boolean') return Prisma.sql`${value}`;
  throw new ValidationError(path, `cannot compare with ${value === null ? 'null' : typeof value}: use a Decimal, bigint, number, string, boolean or Date.`);
}

/** A checked UUID (`requireUuid`), bound as one: `CAST($1 AS uuid)`. */
export function uuidValue(text: string): Prisma.Sql {
  return cast(text, 'uuid');
}

/**
 * A stored value as the server printed it, cast to a type the library chose (a column's type, or `timestamp` for
 * an instant output): a cursor position read back. `CAST($1 AS timestamp)`.
 */
export function storedText(text: string, type: string): Prisma.Sql {
  if (!/^[a-z0-9_]+$/.test(type)) throw new UnexpectedError(`storedText: not a type name the library writes: ${type}`);
  return cast(text, type);
}
