/**
 * `npm run report`: running revenue per region from SalesRecordRepository.runningTotals, as a table, CSV, JSON or
 * a self-contained HTML page with a chart. See `npm run report -- --help` (scripts/lib/report-args.ts).
 */
import { writeFile } from 'node:fs/promises';

import { SalesRecordRepository } from '../src/index.ts';
import { runScript, stderrLine } from './lib/cli.ts';
import { parseReportArgs, type ReportFormat } from './lib/report-args.ts';
import { buildReportData, type ReportData } from './lib/report-data.ts';
import { reportHtml } from './lib/report-html.ts';
import { reportCsv, reportJson, reportTable } from './lib/report-text.ts';
import { openScriptDatabase } from './lib/script-database.ts';

const RENDER: Record<ReportFormat, (data: ReportData) => string> = {
  table: reportTable,
  csv: reportCsv,
  json: reportJson,
  html: (data) => reportHtml(data),
};

const inclusiveDay = (exclusive: Date | undefined): string | null =>
  exclusive === undefined ? null : new Date(exclusive.getTime() - 86_400_000).toISOString().slice(0, 10);

runScript('report', async () => {
  const parsed = parseReportArgs(process.argv.slice(2));
  if ('help' in parsed) {
    process.stdout.write(`${parsed.help}\n`);
    return 0;
  }
  const args = parsed.args;
  const db = await openScriptDatabase({ log: args.verbose ? (line) => stderrLine(`[db] ${line}`) : undefined });
  try {
    const rows = await new SalesRecordRepository(db.prisma).runningTotals({
      ...(args.regions && { partitions: args.regions }),
      ...(args.from && { from: args.from }),
      ...(args.to && { to: args.to }),
      frame: args.frame,
    });
    const data = buildReportData(rows, {
      regions: args.regions ?? null,
      from: args.from?.toISOString().slice(0, 10) ?? null,
      to: inclusiveDay(args.to),
      frame: args.frame,
    });
    const missing = (args.regions ?? []).filter((region) => !data.series.some((s) => s.region === region));
    if (missing.length > 0) stderrLine(`note: no sales for ${missing.join(', ')} in this range`);
    const output = RENDER[args.format](data);
    if (args.out === undefined) {
      process.stdout.write(output);
    } else {
      await writeFile(args.out, output);
      stderrLine(`Wrote ${args.out}: ${data.rows.length.toLocaleString('en-US')} sales in ${data.series.length} region(s), ${args.format}.`);
    }
    return 0;
  } finally {
    await db.close();
  }
});
