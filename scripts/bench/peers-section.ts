/**
 * What a user would write instead, side by side in one run on the same rows: Kysely, Drizzle, postgres.js and
 * plain node-postgres run the repository's own SQL (none of them has a frame clause to build it with), and write
 * the same rows the way each makes easiest. Reads: the running totals of the moderate accounts. Streams: every
 * account's running totals. Ingest: `insertMany` rows into an emptied table with its indexes.
 *
 * The peers return numerics as strings and ids as strings or numbers; the repository returns exact `Decimal`s
 * and `bigint`s. Figures are wall-clock medians in this process (no separate peak RSS: the stream section
 * measures memory in child processes).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { drizzle } from 'drizzle-orm/node-postgres';
import { sql as drizzleSql, type SQL } from 'drizzle-orm';
import { integer, numeric, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import postgres from 'postgres';

import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import type { Prisma } from '../../prisma/app/index.ts';
import { benchRows } from './ingest-rows.ts';
import { COPY_TRANSACTIONS_CSV, transactionCsvLines } from './transaction-csv.ts';
import { median, rowsPerSecond, timed } from './stats.ts';
import type { Measurement, Ratio, SectionResult } from './results.ts';

/** The Transaction table as Drizzle declares it (only the columns an insert writes). */
const transactions = pgTable('Transaction', {
  accountId: integer('accountId').notNull(),
  amount: numeric('amount', { precision: 14, scale: 2 }),
  createdAt: timestamp('createdAt', { withTimezone: true, precision: 6 }).notNull(),
  externalId: varchar('externalId', { length: 128 }),
});

interface KyselyTables {
  Transaction: { accountId: number; amount: string | null; createdAt: Date; externalId: string | null };
}

/** A `$1`-placeholder statement as Drizzle's template: its text around the placeholders, its values as parameters. */
function drizzleStatement(statement: Prisma.Sql): SQL {
  const parts = statement.text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => chunks.push(i % 2 === 0 ? drizzleSql.raw(part) : drizzleSql`${drizzleSql.param(statement.values[Number(part) - 1])}`));
  return drizzleSql.join(chunks);
}

/** A ratio whose goal is the "ours first on every row": ≥ 1x. */
function first(job: string, name: string, value: number, why: string): Ratio {
  return { section: 'peers', name: `${job}: ${name} throughput`, value, unit: 'x', goal: { text: '≥ 1x', met: value >= 1, ...(value < 1 && { why }) } };
}

const CHUNK = 10_000;
const INSERT_CHUNK = 1_000;

