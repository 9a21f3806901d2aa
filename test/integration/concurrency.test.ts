/**
 * 8 concurrent writers (SERIALIZABLE, overlapping idempotency keys, so PostgreSQL aborts some with 40001 and the
 * repository retries them) and readers computing running totals in REPEATABLE READ transactions: every read is
 * snapshot-consistent (each partition's last running total equals SUM(amount) of that partition in the same
 * snapshot), and the final table holds every key exactly once with totals equal to the reference.
 */
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { TransactionRepository, withRetry, type NewTransaction } from '../../src/index.ts';
import { transactionLedger } from '../support/ledger-data.ts';
import { useTestDatabase } from '../support/database.ts';
import { seededRandom } from '../support/faults.ts';
import { byPartition, centsToString, referenceRunningTotals } from '../support/reference.ts';

const db = useTestDatabase();
const WRITERS = 8;
const BATCHES_PER_WRITER = 8;
const READERS = 3;
const KEY_SPACE = 1_500;

/** The row of a key is a function of the key, so whichever writer wins a key, the content is the same. */
function rowOf(key: number): NewTransaction {
  const random = seededRandom(key * 7_919);
  return {
    accountId: 1 + (key % 6),
    amount: random() < 0.05 ? null : centsToString(BigInt(Math.floor(random() * 200_000) - 50_000)),
    createdAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 30) * 60_000),
    externalId: `key-${key}`,
  };
}

describe('concurrent writers and readers', () => {
  it('every read sees one snapshot; every key lands once; serialization failures are retried', async () => {
    await db.truncate('Transaction');
    const stats = { writes: 0, serializationRetries: 0, reads: 0, inconsistentReads: 0, readRetries: 0, unprotectedMismatches: 0 };
    const written = new Set<number>();
    let writing = true;

    const writer = async (w: number) => {
      const random = seededRandom(1_000 + w);
      const repo = new TransactionRepository(db.prisma);
      for (let b = 0; b < BATCHES_PER_WRITER; b++) {
        // A window of the shared key space: neighbouring writers overlap, so they race for the same keys.
        const start = Math.floor(random() * (KEY_SPACE - 120));
        const keys = Array.from({ length: 40 + Math.floor(random() * 80) }, (_, i) => start + i);
        keys.forEach((key) => written.add(key));
        await repo.insertMany(keys.map(rowOf), {
          isolationLevel: 'Serializable',
          chunkSize: 25,
          strategy: random() < 0.5 ? 'unnest' : 'createMany',
          retry: { maxAttempts: 30, baseDelayMs: 2, maxDelayMs: 50, onRetry: () => void stats.serializationRetries++ },
        });
        stats.writes += 1;
      }
    };

    const reader = async () => {
      while (writing) {
        const { totals, sums } = await withRetry(
          () =>
            db.prisma.$transaction(
              async (tx) => {
                const totals = await new TransactionRepository(tx).runningTotals();
                const sums = await tx.$queryRaw<Array<{ accountId: number; sum: Prisma.Decimal | null }>>`
                  SELECT "accountId", SUM("amount") AS sum FROM "Transaction" GROUP BY "accountId"`;
                return { totals, sums };
              },
              { isolationLevel: 'RepeatableRead', timeout: 20_000 },
            ),
          { onRetry: () => void stats.readRetries++ },
        );
        stats.reads += 1;
        const last = new Map(totals.map((r) => [r.accountId, r.runningTotal.toFixed(2)]));
        const summed = new Map(sums.map((r) => [r.accountId, (r.sum ?? new Prisma.Decimal(0)).toFixed(2)]));
        if (JSON.stringify([...last].sort()) !== JSON.stringify([...summed].sort())) stats.inconsistentReads += 1;

        // Control: the same two reads as separate statements (READ COMMITTED, no shared snapshot) can disagree.
        const loose = await new TransactionRepository(db.prisma).runningTotals();
        const looseSums = await db.prisma.$queryRaw<Array<{ accountId: number; sum: Prisma.Decimal | null }>>`
          SELECT "accountId", SUM("amount") AS sum FROM "Transaction" GROUP BY "accountId"`;
        const looseLast = new Map(loose.map((r) => [r.accountId, r.runningTotal.toFixed(2)]));
        if (looseSums.some((r) => looseLast.get(r.accountId) !== (r.sum ?? new Prisma.Decimal(0)).toFixed(2))) {
          stats.unprotectedMismatches += 1;
        }
      }
    };

    const readers = Array.from({ length: READERS }, () => reader());
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await Promise.all(readers);

    const stored = await db.prisma.transaction.findMany({ orderBy: { id: 'asc' } });
    const keys = stored.map((r) => Number(r.externalId?.slice(4)));
    expect(new Set(keys).size).toBe(keys.length); // no key twice
    expect(new Set(keys)).toEqual(written); // every key once
    for (const row of stored) {
      const sent = rowOf(Number(row.externalId?.slice(4)));
      expect([row.accountId, row.amount?.toFixed(2) ?? null, row.createdAt.getTime()]).toEqual([
        sent.accountId,
        sent.amount ?? null,
        sent.createdAt.getTime(),
      ]);
    }
    const ledger = transactionLedger(stored);
    const actual = await new TransactionRepository(db.prisma).runningTotals();
    expect(byPartition(actual, (r) => r.accountId, (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
      byPartition(referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' }), (r) => r.key, (r) => [
        r.id,
        centsToString(r.total),
      ]),
    );

    console.log(
      `[concurrency] writers ${WRITERS} x ${BATCHES_PER_WRITER} batches (SERIALIZABLE), serialization retries ` +
        `${stats.serializationRetries}, readers ${READERS}: ${stats.reads} REPEATABLE READ reads, inconsistent ` +
        `${stats.inconsistentReads}; unprotected READ COMMITTED read pairs that disagreed: ${stats.unprotectedMismatches}; ` +
        `rows ${stored.length} = distinct keys ${written.size}`,
    );
    expect(stats.writes).toBe(WRITERS * BATCHES_PER_WRITER);
    expect(stats.reads).toBeGreaterThan(0);
    expect(stats.inconsistentReads).toBe(0);
  });
});
