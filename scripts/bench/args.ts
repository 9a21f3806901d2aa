/** `npm run bench` arguments: pure parsing (returns or throws UsageError), so tests call it without a database. */
import { MAX_BATCH_ROWS } from '../../src/index.ts';
import { intArg, listArg, parseArgv, UsageError, type ParseResult } from '../lib/cli/args.ts';

export const BENCH_SECTIONS = ['stream', 'e2e', 'plans', 'page', 'findmany', 'buckets', 'ingest', 'peers'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export const DEFAULT_ROWS = 200_000;

export const BENCH_USAGE = `
Usage: npm run bench -- [options]

Benchmarks the running-total repository against raw node-postgres and PostgreSQL's own execution time, on a
throwaway database (DATABASE_URL's server, else a temporary embedded PostgreSQL). Data is generated server-side
(INSERT ... SELECT FROM generate_series: power-law skewed accounts, duplicate timestamps, ~1% NULL amounts, heap in
time order), then VACUUM ANALYZE. Every result is a ratio of two numbers measured in the same run. Prints a table
and appends the run to BENCHMARKS.md.

Sections (all by default):
  stream    repo.streamRunningTotals vs pg + pg-cursor on the same SQL vs DECLARE CURSOR/FETCH through Prisma;
            rows/s and peak RSS, each in its own child process
  e2e       repo.runningTotals vs repo.explain(...).executionTimeMs (the server's own time)
  plans     filtered partitions (1, 10, all moderate accounts): the compiled SQL vs the same with the index order
            forced vs one index range per account (unnest + LATERAL); server time and whether a Sort remains
  page      repo.page: page 1 vs a page at 90% depth vs naive OFFSET n LIMIT k over the window query
  findmany  repo.runningTotals ($queryRaw) vs findMany + cumulative Prisma.Decimal sum in JavaScript
  buckets   repo.bucketTotals (daily buckets, gap fill) vs running-total rows bucketed in JavaScript, and
            balanceAsOf early vs late in the largest account's history
  ingest    insertMany strategy createMany vs unnest vs copy vs COPY FROM STDIN (pg-copy-streams)
  peers     what a user would write instead, same SQL and rows: Kysely, Drizzle, postgres.js, node-postgres;
            reads, streams and ingest, each against the repository with a pgPool
  citus     with --citus only, last: the same ledger on a Citus cluster and on one PostgreSQL with the same
            binaries (a database on its coordinator); running totals, global total, insertMany: cluster / single

Options:
  --rows <n>           rows in the generated ledger (default ${DEFAULT_ROWS.toLocaleString('en-US')}; 10,000,000 works)
  --accounts <n>       account ids 1..n, power-law skewed (default 1,000)
  --moderate-rows <n>  rows of the e2e / findmany comparisons (default min(rows, 100,000))
  --ingest-rows <n>    rows per insert strategy (default min(rows, 20,000); at most ${MAX_BATCH_ROWS.toLocaleString('en-US')})
  --chunk-size <n>     streaming chunk / cursor fetch size (default 10,000)
  --repeat <n>         runs of each short query measurement, median reported (default 3)
  --rounds <n>         peers: rounds of one process per client; ingest: pairs of the raw COPY and the
                       'copy' strategy per kind of key. The order alternates by round; ratios are the median
                       of the rounds' paired ratios, with their range (default 5)
  --only <list>        comma-separated sections to run (${BENCH_SECTIONS.join(', ')}, citus)
  --citus <url>        a Citus coordinator's admin URL (e.g. postgresql://postgres@127.0.0.1:6701/postgres):
                       adds the citus section; its databases are created there and dropped afterwards
  --output <file>      where the run is appended (default BENCHMARKS.md)
  --no-write           print the table only, do not touch the output file
  --verbose            show how PostgreSQL was found or started
  -h, --help           show this help

Exit codes: 0 done · 1 failed · 2 bad arguments · 130 interrupted (Ctrl-C; the throwaway database is dropped).
`;

export interface BenchArgs {
  readonly rows: number;
  readonly accounts: number;
  readonly moderateRows: number;
  readonly ingestRows: number;
  readonly chunkSize: number;
  readonly repeat: number;
  /** peers: rounds of one process per client; ingest: raw COPY / `copy` pairs per kind of key. */
  readonly rounds: number;
  readonly sections: readonly BenchSection[];
  /** The Citus coordinator's admin URL for the citus section; undefined: no citus section. */
  readonly citus: string | undefined;
  readonly output: string;
  readonly write: boolean;
  readonly verbose: boolean;
}

const MAX_ROWS = 100_000_000;

export function parseBenchArgs(argv: readonly string[]): ParseResult<BenchArgs> {
  const parsed = parseArgv(argv, {
    rows: { type: 'string' },
    accounts: { type: 'string' },
    'moderate-rows': { type: 'string' },
    'ingest-rows': { type: 'string' },
    'chunk-size': { type: 'string' },
    repeat: { type: 'string' },
    rounds: { type: 'string' },
    only: { type: 'string', multiple: true },
    citus: { type: 'string' },
    output: { type: 'string' },
    'no-write': { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  if (parsed === null) return { help: BENCH_USAGE.trim() };
  const v = parsed.values;
  const rows = intArg('rows', v.rows, DEFAULT_ROWS, 1_000, MAX_ROWS);
  const only = listArg(v.only);
  const unknown = only?.filter((s) => !(BENCH_SECTIONS as readonly string[]).includes(s) && s !== 'citus') ?? [];
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown section ${JSON.stringify(unknown[0])}; choose from ${BENCH_SECTIONS.join(', ')}, citus`);
  }
  const citus = v.citus;
  if (citus !== undefined && !/^postgres(ql)?:\/\//.test(citus)) {
    throw new UsageError(`--citus must be a postgresql:// URL, got ${JSON.stringify(citus)}`);
  }
  if (only?.includes('citus') && citus === undefined) throw new UsageError('--only citus needs --citus <url>');
  const citusWanted = citus !== undefined && (only === undefined || only.includes('citus'));
  const output = v.output ?? 'BENCHMARKS.md';
  if (output.trim() === '') throw new UsageError('--output must name a file');
  return {
    args: {
      rows,
      accounts: intArg('accounts', v.accounts, 1_000, 1, 1_000_000),
      moderateRows: intArg('moderate-rows', v['moderate-rows'], Math.min(rows, 100_000), 1, rows),
      ingestRows: intArg('ingest-rows', v['ingest-rows'], Math.min(rows, 20_000), 1, MAX_BATCH_ROWS),
      chunkSize: intArg('chunk-size', v['chunk-size'], 10_000, 1, 1_000_000),
      repeat: intArg('repeat', v.repeat, 3, 1, 100),
      rounds: intArg('rounds', v.rounds, 5, 1, 50),
      sections: only ? BENCH_SECTIONS.filter((s) => only.includes(s)) : BENCH_SECTIONS,
      citus: citusWanted ? citus : undefined,
      output,
      write: !(v['no-write'] ?? false),
      verbose: v.verbose ?? false,
    },
  };
}
