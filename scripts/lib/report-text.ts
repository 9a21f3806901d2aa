/**
 * The report as text: aligned table, RFC 4180 CSV, or JSON (every decimal and id a string: exact, no floats). A
 * line is a sale, or with --bucket a region's bucket: its first day, sales, revenue and the balance at its end.
 */
import { toCsv } from './csv.ts';
import { formatTable } from './format-table.ts';
import type { ReportData } from './report-data.ts';

const range = (data: ReportData): string => `${data.query.from ?? 'first sale'} … ${data.query.to ?? 'last sale'}`;

const SALE_COLUMNS = ['region', 'sale_date', 'id', 'revenue', 'running_total'];
const BUCKET_COLUMNS = ['region', 'bucket_start', 'sales', 'revenue', 'balance'];

/** The lines of the report, as strings in the order of their columns. */
function lines(data: ReportData): { columns: string[]; values: string[][] } {
  if (data.query.linePer === 'sale') {
    return { columns: SALE_COLUMNS, values: data.rows.map((r) => [r.region, r.saleDate, r.id, r.revenue, r.runningTotal]) };
  }
  const values = data.series.flatMap((s) => s.points.map((p) => [s.region, p.day, String(p.sales), p.revenue, p.total]));
  return { columns: BUCKET_COLUMNS, values };
}

export function reportTable(data: ReportData): string {
  const { columns, values } = lines(data);
  const heading = data.query.linePer === 'sale' ? '' : `Per ${data.query.bucket} (${data.query.timeZone}); balances at each bucket's end:\n`;
  const rows = heading + formatTable(columns.map((column) => column.replace('_', ' ')), values);
  const totals = formatTable(
    ['region', 'sales', 'balance'],
    data.series.map((s) => [s.region, String(s.sales), s.finalTotal]),
  );
  return `${rows}\n\nBalances at the end of ${range(data)} (sales before it included; frame ${data.query.frame}):\n${totals}\n`;
}

export function reportCsv(data: ReportData): string {
  const { columns, values } = lines(data);
  return toCsv(columns, values);
}

export function reportJson(data: ReportData): string {
  return `${JSON.stringify(
    {
      query: data.query,
      totals: data.series.map(({ region, sales, finalTotal }) => ({ region, sales, balance: finalTotal })),
      ...(data.query.linePer === 'sale'
        ? { rows: data.rows }
        : {
            buckets: data.series.flatMap(({ region, points }) =>
              points.map((p) => ({ region, bucketStart: p.day, sales: p.sales, revenue: p.revenue, balance: p.total })),
            ),
          }),
    },
    null,
    2,
  )}\n`;
}
