import * as Prisma from '../prisma-runtime.ts';
import type { Bucket } from '../validation/bucket-options.ts';
import { atUtc } from './utc-sql.ts';

/**
 * The label of the local hour holding an instant (`timestamptz`) in zone `zone`: the local hour's start minus the
 * offset at the instant, an instant. The two 02:00 hours of a DST fall-back get two labels, and Asia/Kolkata's
 * hours :30 UTC ones. It is the hour's first instant unless the offset changed within the hour (see
 * `instantBucketSql`).
 * ```sql
 * ((date_trunc('hour', "createdAt" AT TIME ZONE $1) - (("createdAt" AT TIME ZONE $2) - ("createdAt" AT TIME ZONE INTERVAL '+00:00'))) AT TIME ZONE INTERVAL '+00:00')
 * ```
 */
export function hourLabelSql(instant: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  return atUtc(Prisma.sql`(date_trunc('hour', ${instant} AT TIME ZONE ${zone}) - ((${instant} AT TIME ZONE ${zone}) - ${atUtc(instant)}))`);
}

/**
 * A key of the local hour holding an instant that tells apart any two hours, even those `hourLabelSql` gives one
 * label: where a zone falls back by an hour at a quarter past (Pacific/Chatham, 03:45 +13:45 → 02:45 +12:45), the
 * hours 03 +13:45 and 02 +12:45 both label 13:15 UTC. The offset in seconds, shifted by 24 hours to be positive,
 * is added as microseconds: labels are whole seconds apart, so keys never meet, and `firstInstantOfHourKeySql`
 * reads label and offset back. For grouping and joining; it is not an instant of the hour.
 */
export function hourKeySql(instant: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${hourLabelSql(instant, zone)} + (extract(epoch FROM ${offsetSql(instant, zone)})::int8 + ${Prisma.raw(String(OFFSET_SHIFT))}) * interval '1 microsecond')`;
}

/**
 * 24 hours in seconds: a shifted offset is never negative. Offsets reach past 14 hours in local mean time before a
 * zone moved across the date line (Asia/Manila was -15:56:08 until 1844). Shifted, an offset stays below 172,800
 * microseconds: well within the second between two labels.
 */
const OFFSET_SHIFT = 86_400;

/**
 * The first instant of the hour whose key (`hourKeySql`) is `key`: its label, unless the offset changed within
 * the hour (then the change, to the second). What `instantBucketSql` gives any
 * instant of that hour; a grouped query groups by the key and turns each group's key into its first instant once.
 */
export function firstInstantOfHourKeySql(key: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  const { label, offset } = hourKeyParts(key);
  return firstInstantOfHourSql(label, offset, zone);
}

/**
 * Whether the hour whose key is `key` began at its label (its offset did not change within the hour), and that
 * label: an hour's first instant without `firstInstantOfHourKeySql`'s searches, for the hours where they find
 * nothing else. A query that reads many hours can take this path for all but the rare others, and the planner
 * then counts the searches' cost for those alone.
 */
function hourKeyStartSql(key: Prisma.Sql, zone: Prisma.Sql): { readonly atLabel: Prisma.Sql; readonly label: Prisma.Sql } {
  const { label, offset } = hourKeyParts(key);
  return { atLabel: Prisma.sql`(${offsetSql(label, zone)} = ${offset})`, label };
}

/**
 * Each hour key of `keys` (a query of one column `label`, keys from `hourKeySql`) with its first instant, as rows
 * `label, bucket_start`: the label where the hour began at it, the searches of `firstInstantOfHourKeySql` for the
 * rest. Written for the planner: the rest is selected by an equality it expects few rows to pass (`CAST(... AS
 * int) = 0`, as few do), so it counts the searches' cost for those alone, and OFFSET 0 keeps each first instant
 * computed once, not again wherever a query reads it. Counted naively, a few hundred keys cost over PostgreSQL's
 * `jit_above_cost`, and a server with JIT compiled the searches for a second or more on every call.
 */
export function hourStartsSql(keys: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  const { atLabel, label } = hourKeyStartSql(Prisma.sql`label`, zone);
  const searched = Prisma.sql`CAST(${atLabel} AS int) = 0`;
  const atLabels = Prisma.sql`SELECT label, ${label} AS bucket_start FROM (${keys}) AS hours WHERE NOT (${searched})`;
  const offLabels = Prisma.sql`SELECT label, ${firstInstantOfHourKeySql(Prisma.sql`label`, zone)} FROM (${keys}) AS hours WHERE ${searched}`;
  return Prisma.sql`${atLabels} UNION ALL ${offLabels} OFFSET 0`;
}

function hourKeyParts(key: Prisma.Sql): { label: Prisma.Sql; offset: Prisma.Sql } {
  // Whole seconds: every offset, local mean time's too, is whole seconds, so the label has no fraction.
  const label = Prisma.sql`date_trunc('second', ${key})`;
  const offset = Prisma.sql`((round(extract(epoch FROM (${key} - ${label})) * 1000000)::int8 - ${Prisma.raw(String(OFFSET_SHIFT))}) * interval '1 second')`;
  return { label, offset };
}

/** The zone's UTC offset at an instant, as an interval (`+05:30` for Asia/Kolkata). */
export function offsetSql(instant: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((${instant} AT TIME ZONE ${zone}) - ${atUtc(instant)})`;
}

