import { ValidationError } from '../errors.ts';
import { requireChoice } from './batch.ts';
import { describe } from './dates.ts';

/**
 * The calendar buckets `bucketTotals` and `expressions(model).bucket` accept, shortest first.
 * ```ts
 * BUCKETS; // ['hour', 'day', 'week', 'month', 'quarter', 'year']
 * const bucket = BUCKETS.includes(input as Bucket) ? (input as Bucket) : 'day'; // e.g. from a query string
 * ```
 */
export const BUCKETS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
/** A calendar bucket: `week` is the ISO week (Monday to Monday). */
export type Bucket = (typeof BUCKETS)[number];
/**
 * The periods `bucketTotals`' `compareWith` accepts: each bucket is compared with the same bucket one period earlier.
 * ```ts
 * COMPARE_PERIODS; // ['day', 'week', 'month', 'quarter', 'year']
 * await repo.bucketTotals({ partitions: [42], bucket: 'month', from, to, timeZone: 'Europe/Berlin', compareWith: 'year' });
 * ```
 */
export const COMPARE_PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
/** The period a bucket is compared with the same bucket of, one period earlier (`'year'`: same month last year). */
export type ComparePeriod = (typeof COMPARE_PERIODS)[number];

/**
 * Which periods a bucket can be compared across: those a whole number of buckets long, so the bucket one period
 * earlier is a bucket too (ISO weeks do not line up with months or years).
 */
export const COMPARES_WITH: Record<Bucket, readonly ComparePeriod[]> = {
  hour: ['day', 'week', 'month', 'quarter', 'year'],
  day: ['day', 'week', 'month', 'quarter', 'year'],
  week: ['week'],
  month: ['month', 'quarter', 'year'],
  quarter: ['quarter', 'year'],
  year: ['year'],
};

export interface BucketSettings {
  readonly bucket: Bucket;
  readonly timeZone: string;
  readonly fill: 'zero' | 'none';
  readonly carry: boolean;
  readonly compareWith?: ComparePeriod | undefined;
}

// Names JavaScript's time zone data (ICU) still accepts but the IANA database no longer has, so PostgreSQL's
// refuses them: the SystemV zones and two links, removed in tzdata 2017c and 2020b.
const REMOVED_FROM_TZDATA = /^(SystemV\/.*|US\/Pacific-New|Canada\/East-Saskatchewan)$/i;

/**
 * An IANA time zone the JavaScript runtime knows, with a slash (`Europe/Berlin`, `America/New_York`), or `UTC`.
 * Fixed offsets such as `+05:30` are refused: PostgreSQL reads them as POSIX zones, whose sign is the opposite of
 * ISO 8601's. So is any other name without a slash: PostgreSQL first reads it as an abbreviation of a fixed offset
 * (and, since PostgreSQL 18, the session zone's own), JavaScript as a zone that may have other offsets or be another
 * place (`IST`: Israel or India; `BST`: +01:00 or Bangladesh; `CET` without or with summer time), so the buckets
 * would depend on which reading wins. `UTC`, `GMT` and their aliases are bound as `Etc/UTC`.
 *
 * ```ts
 * requireTimeZone('options.timeZone', 'Europe/Berlin'); // 'Europe/Berlin'
 * requireTimeZone('options.timeZone', 'UTC');           // 'Etc/UTC'
 * requireTimeZone('options.timeZone', 'IST');           // throws ValidationError (say 'Asia/Kolkata' or 'Asia/Jerusalem')
 * requireTimeZone('options.timeZone', 'Mars/Olympus');  // throws ValidationError
 * ```
 */
export function requireTimeZone(path: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(value)) {
    throw new ValidationError(path, `expected an IANA time zone name such as 'Europe/Berlin', got ${describe(value)}.`);
  }
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError(path, `unknown time zone ${JSON.stringify(value)}: use an IANA name such as 'America/New_York'.`);
  }
  if (REMOVED_FROM_TZDATA.test(value)) {
    const instead = REMOVED_FROM_TZDATA.test(canonical) ? "a region/city name such as 'America/New_York'" : JSON.stringify(canonical);
    throw new ValidationError(path, `${JSON.stringify(value)} was removed from the time zone database PostgreSQL reads (JavaScript still knows it): use ${instead}.`);
  }
  if (value.includes('/')) return value;
  if (canonical === 'UTC' || canonical === 'Etc/UTC' || canonical === 'Etc/GMT') return UTC_ZONE;
  throw new ValidationError(
    path,
    `${JSON.stringify(value)} has no slash: PostgreSQL may read it as a fixed-offset abbreviation, JavaScript reads it as ${canonical}. ` +
      "Use the region/city name you mean, such as 'Europe/London' or 'Asia/Kolkata'.",
  );
}

/**
 * The zone of a bucket or shift given no zone, and the name PostgreSQL reads for a caller's `'UTC'` or `'GMT'`:
 * since PostgreSQL 18 a name is first looked up among the abbreviations of the session's own TimeZone, and a POSIX
 * zone such as `'UTC+05:30'` (5:30 west of Greenwich) calls its offset "UTC". A name with a slash is never an
 * abbreviation.
 */
export const UTC_ZONE = 'Etc/UTC';

/**
 * The bucket options of `bucketTotals`, checked before any SQL. `calendarDays` is true when the order column is
 * a `date`: days have no time zone then, and hours do not exist.
 */
export function requireBucketSettings(options: Record<string, unknown>, calendarDays: boolean): BucketSettings {
  const bucket = requireChoice('options.bucket', options.bucket ?? '', BUCKETS, 'day');
  if (calendarDays && bucket === 'hour') {
    throw new ValidationError('options.bucket', "'hour' needs a timestamp order column; this one is a date.");
  }
  const zone = options.timeZone === undefined ? UTC_ZONE : requireTimeZone('options.timeZone', options.timeZone);
  // A `date` is the same calendar day in every zone: it is bucketed as it is stored, whatever the zone.
  const timeZone = calendarDays ? UTC_ZONE : zone;
  const fill = requireChoice('options.fill', options.fill, ['zero', 'none'], 'zero');
  if (options.carry !== undefined && typeof options.carry !== 'boolean') {
    throw new ValidationError('options.carry', `expected true or false, got ${describe(options.carry)}.`);
  }
  const compareWith =
    options.compareWith === undefined ? undefined : requireChoice('options.compareWith', options.compareWith, COMPARES_WITH[bucket], 'year');
  return { bucket, timeZone, fill, carry: options.carry ?? true, ...(compareWith && { compareWith }) };
}
