/**
 * `npm run report`: running revenue per region from SalesRecordRepository.runningTotals, as a table, CSV, JSON or
 * a self-contained HTML page with a chart. See `npm run report -- --help` (scripts/lib/report-args.ts).
 */
import { runScript } from './lib/cli.ts';
import { parseReportArgs } from './lib/report-args.ts';

runScript('report', async () => {
  const parsed = parseReportArgs(process.argv.slice(2));
  if ('help' in parsed) {
    process.stdout.write(`${parsed.help}\n`);
    return 0;
  }
  const { report } = await import('./lib/report-run.ts'); // Prisma and PostgreSQL only past this point
  return report(parsed.args);
});
