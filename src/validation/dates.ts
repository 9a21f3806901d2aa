import { ValidationError } from '../errors.ts';

// PostgreSQL timestamps span 4713 BC .. 294276 AD, but the driver (@prisma/adapter-pg) writes dates as
// `YYYY-MM-DD hh:mm:ss` without an era, so years <= 0 reach the server as invalid text, and timestamps beyond year
// 9999 come back as Invalid Date. Accept exactly the range that round-trips: 0001-01-01 .. 9999-12-31 (UTC).
const PG_MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const PG_MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** A valid `Date` inside PostgreSQL's timestamp range. */
export function requireDate(path: string, value: unknown): Date {
  if (!(value instanceof Date)) {
    throw new ValidationError(path, `expected a Date, got ${describe(value)}.`);
  }
  const time = value.getTime();
  if (Number.isNaN(time)) throw new ValidationError(path, 'is an Invalid Date.');
  if (time < PG_MIN_TIME || time > PG_MAX_TIME) {
    throw new ValidationError(path, `${value.toISOString()} is outside the supported range (years 1 to 9999, UTC).`);
  }
  return value;
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

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'a Date';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}
