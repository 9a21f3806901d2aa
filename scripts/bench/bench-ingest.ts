/**
 * `npm run bench:ingest`: bulk insert throughput per strategy (createMany vs unnest vs copy) and batch size,
 * through the repository (validation, chunking, one transaction; copy on a pgPool). The crossovers it prints set
 * AUTO_UNNEST_MIN_ROWS and AUTO_COPY_MIN_ROWS. See `npm run bench:ingest -- --help` (ingest-args.ts).
 */
import { type InsertStrategy } from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { runCli, stderrLine } from '../lib/cli/run.ts';
import { withScratchDatabase } from '../lib/scratch-database.ts';
import { parseIngestArgs, type IngestArgs } from './ingest-args.ts';
import { benchRows } from './ingest-rows.ts';
import { median, rowsPerSecond } from './stats.ts';
import { benchPool } from './pg-clients.ts';

const STRATEGIES: readonly InsertStrategy[] = ['createMany', 'unnest', 'copy'];

interface Result {
  readonly size: number;
  readonly strategy: InsertStrategy;
  readonly ms: number;
  readonly rowsPerSecond: number;
}

async function measure(args: IngestArgs): Promise<Result[]> {
  const results: Result[] = [];
  await withScratchDatabase('bench_ingest', async ({ prisma, url }) => {
    const pool = benchPool(url);
    const repo = new TransactionRepository(prisma, { pgPool: pool });
    const version = await prisma.$queryRaw<Array<{ v: string }>>`SELECT current_setting('server_version') AS v`;
    stderrLine(`PostgreSQL ${version[0]?.v}, node ${process.version}`);
    let seed = 0;
    // Warm-up: first statements pay for connection setup and catalog caches.
    for (const strategy of STRATEGIES) await repo.insertMany(benchRows(100, --seed), { strategy });
    for (const size of args.sizes) {
      for (const strategy of STRATEGIES) {
        const times: number[] = [];
        // Small batches are noisy: run them more often.
        const runs = size < 1000 ? Math.max(args.repeat, Math.ceil(2000 / size)) : args.repeat;
        for (let r = 0; r < runs; r++) {
          const batch = benchRows(size, ++seed);
          const start = performance.now();
          await repo.insertMany(batch, { strategy });
          times.push(performance.now() - start);
        }
        const ms = median(times);
        results.push({ size, strategy, ms, rowsPerSecond: rowsPerSecond(size, ms) });
      }
      await prisma.$executeRaw`TRUNCATE "Transaction"`;
    }
    await pool.end();
  }, { verbose: args.verbose });
  return results;
}

function table(results: readonly Result[], sizes: readonly number[]): string {
  const lines = ['rows/batch  strategy     median ms     rows/s'];
  for (const r of results) {
    lines.push(`${String(r.size).padStart(10)}  ${r.strategy.padEnd(10)} ${r.ms.toFixed(2).padStart(10)} ${String(r.rowsPerSecond).padStart(10)}`);
  }
  const msOf = (size: number, strategy: InsertStrategy) => results.find((r) => r.size === size && r.strategy === strategy)!.ms;
  const crossover = sizes.find((size) => msOf(size, 'unnest') < msOf(size, 'createMany'));
  lines.push(`unnest faster than createMany from ${crossover ?? 'never'} rows per batch (sizes measured: ${sizes.join(', ')})`);
  const copyFrom = sizes.find((size) => sizes.filter((s) => s >= size).every((s) => msOf(s, 'copy') < msOf(s, 'unnest')));
  lines.push(`copy faster than unnest from ${copyFrom ?? 'never'} rows per batch`);
  return `${lines.join('\n')}\n`;
}

runCli('bench:ingest', parseIngestArgs, async (args) => {
  const results = await measure(args);
  process.stdout.write(args.json ? `${JSON.stringify(results, null, 2)}\n` : table(results, args.sizes));
});
