/**
 * Bulk insert throughput: `insertMany` with strategies `createMany`, `unnest` and `copy` (the repository:
 * validation, key order, one transaction) vs `COPY FROM STDIN` in CSV through pg-copy-streams, the same shape of
 * rows each time, into an emptied table with all its indexes. COPY's time includes formatting the rows as CSV.
 *
 * The server's time for a million-row COPY moves by ±15% from run to run on this kind of machine (WAL, the
 * checkpointer), more than the gap being measured. So every run starts after TRUNCATE and CHECKPOINT, only the
 * run's own rows are in memory (built just before it, outside the clock), and the raw COPY and the `copy`
 * strategy run as a pair once per round (`--rounds`), in the opposite order the next round: each ratio is the
 * median of the pairs' own ratios (a slow stretch of the server weighs on both runs of a pair), printed with their
 * range.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { benchRows, benchRowsWithRandomKeys } from './ingest-rows.ts';
import { COPY_TRANSACTIONS_CSV, transactionCsvLines } from './transaction-csv.ts';
import { median, pairedRatios, roundsNote, rowsPerSecond, timed } from './stats.ts';
import type { Ratio, SectionResult } from './results.ts';
import { benchPool, connectClient } from './pg-clients.ts';

/** Batch size the `copy` goals of issue 13 are set for. */
const GOAL_ROWS = 1_000_000;

async function copyRows(client: pg.Client, rows: readonly NewTransaction[]): Promise<void> {
  const sink = client.query(copyFrom(COPY_TRANSACTIONS_CSV));
  await pipeline(Readable.from(transactionCsvLines(rows)), sink);
}

