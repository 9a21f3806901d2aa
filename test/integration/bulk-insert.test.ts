import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import {
  DatabaseUnavailableError,
  QueryFailedError,
  TransactionTimeoutError,
  ValidationError,
} from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { holdInOpenTransaction, untilBlockedBy } from '../support/lock-barrier.ts';
import { useTestPool } from '../support/pg-pool.ts';
import { transactionRows } from '../support/rows.ts';

const db = useTestDatabase();

describe('bulk insert is all or nothing', () => {
  it.each(['createMany', 'unnest'] as const)('writes every chunk of a large batch in one transaction (%s)', async (strategy) => {
    await db.truncate('Transaction');
    const result = await new TransactionRepository(db.prisma).insertMany(transactionRows(12_345), { chunkSize: 1_000, strategy });
    expect(result).toEqual({ inserted: 12_345, skipped: 0, chunks: 13, strategy });
    expect(await db.prisma.transaction.count()).toBe(12_345);
  });

  it('leaves no rows behind when a chunk fails in the database midway', async () => {
    await db.truncate('Transaction');
    // A constraint the library cannot know about makes the 4th of 5 chunks fail inside PostgreSQL.
    await db.prisma.$executeRaw`ALTER TABLE "Transaction" ADD CONSTRAINT test_no_account_666 CHECK ("accountId" <> 666)`;
    try {
      const rows = transactionRows(5_000, (i) => ({ accountId: i === 3_500 ? 666 : 1 }));
      for (const strategy of ['createMany', 'unnest'] as const) {
        const attempt = new TransactionRepository(db.prisma).insertMany(rows, { chunkSize: 1_000, strategy });
        await expect(attempt).rejects.toBeInstanceOf(QueryFailedError);
        await expect(attempt).rejects.toMatchObject({ sqlState: '23514' });
        expect(await db.prisma.transaction.count()).toBe(0);
      }
    } finally {
      await db.prisma.$executeRaw`ALTER TABLE "Transaction" DROP CONSTRAINT test_no_account_666`;
    }
  });

  it.each(['createMany', 'unnest'] as const)('rolls back and says so when the batch outlives the transaction timeout (%s)', async (strategy) => {
    await db.truncate('Transaction');
    // Another transaction's table lock stops the batch mid-transaction until well past its 50 ms deadline, so the
    // batch outlives it for certain, however fast the machine. On a loaded one the 50 ms may pass before the batch
    // reaches the lock: it cannot write while the lock is held, so it has then failed at its deadline already.
    const lock = await holdInOpenTransaction(db.url, 'LOCK TABLE "Transaction" IN SHARE MODE');
    let attempt: Promise<unknown>;
    try {
      attempt = new TransactionRepository(db.prisma).insertMany(transactionRows(2_000), { chunkSize: 100, timeoutMs: 50, strategy });
      attempt.catch(() => {}); // awaited below
      await untilBlockedBy(db.prisma, lock.pid, attempt, { orSettled: true });
      // The transaction began before it blocked: 100 ms from here is past its deadline.
      await sleep(100);
    } finally {
      await lock.close();
    }
    await expect(attempt).rejects.toBeInstanceOf(TransactionTimeoutError);
    // The server may still be finishing the statement that was running at the deadline: wait for the rollback.
    await expect.poll(() => db.prisma.transaction.count(), { timeout: 10_000 }).toBe(0);
  });

  it.each(['createMany', 'unnest'] as const)('ends at its deadline while another transaction holds the lock it waits on (%s)', async (strategy) => {
    await db.truncate('Transaction');
    // Prisma cannot interrupt a statement in flight: without a bound on the server, the insert waited for as long
    // as the lock was held. The lock is held here until the insert has settled.
    const lock = await holdInOpenTransaction(db.url, 'LOCK TABLE "Transaction" IN SHARE MODE');
    try {
      const attempt = new TransactionRepository(db.prisma).insertMany(transactionRows(500), { timeoutMs: 1_000, strategy });
      attempt.catch(() => {}); // awaited below
      const settled = await Promise.race([attempt.then(() => 'written', (error: unknown) => error), sleep(30_000).then(() => 'still waiting')]);
      expect(settled).toBeInstanceOf(TransactionTimeoutError);
      expect(String((settled as Error).message)).toMatch(/1000 ms \(timeoutMs\)/);
    } finally {
      await lock.close();
    }
    expect(await db.prisma.transaction.count()).toBe(0);
  });

  it('rejects a batch with one bad row before writing anything', async () => {
    await db.truncate('Transaction');
    const rows = transactionRows(100);
    const bad = [...rows.slice(0, 99), { ...rows[99]!, amount: '12.345' }];
    await expect(new TransactionRepository(db.prisma).insertMany(bad)).rejects.toThrow(ValidationError);
    expect(await db.prisma.transaction.count()).toBe(0);
  });

  it('insertAndReport returns totals that include the new rows, or nothing at all', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    await repo.insertMany([{ accountId: 7, amount: '100.00', createdAt: new Date('2026-01-01T00:00:00Z') }]);
    const { inserted, totals } = await repo.insertAndReport([
      { accountId: 7, amount: '-30.25', createdAt: new Date('2026-01-02T00:00:00Z') },
      { accountId: 8, amount: '1.00', createdAt: new Date('2026-01-02T00:00:00Z') },
    ]);
    expect(inserted).toBe(2);
    expect(totals.map((r) => [r.accountId, r.runningTotal.toFixed(2)])).toEqual([
      [7, '100.00'],
      [7, '69.75'],
      [8, '1.00'],
    ]);
  });
});

