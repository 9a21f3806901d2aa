/** `npm run bench:ingest` arguments: pure parsing (returns or throws UsageError), so tests call it without a database. */
import { MAX_BATCH_ROWS } from '../../src/index.ts';
import { intArg, listArg, parseArgv, UsageError, type ParseResult } from '../lib/cli/args.ts';

export const DEFAULT_INGEST_SIZES = [1, 10, 100, 1_000, 10_000, 100_000] as const;

export const INGEST_USAGE = `
Usage: npm run bench:ingest -- [options]

Measures TransactionRepository.insertMany with strategy 'createMany', 'unnest' and 'copy' (on a pgPool) for each
batch size (rows per call; default chunk sizes, one transaction per call) on a throwaway database (DATABASE_URL's
server, else a temporary embedded PostgreSQL), and prints rows/s (median of --repeat runs) and the crossovers: the
batch sizes from which unnest and copy are faster.

Options:
  --sizes <list>  batch sizes, comma-separated or repeated (default ${DEFAULT_INGEST_SIZES.join(',')};
                  each at most ${MAX_BATCH_ROWS.toLocaleString('en-US')})
  --repeat <n>    runs per size and strategy, median reported (default 3; batches under 1,000 rows run more often)
  --json          print the results as JSON instead of a table
  --verbose       show how PostgreSQL was found or started
  -h, --help      show this help

Exit codes: 0 done · 1 failed · 2 bad arguments · 130 interrupted (Ctrl-C; the throwaway database is dropped).
`;

export interface IngestArgs {
  readonly sizes: readonly number[];
  readonly repeat: number;
  readonly json: boolean;
  readonly verbose: boolean;
}

export function parseIngestArgs(argv: readonly string[]): ParseResult<IngestArgs> {
  const parsed = parseArgv(argv, {
    sizes: { type: 'string', multiple: true },
    repeat: { type: 'string' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
  });
  if (parsed === null) return { help: INGEST_USAGE.trim() };
  const v = parsed.values;
  const sizes = listArg(v.sizes);
  if (v.sizes !== undefined && sizes === undefined) throw new UsageError('--sizes needs at least one batch size');
  return {
    args: {
      sizes: sizes?.map((size) => intArg('sizes', size, 0, 1, MAX_BATCH_ROWS)) ?? DEFAULT_INGEST_SIZES,
      repeat: intArg('repeat', v.repeat, 3, 1, 100),
      json: v.json ?? false,
      verbose: v.verbose ?? false,
    },
  };
}
