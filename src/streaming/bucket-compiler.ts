import * as Prisma from '../prisma-runtime.ts';
import type { Bucket, BucketSettings, ComparePeriod } from '../validation/bucket-options.ts';
import { requireColumnValue } from '../validation/column-value.ts';
import { aliasRef, columnInfo, columnRef, scalarTypeOf, tableRef, type FieldOf, type ModelName } from '../window/catalog.ts';
import { bucketLabelSql, zonedBucketSeriesSql } from '../window/zoned-bucket-series.ts';
import { fieldSqlType, readAsDate } from '../window/expression.ts';
import { exactTextArray, isInstantField } from '../window/instant-output.ts';
import { inFirstKeyField } from '../window/filters.ts';
import { keyListColumns } from '../window/column-collation.ts';
import { checkedColumnArray, storedText, storedValue, textValue, typedColumnValue } from '../window/parameters.ts';
import type { RunningTotalPlan } from './running-total-plan.ts';
import { atUtc } from '../window/utc-sql.ts';

/** A running-total plan asked for calendar buckets of `[from, to)`: the same value, plus how to bucket it. */
export interface BucketPlan<M extends ModelName> extends RunningTotalPlan<M> {
  readonly from: Date;
  readonly to: Date;
  readonly buckets: BucketSettings;
}

const STEP: Record<Bucket | ComparePeriod, string> = {
  hour: "interval '1 hour'",
  day: "interval '1 day'",
  week: "interval '7 days'",
  month: "interval '1 month'",
  quarter: "interval '3 months'",
  year: "interval '1 year'",
};

/**
 * Compiles a bucketed running total. Every bucket of the caller's calendar (in `timeZone`) that overlaps
 * `[from, to)` is returned whole, per partition: row count, sum, min, max, avg of the amount, the running total at
 * the bucket's end (when `carry`, every row of the buckets before the first, plus every bucket so far), and the change
 * from the previous bucket and, with `compareWith`, from the same bucket one period earlier.
 *
 * Buckets are computed in SQL, so DST days have 23 or 25 hours and months their own length:
 * - day and longer: local calendar starts (`date_trunc(unit, ts AT TIME ZONE zone)`), generated as local
 *   timestamps (calendar arithmetic, no session zone involved) and turned into instants with `AT TIME ZONE zone`;
 * - hours: the instant of the local hour's start, `local hour - offset at the row`, so the two 02:00 hours of a
 *   DST fall-back are two buckets, and Asia/Kolkata's hours start at :30 UTC.
 * A `date` order column is bucketed as calendar days (zone `UTC`, no shift). `fill: 'zero'` returns every bucket
 * (`generate_series`), empty ones with count 0 and the carried total; `fill: 'none'` only buckets with rows.
 *
 * ```sql
 * WITH series AS (...), keys AS (...), sums AS (SELECT k0, bucket, count(*), SUM("amount"), ... GROUP BY 1, 2),
 *      opening AS (SELECT k0, SUM(total) FROM (<rows well before the first bucket> UNION ALL <sums of earlier labels>) ...)
 * SELECT k0 AS "accountId", bucket_start, ..., opening + SUM(sum) OVER (PARTITION BY k0 ORDER BY bucket_start) ...
 * ```
 */