export async function peers(
  ctx: { readonly prisma: PrismaClient; readonly url: string; readonly repeat: number },
  accounts: number[],
  ingestRows: number,
  log: (line: string) => void,
): Promise<SectionResult> {
  const pool = new pg.Pool({ connectionString: ctx.url, max: 2 });
  const kysely = new Kysely<KyselyTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ctx.url, max: 2 }), cursor: Cursor }) });
  const drizzlePool = new pg.Pool({ connectionString: ctx.url, max: 2 });
  const drizzleDb = drizzle(drizzlePool);
  const sqlJs = postgres(ctx.url, { max: 2, onnotice: () => {} });
  const client = new pg.Client({ connectionString: ctx.url });
  await client.connect();
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  try {
    const repo = new TransactionRepository(ctx.prisma);
    const ours = new TransactionRepository(ctx.prisma, { pgPool: pool });

    // Reads: the whole result of the moderate accounts' running totals.
    log(`peers: reads of ${accounts.length} accounts' running totals…`);
    const options = { partitions: accounts };
    const statement = repo.runningTotalsSql(options, 'partition');
    const reads: Array<[string, () => Promise<{ length: number }>]> = [
      ['repository with pgPool (Decimal, bigint)', () => ours.runningTotals(options)],
      ['repository through Prisma $queryRaw (Decimal, bigint)', () => repo.runningTotals(options)],
      ['node-postgres client.query (strings)', async () => (await client.query(statement.text, statement.values)).rows],
      ['Kysely executeQuery(CompiledQuery.raw) (strings)', async () => (await kysely.executeQuery(CompiledQuery.raw(statement.text, [...statement.values]))).rows],
      ['Drizzle db.execute(sql) (strings)', async () => (await drizzleDb.execute(drizzleStatement(statement))).rows],
      ['postgres.js sql.unsafe (strings)', () => sqlJs.unsafe(statement.text, statement.values as never[])],
    ];
    const readMs = new Map<string, number>();
    let readRows = 0;
    for (const [, run] of reads) await run(); // warm-up
    // Round-robin: every peer's k-th run follows the same others, so heap growth and cache state favour none.
    const samples = new Map<string, number[]>(reads.map(([what]) => [what, []]));
    for (let round = 0; round < ctx.repeat; round++) {
      for (const [what, run] of reads) {
        const timing = await timed(run);
        readRows = timing.result.length;
        samples.get(what)!.push(timing.ms);
      }
    }
    for (const [what] of reads) {
      readMs.set(what, median(samples.get(what)!));
      measurements.push({ section: 'peers', what: `read: ${what}`, rows: readRows, ms: readMs.get(what)!, detail: `median of ${ctx.repeat}, round-robin` });
    }
    const oursRead = readMs.get(reads[0]![0])!;
    for (const [what] of reads.slice(1)) {
      ratios.push(first('read', `repository with pgPool / ${what.replace(/ \(.*\)$/, '')}`, readMs.get(what)! / oursRead, 'exact types: a Decimal per numeric and a bigint per id, built from the text the peer returns as is'));
    }

    // Streams: every account's running totals, `CHUNK` rows per read.
    log('peers: streams of every running total…');
    const all = repo.runningTotalsSql(undefined, 'partition');
    const count = async (rows: AsyncIterable<unknown>, perChunk = false) => {
      let n = 0;
      for await (const item of rows) n += perChunk ? (item as unknown[]).length : 1;
      return n;
    };
    const streams: Array<[string, () => Promise<number>]> = [
      ['repository streamRunningTotals with pgPool (rows from the socket, exact types)', () => count(ours.streamRunningTotals(undefined, { chunkSize: CHUNK }))],
      ['node-postgres + pg-cursor (strings)', async () => {
        const connection = await pool.connect();
        try {
          const cursor = connection.query(new Cursor(all.text, all.values as unknown[]));
          let n = 0;
          for (let rows = await cursor.read(CHUNK); rows.length > 0; rows = await cursor.read(CHUNK)) n += rows.length;
          await cursor.close();
          return n;
        } finally {
          connection.release();
        }
      }],
      ['Kysely executor.stream (pg-cursor, strings)', async () => {
        let n = 0;
        for await (const result of kysely.getExecutor().stream(CompiledQuery.raw(all.text, [...all.values]), CHUNK)) n += result.rows.length;
        return n;
      }],
      ['postgres.js cursor (strings)', () => count(sqlJs.unsafe(all.text, all.values as never[]).cursor(CHUNK), true)],
    ];
    // Two rounds, every stream once per round, each keeping its faster run: the first stream of a round no longer
    // pays alone for a cold cache (nothing makes a run faster than it can be).
    const streamMs = new Map<string, number>();
    const streamRows = new Map<string, number>();
    for (let round = 0; round < 2; round++) {
      for (const [what, run] of streams) {
        const { ms, result } = await timed(run);
        streamMs.set(what, Math.min(ms, streamMs.get(what) ?? Infinity));
        streamRows.set(what, result);
      }
    }
    for (const [what] of streams) {
      measurements.push({ section: 'peers', what: `stream: ${what}`, rows: streamRows.get(what)!, ms: streamMs.get(what)!, detail: 'faster of 2 rounds' });
    }
    const oursStream = streamMs.get(streams[0]![0])!;
    for (const [what] of streams.slice(1)) {
      ratios.push(first('stream', `repository with pgPool / ${what.replace(/ \(.*\)$/, '')}`, streamMs.get(what)! / oursStream, 'exact types per row, and one REPEATABLE READ snapshot with timeouts around the portal'));
    }
    measurements.push({ section: 'peers', what: 'stream: Drizzle (node-postgres driver)', rows: 0, ms: 0, detail: 'no streaming API: not measured' });

    // Ingest: the same rows each time into the emptied table (PK and its indexes kept).
    log(`peers: ingest of ${ingestRows.toLocaleString('en-US')} rows…`);
    const truncate = () => client.query('TRUNCATE "Transaction" RESTART IDENTITY');
    const rows = benchRows(ingestRows, 21);
    const plain = rows.map((row) => ({
      accountId: row.accountId,
      amount: row.amount === null || row.amount === undefined ? null : String(row.amount),
      createdAt: row.createdAt,
      externalId: row.externalId ?? null,
    }));
    const inChunks = async (write: (chunk: typeof plain) => Promise<unknown>) => {
      for (let start = 0; start < plain.length; start += INSERT_CHUNK) await write(plain.slice(start, start + INSERT_CHUNK));
    };
    const ingests: Array<[string, () => Promise<unknown>]> = [
      ["repository insertMany strategy 'copy' (validated, idempotent)", () => ours.insertMany(rows, { strategy: 'copy' })],
      ['postgres.js COPY FROM STDIN (CSV)', async () => {
        const writable = await sqlJs.unsafe(COPY_TRANSACTIONS_CSV).writable();
        await pipeline(Readable.from(transactionCsvLines(rows)), writable);
      }],
      [`Kysely insertInto().values() in one transaction, ${INSERT_CHUNK}-row statements`, () =>
        kysely.transaction().execute((trx) => inChunks((chunk) => trx.insertInto('Transaction').values(chunk).execute()))],
      [`Drizzle insert().values() in one transaction, ${INSERT_CHUNK}-row statements`, () =>
        drizzleDb.transaction((tx) => inChunks((chunk) => tx.insert(transactions).values(chunk)))],
    ];
    const ingestMs = new Map<string, number>();
    for (const [what, run] of ingests) {
      await truncate();
      const { ms } = await timed(run);
      const { rows: stored } = await client.query<{ n: string }>('SELECT count(*) AS n FROM "Transaction"');
      if (Number(stored[0]!.n) !== ingestRows) throw new Error(`peers ingest (${what}): ${stored[0]!.n} rows stored, ${ingestRows} sent`);
      ingestMs.set(what, ms);
      measurements.push({ section: 'peers', what: `ingest: ${what}`, rows: ingestRows, ms, detail: `${rowsPerSecond(ingestRows, ms).toLocaleString('en-US')} rows/s` });
    }
    await truncate();
    const oursIngest = ingestMs.get(ingests[0]![0])!;
    for (const [what] of ingests.slice(1)) {
      ratios.push(first('ingest', `repository copy / ${what.replace(/ \(.*\)$/, '').replace(/ in one transaction.*$/, '')}`, ingestMs.get(what)! / oursIngest, 'validation of every row (exact decimals, dates, keys) and key order before COPY'));
    }
    return { measurements, ratios };
  } finally {
    await client.end();
    await sqlJs.end();
    await kysely.destroy();
    await drizzlePool.end();
    await pool.end();
  }
}
