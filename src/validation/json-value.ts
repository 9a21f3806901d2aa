import { ValidationError } from '../errors.ts';
import { Decimal, isDbNull, isJsonNull, JsonNull } from '../prisma-runtime.ts';
import { describe } from './dates.ts';

/** Deeper nesting is refused: PostgreSQL's parser and JavaScript's `JSON.stringify` both recurse per level. */
const MAX_DEPTH = 1_000;

/**
 * A checked `Json` value, as the bulk insert writes it: a copy of the value given (so a later change to the
 * caller's object cannot change what is written), or Prisma's `JsonNull`. Checking it again returns the same.
 */
export type CheckedJson = unknown;

/**
 * Checks a value for a `Json` column and returns it as written: a copy that `JSON.stringify` prints exactly as it
 * prints the value given.
 *
 * - Accepted: plain objects and arrays of strings, finite numbers, booleans and `null`, nested at most 1,000 deep,
 *   and Prisma's `JsonNull` (the JSON `null` itself). A property whose value is `undefined` is left out, as JSON
 *   leaves it out.
 * - SQL NULL (a plain `null`, `Prisma.DbNull`) is written for a nullable column before any check, and refused here.
 * - Refused (`ValidationError` naming the element), where `JSON.stringify` would silently change or drop a value or
 *   PostgreSQL would refuse it: `NaN` and ±Infinity, a `bigint`, `undefined` or a hole in an array, functions and
 *   symbols, instances of classes (`Date`, `Decimal`, `Map`, a subclass of `Array`: convert them first), getters
 *   and setters, a value that contains itself, text holding NUL or an unpaired surrogate (in values and in keys),
 *   an array with named properties, a key named `__proto__`.
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
  return copyJson(path, value, 0, new Set());
}

/** The text of a checked `Json` value, as PostgreSQL parses it (`'null'` for `JsonNull`). */
export function jsonText(checked: CheckedJson): string {
  return isJsonNull(checked) ? 'null' : JSON.stringify(checked);
}

// The value checked and copied in one pass, each property read once (a getter read twice could answer otherwise),
// into plain objects and arrays that `JSON.stringify` prints as given.
function copyJson(path: string, value: unknown, depth: number, within: Set<object>): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    checkText(path, value);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(path, `${String(value)} is not a JSON number.`);
    return value;
  }
  if (typeof value !== 'object') throw new ValidationError(path, `${describe(value)} is not a JSON value${typeof value === 'bigint' ? ' (write it as a string)' : ''}.`);
  if (within.has(value)) throw new ValidationError(path, 'contains itself (a cycle), which JSON cannot write.');
  if (depth >= MAX_DEPTH) throw new ValidationError(path, `is nested more than ${MAX_DEPTH} levels deep.`);
  within.add(value);
  try {
    return copyContainer(path, value, depth, within);
  } finally {
    within.delete(value);
  }
}

// An array's or a plain object's copy (see `copyJson`); `within` holds the containers it is nested in.
function copyContainer(path: string, value: object, depth: number, within: Set<object>): unknown {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (Array.isArray(value) && prototype === Array.prototype) {
    const copy: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = ownData(`${path}[${i}]`, value, String(i));
      if (item === undefined) throw new ValidationError(`${path}[${i}]`, 'is missing (JSON would write null).');
      copy.push(copyJson(`${path}[${i}]`, item, depth + 1, within));
    }
    if (Object.keys(value).length !== value.length) throw new ValidationError(path, 'is an array with named properties, which JSON leaves out.');
    return copy;
  }
  if (prototype !== Object.prototype && prototype !== null) {
    throw new ValidationError(path, `${describeObject(value)} is not a plain object: convert it to JSON values first (a Date to its ISO string, a Decimal to its text).`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) throw new ValidationError(path, 'has symbol keys, which JSON leaves out.');
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    checkText(`${path}.${key}`, key);
    // Prisma's client drops such a key on the way (it is read as the object's prototype): one strategy would lose it.
    if (key === '__proto__') throw new ValidationError(`${path}.${key}`, "is a key named __proto__, which Prisma's client does not write.");
    const item = ownData(`${path}.${key}`, value, key);
    if (item !== undefined) copy[key] = copyJson(`${path}.${key}`, item, depth + 1, within);
  }
  return copy;
}

// An own property's value, read once; a getter or setter is refused (what it answers may change between reads).
function ownData(path: string, holder: object, key: string): unknown {
  const property = Object.getOwnPropertyDescriptor(holder, key);
  if (property === undefined) return undefined;
  if (!('value' in property)) throw new ValidationError(path, 'is a getter or setter, not a JSON value.');
  return property.value as unknown;
}

function checkText(path: string, text: string): void {
  if (text.includes('\u0000')) throw new ValidationError(path, 'contains a NUL character, which PostgreSQL JSON cannot hold.');
  if (!text.isWellFormed()) throw new ValidationError(path, 'contains an unpaired UTF-16 surrogate (not valid Unicode).');
}

function describeObject(value: object): string {
  if (Decimal.isDecimal(value)) return 'a Decimal';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name.length > 0 ? `an instance of ${name}` : 'an object';
}
