import * as Prisma from '../prisma-runtime.ts';
import { ValidationError } from '../errors.ts';
import { timeOf } from '../validation/dates.ts';
import { hourKeySql, hourStartsSql, quarterHoursSql } from './calendar-bucket.ts';
import { typedConstant, type CalendarBucket } from './expression.ts';

// Steps fine enough that no bucket is stepped over: hours start at multiples of 15 minutes in every zone, a day
// lasts at least 23 hours, a week or a month at least 7 days.
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
 * Every bucket of `calendar` overlapping `[from, to)`, as one column `b` of the bucket's type: the distinct buckets
 * of instants a fine step apart from `from` (wall-clock times: from the first bucket's start), and the bucket of the range's last instant (which the
 * steps, after a change of UTC offset, can step past), each bucketed by the very expression the query groups by, so
 * a filled bucket and a bucket of rows are the same value (DST days of 23 and 25 hours, half-hour zones, month ends
 * included). A `date` key's range ends with the day of `to`'s last millisecond.
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
    // Days: from the first bucket's day to the day of the range's last millisecond; stepped as timestamps (no zone).
    const lastDay = typedConstant(`${path}.to`, new Date(end - 1), 'date');
    const t = Prisma.sql`CAST(g.t AS date)`;
    return Prisma.sql`SELECT ${calendar.of(t)} AS b FROM generate_series(CAST(${calendar.of(first)} AS timestamp), CAST(${lastDay} AS timestamp), ${Prisma.raw(step.sql)}) AS g(t) UNION SELECT ${calendar.of(lastDay)}`;
  }
  const last = Prisma.sql`(${typedConstant(`${path}.to`, to, calendar.source)} - interval '1 microsecond')`;
  // Instants are stepped from `from` itself: near a clock change a bucket's start can be an instant whose own
  // bucket is an earlier one (outside the range). Wall-clock times from their first bucket's start.
  const origin = calendar.source === 'timestamptz' ? first : calendar.of(first);
  if (calendar.unit === 'hour' && calendar.source === 'timestamptz' && calendar.zone) {
    // The hours' keys, then each key's first instant once (`hourStartsSql`): the values `calendar.of` gives, planned
    // for the quarter hours there are rather than a thousand, each with the searches of an hour that began off its
    // label.
    const instants = Prisma.sql`${quarterHoursSql(origin, last, 't')} UNION ALL SELECT ${last}`;
    const keys = Prisma.sql`SELECT DISTINCT ${hourKeySql(Prisma.sql`g.t`, calendar.zone)} AS label FROM (${instants}) AS g`;
    return Prisma.sql`SELECT bucket_start AS b FROM (${hourStartsSql(keys, calendar.zone)}) AS hours`;
  }
  return Prisma.sql`SELECT ${calendar.of(Prisma.sql`g.t`)} AS b FROM generate_series(${origin}, ${last}, ${Prisma.raw(step.sql)}) AS g(t) UNION SELECT ${calendar.of(last)}`;
}
