import { MAX_BATCH_ROWS } from '../../src/index.ts';
import { intArg, parseArgv, UsageError, type ParseResult } from './cli/args.ts';

export const SEED_USAGE = `
Usage: npm run seed -- [options]

Writes a deterministic synthetic ledger (same arguments → same rows) into Transaction and SalesRecord through the
repositories' insertMany, chunk by chunk. Each chunk is its own transaction: an interrupted run (Ctrl-C, crash)
keeps only whole chunks, and running the same command again continues after them. Database: DATABASE_URL, else
the embedded PostgreSQL in .data/postgres (kept between runs; migrations are applied first).

Data: accounts skewed by a power law, timestamps rising through 2026 with ~5% duplicates, ~1% NULL (pending)
amounts, ~12% negative (refunds); sales per day of 2026 across Zipf-skewed regions, ~4% refunds.

Options:
  --transactions <n>  Transaction rows in total (default 100,000; 0 skips the table)
  --sales <n>         SalesRecord rows in total (default 100,000; 0 skips the table)
  --accounts <n>      account ids 1..n (default 1,000)
  --regions <n>       number of regions, 1..1000 (default 12: EMEA, AMER, APAC, LATAM, …)
  --seed <n>          random seed, 0..4294967295 (default 42)
  --chunk-rows <n>    rows per chunk = per transaction (default 10,000)
  --reset             empty both tables (TRUNCATE … RESTART IDENTITY) before seeding
  --verbose           show how PostgreSQL was found or started, and migration output
  -h, --help          show this help

Exit codes: 0 done · 1 failed (e.g. the tables hold rows from other arguments: use --reset) · 2 bad arguments ·
130 interrupted (whole chunks kept).
`;

export interface SeedArgs {
  readonly transactions: number;
  readonly sales: number;
  readonly accounts: number;
  readonly regions: number;
  readonly seed: number;
  readonly chunkRows: number;
  readonly reset: boolean;
  readonly verbose: boolean;
}

const MAX_ROWS = 100_000_000;
const INT4_MAX = 2_147_483_647;

export function parseSeedArgs(argv: readonly string[]): ParseResult<SeedArgs> {
  const parsed = parseArgv(argv, {
    transactions: { type: 'string' },
    sales: { type: 'string' },
    accounts: { type: 'string' },
    regions: { type: 'string' },
    seed: { type: 'string' },
    'chunk-rows': { type: 'string' },
    reset: { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  if (parsed === null) return { help: SEED_USAGE.trim() };
  const v = parsed.values;
  const args: SeedArgs = {
    transactions: intArg('transactions', v.transactions, 100_000, 0, MAX_ROWS),
    sales: intArg('sales', v.sales, 100_000, 0, MAX_ROWS),
    accounts: intArg('accounts', v.accounts, 1_000, 1, INT4_MAX),
    regions: intArg('regions', v.regions, 12, 1, 1_000),
    seed: intArg('seed', v.seed, 42, 0, 2 ** 32 - 1),
    chunkRows: intArg('chunk-rows', v['chunk-rows'], 10_000, 1, MAX_BATCH_ROWS),
    reset: v.reset ?? false,
    verbose: v.verbose ?? false,
  };
  if (args.transactions === 0 && args.sales === 0) throw new UsageError('nothing to do: --transactions and --sales are both 0');
  return { args };
}
