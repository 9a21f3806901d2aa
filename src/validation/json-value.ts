import { isDbNull, isJsonNull, JsonNull } from '@prisma/client/runtime/client';
import { ValidationError } from '../errors.ts';
import { Decimal } from '../prisma-runtime.ts';
import { describe } from './dates.ts';

/** Deeper nesting is refused: PostgreSQL's parser and JavaScript's `JSON.stringify` both recurse per level. */
const MAX_DEPTH = 1_000;

/**
 * A checked `Json` value, as the bulk insert writes it: a copy of the value given (so a later change to the
 * caller's object cannot change what is written), or Prisma's `JsonNull`. Checking it again returns the same.
 */
export type CheckedJson = unknown;

/**
 * Checks a value for a `Json` column and returns it as written: what `JSON.stringify` prints of it, exactly the
 * value given. Accepted: plain objects and arrays of strings, finite numbers, booleans and `null`, nested at most
 * 1,000 deep, and Prisma's `JsonNull` (the JSON `null` itself). A plain `null` (or `Prisma.DbNull`) is SQL NULL, as
 * for every column: written for a nullable one before any check, refused here. Refused (`ValidationError` naming the element), where `JSON.stringify` would silently change or drop
 * a value or PostgreSQL would refuse it: `NaN` and ±Infinity, a `bigint`, `undefined` or a hole in an array,
 * functions and symbols, instances of classes (`Date`, `Decimal`, `Map`: convert them first), text holding NUL
 * or an unpaired surrogate (in values and in keys), an array with named properties, a key named `__proto__`.
 * A property whose value is `undefined` is left out, as JSON leaves it out.
 *
 * ```ts
 * requireJson('rows[0].details', { tags: ['a'], n: 1.5 }); // a copy: { tags: ['a'], n: 1.5 }
 * requireJson('rows[0].details', { at: new Date() });      // throws ValidationError "rows[0].details.at: ..."
 * ```
 */
export function requireJson(path: string, value: unknown): CheckedJson {
  if (isJsonNull(value)) return JsonNull;
  if (isDbNull(value)) throw new ValidationError(path, 'is Prisma.DbNull, SQL NULL, on a NOT NULL column; write Prisma.JsonNull for a JSON null.');
  // A plain null here is SQL NULL asked of a NOT NULL column (a nullable column writes it before any check).
  if (value === null) throw new ValidationError(path, 'is null, SQL NULL, on a NOT NULL column; write Prisma.JsonNull for a JSON null.');
  checkJson(path, value, 0);
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** The text of a checked `Json` value, as PostgreSQL parses it (`'null'` for `JsonNull`). */
export function jsonText(checked: CheckedJson): string {
  return isJsonNull(checked) ? 'null' : JSON.stringify(checked);
}

function checkJson(path: string, value: unknown, depth: number): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') return checkText(path, value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(path, `${String(value)} is not a JSON number.`);
    return;
  }
  if (typeof value !== 'object') throw new ValidationError(path, `${describe(value)} is not a JSON value${typeof value === 'bigint' ? ' (write it as a string)' : ''}.`);
  if (depth >= MAX_DEPTH) throw new ValidationError(path, `is nested more than ${MAX_DEPTH} levels deep.`);
  if (Array.isArray(value)) {
    if (Object.keys(value).length !== value.length) throw new ValidationError(path, 'is an array with named properties, which JSON leaves out.');
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || value[i] === undefined) throw new ValidationError(`${path}[${i}]`, 'is missing (JSON would write null).');
      checkJson(`${path}[${i}]`, value[i], depth + 1);
    }
    return;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ValidationError(path, `${describeObject(value)} is not a plain object: convert it to JSON values first (a Date to its ISO string, a Decimal to its text).`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) throw new ValidationError(path, 'has symbol keys, which JSON leaves out.');
  for (const [key, item] of Object.entries(value)) {
    checkText(`${path}.${key}`, key);
    // Prisma's client drops such a key on the way (it is read as the object's prototype): one strategy would lose it.
    if (key === '__proto__') throw new ValidationError(`${path}.${key}`, 'is a key named __proto__, which Prisma\'s client does not write.');
    if (item !== undefined) checkJson(`${path}.${key}`, item, depth + 1);
  }
}

function checkText(path: string, text: string): void {
  if (text.includes('\u0000')) throw new ValidationError(path, 'contains a NUL character, which PostgreSQL JSON cannot hold.');
  if (!text.isWellFormed()) throw new ValidationError(path, 'contains an unpaired UTF-16 surrogate (not valid Unicode).');
}

function describeObject(value: object): string {
  if (Decimal.isDecimal(value)) return 'a Decimal';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name.length > 0 ? `a ${name}` : 'an object';
}