describe('idempotency keys (externalId)', () => {
  it.each(['createMany', 'unnest'] as const)('a retried batch is skipped row by row and reported as such (%s)', async (strategy) => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    const rows = transactionRows(2_500, (i) => ({ externalId: `${strategy}-${i}` }));
    expect(await repo.insertMany(rows.slice(0, 1_000), { strategy, chunkSize: 300 })).toMatchObject({ inserted: 1_000, skipped: 0 });
    // The full batch again (e.g. a client retrying after a timeout): only the 1,500 new rows are written.
    expect(await repo.insertMany(rows, { strategy, chunkSize: 300 })).toEqual({ inserted: 1_500, skipped: 1_000, chunks: 9, strategy });
    expect(await repo.insertMany(rows, { strategy })).toMatchObject({ inserted: 0, skipped: 2_500 });
    expect(await db.prisma.transaction.count()).toBe(2_500);
    // Rows without a key are never deduplicated.
    const anonymous = transactionRows(3);
    await repo.insertMany(anonymous, { strategy });
    expect(await repo.insertMany(anonymous, { strategy })).toMatchObject({ inserted: 3, skipped: 0 });
  });

  it('keeps exact decimals, NULL amounts and timestamps through the unnest path', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    const rows = [
      { accountId: -2_147_483_648, amount: '-999999999999.99', createdAt: new Date('0001-01-01T00:00:00.000Z'), externalId: `'; --` },
      { accountId: 2_147_483_647, amount: '0.01', createdAt: new Date('9999-12-31T23:59:59.999Z'), externalId: '{"a":[1,2]}\\' },
      { accountId: 0, amount: null, createdAt: new Date('2026-06-30T12:34:56.789Z'), externalId: 'Zürich ✓ 𝄞' },
    ];
    await repo.insertMany(rows, { strategy: 'unnest' });
    const stored = await db.prisma.transaction.findMany();
    // Keyed by externalId: the values are what is claimed here, not the order the rows were written in.
    expect(new Map(stored.map((r) => [r.externalId, [r.accountId, r.amount?.toFixed(2) ?? null, r.createdAt.toISOString()]]))).toEqual(
      new Map(rows.map((r) => [r.externalId, [r.accountId, r.amount, r.createdAt.toISOString()]])),
    );
  });

  it('a batch repeating an externalId is rejected before SQL', async () => {
    await db.truncate('Transaction');
    const rows = transactionRows(10, (i) => ({ externalId: `dup-${i}` }));
    await expect(new TransactionRepository(db.prisma).insertMany([...rows, rows[4]!])).rejects.toThrow(/rows\[10\]\.externalId: repeats/);
    expect(await db.prisma.transaction.count()).toBe(0);
  });
});

