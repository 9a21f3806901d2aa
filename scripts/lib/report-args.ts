import { existsSync } from 'node:fs';
import path from 'node:path';

import { BUCKETS, requireTimeZone, type Bucket } from '../../src/index.ts';
import { choiceArg, dayRangeArgs, listArg, parseArgv, UsageError, type ParseResult } from './cli/args.ts';

export const REPORT_FORMATS = ['table', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_USAGE = `
Usage: npm run report -- [options]

Running revenue per region (SalesRecordRepository.runningTotals: PARTITION BY region ORDER BY saleDate, id).
Database: DATABASE_URL, else the embedded PostgreSQL in .data/postgres that \`npm run seed\` fills.

Options:
  --region <name>     only these regions; repeat or comma-separate (default: all)
  --from <YYYY-MM-DD> first sale day, inclusive (default: the earliest); totals start at zero here
  --to <YYYY-MM-DD>   last sale day, inclusive (default: the latest)
  --frame rows|range  rows (default): same-day sales accumulate in id order; range: same-day sales share one total
  --bucket day|week|month|quarter|year
                      one line per region and bucket instead of one per sale (table, csv, json), and the html
                      chart's buckets (default day); computed by the database (SalesRecordRepository.bucketTotals:
                      every bucket of the range, empty ones included; the balance at each bucket's end includes the
                      sales before --from)
  --time-zone <zone>  IANA zone of the bucket calendar (default UTC); sale days are calendar days in every zone
  --format <f>        table (default) | csv (RFC 4180) | json (decimals and ids as strings) |
                      html (self-contained page: line chart of running totals per region at the end of each
                      bucket, and the bucket table beneath; no network needed to view it)
  --out <file>        write to this file instead of stdout
  --verbose           show how PostgreSQL was found or started
  -h, --help          show this help

Exit codes: 0 done · 1 failed · 2 bad arguments · 130 interrupted.
`;

export interface ReportArgs {
  readonly regions?: string[];
  readonly from?: Date;
  /** Exclusive: the day after --to, midnight UTC. */
  readonly to?: Date;
  readonly frame: 'rows' | 'range';
  readonly bucket: Exclude<Bucket, 'hour'>;
  /** What a line of the table, CSV and JSON is: a sale, or (when --bucket is given) a region's bucket. */
  readonly linePer: 'sale' | 'bucket';
  readonly timeZone: string;
  readonly format: ReportFormat;
  readonly out?: string;
  readonly verbose: boolean;
}

const REGION_MAX_LENGTH = 64; // SalesRecord.region is varchar(64)

export function parseReportArgs(argv: readonly string[]): ParseResult<ReportArgs> {
  const parsed = parseArgv(argv, {
    region: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    frame: { type: 'string' },
    bucket: { type: 'string' },
    'time-zone': { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (parsed === null) return { help: REPORT_USAGE.trim() };
  const v = parsed.values;
  const regions = listArg(v.region);
  const tooLong = regions?.find((region) => region.length > REGION_MAX_LENGTH);
  if (tooLong !== undefined) throw new UsageError(`--region names are at most ${REGION_MAX_LENGTH} characters: ${JSON.stringify(tooLong)}`);
  if (v.region !== undefined && regions === undefined) throw new UsageError('--region needs a region name');
  if (v.out !== undefined && v.out.trim() === '') throw new UsageError('--out needs a file name');
  const out = v.out === undefined ? undefined : outputPath(v.out);
  return {
    args: {
      ...(regions && { regions }),
      ...dayRangeArgs(v.from, v.to),
      frame: choiceArg('frame', v.frame, ['rows', 'range'], 'rows'),
      bucket: choiceArg('bucket', v.bucket, BUCKETS.filter((b): b is Exclude<Bucket, 'hour'> => b !== 'hour'), 'day'),
      linePer: v.bucket === undefined ? 'sale' : 'bucket',
      timeZone: timeZoneArg(v['time-zone']),
      format: choiceArg('format', v.format, REPORT_FORMATS, 'table'),
      ...(out !== undefined && { out }),
      verbose: v.verbose ?? false,
    },
  };
}

// The library's own check (an IANA name, no fixed offsets), reported as a usage error.
function timeZoneArg(value: string | undefined): string {
  if (value === undefined) return 'UTC';
  try {
    return requireTimeZone('--time-zone', value);
  } catch {
    throw new UsageError(`--time-zone must be an IANA zone such as Europe/Berlin, got ${JSON.stringify(value)}`);
  }
}

/**
 * `--out` from where the user typed the command: npm runs a script in the package's directory, and keeps the
 * caller's in INIT_CWD (`npm --prefix ../ledger run report -- --out q1.csv` writes ./q1.csv). Its directory must
 * exist: said before any query runs, not as an ENOENT after it.
 */
function outputPath(out: string): string {
  const resolved = path.resolve(process.env.INIT_CWD ?? process.cwd(), out);
  if (!existsSync(path.dirname(resolved))) throw new UsageError(`--out: no directory ${path.dirname(resolved)}`);
  return resolved;
}