export function compileBuckets<M extends ModelName>(plan: BucketPlan<M>): Prisma.Sql {
  const { model, buckets } = plan;
  const table = tableRef(model);
  const zone = textValue(buckets.timeZone);
  const step = Prisma.raw(STEP[buckets.bucket]);
  const unit = Prisma.raw(`'${buckets.bucket}'`);
  const period = Prisma.raw(STEP[buckets.compareWith ?? buckets.bucket]);
  const hourly = buckets.bucket === 'hour';

  const instant = instantSql(model, plan.orderBy);
  const from = Prisma.sql`(${typedColumnValue('options.from', model, plan.orderBy, plan.from)})`;
  const to = Prisma.sql`(${typedColumnValue('options.to', model, plan.orderBy, plan.to)})`;
  const fromInstant = instantOf(model, plan.orderBy, from);
  const toInstant = instantOf(model, plan.orderBy, to);
  const amount = columnRef(model, plan.amount);

  // Rows are grouped by their bucket's label (`bucketLabelSql`); the buckets overlapping the range, each with its
  // first instant, its end and the label before it, come from `zonedBucketSeriesSql`.
  const labelOf = (ts: Prisma.Sql) => bucketLabelSql(buckets.bucket, ts, zone);
  const series = zonedBucketSeriesSql(buckets.bucket, fromInstant, toInstant, zone);
  // The bucket one comparison period earlier. Days and longer: the local calendar start one period before (a day
  // whose midnight was skipped is still that day). Hours: the same local time one period earlier, if it existed
  // (a DST gap skipped it), and its hour.
  const comparedLocal = Prisma.sql`((o.bucket_start AT TIME ZONE ${zone}) - ${period})`;
  const comparedBucket = hourly
    ? Prisma.sql`${labelOf(Prisma.sql`(${comparedLocal} AT TIME ZONE ${zone})`)} AND ((${comparedLocal} AT TIME ZONE ${zone}) AT TIME ZONE ${zone}) = ${comparedLocal}`
    : Prisma.sql`date_trunc(${unit}, o.label - ${period})`;
  // Rows read for sums: from well before the earliest bucket a comparison or the previous bucket looks at, to the
  // end of the last bucket; the labels decide which bucket a row is in.
  const readFrom = Prisma.sql`((SELECT min(bucket_start) FROM series) - 2 * ${step} - ${period} - interval '2 days')`;

  const fields = plan.partitionBy;
  const keyNames = fields.map((_, i) => aliasRef(`k${i}`));
  const keyColumns = fields.map((field) => columnRef(model, field));
  const keys = keysSql(plan, table, instant, Prisma.sql`(SELECT max(bucket_end) FROM series)`);
  const joinKeys = (left: string, right: string) =>
    fields.length === 0 ? Prisma.sql`TRUE` : Prisma.join(keyNames.map((k) => Prisma.sql`${Prisma.raw(left)}.${k} = ${Prisma.raw(right)}.${k}`), ' AND ');
  const onKeys = fields.length === 0 ? Prisma.sql`TRUE` : Prisma.join(keyColumns.map((c, i) => Prisma.sql`${table}.${c} = keys.${keyNames[i]!}`), ' AND ');
  const groupKeys = keyNames.map((k) => Prisma.sql`keys.${k}`);
  // Joined with the keys, the rows are the given partitions' already; the first field's list beside the join is
  // what lets Citus read only their shards.
  const pruned = plan.partitions ? Prisma.sql` AND ${inFirstKeyField(model, plan.partitions.fields, plan.partitions.keys).sql}` : Prisma.empty;
  // Grouped by position: the bucket expression binds the zone as a parameter, and PostgreSQL does not see two
  // expressions with different parameter numbers as the same.
  const sums = Prisma.sql`SELECT ${Prisma.join([...groupKeys.map((k, i) => Prisma.sql`${k} AS ${keyNames[i]!}`), Prisma.sql`${labelOf(instant)} AS label`, Prisma.sql`count(*) AS n`, Prisma.sql`SUM(${amount}) AS total`, Prisma.sql`MIN(${amount}) AS lo`, Prisma.sql`MAX(${amount}) AS hi`, Prisma.sql`AVG(${amount}) AS mean`], ', ')}
      FROM ${table} JOIN keys ON ${onKeys}
      WHERE ${instant} >= ${readFrom} AND ${instant} < (SELECT max(bucket_end) FROM series)${pruned}
      GROUP BY ${Prisma.raw(groupKeys.map((_, i) => String(i + 1)).concat(String(groupKeys.length + 1)).join(', '))}`;
  // The balance carried in: every row of an earlier bucket. Hours are intervals in time order, so that is every row
  // before the first bucket's start. A day's label can come back after the next day began (see the series), so
  // for days and longer it is every row before `readFrom` (all of earlier buckets) and the sums of the labels read
  // since that come before the first bucket's.
  const keyed = (total: Prisma.Sql) => Prisma.join([...groupKeys.map((k, i) => Prisma.sql`${k} AS ${keyNames[i]!}`), Prisma.sql`${total} AS total`], ', ');
  const perKey = fields.length === 0 ? Prisma.empty : Prisma.sql` GROUP BY ${Prisma.join(groupKeys, ', ')}`;
  const rowsBefore = (end: Prisma.Sql) => Prisma.sql`SELECT ${keyed(Prisma.sql`COALESCE(SUM(${amount}), 0)`)} FROM ${table} JOIN keys ON ${onKeys} WHERE ${instant} < ${end}${pruned}${perKey}`;
  const openingParts = Prisma.sql`${rowsBefore(readFrom)}
        UNION ALL SELECT ${Prisma.join([...keyNames, Prisma.sql`total`], ', ')} FROM sums WHERE label < (SELECT min(label) FROM series)`;
  const opening = !buckets.carry
    ? Prisma.sql`SELECT ${keyed(Prisma.sql`0::numeric`)} FROM keys`
    : hourly
      ? rowsBefore(Prisma.sql`(SELECT min(bucket_start) FROM series)`)
      : Prisma.sql`SELECT ${Prisma.join([...keyNames, Prisma.sql`SUM(total) AS total`], ', ')} FROM (${openingParts}) AS parts${fields.length === 0 ? Prisma.empty : Prisma.sql` GROUP BY ${Prisma.join(keyNames, ', ')}`}`;

  const sum = Prisma.sql`COALESCE(s.total, 0)`;
  const previous = Prisma.sql`COALESCE(p.total, 0)`;
  const compared = Prisma.sql`COALESCE(c.total, 0)`;
  const ratio = (base: Prisma.Sql) => Prisma.sql`CASE WHEN ${base} = 0 THEN NULL ELSE (${sum} - ${base}) / ${base} END`;
  const partitionOrder = fields.length === 0 ? Prisma.empty : Prisma.sql`PARTITION BY ${Prisma.join(keyNames.map((k) => Prisma.sql`k.${k}`), ', ')} `;
  const outputs = [
    ...fields.map((field, i) => Prisma.sql`${keyOutput(model, field, Prisma.sql`k.${keyNames[i]!}`)} AS ${aliasRef(field)}`),
    Prisma.sql`${atUtc(Prisma.sql`o.bucket_start`)} AS "bucketStart"`,
    Prisma.sql`${atUtc(Prisma.sql`o.bucket_end`)} AS "bucketEnd"`,
    Prisma.sql`COALESCE(s.n, 0) AS "count"`,
    Prisma.sql`${sum} AS "sum"`,
    Prisma.sql`s.lo AS "min"`,
    Prisma.sql`s.hi AS "max"`,
    Prisma.sql`s.mean AS "avg"`,
    Prisma.sql`(COALESCE(ob.total, 0) + SUM(${sum}) OVER (${partitionOrder}ORDER BY o.bucket_start ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS "runningTotal"`,
    Prisma.sql`${previous} AS "previousSum"`,
    Prisma.sql`(${sum} - ${previous}) AS "change"`,
    Prisma.sql`${ratio(previous)} AS "changeRatio"`,
    ...(buckets.compareWith
      ? [Prisma.sql`${compared} AS "comparedSum"`, Prisma.sql`(${sum} - ${compared}) AS "comparedChange"`, Prisma.sql`${ratio(compared)} AS "comparedRatio"`]
      : []),
  ];
  const comparison = buckets.compareWith
    ? Prisma.sql` LEFT JOIN sums c ON ${joinKeys('c', 'k')} AND c.label = ${comparedBucket}`
    : Prisma.empty;
  const filled = buckets.fill === 'none' ? Prisma.sql` WHERE s.n IS NOT NULL` : Prisma.empty;
  const order = Prisma.join([...keyNames.map((k) => Prisma.sql`k.${k}`), Prisma.sql`o.bucket_start`], ', ');

  return Prisma.sql`WITH series AS (${series}), keys AS (${keys}), sums AS (${sums}), opening AS (${opening})
    SELECT ${Prisma.join(outputs, ', ')}
    FROM series o CROSS JOIN keys k
    LEFT JOIN opening ob ON ${joinKeys('ob', 'k')}
    LEFT JOIN sums s ON ${joinKeys('s', 'k')} AND s.label = o.label
    LEFT JOIN sums p ON ${joinKeys('p', 'k')} AND p.label = o.previous_label${comparison}${filled}
    ORDER BY ${order}`;
}