/**
 * The label of the local calendar bucket (`day` … `year`, ISO weeks from Monday) holding an instant: its local
 * start, a `timestamp` without zone. Unambiguous whatever the clocks did: a repeated or a skipped local midnight
 * does not change which day an instant is in.
 * ```sql
 * date_trunc('day', "createdAt" AT TIME ZONE $1)
 * ```
 */
export function localLabelSql(unit: Exclude<Bucket, 'hour'>, instant: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`date_trunc(${Prisma.raw(`'${unit}'`)}, ${instant} AT TIME ZONE ${zone})`;
}

/**
 * The first instant of the calendar bucket (`hour` … `year`) holding an instant (`timestamptz`) in the IANA zone
 * `zone` (a bound text value): when its local day, week, month... or hour began. A DST day has 23 or 25 hours and
 * a month its own length. Read from the bucket's label (`localLabelSql`, `hourLabelSql`), which is the answer
 * except next to a clock change:
 * - days and longer: the label read back in the zone, unless the instant just before it has the same label (a
 *   local midnight that happened twice, as in Atlantic/Azores, reads as its later instant; a midnight inside a
 *   skipped stretch, as the end of it) or the label's start also happened a fall-back earlier (America/St_Johns
 *   fell back from 00:01 to 23:01 until 2010: the day began, the day before came back for an hour, and the day
 *   began again);
 * - hours: the label, unless the offset at the label differs from the instant's (the offset changed within the
 *   local hour, as Australia/Lord_Howe's does by 30 minutes: the hour began at the change).
 * Then it is the earliest UTC quarter hour with the same label (every clock change of a modern zone falls on one),
 * unless the bucket began off the quarter hour (local mean time's changes and midnights fall on any second): an
 * hour then begins at the earliest second with its label and offset, a day or longer at its label read at that
 * quarter hour's offset.
 * ```sql
 * CASE WHEN ((date_trunc('day', "createdAt", $1) - interval '27 hours') AT TIME ZONE $2) = (date_trunc('day', "createdAt" AT TIME ZONE $3) - interval '27 hours')
 *      THEN date_trunc('day', "createdAt", $4)
 *      WHEN <the instant before is an earlier day, and the label read at the offset 27 hours earlier is not this day> THEN ...
 *      ELSE LEAST(..., (SELECT CASE WHEN <the label read at the first quarter hour's offset begins the bucket> THEN <that instant> ELSE m.q END
 *                       FROM (SELECT min(q) AS q FROM (... generate_series(0, 108) ...) AS quarters WHERE ...) AS m)) END
 * ```
 */
export function instantBucketSql(unit: Bucket, instant: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  if (unit === 'hour') return firstInstantOfHourSql(hourLabelSql(instant, zone), offsetSql(instant, zone), zone);
  // `date_trunc(unit, ts, zone)`: the local start read back in the zone, in one call (cheaper than two AT TIME ZONE).
  return firstInstantOfDaysSql(unit, Prisma.sql`date_trunc(${Prisma.raw(`'${unit}'`)}, ${instant}, ${zone})`, localLabelSql(unit, instant, zone), zone);
}

