/**
 * `npm run report`: running revenue per region from SalesRecordRepository.runningTotals, as a table, CSV, JSON or
 * a self-contained HTML page with a chart. See `npm run report -- --help` (lib/report-args.ts).
 */
import { runCli } from './lib/cli/run.ts';
import { parseReportArgs } from './lib/report-args.ts';

// The database side loads only past parsing: --help and bad arguments stay fast and touch no database.
runCli('report', parseReportArgs, async (args) => (await import('./lib/report-run.ts')).report(args));
