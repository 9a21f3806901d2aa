/** `npm run exactness` arguments: pure parsing (returns or throws UsageError), so tests call it without a database. */
import { intArg, parseArgv, type ParseResult } from './cli/args.ts';

export const EXACTNESS_USAGE = `
Usage: npm run exactness -- [options]

Inserts a seeded stress ledger (~100 rows per account, ~40 rows per timestamp, 2% NULL amounts, amounts up to the
numeric(14, 2) limit, one account past 10^14) with the fast strategy (unnest) into a throwaway database
(DATABASE_URL's server, else a temporary embedded PostgreSQL), then checks every running total against the exact
bigint-cents reference, account group by account group (memory stays bounded by the group), and runs the same
check on a float64-summed copy to show it catches float bugs.

Options:
  --rows <n>    ledger size (default 1,000,000)
  --seed <n>    generator seed, 0..4294967295 (default 1); the same seed gives the same ledger
  --group <n>   accounts checked per query (default 500)
  --verbose     show how PostgreSQL was found or started
  -h, --help    show this help

Exit codes: 0 every total exact · 1 a mismatch, or failed · 2 bad arguments · 130 interrupted.
`;

export interface ExactnessArgs {
  readonly rows: number;
  readonly seed: number;
  readonly group: number;
  readonly verbose: boolean;
}

export function parseExactnessArgs(argv: readonly string[]): ParseResult<ExactnessArgs> {
  const parsed = parseArgv(argv, {
    rows: { type: 'string' },
    seed: { type: 'string' },
    group: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (parsed === null) return { help: EXACTNESS_USAGE.trim() };
  const v = parsed.values;
  return {
    args: {
      rows: intArg('rows', v.rows, 1_000_000, 1, 100_000_000),
      seed: intArg('seed', v.seed, 1, 0, 2 ** 32 - 1),
      group: intArg('group', v.group, 500, 1, 100_000),
      verbose: v.verbose ?? false,
    },
  };
}
