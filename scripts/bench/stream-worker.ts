/**
 * Child process of `npm run bench` (one per measurement, so its peak RSS is its own): reads every partitioned
 * running-total row one way and prints one JSON line with rows, times, peak RSS and a checksum of the totals.
 *
 *   node --import tsx scripts/bench/stream-worker.ts '{"mode":"keyset","url":"postgres://…","chunkSize":10000}'
 *
 * (`npm run bench` runs it compiled to JavaScript, without tsx: see spawn-stream.ts.)
 *
 * Modes, all on the SQL of `repo.runningTotalsSql(undefined, 'partition')`:
 * - `keyset`:  repo.streamRunningTotals (keyset chunks in one REPEATABLE READ, READ ONLY Prisma transaction)
 * - `pool`:    repo.streamRunningTotals with the repository's `pgPool` option (rows read from the socket of
 *              one connection of the adapter's pool, in one REPEATABLE READ, READ ONLY transaction)
 * - `pg-cursor`: node-postgres + pg-cursor, read(chunkSize) until empty (the raw baseline)
 * - `declare`: Prisma interactive transaction (REPEATABLE READ, READ ONLY), DECLARE … NO SCROLL CURSOR, FETCH n
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import Cursor from 'pg-cursor';

import { Prisma, PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { Checksum } from './checksum.ts';
import type { StreamJob, StreamResult } from './spawn-stream.ts';

const LONG_MS = 86_400_000;

interface Row {
  readonly accountId: number;
  readonly runningTotal: unknown;
}

async function readAll(job: StreamJob, onRow: (row: Row) => void): Promise<void> {
  const sql = new TransactionRepository({} as never).runningTotalsSql(undefined, 'partition');
  if (job.mode === 'pg-cursor') {
    const client = new pg.Client({ connectionString: job.url });
    await client.connect();
    try {
      await client.query('SELECT 1');
      markIdle();
      const cursor = client.query(new Cursor<Row>(sql.text, sql.values));
      for (;;) {
        const rows = await cursor.read(job.chunkSize);
        if (rows.length === 0) break;
        for (const row of rows) onRow(row);
      }
      await cursor.close();
    } finally {
      await client.end();
    }
    return;
  }
  // One pool serves the Prisma adapter and, in `pool` mode, the repository's pg-cursor stream path.
  const pool = new pg.Pool({ connectionString: job.url });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    await prisma.$queryRaw`SELECT 1`;
    markIdle();
    if (job.mode === 'keyset' || job.mode === 'pool') {
      const repo = new TransactionRepository(prisma, job.mode === 'pool' ? { pgPool: pool } : {});
      for await (const row of repo.streamRunningTotals(undefined, { chunkSize: job.chunkSize, timeoutMs: LONG_MS })) onRow(row);
      return;
    }
    await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SET TRANSACTION READ ONLY`;
        await tx.$executeRaw(Prisma.sql`DECLARE bench_cursor NO SCROLL CURSOR FOR ${sql}`);
        const fetch = Prisma.sql`FETCH ${Prisma.raw(String(job.chunkSize))} FROM bench_cursor`;
        for (;;) {
          const rows = await tx.$queryRaw<Row[]>(fetch);
          if (rows.length === 0) break;
          for (const row of rows) onRow(row);
        }
        await tx.$executeRaw`CLOSE bench_cursor`;
      },
      { isolationLevel: 'RepeatableRead', timeout: LONG_MS, maxWait: 10_000 },
    );
  } finally {
    await prisma.$disconnect();
    await pool.end().catch(() => {});
  }
}

let started = 0;
/** Peak RSS (KiB) when the client is loaded and connected, just before the first read. */
let idleMaxRss = 0;

function markIdle(): void {
  idleMaxRss = process.resourceUsage().maxRSS;
  started = performance.now();
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as StreamJob;
  const checksum = new Checksum();
  let rows = 0;
  let firstRowMs = 0;
  await readAll(job, (row) => {
    if (rows === 0) firstRowMs = performance.now() - started;
    rows += 1;
    checksum.add(row.accountId, row.runningTotal);
  });
  const result: StreamResult = {
    mode: job.mode,
    rows,
    ms: performance.now() - started,
    firstRowMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    addedRssMb: Math.round((process.resourceUsage().maxRSS - idleMaxRss) / 1024),
    checksum: checksum.digest(),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`stream worker failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
