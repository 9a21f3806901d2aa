/**
 * The report's data, in plain strings (exact decimals, bigint ids) so every output format shows the same digits:
 * the rows, the end-of-day running total per region (the chart's points and the HTML table), and final totals.
 */
import { Prisma, type SalesRecord } from '../../prisma/generated/prisma/client.ts';
import type { WithRunningTotal } from '../../src/index.ts';

export interface ReportRow {
  readonly id: string;
  readonly region: string;
  /** YYYY-MM-DD */
  readonly saleDate: string;
  readonly revenue: string;
  readonly runningTotal: string;
}

export interface DayPoint {
  readonly day: string;
  /** Sales that day and their sum. */
  readonly sales: number;
  readonly revenue: string;
  /** Running total after the day's last sale. */
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
  };
  readonly rows: readonly ReportRow[];
  readonly series: readonly RegionSeries[];
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
// SalesRecord.revenue is numeric(14, 2): two decimals show every value exactly (adapter-pg drops trailing zeros).
const money = (value: Prisma.Decimal): string => value.toFixed(2);

interface SeriesBuilder {
  readonly region: string;
  sales: number;
  readonly points: DayPoint[];
  dayRevenue: Prisma.Decimal;
}

/** `rows` must come in the repository's order (region, saleDate, id). */
export function buildReportData(rows: readonly WithRunningTotal<SalesRecord>[], query: ReportData['query']): ReportData {
  const builders: SeriesBuilder[] = [];
  for (const row of rows) {
    let series = builders.at(-1);
    if (series?.region !== row.region) {
      series = { region: row.region, sales: 0, points: [], dayRevenue: new Prisma.Decimal(0) };
      builders.push(series);
    }
    series.sales += 1;
    const saleDay = day(row.saleDate);
    const last = series.points.at(-1);
    const sameDay = last?.day === saleDay;
    series.dayRevenue = sameDay ? series.dayRevenue.plus(row.revenue) : row.revenue;
    const point = { day: saleDay, sales: (sameDay ? last.sales : 0) + 1, revenue: money(series.dayRevenue), total: money(row.runningTotal) };
    if (sameDay) series.points[series.points.length - 1] = point;
    else series.points.push(point);
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
    series: builders.map(({ region, sales, points }) => ({ region, sales, finalTotal: points.at(-1)?.total ?? '0.00', points })),
  };
}