describe('a row another unique index refuses is an error on every strategy, never a skipped duplicate', () => {
  // Prisma's skipDuplicates is ON CONFLICT DO NOTHING without a target: it skipped these rows and counted them as
  // duplicates of a stored externalId (found by an outside trial). Each strategy must fail the batch whole instead.
  const pool = useTestPool(db, 2);
  const strategies = ['createMany', 'unnest', 'copy'] as const;
  const repo = () => new TransactionRepository(db.prisma, { pgPool: pool() });
  const stored = async () => (await pool().query<{ n: number; cents: string }>('SELECT count(*)::int AS n, COALESCE(SUM(amount * 100), 0)::bigint::text AS cents FROM "Transaction"')).rows[0]!;

  it.each(strategies)('rows without a key meeting an id the sequence has not reached (a restore): 23505, nothing written (%s)', async (strategy) => {
    await db.truncate('Transaction');
    const { rows } = await pool().query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('"Transaction"', 'id')) + 2 AS id`);
    await pool().query(`INSERT INTO "Transaction" (id, "accountId", amount, "createdAt") VALUES ($1, 1, 10.00, '2026-01-01T00:00:00Z')`, [rows[0]!.id]);
    const attempt = repo().insertMany(transactionRows(5, () => ({ amount: '10.00' })), { strategy, retry: false });
    await expect(attempt).rejects.toBeInstanceOf(QueryFailedError);
    await expect(attempt).rejects.toMatchObject({ sqlState: '23505' });
    expect(await stored()).toEqual({ n: 1, cents: '1000' });
  });

  it.each(strategies)('a row with a new key that breaks an index of the application: 23505, nothing written; stored keys still skipped (%s)', async (strategy) => {
    await db.truncate('Transaction');
    await pool().query('CREATE UNIQUE INDEX test_one_per_instant ON "Transaction" ("accountId", "createdAt")');
    try {
      const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i));
      await repo().insertMany(transactionRows(3, (i) => ({ accountId: 1, createdAt: at(i), amount: '1.00', externalId: `k${i}` })), { strategy: 'unnest' });
      // k0 and k1 are stored (skipped); k9 is new but takes k2's (account, instant); k8 is new and free.
      const batch = [
        { accountId: 1, createdAt: at(0), amount: '1.00', externalId: 'k0' },
        { accountId: 1, createdAt: at(1), amount: '1.00', externalId: 'k1' },
        { accountId: 1, createdAt: at(8), amount: '1.00', externalId: 'k8' },
        { accountId: 1, createdAt: at(2), amount: '5.00', externalId: 'k9' },
      ];
      const attempt = repo().insertMany(batch, { strategy, retry: false });
      await expect(attempt).rejects.toBeInstanceOf(QueryFailedError);
      await expect(attempt).rejects.toMatchObject({ sqlState: '23505' });
      expect(await stored()).toEqual({ n: 3, cents: '300' });
      // Without the refused row, the stored keys are skipped and the new one written.
      expect(await repo().insertMany(batch.slice(0, 3), { strategy })).toMatchObject({ inserted: 1, skipped: 2, strategy });
      expect(await stored()).toEqual({ n: 4, cents: '400' });
    } finally {
      await pool().query('DROP INDEX IF EXISTS test_one_per_instant');
    }
  });
});

describe('transactions owned by the caller', () => {
  it('a repository built on a transaction client joins that transaction and rolls back with it', async () => {
    await db.truncate('Transaction');
    const failure = new Error('service failed after writing');
    await expect(
      db.prisma.$transaction(async (tx) => {
        // How the repository tells a caller's transaction client (no retry of its own) from a PrismaClient.
        expect(typeof (tx as { $disconnect?: unknown }).$disconnect).toBe('undefined');
        expect(typeof (db.prisma as { $disconnect?: unknown }).$disconnect).toBe('function');
        await new TransactionRepository(tx).insertMany(transactionRows(10));
        expect(await tx.transaction.count()).toBe(10);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await db.prisma.transaction.count()).toBe(0);
  });
});

describe('database failures are typed', () => {
  it('reports an unreachable server as DatabaseUnavailableError', async () => {
    const unreachable = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://nobody@127.0.0.1:1/none' }) });
    try {
      await expect(new TransactionRepository(unreachable).runningTotals()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await unreachable.$disconnect();
    }
  });
});
