import * as Prisma from '../prisma-runtime.ts';
import { ValidationError, WindowSpecError } from '../errors.ts';
import { columnInfo, enumOf } from '../window/catalog.ts';
import { enumLabel, requireEnumName } from './enum-value.ts';
import { formatUtcTimestamp } from './utc-text.ts';
import { describe, requireDate } from './dates.ts';
import { requireInt4, requireUuid } from './keys.ts';
import { requireInt8 } from './scalars.ts';

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// PostgreSQL's numeric holds up to 131,072 digits before the point and 16,383 after; beyond that it raises an
// error at run time instead of storing or comparing the value.
const NUMERIC_MAX_EXPONENT = 131_071;
const NUMERIC_MAX_SCALE = 16_383;

/**
 * Checks a value that will be bound against a column of `model.field` (a comparison, a list, a keyset position,
 * a `lag` default) and returns the parameter to bind. The column's Prisma type decides what is accepted:
 *
 * - `Int`: a safe integer in PostgreSQL's `integer` range; `BigInt`: a `bigint` or a safe integer in `int8` range;
 *   `Float`: a finite number;
 * - `Decimal`: a `Prisma.Decimal` (NaN and ±Infinity included, as PostgreSQL's numeric has them), a finite number,
 *   or a decimal string (`'-12.50'`);
 * - `DateTime`: a real, valid `Date` in years 1–9999, bound as UTC text with a numeric offset (`+00`; computed
 *   from the time value, so an overridden `toISOString` cannot change what is sent);
 * - `String`: a string without NUL characters or unpaired surrogates (`@db.Uuid`: a UUID, bound in lower case);
 *   `Boolean`: a boolean;
 * - an enum: one of its names in schema.prisma (`'CREDIT'`), bound as the label PostgreSQL stores (`'credit'`
 *   for `CREDIT @map("credit")`).
 *
 * Anything else is a `ValidationError` naming `path`, raised before any SQL is built; NULL is never a value here
 * (use `isNull` / `isNotNull`). Fields of other types (Json, Bytes, lists) cannot be bound: `WindowSpecError`.
 *
 * ```ts
 * requireColumnValue('in(accountId)[0]', 'Transaction', 'accountId', 7);    // 7
 * requireColumnValue('in(accountId)[0]', 'Transaction', 'accountId', 1.5);  // throws ValidationError
 * requireColumnValue('compare(createdAt)', 'Transaction', 'createdAt', new Date('2026-01-01'));
 * // '2026-01-01 00:00:00.000+00' (bind it with CAST(... AS timestamptz))
 * ```
 */
export function requireColumnValue(path: string, model: string, field: string, value: unknown): unknown {
  const info = columnInfo(model, field);
  if (value === null || value === undefined) {
    throw new ValidationError(path, `is ${String(value)}; NULL is not a value to compare with: use isNull / isNotNull.`);
  }
  const stored = enumOf(model, field);
  if (stored !== undefined) return enumLabel(stored, requireEnumName(path, `${model}.${field}`, stored, value));
  switch (info.type) {
    case 'Int':
      return requireInt4(path, value);
    case 'BigInt':
      return requireInt8(path, value);
    case 'Float':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ValidationError(path, `expected a finite number for ${model}.${field}, got ${describe(value)}.`);
      }
      return value;
    case 'Decimal':
      return requireNumeric(path, value);
    case 'DateTime': {
      // '2026-01-01 00:00:00.000+00': a numeric offset, never 'Z', which PostgreSQL 18 first reads as an
      // abbreviation of the session's TimeZone (a POSIX zone '<Z>+05' would shift every bound instant).
      const text = formatUtcTimestamp(requireDate(path, value));
      // A time of day is the Date's UTC clock (Prisma's convention: 1970-01-01THH:MM:SSZ).
      const native = info.nativeType?.[0];
      return native === 'Time' ? text.slice(11, 23) : native === 'Timetz' ? text.slice(11) : text;
    }
    case 'String':
      return info.nativeType?.[0] === 'Uuid' ? requireUuid(path, value) : requireString(path, value);
    case 'Boolean':
      if (typeof value !== 'boolean') throw new ValidationError(path, `expected a boolean, got ${describe(value)}.`);
      return value;
    default:
      throw new WindowSpecError(`${model}.${field} has type ${info.type}, which cannot be compared with a bound value.`);
  }
}

function requireNumeric(path: string, value: unknown): Prisma.Decimal | number | string {
  let decimal: Prisma.Decimal;
  let param: Prisma.Decimal | number | string;
  if (Prisma.Decimal.isDecimal(value)) {
    decimal = new Prisma.Decimal(value);
    // NaN and ±Infinity are numeric values PostgreSQL (14+) stores and compares (NaN sorts above everything).
    if (!decimal.isFinite()) return decimal.toString();
    param = value;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(path, `${String(value)} is not a finite number.`);
    decimal = new Prisma.Decimal(String(value));
    param = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (!DECIMAL_TEXT.test(text)) throw new ValidationError(path, `${describe(value)} is not a decimal number (write e.g. "1234.50").`);
    decimal = new Prisma.Decimal(text);
    param = text;
  } else {
    throw new ValidationError(path, `expected a Decimal, decimal string or number, got ${describe(value)}.`);
  }
  if (!decimal.isFinite()) throw new ValidationError(path, `${decimal.toString()} is not a finite number.`);
  if (!decimal.isZero() && (decimal.e > NUMERIC_MAX_EXPONENT || decimal.decimalPlaces() > NUMERIC_MAX_SCALE)) {
    throw new ValidationError(path, `${decimal.toString()} is beyond what PostgreSQL's numeric type can hold.`);
  }
  return param;
}

function requireString(path: string, value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError(path, `expected a string, got ${describe(value)}.`);
  if (value.includes('\u0000')) throw new ValidationError(path, 'contains a NUL character, which PostgreSQL text cannot hold.');
  if (!value.isWellFormed()) throw new ValidationError(path, 'contains an unpaired UTF-16 surrogate (not valid Unicode).');
  return value;
}
