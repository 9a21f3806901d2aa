/** The report as text: aligned table, RFC 4180 CSV, or JSON (every decimal and id a string: exact, no floats). */
import { toCsv } from './csv.ts';
import { formatTable } from './format-table.ts';
import type { ReportData } from './report-data.ts';

const range = (data: ReportData): string => `${data.query.from ?? 'first sale'} … ${data.query.to ?? 'last sale'}`;

export function reportTable(data: ReportData): string {
  const rows = formatTable(
    ['region', 'sale date', 'id', 'revenue', 'running total'],
    data.rows.map((r) => [r.region, r.saleDate, r.id, r.revenue, r.runningTotal]),
  );
  const totals = formatTable(
    ['region', 'sales', 'balance'],
    data.series.map((s) => [s.region, String(s.sales), s.finalTotal]),
  );
  return `${rows}\n\nBalances at the end of ${range(data)} (sales before it included; frame ${data.query.frame}):\n${totals}\n`;
}

export function reportCsv(data: ReportData): string {
  return toCsv(
    ['region', 'sale_date', 'id', 'revenue', 'running_total'],
    data.rows.map((r) => [r.region, r.saleDate, r.id, r.revenue, r.runningTotal]),
  );
}

export function reportJson(data: ReportData): string {
  return `${JSON.stringify(
    {
      query: data.query,
      totals: data.series.map(({ region, sales, finalTotal }) => ({ region, sales, balance: finalTotal })),
      rows: data.rows,
    },
    null,
    2,
  )}\n`;
}
