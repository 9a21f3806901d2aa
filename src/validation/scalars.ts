import { ValidationError } from '../errors.ts';
import { describe } from './dates.ts';

const INT2_MIN = -32_768;
const INT2_MAX = 32_767;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/**
 * A PostgreSQL `smallint` (`@db.SmallInt`): an integer in [-32768, 32767].
 *
 * ```ts
 * requireInt2('rows[0].shelf', 12);     // 12
 * requireInt2('rows[0].shelf', 40_000); // throws ValidationError "... outside the smallint column's range ..."
 * ```
 */
export function requireInt2(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValidationError(path, `expected an integer, got ${describe(value)}.`);
  }
  if (value < INT2_MIN || value > INT2_MAX) {
    throw new ValidationError(path, `${value} is outside the smallint column's range [${INT2_MIN}, ${INT2_MAX}].`);
  }
  return value;
}

/**
 * A value for a `bigint` (int8) column, returned as given: a `bigint` in int8 range or a safe integer (a larger
 * `number` has already lost digits).
 *
 * ```ts
 * requireInt8('v', 10n);     // 10n
 * requireInt8('v', 2 ** 53); // throws ValidationError (not a safe integer)
 * ```
 */
export function requireInt8(path: string, value: unknown): bigint | number {
  if (typeof value === 'bigint') {
    if (value < INT8_MIN || value > INT8_MAX) throw new ValidationError(path, `${value} is outside the bigint column's range.`);
    return value;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new ValidationError(path, `expected a bigint or a safe integer, got ${describe(value)}.`);
}

/**
 * `requireInt8`, always returned as a `bigint` (what Prisma returns for a BigInt field).
 *
 * ```ts
 * requireBigInt('rows[0].sequence', 7); // 7n
 * ```
 */
export function requireBigInt(path: string, value: unknown): bigint {
  return BigInt(requireInt8(path, value));
}

/**
 * A `double precision` value: a finite number (PostgreSQL stores no NaN or Infinity through this library).
 *
 * ```ts
 * requireFloat('rows[0].weight', 0.5);      // 0.5
 * requireFloat('rows[0].weight', Infinity); // throws ValidationError
 * ```
 */
export function requireFloat(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(path, `expected a finite number, got ${describe(value)}.`);
  }
  return value;
}

/**
 * A boolean; no truthy strings or numbers.
 *
 * ```ts
 * requireBoolean('rows[0].settled', true);   // true
 * requireBoolean('rows[0].settled', 'true'); // throws ValidationError
 * ```
 */
export function requireBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(path, `expected a boolean, got ${describe(value)}.`);
  return value;
}
