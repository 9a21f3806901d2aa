import * as Prisma from '../prisma-runtime.ts';
import { ValidationError } from '../errors.ts';
import { timeOf } from '../validation/dates.ts';
import { zonedBucketSeriesSql } from './zoned-bucket-series.ts';
import { typedConstant, type CalendarBucket } from './expression.ts';

// Steps fine enough that no bucket is stepped over where clocks do not change (wall-clock times, UTC): a day lasts
// 24 hours, a week or a month at least 7 days. Also the bound on a range's length: hours are sampled every 15
// minutes in a zone too.
const STEP: Record<string, { readonly sql: string; readonly ms: number }> = {
  hour: { sql: "interval '15 minutes'", ms: 15 * 60_000 },
  day: { sql: "interval '1 hour'", ms: 3_600_000 },
  week: { sql: "interval '1 day'", ms: 86_400_000 },
  month: { sql: "interval '1 day'", ms: 86_400_000 },
  quarter: { sql: "interval '1 day'", ms: 86_400_000 },
  year: { sql: "interval '1 day'", ms: 86_400_000 },
};
const MAX_STEPS = 2_000_000;

/**
 * Every bucket of `calendar` overlapping `[from, to)`, as one column `b` of the bucket's type, each the very value
 * the query's key gives its rows, so that a filled bucket and a bucket of rows are one group:
 * - instants in a zone: the buckets bucket totals report (`zonedBucketSeriesSql`), hours found to the second and
 *   days and longer from their labels. Stepping through instants would step over the hour of 3 min 58 s that the
 *   end of local mean time made in New York (1883), and the 59 minutes of a Saturday that St. John's lived again
 *   after its Sunday had begun (2006); their rows would be left out with them;
 * - wall-clock times and UTC instants: the distinct buckets of instants a fine step apart, from the first bucket's
 *   start (instants: from `from`), and the bucket of the range's last instant;
 * - dates: the days from the first bucket's to the day of `to`'s last millisecond.
 * ```sql
 * SELECT DISTINCT CAST(date_trunc('week', CAST(t AS timestamp)) AS date) AS b
 * FROM generate_series(CAST(... AS timestamp), CAST(... AS timestamp), interval '1 day') AS g(t)
 * ```
 */
export function calendarSeriesSql(calendar: CalendarBucket, from: unknown, to: unknown, path: string): Prisma.Sql {
  const [start, end] = [timeOf(from), timeOf(to)];
  if (start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end)) throw new ValidationError(path, 'from and to must be valid Dates.');
  if (end <= start) throw new ValidationError(`${path}.to`, 'must be after from.');
  const step = STEP[calendar.unit]!;
  if ((end - start) / step.ms > MAX_STEPS) throw new ValidationError(path, `[from, to) is too long for ${calendar.unit} buckets: choose a shorter range or a longer bucket.`);
  const first = typedConstant(`${path}.from`, from, calendar.source);
  if (calendar.source === 'date') {
    const lastDay = typedConstant(`${path}.to`, new Date(end - 1), 'date');
    const t = Prisma.sql`CAST(g.t AS date)`;
    return Prisma.sql`SELECT ${calendar.of(t)} AS b FROM generate_series(CAST(${calendar.of(first)} AS timestamp), CAST(${lastDay} AS timestamp), ${Prisma.raw(step.sql)}) AS g(t) UNION SELECT ${calendar.of(lastDay)}`;
  }
  const until = typedConstant(`${path}.to`, to, calendar.source);
  if (calendar.source === 'timestamptz' && calendar.zone) {
    return Prisma.sql`SELECT bucket_start AS b FROM (${zonedBucketSeriesSql(calendar.unit, first, until, calendar.zone)}) AS buckets`;
  }
  const last = Prisma.sql`(${until} - interval '1 microsecond')`;
  const origin = calendar.source === 'timestamptz' ? first : calendar.of(first);
  return Prisma.sql`SELECT ${calendar.of(Prisma.sql`g.t`)} AS b FROM generate_series(${origin}, ${last}, ${Prisma.raw(step.sql)}) AS g(t) UNION SELECT ${calendar.of(last)}`;
}
