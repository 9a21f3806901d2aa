import { LedgerError, ValidationError } from '../errors.ts';
import { describe } from './dates.ts';

/** A non-empty array of at most `maxRows` rows (the rows themselves are checked by the caller). */
export function requireRowList(path: string, rows: unknown, maxRows: number): readonly unknown[] {
  if (!Array.isArray(rows)) throw new ValidationError(path, `expected an array of rows, got ${describe(rows)}.`);
  if (rows.length === 0) throw new ValidationError(path, 'is empty: pass at least one row.');
  if (rows.length > maxRows) {
    throw new ValidationError(path, `has ${rows.length} rows; at most ${maxRows} per call. Split the batch.`);
  }
  return rows;
}

/** A positive safe integer option such as `chunkSize` or `limit`, at most `max`. */
export function requirePositiveInt(path: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(path, `expected a positive integer, got ${describe(value)}.`);
  }
  if (value > max) throw new ValidationError(path, `${value} is larger than the maximum ${max}.`);
  return value;
}

/** The longest `maxWaitMs` any call takes: ten minutes of waiting for a pooled connection. */
const MAX_WAIT_LIMIT_MS = 600_000;

/**
 * A `maxWaitMs` option (transactions, inserts, streams, pages): a positive integer of at most ten minutes, or
 * undefined when not given.
 * ```ts
 * requireMaxWaitMs('options.maxWaitMs', 5_000);   // 5000
 * requireMaxWaitMs('options.maxWaitMs', 600_001); // throws ValidationError
 * ```
 */
export function requireMaxWaitMs(path: string, value: unknown): number | undefined {
  return value === undefined ? undefined : requirePositiveInt(path, value, MAX_WAIT_LIMIT_MS);
}

/** A plain object (for rows and options), so a string or array passed by mistake fails clearly. */
export function requireRecord(path: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    throw new ValidationError(path, `expected an object, got ${describe(value)}.`);
  }
  return value as Record<string, unknown>;
}

/**
 * What reading a caller's value threw (a getter, a Proxy trap), as the `ValidationError` of that value; a
 * `LedgerError` (a nested check's) as it is.
 */
export function unreadable(path: string, thrown: unknown): LedgerError {
  if (thrown instanceof LedgerError) return thrown;
  const what = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : describe(thrown);
  return new ValidationError(path, `could not be read: reading it threw ${what}.`, { cause: thrown });
}

/**
 * An object (or undefined → `{}`) whose keys are all in `allowed`, so a typo such as `form` fails loudly: the
 * caller's own object, not a copy (a bulk insert checks a million rows this way). Read its values with `readField`.
 */
export function requireKnownKeys(path: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  let record: Record<string, unknown>;
  let keys: string[];
  try {
    record = requireRecord(path, value);
    keys = Object.keys(record);
  } catch (thrown) {
    throw unreadable(path, thrown);
  }
  for (const key of keys) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`${path}.${key}`, `is not a known option. Known options: ${allowed.join(', ')}.`);
    }
  }
  return record;
}

/** `record[key]`, where a getter (or Proxy trap) that throws is the `ValidationError` of `path.key`. */
export function readField(record: Record<string, unknown>, key: string, path: string): unknown {
  try {
    return record[key];
  } catch (thrown) {
    throw unreadable(`${path}.${key}`, thrown);
  }
}

/**
 * An options object (or undefined → `{}`) whose keys are all in `allowed` (see `requireKnownKeys`). Returns a copy
 * holding each known option read once (`readField`), so later checks and the statement see one value.
 */
export function requireOptions(path: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  const record = requireKnownKeys(path, value, allowed);
  const options: Record<string, unknown> = {};
  for (const key of allowed) {
    const option = readField(record, key, path);
    if (option !== undefined) options[key] = option;
  }
  return options;
}

/** One of a fixed set of string choices, with a default for `undefined`. */
export function requireChoice<T extends string>(path: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new ValidationError(path, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}.`);
}
