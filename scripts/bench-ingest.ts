// npm run bench:ingest -- [--sizes 1,10,100,1000,10000,100000] [--repeat 3] [--json]
// Bulk insert throughput per strategy (createMany vs unnest) and batch size, through the repository (validation,
// chunking, one interactive transaction), on DATABASE_URL or a temporary embedded PostgreSQL. Prints rows/s
// (median of --repeat runs) and the crossover where unnest becomes faster than createMany.
import { parseCli, runCli, say } from './lib/db-cli.ts';
import { TransactionRepository, type InsertStrategy } from '../src/index.ts';
import { benchTransactions as rows } from './lib/bench/ingest-rows.ts';
import { median } from './lib/bench/stats.ts';
import { withScratchDatabase } from './lib/scratch-database.ts';

const USAGE = `
Usage: npm run bench:ingest -- [--sizes 1,10,100,1000,10000,100000] [--repeat 3] [--json]

Measures TransactionRepository.insertMany with strategy 'createMany' and 'unnest' for each batch size (rows per
call; default chunk sizes) and prints rows/s (median of --repeat runs) and the crossover.
`;

runCli(async () => {
  const args = parseCli(USAGE, { sizes: { type: 'string' }, repeat: { type: 'string' }, json: { type: 'boolean' } });
  const sizes = (args.sizes ?? '1,10,100,1000,10000,100000').split(',').map(Number);
  const repeat = Number(args.repeat ?? 3);
  const strategies: InsertStrategy[] = ['createMany', 'unnest'];
  const results: Array<{ size: number; strategy: InsertStrategy; ms: number; rowsPerSecond: number }> = [];
  await withScratchDatabase('bench_ingest', async ({ prisma }) => {
    const repo = new TransactionRepository(prisma);
    const version = await prisma.$queryRaw<Array<{ v: string }>>`SELECT current_setting('server_version') AS v`;
    say(`PostgreSQL ${version[0]?.v}, node ${process.version}`);
    let seed = 0;
    // Warm-up: first statements pay for connection setup and catalog caches.
    for (const strategy of strategies) await repo.insertMany(rows(100, --seed), { strategy });
    for (const size of sizes) {
      for (const strategy of strategies) {
        const times: number[] = [];
        // Small batches are noisy: run them more often.
        const runs = size < 1000 ? Math.max(repeat, Math.ceil(2000 / size)) : repeat;
        for (let r = 0; r < runs; r++) {
          const batch = rows(size, ++seed);
          const start = performance.now();
          await repo.insertMany(batch, { strategy });
          times.push(performance.now() - start);
        }
        const ms = median(times);
        results.push({ size, strategy, ms, rowsPerSecond: Math.round((size / ms) * 1000) });
      }
      await prisma.$executeRaw`TRUNCATE "Transaction"`;
    }
  });
  if (args.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  process.stdout.write('rows/batch  strategy     median ms     rows/s\n');
  for (const r of results) {
    process.stdout.write(
      `${String(r.size).padStart(10)}  ${r.strategy.padEnd(10)} ${r.ms.toFixed(2).padStart(10)} ${String(r.rowsPerSecond).padStart(10)}\n`,
    );
  }
  const crossover = sizes.find((size) => {
    const [c, u] = strategies.map((s) => results.find((r) => r.size === size && r.strategy === s)!.ms);
    return u! < c!;
  });
  process.stdout.write(`unnest faster from ${crossover ?? 'never'} rows per batch (sizes measured: ${sizes.join(', ')})\n`);
});
