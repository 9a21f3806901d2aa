/**
 * Bulk ingest under connection faults: 100 seeded runs, each killing the ingest's backend connection during a
 * batch. Every 4th run kills it while the batch is certainly in flight (held at a row another transaction keeps
 * uncommitted); the others at a random moment, which may also fall on BEGIN, a chunk boundary, the COMMIT or just
 * after it. After every fault the batch is either all there or not there at all; retrying it with the same
 * idempotency keys (externalId) leaves exactly the expected rows, and the running totals equal the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerError, withRetry, type InsertResult, type InsertStrategy } from '../../src/index.ts';
import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import type { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { transactionLedger } from '../support/ledger-data.ts';
import { useTestDatabase } from '../support/database.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { backendKiller, taggedClient, type BackendKiller } from '../support/faults.ts';
import { holdUncommittedRow, untilBlockedBy } from '../support/lock-barrier.ts';
import { seeded } from '../support/property-seed.ts';
import { randomTransactions, type RandomLedger } from '../support/rows.ts';
import { byPartition, centsToString, referenceRunningTotals, stringToCents } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();
const RUNS = 100;
/** Runs whose fault is certain to hit the batch in flight. */
const heldInFlight = (run: number) => run % 4 === 0;
const APP = 'fault_ingest';

// Few distinct timestamps: many ties, resolved by id.
const LEDGER: RandomLedger = { accounts: 8, nullRate: 0.05, cents: [-500_000, 1_500_000], slots: 50, slotMs: 60_000 };
/** A batch of 10 to 69 seeded rows; row i carries the idempotency key `key(i)`. */
const batchOf = (random: () => number, key: (i: number) => string) => randomTransactions(random, 10 + Math.floor(random() * 60), LEDGER, key);

