/**
 * Bulk insert throughput: `insertMany` with strategy `createMany` and `unnest` (the repository: validation,
 * chunking, one transaction) vs `COPY FROM STDIN` in CSV through pg-copy-streams — the same rows each time, into
 * an emptied table with all its indexes. COPY's time includes formatting the rows as CSV.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { benchRows } from './ingest-rows.ts';
import { COPY_TRANSACTIONS_CSV, transactionCsvLines } from './transaction-csv.ts';
import { rowsPerSecond, timed } from './stats.ts';
import type { Ratio, SectionResult } from './results.ts';

async function copyRows(client: pg.Client, rows: readonly NewTransaction[]): Promise<void> {
  const sink = client.query(copyFrom(COPY_TRANSACTIONS_CSV));
  await pipeline(Readable.from(transactionCsvLines(rows)), sink);
}

export async function ingest(prisma: PrismaClient, url: string, count: number): Promise<SectionResult> {
  const repo = new TransactionRepository(prisma);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const withPool = new TransactionRepository(prisma, { pgPool: pool });
  const unkeyed = (seed: number) => benchRows(count, seed).map((row) => ({ ...row, externalId: null }));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const truncate = () => prisma.$executeRaw`TRUNCATE "Transaction" RESTART IDENTITY`;
    // Warm-up: first statements pay for connection setup and catalog caches.
    await repo.insertMany(benchRows(1_000, 1), { strategy: 'createMany' });
    await repo.insertMany(benchRows(1_000, 2), { strategy: 'unnest' });
    await copyRows(client, benchRows(1_000, 3));
    await withPool.insertMany(benchRows(1_000, 4), { strategy: 'copy' });
    // Rows are built before the clock starts: what is timed is the library's work (validation, encoding, writing)
    // against the raw driver's (CSV encoding, writing).
    const rowsOf = { createMany: benchRows(count, 10), unnest: benchRows(count, 11), copy: benchRows(count, 12), ours: benchRows(count, 13), bare: unkeyed(14), oursBare: unkeyed(15) };
    const runs: Array<{ what: string; run: () => Promise<unknown> }> = [
      { what: "insertMany strategy 'createMany' (5,000-row chunks)", run: () => repo.insertMany(rowsOf.createMany, { strategy: 'createMany' }) },
      { what: "insertMany strategy 'unnest' (10,000-row chunks)", run: () => repo.insertMany(rowsOf.unnest, { strategy: 'unnest' }) },
      { what: 'COPY FROM STDIN (CSV, pg-copy-streams), rows with keys', run: () => copyRows(client, rowsOf.copy) },
      { what: "insertMany strategy 'copy', rows with keys (new keys: straight in, behind a savepoint)", run: () => withPool.insertMany(rowsOf.ours, { strategy: 'copy' }) },
      { what: 'COPY FROM STDIN (CSV, pg-copy-streams), rows without keys', run: () => copyRows(client, rowsOf.bare) },
      { what: "insertMany strategy 'copy', rows without keys (straight into the table)", run: () => withPool.insertMany(rowsOf.oursBare, { strategy: 'copy' }) },
    ];
    const ms: number[] = [];
    for (const { run } of runs) {
      await truncate();
      ms.push((await timed(run)).ms);
    }
    await truncate();
    const [createMany, unnest, copy, ours, bare, oursBare] = ms.map((m) => rowsPerSecond(count, m)) as [number, number, number, number, number, number];
    const fast = unnest / copy;
    const keyed = ours / copy;
    const straight = oursBare / bare;
    const ratios: Ratio[] = [
      {
        section: 'ingest',
        name: "insertMany 'copy' / raw COPY throughput, rows with keys",
        value: keyed,
        unit: 'x',
        goal: {
          text: '≥ 0.9x',
          met: keyed >= 0.9,
          ...(keyed < 0.9 && { why: 'validation (exact Decimal and date checks per row), key order and COPY text encoding in JavaScript, against a raw COPY that only formats CSV' }),
        },
      },
      {
        section: 'ingest',
        name: "insertMany 'copy' / raw COPY throughput, rows without keys",
        value: straight,
        unit: 'x',
        goal: { text: '≥ 0.95x', met: straight >= 0.95, ...(straight < 0.95 && { why: 'validation and exact encoding of every row in JavaScript' }) },
      },
      {
        section: 'ingest',
        name: "insertMany 'unnest' / COPY throughput",
        value: fast,
        unit: 'x',
        goal: {
          text: '≥ 0.7x',
          met: fast >= 0.7,
          ...(fast < 0.7 && { why: 'unnest sends each chunk as one statement with one text array per column that the server parses and casts, inside a Prisma interactive transaction; COPY streams rows without a statement per chunk' }),
        },
      },
      { section: 'ingest', name: "insertMany 'createMany' / COPY throughput", value: createMany / copy, unit: 'x' },
      { section: 'ingest', name: "insertMany 'unnest' / 'createMany' throughput", value: unnest / createMany, unit: 'x' },
    ];
    return {
      measurements: runs.map(({ what }, i) => ({ section: 'ingest', what, rows: count, ms: ms[i]!, detail: 'with PK + 3 indexes, incl. the client-side work' })),
      ratios,
    };
  } finally {
    await client.end();
    await pool.end();
  }
}