// The partitions reported: the caller's list, or every partition with a row before `end` (the end of the last
// bucket, or of the balance's range); none for one global total.
export function keysSql<M extends ModelName>(plan: RunningTotalPlan<M>, table: Prisma.Sql, instant: Prisma.Sql, toInstant: Prisma.Sql | undefined): Prisma.Sql {
  const fields = plan.partitionBy;
  // One row for the global total. With a column: Citus reads a CTE back as an intermediate result and cannot
  // describe a row of no columns ("a column definition list is required").
  if (fields.length === 0) return Prisma.sql`SELECT TRUE AS "everything"`;
  const names = fields.map((_, i) => aliasRef(`k${i}`));
  if (plan.partitions) {
    const arrays = fields.map((field, i) =>
      checkedColumnArray(
        plan.model,
        field,
        plan.partitions!.keys.map((key, k) => requireColumnValue(`options.partitions[${k}]`, plan.model, field, key[i])),
      ),
    );
    // Text keys in their columns' collations: two spellings of one key under a case-insensitive one are one partition.
    const given = aliasRef('given');
    return Prisma.sql`SELECT DISTINCT ${keyListColumns(plan.model, fields, given, names)} FROM unnest(${Prisma.join(arrays, ', ')}) AS ${given}(${Prisma.join(names, ', ')})`;
  }
  const columns = fields.map((field, i) => Prisma.sql`${columnRef(plan.model, field)} AS ${names[i]!}`);
  const before = toInstant ? Prisma.sql` WHERE ${instant} < ${toInstant}` : Prisma.empty;
  return Prisma.sql`SELECT DISTINCT ${Prisma.join(columns, ', ')} FROM ${table}${before}`;
}