/**
 * The first instant of the bucket (`day` … `year`) whose label (`localLabelSql`) is `label`: what `instantBucketSql`
 * gives any instant of that bucket. A grouped query groups rows by the label, which costs one zone conversion per
 * row, and turns each group's label into its first instant once.
 */
export function firstInstantOfLabelSql(unit: Exclude<Bucket, 'hour'>, label: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  return firstInstantOfDaysSql(unit, Prisma.sql`(${label} AT TIME ZONE ${zone})`, label, zone);
}

// The hour labelled `label` at the offset `offset`: from its label, or, when the offset changed within the hour,
// from the change, to the second. Offsets and changes are whole seconds, local mean time's too (Asia/Kolkata went
// from +05:53:20 to +05:21:10 at 18:06:40 UTC), and a change need not fall on a quarter hour: the first quarter
// hour with label and offset is the change when the second before it is another hour (every modern zone's), else
// the hour's seconds find it. Only hours with a change inside take this branch. Each subquery is correlated one
// level deep, its series in a derived table: Citus runs nothing else on its shards.
function firstInstantOfHourSql(label: Prisma.Sql, offset: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  const sameHour = (at: Prisma.Sql) => Prisma.sql`${hourLabelSql(at, zone)} = ${label} AND ${offsetSql(at, zone)} = ${offset}`;
  const quarter = Prisma.sql`(SELECT min(q) FROM ${quartersSql(label, 1, 4)} WHERE ${sameHour(Prisma.sql`q`)})`;
  const bySeconds = Prisma.sql`(SELECT min(s) FROM (SELECT ${label} + n * interval '1 second' AS s FROM generate_series(1, 3600) AS n) AS probes WHERE ${sameHour(Prisma.sql`s`)})`;
  const change = Prisma.sql`(CASE WHEN ${quarter} IS NOT NULL AND NOT (${sameHour(Prisma.sql`(${quarter} - interval '1 second')`)}) THEN ${quarter} ELSE ${bySeconds} END)`;
  return Prisma.sql`(CASE WHEN ${offsetSql(label, zone)} = ${offset} THEN ${label} ELSE ${change} END)`;
}

// `start`: the label read back in the zone (PostgreSQL's reading of a local time that happened twice or never: the
// later one, or at the offset before the change). When the offset 27 hours earlier is the one the label was read
// at, the clocks did not change in the day before (no zone's clocks changed twice within 27 hours to return to the
// same offset), and `start` is the first instant: one zone lookup beside `start` itself, the common case.
// Otherwise it still is when the instant before it is an earlier bucket and the label's start did not also happen
// earlier: a fall-back across a midnight splits the day in two (America/St_Johns went from 00:01 back to 23:01
// until 2010), and PostgreSQL reads the second midnight. The earlier one is the label read at the offset
// of 27 hours before (no fall-back was longer: America/Sitka's of 1867, a whole day, is the longest). Only then, and
// next to a midnight that happened twice or never, are the bucket's quarter hours searched.
function firstInstantOfDaysSql(unit: Exclude<Bucket, 'hour'>, start: Prisma.Sql, label: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  const earlierQuarters = quartersSql(utcHourSql(Prisma.sql`${start} - interval '27 hours'`), 0, 108);
  const sameBucket = (at: Prisma.Sql) => Prisma.sql`${localLabelSql(unit, at, zone)} = ${label}`;
  const earlierOffset = offsetSql(Prisma.sql`(${start} - interval '27 hours')`, zone);
  const earlierStart = Prisma.sql`(${atUtc(label)} - ${earlierOffset})`;
  // The offset 27 hours before `start` is the one the label was read at: that instant's local time is the label
  // minus 27 hours (one zone lookup; PostgreSQL evaluates every repetition of `start` again).
  const unchanged = Prisma.sql`((${start} - interval '27 hours') AT TIME ZONE ${zone}) = (${label} - interval '27 hours')`;
  const firstHere = Prisma.sql`date_trunc(${Prisma.raw(`'${unit}'`)}, ${start} - interval '1 microsecond', ${zone}) < ${start} AND NOT (${earlierStart} < ${start} AND ${sameBucket(earlierStart)})`;
  // The bucket's first quarter hour `m.q`, and its local start read at that quarter hour's offset: the first instant
  // when the start is off the quarter hour (local mean time's midnights: Pacific/Apia lived 1892-07-04 twice, from
  // 11:26:56 UTC). One subquery, evaluated once: the quarter hour is read four times.
  const atOffset = Prisma.sql`(${atUtc(label)} - ${offsetSql(Prisma.sql`m.q`, zone)})`;
  const first = Prisma.sql`(SELECT CASE WHEN ${sameBucket(atOffset)} AND NOT (${sameBucket(Prisma.sql`(${atOffset} - interval '1 second')`)}) THEN ${atOffset} ELSE m.q END FROM (SELECT min(q) AS q FROM ${earlierQuarters} WHERE ${sameBucket(Prisma.sql`q`)}) AS m)`;
  return Prisma.sql`(CASE WHEN ${unchanged} THEN ${start} WHEN ${firstHere} THEN ${start} ELSE LEAST(${start}, ${first}) END)`;
}

