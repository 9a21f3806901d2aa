/**
 * The report's data, in plain strings (exact decimals, bigint ids) so every output format shows the same digits:
 * the rows, the balance per region at the end of each bucket (the chart's points and the HTML table, one per
 * bucket of the range as the database computed them), and final balances.
 */
import type { Prisma, SalesRecord } from '../../prisma/generated/prisma/client.ts';
import type { PartitionBucketTotal, WithRunningTotal } from '../../src/index.ts';

export interface ReportRow {
  readonly id: string;
  readonly region: string;
  /** YYYY-MM-DD */
  readonly saleDate: string;
  readonly revenue: string;
  readonly runningTotal: string;
}

export interface DayPoint {
  /** The bucket's first day (YYYY-MM-DD). */
  readonly day: string;
  /** Sales in the bucket and their sum (0 for an empty bucket). */
  readonly sales: number;
  readonly revenue: string;
  /** The region's balance at the bucket's end, sales before the range included. */
  readonly total: string;
}

export interface RegionSeries {
  readonly region: string;
  readonly sales: number;
  readonly finalTotal: string;
  readonly points: readonly DayPoint[];
}

export interface ReportData {
  readonly query: {
    readonly regions: readonly string[] | null;
    /** Inclusive days as given (null = open). */
    readonly from: string | null;
    readonly to: string | null;
    readonly frame: 'rows' | 'range';
    readonly bucket: string;
    readonly timeZone: string;
    /** What a line of the table, CSV and JSON is: a sale (`rows`), or a region's bucket (`series` points). */
    readonly linePer: 'sale' | 'bucket';
  };
  readonly rows: readonly ReportRow[];
  readonly series: readonly RegionSeries[];
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
// SalesRecord.revenue is numeric(14, 2): two decimals show every value exactly (adapter-pg drops trailing zeros).
const money = (value: Prisma.Decimal): string => value.toFixed(2);

/**
 * `rows` in the repository's order (region, saleDate, id); `buckets` from `bucketTotals` (region, bucket start):
 * the series are the buckets as the database computed them, never re-bucketed here.
 */
export function buildReportData(
  rows: readonly WithRunningTotal<SalesRecord>[],
  buckets: readonly PartitionBucketTotal<string>[],
  query: ReportData['query'],
): ReportData {
  const series = new Map<string, { region: string; sales: number; points: DayPoint[] }>();
  for (const bucket of buckets) {
    const entry = series.get(bucket.key) ?? { region: bucket.key, sales: 0, points: [] };
    series.set(bucket.key, entry);
    entry.sales += Number(bucket.count);
    entry.points.push({ day: day(bucket.bucketStart), sales: Number(bucket.count), revenue: money(bucket.sum), total: money(bucket.runningTotal) });
  }
  return {
    query,
    rows: rows.map((row) => ({
      id: row.id.toString(),
      region: row.region,
      saleDate: day(row.saleDate),
      revenue: money(row.revenue),
      runningTotal: money(row.runningTotal),
    })),
    series: [...series.values()].map(({ region, sales, points }) => ({ region, sales, finalTotal: points.at(-1)?.total ?? '0.00', points })),
  };
}
