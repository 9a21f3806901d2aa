import { isDbNull, isJsonNull, JsonNull } from '@prisma/client/runtime/client';
import { ValidationError } from '../errors.ts';
import { Decimal } from '../prisma-runtime.ts';
import { describe } from './dates.ts';

/** Deeper nesting is refused: PostgreSQL's parser and JavaScript's `JSON.stringify` both recurse per level. */
const MAX_DEPTH = 1_000;

/** A checked `Json` value, as the bulk insert writes it: the text PostgreSQL parses, or Prisma's `JsonNull`. */
export type CheckedJson = { readonly json: string } | typeof JsonNull;

/**
 * Checks a value for a `Json` column and returns it as written: what `JSON.stringify` prints of it, exactly the
 * value given. Accepted: plain objects and arrays of strings, finite numbers, booleans and `null`, nested at most
 * 1,000 deep, and Prisma's `JsonNull` (the JSON `null` itself). A plain `null` (or `Prisma.DbNull`) is SQL NULL, as
 * for every column: written for a nullable one before any check, refused here. Refused (`ValidationError` naming the element), where `JSON.stringify` would silently change or drop
 * a value or PostgreSQL would refuse it: `NaN` and ±Infinity, a `bigint`, `undefined` or a hole in an array,
 * functions and symbols, instances of classes (`Date`, `Decimal`, `Map`: convert them first), text holding NUL
 * or an unpaired surrogate (in values and in keys). A property whose value is `undefined` is left out, as JSON
 * leaves it out.
 *
 * ```ts
 * requireJson('rows[0].details', { tags: ['a'], n: 1.5 }); // { json: '{"tags":["a"],"n":1.5}' }
 * requireJson('rows[0].details', { at: new Date() });      // throws ValidationError "rows[0].details.at: ..."
 * ```
 */
export function requireJson(path: string, value: unknown): CheckedJson {
  if (isJsonNull(value)) return JsonNull;
  if (isDbNull(value)) throw new ValidationError(path, 'is Prisma.DbNull, SQL NULL, on a NOT NULL column; write Prisma.JsonNull for a JSON null.');
  // A plain null here is SQL NULL asked of a NOT NULL column (a nullable column writes it before any check).
  if (value === null) throw new ValidationError(path, 'is null, SQL NULL, on a NOT NULL column; write Prisma.JsonNull for a JSON null.');
  checkJson(path, value, 0);
  return Object.freeze({ json: JSON.stringify(value) });
}

/** The text of a checked `Json` value (`'null'` for `JsonNull`). */
export function jsonText(checked: CheckedJson): string {
  return isJsonNull(checked) ? 'null' : (checked as { readonly json: string }).json;
}

/** A checked `Json` value as Prisma's client takes it (`createMany`): the value again, or `JsonNull`. */
export function prismaJson(checked: CheckedJson): unknown {
  return isJsonNull(checked) ? JsonNull : JSON.parse((checked as { readonly json: string }).json);
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
