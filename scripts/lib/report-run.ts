/** The work of `npm run report` once its arguments are valid (loaded lazily: --help and bad arguments stay fast). */
import { writeFile } from 'node:fs/promises';

import { SalesRecordRepository } from '../../prisma/app/index.ts';
import { stderrLine } from './cli/run.ts';
import type { ReportArgs, ReportFormat } from './report-args.ts';
import { buildReportData, type ReportData } from './report-data.ts';
import { reportHtml } from './report-html.ts';
import { reportCsv, reportJson, reportTable } from './report-text.ts';
import { openScriptDatabase } from './script-database.ts';

const RENDER: Record<ReportFormat, (data: ReportData) => string> = {
  table: reportTable,
  csv: reportCsv,
  json: reportJson,
  html: (data) => reportHtml(data),
};

const inclusiveDay = (exclusive: Date | undefined): string | null =>
  exclusive === undefined ? null : new Date(exclusive.getTime() - 86_400_000).toISOString().slice(0, 10);

export async function report(args: ReportArgs): Promise<number> {
  const db = await openScriptDatabase({ log: args.verbose ? (line) => stderrLine(`[db] ${line}`) : undefined });
  try {
    const sales = new SalesRecordRepository(db.prisma);
    const rows = await sales.runningTotals({
      ...(args.regions && { partitions: args.regions }),
      ...(args.from && { from: args.from }),
      ...(args.to && { to: args.to }),
      frame: args.frame,
    });
    // The buckets of the range (of the sales found when --from / --to are open), computed by the database.
    const days = rows.map((row) => row.saleDate.getTime());
    const first = args.from ?? (days.length > 0 ? new Date(Math.min(...days)) : undefined);
    const last = args.to ?? (days.length > 0 ? new Date(Math.max(...days) + 86_400_000) : undefined);
    const buckets =
      first && last
        ? await sales.bucketTotals({
            ...(args.regions && { partitions: args.regions }),
            bucket: args.bucket,
            timeZone: args.timeZone,
            from: first,
            to: last,
          })
        : [];
    const data = buildReportData(rows, buckets, {
      regions: args.regions ?? null,
      from: args.from?.toISOString().slice(0, 10) ?? null,
      to: inclusiveDay(args.to),
      frame: args.frame,
      bucket: args.bucket,
      timeZone: args.timeZone,
      linePer: args.linePer,
    });
    const missing = (args.regions ?? []).filter((region) => !data.series.some((s) => s.region === region));
    if (missing.length > 0) stderrLine(`note: no sales for ${missing.join(', ')} in this range`);
    const output = RENDER[args.format](data);
    if (args.out === undefined) {
      process.stdout.write(output);
    } else {
      await writeFile(args.out, output);
      const buckets = args.linePer === 'bucket' && args.format !== 'html' ? `, one line per ${args.bucket}` : '';
      stderrLine(`Wrote ${args.out}: ${data.rows.length.toLocaleString('en-US')} sales in ${data.series.length} region(s)${buckets}, ${args.format}.`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
