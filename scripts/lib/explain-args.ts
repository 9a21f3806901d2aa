import { choiceArg, dayRangeArgs, listArg, parseArgv, UsageError, type ParseResult } from './cli/args.ts';

/** Query names → repository and scope (the SQL is the repository's own `runningTotalsSql`). */
export const EXPLAIN_QUERIES = {
  'transactions-by-account': { model: 'Transaction', scope: 'partition' },
  'transactions-global': { model: 'Transaction', scope: 'global' },
  'sales-by-region': { model: 'SalesRecord', scope: 'partition' },
  'sales-global': { model: 'SalesRecord', scope: 'global' },
} as const;
export type ExplainQueryName = keyof typeof EXPLAIN_QUERIES;
export type ExplainScope = (typeof EXPLAIN_QUERIES)[ExplainQueryName]['scope'];

export const EXPLAIN_USAGE = `
Usage: npm run explain -- <query> [options]

Runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on exactly the SQL the repository call would send and prints what
feeds the WindowAgg (an index scan, or a Sort), the index, rows and times. Exits 3 when a Sort (or Incremental
Sort) sits under the WindowAgg, so CI can fail on it. ANALYZE runs the query (a SELECT) inside a rolled-back
savepoint. Database: DATABASE_URL, else the embedded PostgreSQL in .data/postgres that \`npm run seed\` fills.

Queries:
  transactions-by-account   TransactionRepository.runningTotals        (PARTITION BY accountId)
  transactions-global       TransactionRepository.globalRunningTotals
  sales-by-region           SalesRecordRepository.runningTotals        (PARTITION BY region)
  sales-global              SalesRecordRepository.globalRunningTotals

Options:
  --partitions <list>   account ids or regions, comma-separated or repeated (default: all)
  --from <YYYY-MM-DD>   first day, inclusive
  --to <YYYY-MM-DD>     last day, inclusive
  --frame rows|range    default rows
  --nulls zero|skip     default zero (NULL amounts add nothing; skip: WHERE amount IS NOT NULL)
  --estimate            plain EXPLAIN: the planner's choice and estimates, the query is not run
  --json                print the summary as JSON (plan tree included, raw EXPLAIN output left out)
  --verbose             show how PostgreSQL was found or started
  -h, --help            show this help

Exit codes: 0 no Sort under the WindowAgg · 3 a Sort feeds the WindowAgg · 1 failed · 2 bad arguments · 130
interrupted.
Small or never-ANALYZEd tables often get Seq Scan + Sort (cheaper there): check on realistic volumes.
`;

export interface ExplainArgs {
  readonly query: ExplainQueryName;
  readonly partitions?: number[] | string[];
  readonly from?: Date;
  readonly to?: Date;
  readonly frame: 'rows' | 'range';
  readonly nulls: 'zero' | 'skip';
  readonly analyze: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
}

const isQueryName = (name: string): name is ExplainQueryName => Object.hasOwn(EXPLAIN_QUERIES, name);

function accountIds(items: string[]): number[] {
  return items.map((item) => {
    const n = Number(item);
    if (!/^-?\d+$/.test(item) || n < -(2 ** 31) || n > 2 ** 31 - 1) {
      throw new UsageError(`--partitions: account ids are 32-bit integers, got ${JSON.stringify(item)}`);
    }
    return n;
  });
}

export function parseExplainArgs(argv: readonly string[]): ParseResult<ExplainArgs> {
  const parsed = parseArgv(
    argv,
    {
      partitions: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      frame: { type: 'string' },
      nulls: { type: 'string' },
      estimate: { type: 'boolean' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
    { positionals: 1 },
  );
  if (parsed === null) return { help: EXPLAIN_USAGE.trim() };
  const [query] = parsed.positionals;
  const names = Object.keys(EXPLAIN_QUERIES).join(', ');
  if (query === undefined) throw new UsageError(`which query? One of ${names}`);
  if (!isQueryName(query)) throw new UsageError(`unknown query ${JSON.stringify(query)}; one of ${names}`);
  const v = parsed.values;
  const items = listArg(v.partitions);
  if (v.partitions !== undefined && items === undefined) throw new UsageError('--partitions needs at least one value');
  const partitions = items && (EXPLAIN_QUERIES[query].model === 'Transaction' ? accountIds(items) : items);
  return {
    args: {
      query,
      ...(partitions && { partitions }),
      ...dayRangeArgs(v.from, v.to),
      frame: choiceArg('frame', v.frame, ['rows', 'range'], 'rows'),
      nulls: choiceArg('nulls', v.nulls, ['zero', 'skip'], 'zero'),
      analyze: !(v.estimate ?? false),
      json: v.json ?? false,
      verbose: v.verbose ?? false,
    },
  };
}
