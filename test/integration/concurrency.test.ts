/**
 * Concurrency, with the interleavings that matter forced rather than hoped for:
 * - A SERIALIZABLE batch meets a key that another transaction inserted and committed after the batch's snapshot
 *   was taken: PostgreSQL aborts it with 40001 for certain, the repository retries it once, and the retry skips
 *   the key that is now visible. Nothing is written twice.
 * - Running totals and SUM(amount) read in one REPEATABLE READ transaction agree although a commit lands between
 *   the two reads; the same reads without a shared snapshot (READ COMMITTED) disagree, so the check can fail.
 * - Under load (8 seeded SERIALIZABLE writers over overlapping keys, 3 readers): every read is snapshot-consistent
 *   and every key lands exactly once, with totals equal to the reference.
 */
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { SerializationFailureError, withRetry, type DbClient, type LedgerError } from '../../src/index.ts';
import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { transactionLedger } from '../support/ledger-data.ts';
import { useTestDatabase } from '../support/database.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { holdUncommittedRow, untilBlockedBy } from '../support/lock-barrier.ts';
import { seeded } from '../support/property-seed.ts';
import { randomTransaction, type RandomLedger } from '../support/rows.ts';
import { byPartition, centsToString, referenceRunningTotals } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();

const LEDGER: RandomLedger = { accounts: 6, nullRate: 0.05, cents: [-50_000, 150_000], slots: 30, slotMs: 60_000 };

/** The row of a key is a function of the key, so whichever writer wins a key, the content is the same. */
function rowOf(key: number, seed = 0): NewTransaction {
  return randomTransaction(seededRandom(seed + key * 7_919), LEDGER, { accountId: 1 + (key % 6), externalId: `key-${key}` });
}

