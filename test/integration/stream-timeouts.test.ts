// Streams hold one transaction: a consumer that stops pulling (or drops the iterator without return()) must not
// keep that connection, and every stream option holds on both paths (keyset chunks and the pgPool statement).
import { setTimeout as sleep } from 'node:timers/promises';

import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { PrismaPg } from '@prisma/adapter-pg';
import { DatabaseUnavailableError, LedgerError, TransactionTimeoutError, ValidationError } from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { barrier, holdInOpenTransaction } from '../support/lock-barrier.ts';
import { useTestPool, withTestPool } from '../support/pg-pool.ts';

const db = useTestDatabase();
const admin = useTestPool(db, 1);

beforeAll(async () => {
  await admin().query(`
    INSERT INTO "Transaction" ("accountId", amount, "createdAt")
    SELECT 1, 1.00, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, 40) g`);
});

/** Other sessions on this database inside an open transaction (a stream's snapshot). */
async function openTransactions(): Promise<number> {
  const { rows } = await admin().query<{ n: number; states: string }>(
    `SELECT count(*)::int AS n, string_agg(state, ',') AS states FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
  );
  if (process.env.DEBUG_STATES) console.log(rows[0]);
  return rows[0]!.n;
}

/** How `openTransactions` is polled: the timeout is a ceiling for a loaded machine, never the expected duration. */
const polled = (until: string) => ({ timeout: 20_000, interval: 25, message: `timed out waiting until ${until}` });

describe.each([
  ['keyset chunks', () => undefined],
  ['pgPool statement', (pool: pg.Pool) => pool],
] as const)('a stream through %s', (_, poolFor) => {
  const pool = useTestPool(db, 1);
  const repo = () => {
    const pgPool = poolFor(pool());
    return new TransactionRepository(db.prisma, pgPool ? { pgPool } : {});
  };

  it('while the consumer holds a chunk within idleTimeoutMs, the snapshot transaction stays open', async () => {
    // A limit far beyond the test, so the open transaction is observed whatever the machine's load.
    const rows = repo().streamRunningTotals({}, { chunkSize: 5, idleTimeoutMs: 600_000 });
    expect((await rows.next()).done).toBe(false);
    await expect.poll(openTransactions, polled('the stream holds its transaction')).toBe(1);
    await rows.return(undefined);
    await expect.poll(openTransactions, polled('the closed stream let go')).toBe(0);
  });

  it('abandoned mid-way: its transaction ends after idleTimeoutMs, and a late read throws TransactionTimeoutError', async () => {
    const rows = repo().streamRunningTotals({}, { chunkSize: 5, idleTimeoutMs: 300 });
    expect((await rows.next()).done).toBe(false);
    // The transaction is ended once the consumer has been away for idleTimeoutMs (the iterator was never closed).
    await expect.poll(openTransactions, polled('the idle transaction is gone')).toBe(0);
    // Rows already read stay valid; the first read that needs the database must not pretend the stream ended.
    let late: unknown;
    for (let read = 1; late === undefined; read += 1) {
      if (read > 40) throw new Error('the abandoned stream went on reading');
      late = await rows.next().then(
        (step) => (step.done ? 'ended' : undefined),
        (error: unknown) => error,
      );
    }
    expect(late).toBeInstanceOf(TransactionTimeoutError);
    expect(String((late as Error).message)).toMatch(/idleTimeoutMs/);
  });

  it('the connection is free again: a second stream on the same one-connection pool reads everything', async () => {
    const first = repo().streamRunningTotals({}, { chunkSize: 5, idleTimeoutMs: 200 });
    await first.next();
    await expect.poll(openTransactions, polled('the abandoned stream let go')).toBe(0);
    expect(await collect(repo().streamRunningTotals({}, { chunkSize: 7 }))).toHaveLength(40);
  });

  it('a consumer that keeps reading, but past timeoutMs for the whole stream, gets TransactionTimeoutError', async () => {
    const read: unknown[] = [];
    const outcome = await (async () => {
      for await (const row of repo().streamRunningTotals({}, { chunkSize: 1, timeoutMs: 400, idleTimeoutMs: 10_000 })) {
        read.push(row);
        await sleep(40); // 40 rows × 40 ms is well past 400 ms
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(TransactionTimeoutError);
    expect(read.length).toBeLessThan(40);
    await expect.poll(openTransactions, polled('the timed-out transaction is gone')).toBe(0);
  });

  it('a consumer that takes its time on every row, but never idleTimeoutMs on one, reads every row', async () => {
    let count = 0;
    const started = performance.now();
    for await (const row of repo().streamRunningTotals({}, { chunkSize: 3, idleTimeoutMs: 300 })) {
      expect(row.runningTotal.toFixed(2)).toBe(`${++count}.00`);
      await sleep(10); // 40 rows × 10 ms: past idleTimeoutMs in all, a tenth of it per 3-row chunk
    }
    expect(count).toBe(40);
    expect(performance.now() - started).toBeGreaterThan(300);
  });

  it('a consumer within the bounds reads every row', async () => {
    let count = 0;
    for await (const row of repo().streamRunningTotals({}, { chunkSize: 3, timeoutMs: 60_000, idleTimeoutMs: 60_000 })) {
      expect(row.runningTotal.toFixed(2)).toBe(`${++count}.00`);
    }
    expect(count).toBe(40);
  });

  it('rejects invalid timeouts before any SQL', async () => {
    await expect(repo().streamRunningTotals({}, { idleTimeoutMs: 0 }).next()).rejects.toBeInstanceOf(ValidationError);
    await expect(repo().streamRunningTotals({}, { timeoutMs: -1 }).next()).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('a stream whose pool has no connection free', () => {
  type BusyPoolWork = (repo: TransactionRepository, letGo: () => void) => Promise<void>;
  // Each path with a pool of one connection, held by another transaction until `letGo` (or the end of `work`).
  const paths = [
    [
      'keyset chunks (Prisma transaction)',
      async (work: BusyPoolWork) => {
        const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 1 }) });
        const release = barrier();
        const holding = barrier();
        const holder = prisma.$transaction(
          async (tx) => {
            await tx.$queryRaw`SELECT 1`;
            holding.open();
            await release.promise;
          },
          { timeout: 60_000 },
        );
        try {
          await holding.promise;
          await work(new TransactionRepository(prisma), release.open);
        } finally {
          release.open();
          await holder;
          await prisma.$disconnect();
        }
      },
    ],
    [
      'pgPool statement',
      async (work: BusyPoolWork) =>
        withTestPool(db.url, 1, async (pool) => {
          const held = await pool.connect();
          let released = false;
          const letGo = () => {
            if (!released) held.release();
            released = true;
          };
          try {
            await work(new TransactionRepository(db.prisma, { pgPool: pool }), letGo);
          } finally {
            letGo();
          }
        }),
    ],
  ] as const;

  it.each(paths)('%s: past maxWaitMs, DatabaseUnavailableError and nothing read', async (_, withBusyPool) => {
    await withBusyPool(async (repo) => {
      const error = await repo.streamRunningTotals({}, { maxWaitMs: 200 }).next().then(
        () => new Error('the stream read a row'),
        (failure: unknown) => failure,
      );
      expect(error, String(error)).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toBeInstanceOf(LedgerError);
    });
  });

  it.each(paths)('%s: a first page waits at most its maxWaitMs too: DatabaseUnavailableError', async (_, withBusyPool) => {
    await withBusyPool(async (repo) => {
      const error = await repo.page({ partition: 1, limit: 5, maxWaitMs: 200 }).then(
        () => new Error('the page was read'),
        (failure: unknown) => failure,
      );
      expect(error, String(error)).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as Error).message).toMatch(/maxWait/);
    });
  });

  it.each(paths)('%s: a timeoutMs shorter than maxWaitMs bounds the wait too', async (_, withBusyPool) => {
    await withBusyPool(async (repo) => {
      await expect(repo.streamRunningTotals({}, { timeoutMs: 300 }).next()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    });
  });

  it.each(paths)('%s: a connection that comes free within maxWaitMs serves the whole stream', async (_, withBusyPool) => {
    await withBusyPool(async (repo, letGo) => {
      const rows = repo.streamRunningTotals({}, { maxWaitMs: 60_000 });
      // The stream asks for the pool's one connection, then it comes free.
      const first = rows.next();
      await sleep(100);
      letGo();
      let count = 0;
      for (let next = await first; !next.done; next = await rows.next()) {
        expect(next.value.runningTotal.toFixed(2)).toBe(`${++count}.00`);
      }
      expect(count).toBe(40);
    });
  });

  it('rejects an invalid maxWaitMs before any SQL', async () => {
    const repo = new TransactionRepository(db.prisma);
    await expect(repo.streamRunningTotals({}, { maxWaitMs: 0 }).next()).rejects.toBeInstanceOf(ValidationError);
    await expect(repo.streamRunningTotals({}, { maxWaitMs: 600_001 }).next()).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('a stream whose statement waits on another transaction\'s lock', () => {
  // The lock is held until the stream settles: a stream that is not bounded while its statement waits never does.
  const pool = useTestPool(db, 1);
  const streams: ReadonlyArray<readonly [string, () => AsyncGenerator<unknown, void, undefined>]> = [
    ['streamRunningTotals (keyset chunks)', () => new TransactionRepository(db.prisma).streamRunningTotals({}, { timeoutMs: 1_000 })],
    ['streamRunningTotals (pgPool statement)', () => new TransactionRepository(db.prisma, { pgPool: pool() }).streamRunningTotals({}, { timeoutMs: 1_000 })],
    [
      'streamBucketTotals (cursor)',
      () => new TransactionRepository(db.prisma).streamBucketTotals({ bucket: 'day', from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') }, { timeoutMs: 1_000 }),
    ],
  ];

  it.each(streams)('%s ends at its timeoutMs with TransactionTimeoutError', async (_, open) => {
    const lock = await holdInOpenTransaction(db.url, 'LOCK TABLE "Transaction" IN ACCESS EXCLUSIVE MODE');
    try {
      const first = open().next();
      await expect(first).rejects.toBeInstanceOf(TransactionTimeoutError);
    } finally {
      await lock.close();
    }
    // The connection came back free: the same stream now reads every row.
    expect((await collect(open(), 1000)).length).toBeGreaterThan(0);
  });
});