// The quarter hours `from` + n × 15 minutes for n in [first, last], as rows `q`. Counted over integers: a
// distributed query (Citus) runs a row's subquery on the shards only if its set-returning function is immutable,
// and generate_series over timestamptz is not.
function quartersSql(from: Prisma.Sql, first: number, last: number): Prisma.Sql {
  return Prisma.sql`(SELECT ${from} + n * interval '15 minutes' AS q FROM generate_series(${Prisma.raw(String(first))}, ${Prisma.raw(String(last))}) AS n) AS quarters`;
}

/**
 * The whole hours `from` + n hours up to `through`, as rows of one column `column`: counted over integers from a
 * bound the planner can evaluate, so it expects as many rows as there are (over timestamps it assumes 1,000).
 */
export function hourlySamplesSql(from: Prisma.Sql, through: Prisma.Sql, column: string): Prisma.Sql {
  return Prisma.sql`SELECT ${from} + n * interval '1 hour' AS ${Prisma.raw(column)} FROM generate_series(0, floor(extract(epoch FROM (${through} - ${from})) / 3600)::int8) AS n`;
}

/**
 * The distinct keys (`hourKeySql`) of the local hours of the instants in `[from, through]`, as rows of one column
 * `label`: the keys of the whole UTC hours from `from` (a whole UTC hour) and of `through`, and of every second of
 * a UTC hour whose ends have different offsets. An hour of one offset throughout holds exactly one whole UTC hour,
 * whatever its offset's minutes; an hour cut short by a change lies in a UTC hour whose ends differ, at any
 * second (America/New_York at 17:00:00 UTC in 1883 made 12:00 -04:56:02 an hour of 3 min 58 s), as long as no two
 * changes fall within one hour (in the tz database the closest two changes of offset are four days apart). The
 * changing hours are few and selected by an equality the planner expects few rows to pass (it expects nearly all
 * to pass a `<>`): it plans for the seconds sampled in these few (see `hourStartsSql`).
 */
export function sampledHourKeysSql(from: Prisma.Sql, through: Prisma.Sql, zone: Prisma.Sql): Prisma.Sql {
  const hours = Prisma.sql`(${hourlySamplesSql(from, through, 'g')}) AS hours`;
  const changing = Prisma.sql`SELECT g FROM ${hours} WHERE CAST((${offsetSql(Prisma.sql`g`, zone)} <> ${offsetSql(Prisma.sql`(g + interval '1 hour')`, zone)}) AS int) = 1`;
  const seconds = Prisma.sql`SELECT changes.g + n * interval '1 second' FROM (${changing}) AS changes, generate_series(1, 3599) AS n`;
  const samples = Prisma.sql`SELECT g AS s FROM ${hours} UNION ALL ${seconds} UNION ALL SELECT ${through}`;
  return Prisma.sql`SELECT DISTINCT ${hourKeySql(Prisma.sql`s`, zone)} AS label FROM (${samples}) AS samples WHERE s <= ${through}`;
}

/** The UTC hour an instant is in, as an instant: whole UTC hours, whatever the session's zone. */
export function utcHourSql(instant: Prisma.Sql): Prisma.Sql {
  return atUtc(Prisma.sql`date_trunc('hour', ${atUtc(Prisma.sql`(${instant})`)})`);
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
