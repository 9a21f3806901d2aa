import { ValidationError } from '../errors.ts';

// PostgreSQL timestamps span 4713 BC .. 294276 AD, but the driver (@prisma/adapter-pg) writes dates as
// `YYYY-MM-DD hh:mm:ss` without an era, so years <= 0 reach the server as invalid text, and timestamps beyond year
// 9999 come back as Invalid Date. Accept exactly the range that round-trips: 0001-01-01 .. 9999-12-31 (UTC).
const PG_MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const PG_MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * The time value held by a real `Date` (its internal slot), or `undefined` for anything else. Reads it with
 * `Date.prototype.getTime`, never the value's own methods: a subclass or an own property can override `getTime`
 * or `toISOString`, and an object made with `Object.create(Date.prototype)` passes `instanceof Date` without
 * holding a date at all.
 *
 * ```ts
 * timeOf(new Date(0)); // 0
 * timeOf(Object.create(Date.prototype)); // undefined
 * ```
 */
export function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return Date.prototype.getTime.call(value);
  } catch {
    return undefined;
  }
}

/**
 * A valid `Date` inside PostgreSQL's timestamp range, returned as a plain `Date` copy of the same instant: what
 * reaches Prisma or the SQL is the time value itself, never a subclass' or an own property's `toISOString`.
 *
 * ```ts
 * requireDate('options.from', new Date('2026-01-01')); // Date 2026-01-01T00:00:00.000Z
 * requireDate('options.from', new Date('nope'));       // throws ValidationError "options.from: is an Invalid Date."
 * ```
 */
export function requireDate(path: string, value: unknown): Date {
  const time = timeOf(value);
  if (time === undefined) throw new ValidationError(path, `expected a Date, got ${describe(value)}.`);
  if (Number.isNaN(time)) throw new ValidationError(path, 'is an Invalid Date.');
  if (time < PG_MIN_TIME || time > PG_MAX_TIME) {
    throw new ValidationError(path, `${new Date(time).toISOString()} is outside the supported range (years 1 to 9999, UTC).`);
  }
  return new Date(time);
}

/** True when `requireDate` accepts `value`: a check that builds no copy. */
export function acceptsDate(value: unknown): boolean {
  const time = timeOf(value);
  return time !== undefined && time >= PG_MIN_TIME && time <= PG_MAX_TIME;
}

/** True when `requireUtcDay` accepts `value`: a check that builds no copy. */
export function acceptsUtcDay(value: unknown): boolean {
  return acceptsDate(value) && timeOf(value)! % 86_400_000 === 0;
}

/** A `Date` that is midnight UTC: the only exact way to address a `date` column with a JavaScript Date. */
export function requireUtcDay(path: string, value: unknown): Date {
  const date = requireDate(path, value);
  if (date.getTime() % 86_400_000 !== 0) {
    throw new ValidationError(
      path,
      `${date.toISOString()} is not a whole day: this column holds dates, pass midnight UTC (e.g. new Date('2026-01-31')).`,
    );
  }
  return date;
}

export interface DateRange {
  /** Inclusive lower bound. */
  readonly from?: Date | undefined;
  /** Exclusive upper bound. */
  readonly to?: Date | undefined;
}

/** Checks a half-open `[from, to)` range: valid dates, `from <= to`. */
export function requireDateRange(
  path: string,
  range: DateRange,
  requireBound: (path: string, value: unknown) => Date = requireDate,
): DateRange {
  const from = range.from === undefined ? undefined : requireBound(`${path}.from`, range.from);
  const to = range.to === undefined ? undefined : requireBound(`${path}.to`, range.to);
  if (from && to && from.getTime() > to.getTime()) {
    throw new ValidationError(
      path,
      `from (${from.toISOString()}) is after to (${to.toISOString()}); the range is [from, to), swap them.`,
    );
  }
  return { from, to };
}

/** A short description of a bad value for error messages (never its full content, never its own methods). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return timeOf(value) === undefined ? 'an object posing as a Date' : 'a Date';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}
