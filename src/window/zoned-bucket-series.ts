import * as Prisma from '../prisma-runtime.ts';
import type { Bucket } from '../validation/bucket-options.ts';
import { firstInstantOfLabelSql, hourKeySql, hourStartsSql, localLabelSql, sampledHourKeysSql, utcHourSql } from './calendar-bucket.ts';

/** How far apart two labels of a bucket of a day or longer are. */
const LABEL_STEP: Record<Exclude<Bucket, 'hour'>, string> = {
  day: "interval '1 day'",
  week: "interval '7 days'",
  month: "interval '1 month'",
  quarter: "interval '3 months'",
  year: "interval '1 year'",
};

/**
 * The label rows are grouped by, which no clock change makes ambiguous: for days and longer the local calendar start
 * (`date_trunc(unit, ts AT TIME ZONE zone)`, a local timestamp); for hours a key of the local hour and its offset
 * (`hourKeySql`), so the two 01:00 hours of a fall-back are two buckets.
 */
export function bucketLabelSql(unit: Bucket, instant: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  return unit === 'hour' ? hourKeySql(instant, zone) : localLabelSql(unit, instant, zone);
}

/**
 * Every bucket of `unit` in the IANA zone `zone` that overlaps the instants `[from, to)`, in time order, as rows
 * `label, bucket_start, bucket_end, previous_label`: its label (`bucketLabelSql`), its first instant (what
 * `e.bucket` gives its rows), where the next begins, and the label before it. The one list of buckets that bucket
 * totals report and a builder's `fill` fills, so both hold the same buckets.
 *
 * Candidates: for days and longer the labels from two before the range's to two after; for hours the keys of every
 * local hour from three hours before the range to three after, to the second (`sampledHourKeysSql`). In time order,
 * each bucket follows the one before it (over skipped labels too) and ends where the next begins, unless its label
 * comes back after that: a fall-back across a midnight splits the next day in two (America/St_Johns, 00:01 back to
 * 23:01 until 2010), and the day before then ends at the next day's second start (PostgreSQL's reading of its
 * label), so that [bucket_start, bucket_end) holds every instant of its bucket. A label no instant has
 * (Pacific/Apia had no 2011-12-30) is dropped: its "first instant" carries another label.
 * ```sql
 * SELECT label, bucket_start, bucket_end, previous_label FROM (
 *   SELECT label, bucket_start, <lead(bucket_start), or the next label read back> AS bucket_end, lag(label) OVER in_time AS previous_label
 *   FROM (SELECT label, <first instant of label> AS bucket_start FROM generate_series(...) AS label) AS candidates
 *   WHERE date_trunc('day', bucket_start AT TIME ZONE $1) = label WINDOW in_time AS (ORDER BY bucket_start)
 * ) AS buckets WHERE bucket_start < $2 AND bucket_end > $3
 * ```
 */
export function zonedBucketSeriesSql(unit: Bucket, from: Prisma.Sql, to: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  const labelOf = (instant: Prisma.Sql) => bucketLabelSql(unit, instant, zone);
  const last = Prisma.sql`(${to} - interval '1 microsecond')`;
  let candidates: Prisma.Sql;
  let bucketEnd: Prisma.Sql;
  const nextStart = Prisma.sql`lead(bucket_start) OVER in_time`;
  if (unit === 'hour') {
    const hours = sampledHourKeysSql(utcHourSql(Prisma.sql`${from} - interval '3 hours'`), Prisma.sql`(${last} + interval '3 hours')`, zone);
    candidates = hourStartsSql(hours, zone);
    bucketEnd = nextStart;
  } else {
    const step = Prisma.raw(LABEL_STEP[unit]);
    const labels = Prisma.sql`generate_series(${labelOf(from)} - 2 * ${step}, ${labelOf(last)} + 2 * ${step}, ${step}) AS label`;
    candidates = Prisma.sql`SELECT label, ${firstInstantOfLabelSql(unit, Prisma.sql`label`, zone)} AS bucket_start FROM ${labels}`;
    const nextReading = Prisma.sql`(lead(label) OVER in_time AT TIME ZONE ${zone})`;
    bucketEnd = Prisma.sql`CASE WHEN ${nextReading} > ${nextStart} AND ${labelOf(Prisma.sql`(${nextReading} - interval '1 microsecond')`)} = label THEN ${nextReading} ELSE ${nextStart} END`;
  }
  // One line, as every statement the builder shows.
  const inOrder = Prisma.sql`SELECT label, bucket_start, ${bucketEnd} AS bucket_end, lag(label) OVER in_time AS previous_label FROM (${candidates}) AS candidates WHERE ${labelOf(Prisma.sql`bucket_start`)} = label WINDOW in_time AS (ORDER BY bucket_start)`;
  return Prisma.sql`SELECT label, bucket_start, bucket_end, previous_label FROM (${inOrder}) AS buckets WHERE bucket_start < ${to} AND bucket_end > ${from}`;
}
