import { ValidationError } from '../errors.ts';
import { denseItems } from './dense.ts';
import { describe } from './dates.ts';

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;

/** A PostgreSQL `integer` (int4): a safe JavaScript integer in [-2^31, 2^31 - 1]. */
export function requireInt4(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValidationError(path, `expected an integer, got ${describe(value)}.`);
  }
  if (value < INT4_MIN || value > INT4_MAX) {
    throw new ValidationError(path, `${value} is outside the integer column's range [${INT4_MIN}, ${INT4_MAX}].`);
  }
  return value;
}

/**
 * A text key that PostgreSQL can store unchanged: a non-empty string without NUL characters (PostgreSQL text
 * cannot hold U+0000) and at most `maxLength` characters (code points, as `varchar(n)` counts them).
 * Quotes, semicolons and comment markers are fine: values are bound, never spliced into SQL.
 *
 * ```ts
 * requireText('options.partitions[0]', 'EMEA', 64); // 'EMEA'
 * requireText('options.partitions[0]', '', 64);     // throws ValidationError "...: must not be empty."
 * ```
 */
export function requireText(path: string, value: unknown, maxLength: number): string {
  if (value === '') throw new ValidationError(path, 'must not be empty.');
  return requireVarChar(path, value, maxLength);
}

/**
 * Like `requireText`, but the empty string is a value (a `String` column that is not a key).
 *
 * ```ts
 * requireVarChar('rows[0].note', '', 200); // ''
 * ```
 */
export function requireVarChar(path: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') throw new ValidationError(path, `expected a string, got ${describe(value)}.`);
  if (value.includes('\u0000')) throw new ValidationError(path, 'contains a NUL character, which PostgreSQL text cannot store.');
  if (!value.isWellFormed()) throw new ValidationError(path, 'contains an unpaired UTF-16 surrogate (not valid Unicode).');
  // Code points never outnumber UTF-16 units: only a string longer in units than the limit needs counting.
  if (value.length <= maxLength) return value;
  const length = [...value].length;
  if (length > maxLength) throw new ValidationError(path, `is ${length} characters long; the column holds at most ${maxLength}.`);
  return value;
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A `@db.Uuid` value: the canonical 8-4-4-4-12 hexadecimal text, in either case, returned in lower case, the
 * text PostgreSQL prints a stored `uuid` as. Lower case makes two spellings of one key one key in JavaScript too
 * (duplicate checks, lock order, keys of returned rows). PostgreSQL's other spellings (braces, no hyphens) are
 * refused: a key is written one way.
 *
 * ```ts
 * requireUuid('options.partitions[0]', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'); // 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'
 * requireUuid('options.partitions[0]', 'a0eebc999c0b4ef8bb6d6bb9bd380a11');     // throws ValidationError
 * ```
 */
export function requireUuid(path: string, value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError(path, `expected a UUID string, got ${describe(value)}.`);
  if (!UUID_TEXT.test(value)) throw new ValidationError(path, `${describe(value)} is not a UUID (write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).`);
  return value.toLowerCase();
}

/** Like `requireText`, but `undefined` and `null` mean "no value" and become `null` (optional columns). */
export function optionalText(path: string, value: unknown, maxLength: number): string | null {
  return value === undefined || value === null ? null : requireText(path, value, maxLength);
}

/** A non-empty list of keys (for `partitions` filters), each checked by `check`, at most `maxItems` long. */
export function requireKeyList<T>(
  path: string,
  value: unknown,
  check: (path: string, item: unknown) => T,
  maxItems: number,
): T[] {
  if (!Array.isArray(value)) throw new ValidationError(path, `expected an array, got ${describe(value)}.`);
  if (value.length === 0) {
    throw new ValidationError(path, 'is empty, which would match nothing; omit it to include every partition.');
  }
  if (value.length > maxItems) throw new ValidationError(path, `has ${value.length} keys; at most ${maxItems} are allowed per call.`);
  return denseItems(path, value, check);
}