/** `rounds`: pairs of the raw COPY and the `copy` strategy per kind of key, each pair on freshly built rows. */
export async function ingest(prisma: PrismaClient, url: string, count: number, rounds: number): Promise<SectionResult> {
  const repo = new TransactionRepository(prisma);
  const pool = benchPool(url);
  const withPool = new TransactionRepository(prisma, { pgPool: pool });
  const unkeyed = (seed: number) => benchRows(count, seed).map((row) => ({ ...row, externalId: null }));
  const client = await connectClient(url);
  try {
    // CHECKPOINT needs superuser or pg_checkpoint: without it, runs start from whatever the last one left.
    let checkpoints = true;
    const emptied = async () => {
      await prisma.$executeRaw`TRUNCATE "Transaction" RESTART IDENTITY`;
      if (!checkpoints) return;
      try {
        await prisma.$executeRaw`CHECKPOINT`;
      } catch (error) {
        checkpoints = false;
        console.error(`ingest: no CHECKPOINT between runs (${error instanceof Error ? error.message : String(error)}); the figures are noisier.`);
      }
    };
    // Warm-up: first statements pay for connection setup and catalog caches.
    await repo.insertMany(benchRows(1_000, 1), { strategy: 'createMany' });
    await repo.insertMany(benchRows(1_000, 2), { strategy: 'unnest' });
    await copyRows(client, benchRows(1_000, 3));
    await withPool.insertMany(benchRows(1_000, 4), { strategy: 'copy' });
    // Rows are built before the clock starts: what is timed is the library's work (validation, encoding, writing)
    // against the raw driver's (CSV encoding, writing).
    const once = async (rows: () => NewTransaction[], write: (rows: NewTransaction[]) => Promise<unknown>) => {
      await emptied();
      const built = rows();
      return (await timed(() => write(built))).ms;
    };
    const runs: Array<{ what: string; rows: (round: number) => NewTransaction[]; write: (rows: NewTransaction[]) => Promise<unknown> }> = [
      { what: "insertMany strategy 'createMany' (5,000-row chunks)", rows: () => benchRows(count, 10), write: (rows) => repo.insertMany(rows, { strategy: 'createMany' }) },
      { what: "insertMany strategy 'unnest' (10,000-row chunks)", rows: () => benchRows(count, 11), write: (rows) => repo.insertMany(rows, { strategy: 'unnest' }) },
      { what: 'COPY FROM STDIN (CSV, pg-copy-streams), rows with keys', rows: (round) => benchRows(count, 20 + round), write: (rows) => copyRows(client, rows) },
      { what: "insertMany strategy 'copy', rows with keys (new keys: straight in, behind a savepoint)", rows: (round) => benchRows(count, 30 + round), write: (rows) => withPool.insertMany(rows, { strategy: 'copy' }) },
      { what: 'COPY FROM STDIN (CSV, pg-copy-streams), rows without keys', rows: (round) => unkeyed(40 + round), write: (rows) => copyRows(client, rows) },
      { what: "insertMany strategy 'copy', rows without keys (straight into the table)", rows: (round) => unkeyed(50 + round), write: (rows) => withPool.insertMany(rows, { strategy: 'copy' }) },
      { what: 'COPY FROM STDIN (CSV, pg-copy-streams), rows with random (UUID) keys', rows: (round) => benchRowsWithRandomKeys(count, 60 + round), write: (rows) => copyRows(client, rows) },
      { what: "insertMany strategy 'copy', rows with random (UUID) keys", rows: (round) => benchRowsWithRandomKeys(count, 70 + round), write: (rows) => withPool.insertMany(rows, { strategy: 'copy' }) },
    ];
    const samples: number[][] = runs.map(() => []);
    for (const index of [0, 1]) samples[index]!.push(await once(() => runs[index]!.rows(0), runs[index]!.write));
    // A pair runs back to back, so a slow phase of the server falls on both; which goes first alternates.
    for (const [raw, ourRun] of [[2, 3], [4, 5], [6, 7]] as const) {
      for (let round = 0; round < rounds; round++) {
        for (const index of round % 2 === 0 ? [raw, ourRun] : [ourRun, raw]) samples[index]!.push(await once(() => runs[index]!.rows(round), runs[index]!.write));
      }
    }
    await emptied();
    const ms = samples.map((times) => median(times));
    const [createMany, unnest, copy] = ms.map((m) => rowsPerSecond(count, m)) as [number, number, number];
    const fast = unnest / copy;
    const paired = (raw: number, ourRun: number) => pairedRatios(samples[ourRun]!, samples[raw]!);
    const pairs = { keyed: paired(2, 3), bare: paired(4, 5), random: paired(6, 7) };
    const keyed = pairs.keyed.median;
    const straight = pairs.bare.median;
    const randomKeyed = pairs.random.median;
    const spread = (pair: { min: number; max: number }, goal: number) => roundsNote(`${rounds} paired rounds`, pair, goal);
    // The copy goals are set for million-row batches; in smaller ones the fixed costs of a transaction (connection,
    // BEGIN, savepoint, COMMIT) and a cold JIT weigh in, so their ratio is shown without a verdict.
    const atGoalSize = count >= GOAL_ROWS;
    const smaller = `goal set for ${GOAL_ROWS.toLocaleString('en-US')}-row batches (--ingest-rows ${GOAL_ROWS}); fixed costs weigh in at ${count.toLocaleString('en-US')}`;
    const copyGoal = (value: number, least: number, why: string, pair: { min: number; max: number }) =>
      atGoalSize
        ? { goal: { text: `≥ ${least}x`, met: value >= least, ...(value < least && { why }) }, note: spread(pair, least) }
        : { note: `${smaller}; ${spread(pair, least)}` };
    const ratios: Ratio[] = [
      {
        section: 'ingest',
        name: "insertMany 'copy' / raw COPY throughput, rows with keys",
        value: keyed,
        unit: 'x',
        ...copyGoal(keyed, 0.9, 'validation before any SQL (exact Decimal and date checks per row) and the key sort, against a raw COPY that only formats CSV', pairs.keyed),
      },
      {
        section: 'ingest',
        name: "insertMany 'copy' / raw COPY throughput, rows with random (UUID) keys",
        value: randomKeyed,
        unit: 'x',
        ...copyGoal(randomKeyed, 0.9, 'validation before any SQL and the order of random keys, which the server also pays for in its unique index', pairs.random),
      },
      {
        section: 'ingest',
        name: "insertMany 'copy' / raw COPY throughput, rows without keys",
        value: straight,
        unit: 'x',
        ...copyGoal(straight, 0.95, 'validation of every row before any SQL', pairs.bare),
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
      measurements: runs.map(({ what }, i) => ({
        section: 'ingest',
        what,
        rows: count,
        ms: ms[i]!,
        detail:
          samples[i]!.length === 1
            ? 'with PK + 3 indexes, incl. the client-side work'
            : `with PK + 3 indexes, incl. the client-side work; median of ${samples[i]!.length} paired runs (${samples[i]!.map((t) => Math.round(t)).join(', ')} ms)`,
      })),
      ratios,
    };
  } finally {
    await client.end();
    await pool.end();
  }
}
