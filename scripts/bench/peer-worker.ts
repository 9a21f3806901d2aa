/**
 * Child process of `npm run bench`'s peers section (one per measurement, so its peak RSS is its own): one client
 * runs one job and prints one JSON line (`PeerResult`).
 *
 *   node --expose-gc scripts/bench/peer-worker.ts '{"job":"read","client":"drizzle","url":"postgres://…","accounts":[1,2]}'
 *
 * Before the first run the clients are loaded, connected and warmed on a small job of the same kind (an ingest on
 * 1,000 rows of other keys, deleted again), so the memory measured is the job's own. Reads and pages then run
 * `runs` more times, each after a full collection, and report the median: what a warm server process pays per
 * call. Streams and ingests are measured once.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { PrismaPg } from '@prisma/adapter-pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { sql as drizzleSql, type SQL } from 'drizzle-orm';
import { integer, numeric, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import postgres from 'postgres';

import { Prisma as PrismaNamespace, PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import type { Prisma } from '../../prisma/app/index.ts';
import { Checksum } from './checksum.ts';
import { benchRows } from './ingest-rows.ts';
import type { PeerJob, PeerResult } from './peer-jobs.ts';
import { median } from './stats.ts';
import { COPY_TRANSACTIONS_CSV, transactionCsvLines } from './transaction-csv.ts';

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
function drizzleStatement(text: string, values: readonly unknown[]): SQL {
  const chunks: SQL[] = text.split(/\$(\d+)/).map((part, i) => (i % 2 === 0 ? drizzleSql.raw(part) : drizzleSql`${drizzleSql.param(values[Number(part) - 1])}`));
  return drizzleSql.join(chunks);
}

/**
 * The keyset page a user writes by hand: the rows after the last one's (createdAt, id), their totals continuing
 * from its total. The position travels as the server's text of the timestamp (a JavaScript Date would drop its
 * microseconds and repeat or skip rows); bound as text, which no driver converts on the way. ORDER BY names the
 * table's columns: the output column "createdAt" (the UTC wall time) would make PostgreSQL sort the account's
 * remaining rows for every page instead of reading the index in order.
 */
const PAGE_SQL = `SELECT id, "accountId", amount, ("createdAt" AT TIME ZONE INTERVAL '+00:00') AS "createdAt", "createdAt"::text AS "position",
  CAST(CAST($2 AS text) AS numeric) + SUM(COALESCE(amount, 0)) OVER (ORDER BY "createdAt", id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal"
FROM "Transaction" WHERE "accountId" = $1 AND ("createdAt", id) > (CAST(CAST($3 AS text) AS timestamptz), CAST($4 AS int8))
ORDER BY "Transaction"."createdAt", "Transaction".id LIMIT $5`;

interface PageRow {
  readonly id: unknown;
  readonly accountId: number;
  readonly position: string;
  readonly runningTotal: unknown;
}

type Query = (text: string, values: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>;

/** Connections of one client, opened before the first run and closed after the last. */
interface Clients {
  readonly query: Query;
  readonly repo: TransactionRepository | undefined;
  readonly close: () => Promise<void>;
  readonly stream?: (text: string, values: readonly unknown[], chunk: number) => AsyncIterable<readonly Record<string, unknown>[]>;
  readonly insert?: (rows: ReturnType<typeof benchRows>) => Promise<void>;
}

const INSERT_CHUNK = 1_000;

/** The exact types a peer's user would ask for: a `Decimal` per numeric, a `bigint` per id. */
const exactDecimal = (text: string) => new PrismaNamespace.Decimal(text);
/**
 * An instant from the server's text of a UTC wall time (`2026-11-27 10:00:00.123456`, what the SQL selects), as
 * a user would write it: parsed as ISO 8601 in UTC (the driver's own parser would read it as local time).
 */
const utcWallTime = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

/** Throws unless a row of an `-exact` client holds the repository's types: what its measurement claims. */
function exactRows<R extends Record<string, unknown>>(rows: readonly R[]): readonly R[] {
  const row = rows[0];
  if (row && !(typeof row.id === 'bigint' && row.runningTotal instanceof PrismaNamespace.Decimal && row.createdAt instanceof Date)) {
    throw new Error(`an exact client returned ${JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v])))}`);
  }
  return rows;
}

/** A running total as the next page's bound text: a Decimal prints without an exponent through `toFixed`. */
const totalText = (total: unknown) => (total instanceof PrismaNamespace.Decimal ? total.toFixed() : String(total));

function plainRows(rows: ReturnType<typeof benchRows>) {
  return rows.map((row) => ({
    accountId: row.accountId,
    amount: row.amount === null || row.amount === undefined ? null : String(row.amount),
    createdAt: row.createdAt,
    externalId: row.externalId ?? null,
  }));
}

async function inChunks<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) await write(rows.slice(start, start + INSERT_CHUNK));
}