// The order column as an instant: a timestamptz as it is; a timestamp or a date read as UTC (no session zone).
export function instantSql(model: string, field: string): Prisma.Sql {
  return instantOf(model, field, columnRef(model, field));
}

export function instantOf(model: string, field: string, value: Prisma.Sql): Prisma.Sql {
  if (isInstantField(model, field)) return value;
  const native = columnInfo(model, field).nativeType?.[0];
  return atUtc(native === 'Date' ? Prisma.sql`${value}::timestamp` : value);
}

// A partition value as read into a row: instants as their UTC wall time and dates as their midnight, as every
// other output (see `readAs`). Other types as they are: a `timetz` key read at +00 would merge keys that differ
// only in their offset (06:30+05:30 and 01:00+00 are two partitions), and bucket pages resume after these values.
export function keyOutput(model: string, field: FieldOf<ModelName> | string, value: Prisma.Sql): Prisma.Sql {
  return readAsDate(fieldSqlType(model, field), value);
}

/** The hidden output holding a bucket row's position (partition values and bucket start, as stored text). */
export const BUCKET_POSITION = '__bucket_position';

/**
 * One page of a bucket plan's rows, after a position: the bucketed query (`compileBuckets(plan)`) as a subquery, resumed after the last
 * row's partition values and bucket start (the server's own text, cast back), `limit + 1` rows to see whether
 * more follow. Every page computes the buckets again; the values on a page are those of the whole result.
 */
export function compileBucketPage<M extends ModelName>(
  plan: BucketPlan<M>,
  buckets: Prisma.Sql,
  after: readonly string[] | undefined,
  limit: number,
): Prisma.Sql {
  const { model } = plan;
  // Each position value is cast back to its column's type (an enum's quoted name included); instants are read as
  // their UTC wall time (`keyOutput`), so they resume as a `timestamp`.
  const asTimestamp = (text: string) => storedText(text, 'timestamp');
  const columns = [
    ...plan.partitionBy.map((field) =>
      isInstantField(model, field)
        ? { ref: Prisma.sql`b.${aliasRef(field)}`, type: 'timestamp', cast: asTimestamp }
        : { ref: Prisma.sql`b.${aliasRef(field)}`, type: scalarTypeOf(model, field), cast: (text: string) => storedValue(model, field, text) },
    ),
    { ref: Prisma.sql`b."bucketStart"`, type: 'timestamp', cast: asTimestamp },
  ];
  const position = Prisma.sql`${exactTextArray(columns.map((c) => ({ sql: c.ref, type: c.type })))} AS ${aliasRef(BUCKET_POSITION)}`;
  const resume = after
    ? Prisma.sql` WHERE (${Prisma.join(columns.map((c) => c.ref), ', ')}) > (${Prisma.join(columns.map((c, i) => c.cast(after[i]!)), ', ')})`
    : Prisma.empty;
  return Prisma.sql`SELECT b.*, ${position} FROM (${buckets}) AS b${resume} ORDER BY ${Prisma.join(columns.map((c) => c.ref), ', ')} LIMIT ${Prisma.raw(String(limit + 1))}`;
}
