import * as Prisma from '../prisma-runtime.ts';
import type { Bucket } from '../validation/bucket-options.ts';
import { atUtc } from './utc-sql.ts';

/**
 * The start of the calendar bucket (`hour` … `year`, ISO weeks from Monday) holding an instant (`timestamptz`), in
 * the IANA zone `zone` (a bound text value), as an instant:
 * - day and longer: the local calendar start, `date_trunc(unit, ts AT TIME ZONE zone) AT TIME ZONE zone`, so a DST
 *   day has 23 or 25 hours and a month its own length;
 * - hours: the local hour's start minus the offset at the instant, so the two 02:00 hours of a DST fall-back are
 *   two buckets and Asia/Kolkata's hours start at :30 UTC.
 * ```sql
 * (date_trunc('day', "createdAt" AT TIME ZONE CAST($1 AS text)) AT TIME ZONE CAST($2 AS text))
 * ```
 */
export function instantBucketSql(unit: Bucket, instant: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  if (unit === 'hour') {
    return atUtc(Prisma.sql`(date_trunc('hour', ${instant} AT TIME ZONE ${zone}) - ((${instant} AT TIME ZONE ${zone}) - ${atUtc(instant)}))`);
  }
  return Prisma.sql`(date_trunc(${Prisma.raw(`'${unit}'`)}, ${instant} AT TIME ZONE ${zone}) AT TIME ZONE ${zone})`;
}

/**
 * The bucket start of a wall-clock time (`timestamp` without zone): already local, no zone involved.
 * ```sql
 * date_trunc('week', "taken_at")
 * ```
 */
export function localBucketSql(unit: Bucket, local: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`date_trunc(${Prisma.raw(`'${unit}'`)}, ${local})`;
}

/**
 * The first day of the bucket holding a calendar day (`date`), as a `date`. The cast to `timestamp` is explicit:
 * left to PostgreSQL, `date_trunc` would take the date as a `timestamptz` in the session's zone.
 * ```sql
 * CAST(date_trunc('month', CAST("saleDate" AS timestamp)) AS date)
 * ```
 */
export function dateBucketSql(unit: Exclude<Bucket, 'hour'>, day: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CAST(date_trunc(${Prisma.raw(`'${unit}'`)}, CAST(${day} AS timestamp)) AS date)`;
}