async function openClients(job: PeerJob): Promise<Clients> {
  switch (job.client) {
    case 'ours':
    case 'prisma': {
      const pool = new pg.Pool({ connectionString: job.url, max: 2 });
      const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
      const repo = new TransactionRepository(prisma, job.client === 'ours' ? { pgPool: pool, preparedStatements: true } : {});
      return {
        repo,
        query: (text) => Promise.reject(new Error(`the repository runs its own SQL, not ${text.slice(0, 20)}`)),
        close: async () => {
          await prisma.$disconnect();
          await pool.end().catch(() => {});
        },
      };
    }
    case 'node-postgres': {
      const pool = new pg.Pool({ connectionString: job.url, max: 2 });
      return {
        repo: undefined,
        // Named after its text: node-postgres prepares it once per connection, as the repository's option does.
        query: async (text, values) => (await pool.query({ name: `peer_${createHash('sha1').update(text).digest('hex')}`, text, values: values as unknown[] })).rows,
        async *stream(text, values, chunk) {
          const client = await pool.connect();
          try {
            const cursor = client.query(new Cursor(text, values as unknown[]));
            for (let rows = await cursor.read(chunk); rows.length > 0; rows = await cursor.read(chunk)) yield rows;
            await cursor.close();
          } finally {
            client.release();
          }
        },
        close: () => pool.end(),
      };
    }
    case 'kysely': {
      const kysely = new Kysely<KyselyTables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: job.url, max: 2 }), cursor: Cursor }) });
      return {
        repo: undefined,
        query: async (text, values) => (await kysely.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [...values]))).rows,
        async *stream(text, values, chunk) {
          for await (const result of kysely.getExecutor().stream<Record<string, unknown>>(CompiledQuery.raw(text, [...values]), chunk)) yield result.rows;
        },
        insert: (rows) => kysely.transaction().execute((trx) => inChunks(plainRows(rows), (part) => trx.insertInto('Transaction').values(part).execute())),
        close: () => kysely.destroy(),
      };
    }
    case 'drizzle': {
      const pool = new pg.Pool({ connectionString: job.url, max: 2 });
      const db = drizzle(pool);
      return {
        repo: undefined,
        query: async (text, values) => (await db.execute(drizzleStatement(text, values))).rows,
        insert: (rows) => db.transaction((tx) => inChunks(plainRows(rows), async (part) => void (await tx.insert(transactions).values(part)))),
        close: () => pool.end(),
      };
    }
    case 'postgres.js': {
      const sql = postgres(job.url, { max: 2, onnotice: () => {} });
      return {
        repo: undefined,
        // Prepared once per connection (`unsafe` leaves statements unnamed unless asked).
        query: (text, values) => sql.unsafe(text, values as never[], { prepare: true }),
        stream: (text, values, chunk) => sql.unsafe(text, values as never[]).cursor(chunk),
        insert: async (rows) => {
          const writable = await sql.unsafe(COPY_TRANSACTIONS_CSV).writable();
          await pipeline(Readable.from(transactionCsvLines(rows)), writable);
        },
        close: () => sql.end(),
      };
    }
    case 'drizzle-exact': {
      // node-postgres's documented way to parse a type, which Drizzle's `execute` falls back to for every type but
      // dates and intervals (those it keeps as text). This process runs this one client, so setting it globally is safe.
      pg.types.setTypeParser(pg.types.builtins.NUMERIC, exactDecimal);
      pg.types.setTypeParser(pg.types.builtins.INT8, BigInt);
      const pool = new pg.Pool({ connectionString: job.url, max: 2 });
      const db = drizzle(pool);
      return {
        repo: undefined,
        query: async (text, values) => {
          const { rows } = await db.execute(drizzleStatement(text, values));
          for (const row of rows) row.createdAt = utcWallTime(row.createdAt as string);
          return exactRows(rows);
        },
        close: () => pool.end(),
      };
    }
    case 'postgres.js-exact': {
      const sql = postgres(job.url, {
        max: 2,
        onnotice: () => {},
        types: {
          bigint: postgres.BigInt,
          decimal: { to: 1700, from: [1700], serialize: (x: unknown) => String(x), parse: exactDecimal },
          wallTime: { to: 1114, from: [1114], serialize: (x: Date) => x.toISOString(), parse: utcWallTime },
        },
      });
      return {
        repo: undefined,
        query: async (text, values) => exactRows(await sql.unsafe(text, values as never[], { prepare: true })),
        close: () => sql.end(),
      };
    }
  }
}

/** One run of the job; resolves to the rows it read or wrote and the checksum of the totals read. */
type Run = () => Promise<{ rows: number; checksum: string }>;

function sumUp(rows: Iterable<{ accountId: unknown; runningTotal: unknown }>, checksum = new Checksum()): Checksum {
  for (const row of rows) checksum.add(Number(row.accountId), row.runningTotal);
  return checksum;
}