describe('bulk ingest under pg_terminate_backend faults', () => {
  let ingest: PrismaClient;
  let killer: BackendKiller;
  beforeAll(async () => {
    ingest = taggedClient(db.url, APP);
    killer = await backendKiller(db.url, APP);
  });
  afterAll(async () => {
    await killer?.close();
    await ingest?.$disconnect();
  });

  it(`either the whole batch or none of it survives each of ${RUNS} faults; a retry with the same keys completes it`, seeded(async (BASE_SEED) => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(ingest);
    const expected = new Map<string, NewTransaction>();
    const counts = {
      faultsInjected: 0,
      killedInFlight: 0,
      firstAttemptFailed: 0,
      failedButCommitted: 0,
      batchesRetried: 0,
      retryAttempts: 0,
      rowsLost: 0,
      rowsDuplicated: 0,
      partialBatches: 0,
      errors: {} as Record<string, number>,
    };

    // How long does one clean batch take? Faults are spread over 0..1x that.
    const calibration: number[] = [];
    for (let i = 0; i < 5; i++) {
      const rows = batchOf(seededRandom(BASE_SEED - 1 - i), (j) => `calibrate-${i}-run${-1 - i}-row${j}`);
      const start = performance.now();
      await repo.insertMany(rows, { chunkSize: 10 });
      calibration.push(performance.now() - start);
      rows.forEach((r) => expected.set(r.externalId!, r));
    }
    const typicalMs = calibration.sort((a, b) => a - b)[2]!;

    const started = performance.now();
    for (let run = 0; run < RUNS; run++) {
      const seed = BASE_SEED + run;
      const random = seededRandom(seed);
      const rows = batchOf(random, (i) => `run${run}-row${i}`);
      const strategy: InsertStrategy = random() < 0.5 ? 'unnest' : 'createMany';
      const options = { chunkSize: 3 + Math.floor(random() * 15), strategy, retry: false as const };
      const delayMs = random() * typicalMs;
      // A live pooled connection before every run, so the fault always has a backend to hit (an earlier fault may
      // have left the pool empty).
      await withRetry(() => ingest.$queryRaw`SELECT 1`, { maxAttempts: 5, baseDelayMs: 1, retryOn: () => true });

      let first: InsertResult | LedgerError;
      let killed: number;
      const attempt = () =>
        repo.insertMany(rows, options).then(
          (result): InsertResult | LedgerError => result,
          (error: unknown) => error as LedgerError,
        );
      if (heldInFlight(run)) {
        // Another transaction holds the batch's last key uncommitted: the batch waits on it, mid-transaction.
        const holder = await holdUncommittedRow(db.url, rows.at(-1)!);
        try {
          const writing = attempt();
          await untilBlockedBy(db.prisma, holder.pid, writing);
          killed = await killer.kill();
          first = await writing;
          await holder.rollback();
        } finally {
          await holder.close();
        }
        expect(killed, `seed ${seed}`).toBeGreaterThan(0);
        expect(first, `seed ${seed}: the batch was in flight when its connection was killed`).toBeInstanceOf(LedgerError);
        counts.killedInFlight += 1;
      } else {
        const fault = killer.killAfter(delayMs);
        first = await attempt();
        killed = await fault;
      }
      if (killed > 0) counts.faultsInjected += 1;

      const present = await db.prisma.transaction.count({ where: { externalId: { startsWith: `run${run}-` } } });
      if (present !== 0 && present !== rows.length) {
        counts.partialBatches += 1;
        throw new Error(`seed ${seed}: ${present} of ${rows.length} rows after the fault (partial write)`);
      }
      if (heldInFlight(run)) expect(present, `seed ${seed}: a batch killed in flight left rows behind`).toBe(0);
      if (first instanceof Error) {
        expect(first, `seed ${seed}`).toBeInstanceOf(LedgerError);
        counts.firstAttemptFailed += 1;
        counts.errors[first.name] = (counts.errors[first.name] ?? 0) + 1;
        if (process.env.FAULTS_VERBOSE) console.log(first.name, first.message, (first.cause as Error)?.constructor?.name, JSON.stringify((first.cause as { meta?: unknown })?.meta), (first.cause as { code?: unknown })?.code);
        if (present === rows.length) counts.failedButCommitted += 1; // the commit went through, its answer was lost
        counts.batchesRetried += 1;
        // The client does not know whether the batch committed: it sends it again with the same keys.
        const retried = await withRetry(
          async () => {
            counts.retryAttempts += 1;
            return repo.insertMany(rows, options);
          },
          { maxAttempts: 5, baseDelayMs: 1, retryOn: () => true },
        );
        expect(retried.inserted + retried.skipped, `seed ${seed}`).toBe(rows.length);
        expect(retried.skipped, `seed ${seed}`).toBe(present);
      } else {
        expect(present, `seed ${seed}: success reported but rows missing`).toBe(rows.length);
        expect(first).toMatchObject({ inserted: rows.length, skipped: 0 });
      }
      rows.forEach((r) => expected.set(r.externalId!, r));
    }
    const elapsedMs = performance.now() - started;
    const inFlightRuns = Array.from({ length: RUNS }, (_, run) => run).filter(heldInFlight).length;

    // The table holds exactly the expected rows: none lost, none twice, every value as sent.
    const stored = await db.prisma.transaction.findMany({ orderBy: { id: 'asc' } });
    const seen = new Set<string>();
    for (const row of stored) {
      const key = row.externalId ?? '';
      if (seen.has(key) || !expected.has(key)) counts.rowsDuplicated += 1;
      seen.add(key);
      const sent = expected.get(key);
      expect([row.accountId, row.amount?.toFixed(2) ?? null, row.createdAt.getTime()]).toEqual([
        sent?.accountId,
        sent?.amount ?? null,
        sent?.createdAt.getTime(),
      ]);
    }
    counts.rowsLost = [...expected.keys()].filter((key) => !seen.has(key)).length;

    // Running totals over the result equal the integer-cents reference, and each account's closing balance equals
    // the sum of what was sent.
    const ledger = transactionLedger(stored);
    const actual = await new TransactionRepository(db.prisma).runningTotals();
    const reference = referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' });
    expect(byPartition(actual, (r) => r.accountId, (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
      byPartition(reference, (r) => r.key, (r) => [r.id, centsToString(r.total)]),
    );
    const sentBalance = new Map<number, bigint>();
    for (const r of expected.values()) {
      sentBalance.set(r.accountId, (sentBalance.get(r.accountId) ?? 0n) + (r.amount === null ? 0n : stringToCents(String(r.amount))));
    }
    const closing = new Map(actual.map((r) => [r.accountId, stringToCents(r.runningTotal.toFixed(2))]));
    expect(closing).toEqual(sentBalance);

    console.log(
      `[faults] seeds ${BASE_SEED}..${BASE_SEED + RUNS - 1}: runs ${RUNS}, faults injected ${counts.faultsInjected} ` +
        `(${counts.killedInFlight} held in flight), ` +
        `first attempts failed ${counts.firstAttemptFailed} (${JSON.stringify(counts.errors)}; committed but unacknowledged ` +
        `${counts.failedButCommitted}), batches retried ${counts.batchesRetried} (${counts.retryAttempts} attempts), ` +
        `partial batches ${counts.partialBatches}, rows expected ${expected.size}, rows stored ${stored.length}, ` +
        `rows lost ${counts.rowsLost}, rows duplicated ${counts.rowsDuplicated}, ${(elapsedMs / 1000).toFixed(1)} s`,
    );
    expect(counts.faultsInjected).toBe(RUNS);
    expect(counts.partialBatches).toBe(0);
    expect(counts.rowsLost).toBe(0);
    expect(counts.rowsDuplicated).toBe(0);
    expect(stored.length).toBe(expected.size);
    // The faults certainly hit batches in flight, not only idle connections: the held runs, each asserted above.
    expect(counts.killedInFlight).toBe(inFlightRuns);
    expect(counts.firstAttemptFailed).toBeGreaterThanOrEqual(inFlightRuns);
  }));
});