/** Every stored row is the row of its key, each key once, and the running totals equal the reference. */
async function expectEachKeyOnce(keys: ReadonlySet<number>, seed = 0) {
  const stored = await db.prisma.transaction.findMany({ orderBy: { id: 'asc' } });
  const storedKeys = stored.map((r) => Number(r.externalId?.slice(4)));
  expect(storedKeys).toHaveLength(new Set(storedKeys).size); // no key twice
  expect(new Set(storedKeys)).toEqual(keys); // every key once
  for (const row of stored) {
    const sent = rowOf(Number(row.externalId?.slice(4)), seed);
    expect([row.accountId, row.amount?.toFixed(2) ?? null, row.createdAt.getTime()]).toEqual([sent.accountId, sent.amount ?? null, sent.createdAt.getTime()]);
  }
  const actual = await new TransactionRepository(db.prisma).runningTotals();
  expect(byPartition(actual, (r) => r.accountId, (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
    byPartition(referenceRunningTotals(transactionLedger(stored), { partitioned: true, frame: 'rows', nulls: 'zero' }), (r) => r.key, (r) => [r.id, centsToString(r.total)]),
  );
  return stored.length;
}

/** Running totals, then something else, then SUM(amount) per account: do the last running totals equal the sums? */
async function readTwiceAgree(client: DbClient, between: () => Promise<unknown>): Promise<boolean> {
  const totals = await new TransactionRepository(client).runningTotals();
  await between();
  const sums = await client.$queryRaw<Array<{ accountId: number; sum: Prisma.Decimal | null }>>`
    SELECT "accountId", SUM("amount") AS sum FROM "Transaction" GROUP BY "accountId"`;
  const last = new Map(totals.map((r) => [r.accountId, r.runningTotal.toFixed(2)]));
  const summed = new Map(sums.map((r) => [r.accountId, (r.sum ?? new Prisma.Decimal(0)).toFixed(2)]));
  return JSON.stringify([...last].sort()) === JSON.stringify([...summed].sort());
}

describe('concurrent writers and readers', () => {
  it.each(['unnest', 'createMany'] as const)(
    'a serialization failure is retried, and the retry skips the key the other transaction committed (%s)',
    async (strategy) => {
      await db.truncate('Transaction');
      const keys = [1, 2, 3, 4, 5];
      // Another transaction has inserted key 5 and not committed yet.
      const other = await holdUncommittedRow(db.url, rowOf(5));
      try {
        const retries: Array<{ attempt: number; error: LedgerError }> = [];
        const insert = new TransactionRepository(db.prisma).insertMany(keys.map((key) => rowOf(key)), {
          strategy,
          isolationLevel: 'Serializable',
          // One retry is all it may take: the second attempt's snapshot sees the committed key.
          retry: { maxAttempts: 2, baseDelayMs: 0, onRetry: ({ attempt, error }) => void retries.push({ attempt, error }) },
        });
        // The batch has taken its snapshot and waits on key 5; committing it now makes the key a conflict the
        // batch's snapshot cannot see, which SERIALIZABLE must refuse (40001).
        await untilBlockedBy(db.prisma, other.pid, insert);
        await other.commit();

        expect(await insert).toMatchObject({ inserted: keys.length - 1, skipped: 1 });
        expect(retries).toHaveLength(1);
        expect(retries[0]!.attempt).toBe(1);
        expect(retries[0]!.error).toBeInstanceOf(SerializationFailureError);
        expect(retries[0]!.error).toMatchObject({ sqlState: '40001' });
      } finally {
        await other.close();
      }
      expect(await expectEachKeyOnce(new Set(keys))).toBe(keys.length);
    },
  );

  it('reads in one REPEATABLE READ transaction agree across a commit between them; without a snapshot they disagree', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    await repo.insertMany(Array.from({ length: 30 }, (_, key) => rowOf(key)));
    let next = 1_000;
    // Committed by another connection while the reader is between its two reads; it changes account 1's sum.
    const commitBetween = () => repo.insertMany([{ accountId: 1, amount: '1.00', createdAt: new Date(Date.UTC(2026, 0, 2)), externalId: `key-${next++}` }]);

    const snapshot = await db.prisma.$transaction((tx) => readTwiceAgree(tx, commitBetween), { isolationLevel: 'RepeatableRead' });
    const unprotected = await readTwiceAgree(db.prisma, commitBetween);

    expect(snapshot).toBe(true);
    expect(unprotected).toBe(false); // the control: the check does notice a read that spans a commit
  });

  it('under load: every read sees one snapshot; every key lands once', seeded(async (seed) => {
    await db.truncate('Transaction');
    const WRITERS = 8;
    const BATCHES_PER_WRITER = 8;
    const READERS = 3;
    const KEY_SPACE = 1_500;
    const stats = { writes: 0, serializationRetries: 0, reads: 0, inconsistentReads: 0, readRetries: 0 };
    const written = new Set<number>();
    let writing = true;

    const writer = async (w: number) => {
      const random = seededRandom(seed + 1_000 + w);
      const repo = new TransactionRepository(db.prisma);
      for (let b = 0; b < BATCHES_PER_WRITER; b++) {
        // A window of the shared key space: neighbouring writers overlap, so they race for the same keys.
        const start = Math.floor(random() * (KEY_SPACE - 120));
        const keys = Array.from({ length: 40 + Math.floor(random() * 80) }, (_, i) => start + i);
        keys.forEach((key) => written.add(key));
        await repo.insertMany(
          keys.map((key) => rowOf(key, seed)),
          {
            isolationLevel: 'Serializable',
            // Eleven callers share the pool: on a busy host a connection can take longer than Prisma's 2 s default.
            maxWaitMs: 60_000,
            chunkSize: 25,
            strategy: random() < 0.5 ? 'unnest' : 'createMany',
            retry: { maxAttempts: 30, baseDelayMs: 2, maxDelayMs: 50, random, onRetry: () => void stats.serializationRetries++ },
          },
        );
        stats.writes += 1;
      }
    };

    const reader = async () => {
      while (writing) {
        const consistent = await withRetry(
          () => db.prisma.$transaction((tx) => readTwiceAgree(tx, async () => {}), { isolationLevel: 'RepeatableRead', timeout: 20_000, maxWait: 60_000 }),
          { onRetry: () => void stats.readRetries++ },
        );
        stats.reads += 1;
        if (!consistent) stats.inconsistentReads += 1;
      }
    };

    // Each reader reads at least once: `writing` is still true when it starts.
    const readers = Array.from({ length: READERS }, () => reader());
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await Promise.all(readers);

    const rows = await expectEachKeyOnce(written, seed);
    console.log(
      `[concurrency] seed ${seed}: writers ${WRITERS} x ${BATCHES_PER_WRITER} batches (SERIALIZABLE), serialization ` +
        `retries ${stats.serializationRetries}, readers ${READERS}: ${stats.reads} REPEATABLE READ reads ` +
        `(${stats.readRetries} retried), inconsistent ${stats.inconsistentReads}; rows ${rows} = distinct keys ${written.size}`,
    );
    expect(stats.writes).toBe(WRITERS * BATCHES_PER_WRITER);
    expect(stats.reads).toBeGreaterThanOrEqual(READERS);
    expect(stats.inconsistentReads).toBe(0);
  }), 240_000);
});