function readRun(clients: Clients, accounts: readonly number[]): Run {
  const options = { partitions: [...accounts] };
  const { text, values } = new TransactionRepository({} as never).runningTotalsSql(options, 'partition') as Prisma.Sql;
  return async () => {
    const rows = clients.repo ? await clients.repo.runningTotals(options) : ((await clients.query(text, values)) as unknown as PageRow[]);
    return { rows: rows.length, checksum: sumUp(rows).digest() };
  };
}

/** Walks the account's statement page by page. */
function pageRun(clients: Clients, account: number, pageSize: number): Run {
  return async () => {
    const checksum = new Checksum();
    let rows = 0;
    const { repo } = clients;
    if (repo) {
      let after: string | undefined;
      do {
        const page = await repo.page({ partition: account, limit: pageSize, ...(after !== undefined && { after }) });
        rows += page.rows.length;
        sumUp(page.rows, checksum);
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
    } else {
      let position: [string, string, string] = ['0', '-infinity', '0'];
      for (;;) {
        const page = (await clients.query(PAGE_SQL, [account, position[0], position[1], position[2], pageSize])) as unknown as PageRow[];
        rows += page.length;
        sumUp(page, checksum);
        const last = page.at(-1);
        if (page.length < pageSize || !last) break;
        position = [totalText(last.runningTotal), last.position, String(last.id)];
      }
    }
    return { rows, checksum: checksum.digest() };
  };
}

function streamRun(clients: Clients, chunkSize: number): Run {
  const { text, values } = new TransactionRepository({} as never).runningTotalsSql(undefined, 'partition') as Prisma.Sql;
  return async () => {
    const checksum = new Checksum();
    let rows = 0;
    if (clients.repo) {
      for await (const row of clients.repo.streamRunningTotals(undefined, { chunkSize, timeoutMs: 86_400_000 })) {
        rows += 1;
        checksum.add(row.accountId, row.runningTotal);
      }
    } else {
      if (!clients.stream) throw new Error('this client has no streaming API');
      for await (const chunk of clients.stream(text, values, chunkSize)) {
        rows += chunk.length;
        sumUp(chunk as unknown as PageRow[], checksum);
      }
    }
    return { rows, checksum: checksum.digest() };
  };
}

function ingestRun(clients: Clients, rows: ReturnType<typeof benchRows>): Run {
  return async () => {
    if (clients.repo) await clients.repo.insertMany(rows, { strategy: 'copy' });
    else if (clients.insert) await clients.insert(rows);
    else throw new Error('this client has no insert');
    return { rows: rows.length, checksum: '' };
  };
}

const WARM_UP_ROWS = 1_000;

/** Deletes the warm-up rows (the parent emptied the table before this process and counts the rows after it). */
async function emptied(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DELETE FROM "Transaction"');
  } finally {
    await client.end();
  }
}

/** One statement that reads nothing, so the connections are open before the first run. */
async function connected(clients: Clients): Promise<void> {
  if (clients.repo) await clients.repo.runningTotals({ partitions: [-1] });
  else await clients.query('SELECT 1', []);
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as PeerJob;
  const clients = await openClients(job);
  try {
    let run: Run;
    switch (job.job) {
      case 'read':
        await readRun(clients, job.accounts!.slice(0, 1))(); // warm-up on one account
        run = readRun(clients, job.accounts!);
        break;
      case 'page':
        // A whole walk: every client's page code is warm (compiled) before the runs that are timed.
        await pageRun(clients, job.account!, job.pageSize!)();
        run = pageRun(clients, job.account!, job.pageSize!);
        break;
      case 'stream':
        await connected(clients);
        run = streamRun(clients, job.chunkSize!);
        break;
      case 'ingest':
        // A small batch of other keys, written and deleted again: every client's insert code is warm (compiled)
        // before the run that is timed, as reads and pages are; a large batch warms itself, a small one did not.
        await ingestRun(clients, benchRows(WARM_UP_ROWS, job.seed! + 1_000))();
        await emptied(job.url);
        run = ingestRun(clients, benchRows(job.ingestRows!, job.seed!));
        break;
    }
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const idleMaxRss = process.resourceUsage().maxRSS;
    let start = performance.now();
    const first = await run();
    const samples = [performance.now() - start];
    const peakMaxRss = process.resourceUsage().maxRSS;
    const timed = job.job === 'read' || job.job === 'page' ? (job.runs ?? 3) : 0;
    const later: number[] = [];
    for (let i = 0; i < timed; i++) {
      gc?.();
      start = performance.now();
      const again = await run();
      later.push(performance.now() - start);
      if (again.checksum !== first.checksum || again.rows !== first.rows) throw new Error('a later run read other totals');
    }
    const result: PeerResult = {
      rows: first.rows,
      ms: later.length > 0 ? median(later) : samples[0]!,
      samples: [...samples, ...later].map((ms) => Math.round(ms * 10) / 10),
      peakRssMb: Math.round(peakMaxRss / 1024),
      addedRssMb: Math.round((peakMaxRss - idleMaxRss) / 1024),
      checksum: first.checksum,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await clients.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`peer worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
