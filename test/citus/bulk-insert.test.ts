/**
 * Bulk inserts on a Citus cluster: both strategies, idempotency keys unique within their account (the distributed
 * key is (accountId, externalId)), all or nothing across shards, and exact after a worker's backends are killed
 * mid-batch and the batch is retried.
 */
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';

import { TransactionRepository, type NewTransaction } from '../../prisma/app/index.ts';
import { LedgerError, ValidationError } from '../../src/index.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { centsToString, stringToCents } from '../../scripts/lib/reference.ts';
import { citusAvailable, useCluster } from '../support/citus-cluster.ts';
import { seeded } from '../support/property-seed.ts';

const cluster = useCluster();

/** Rows over 9 accounts; key `k<i mod keys>` repeats across accounts (distinct keys there), never within one. */
function rows(random: () => number, count: number, keys = count): NewTransaction[] {
  return Array.from({ length: count }, (_, i) => ({
    accountId: 1 + (i % 9),
    amount: random() < 0.1 ? null : centsToString(BigInt(Math.floor(random() * 1_000_000) - 200_000)),
    createdAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 1e9)),
    externalId: `k${Math.floor(i / 9) % keys}`,
  }));
}

/** Per account: [rows, balance in cents], read with plain SQL. */
async function balances(pool: pg.Pool): Promise<Array<[number, number, string]>> {
  const { rows: result } = await pool.query<{ account: number; n: string; cents: string }>(
    `SELECT "accountId" AS account, count(*) AS n, COALESCE(sum(amount * 100), 0)::bigint::text AS cents
     FROM "Transaction" GROUP BY "accountId" ORDER BY "accountId"`,
  );
  return result.map((row) => [row.account, Number(row.n), row.cents]);
}

function expectedBalances(batch: readonly NewTransaction[]): Array<[number, number, string]> {
  const byAccount = new Map<number, { n: number; cents: bigint }>();
  for (const row of batch) {
    const entry = byAccount.get(row.accountId) ?? { n: 0, cents: 0n };
    entry.n += 1;
    entry.cents += row.amount === null || row.amount === undefined ? 0n : stringToCents(String(row.amount));
    byAccount.set(row.accountId, entry);
  }
  return [...byAccount].sort(([a], [b]) => a - b).map(([account, { n, cents }]) => [account, n, String(cents)]);
}

describe.skipIf(!citusAvailable)('bulk inserts on Citus', () => {
  beforeEach(() => cluster.truncate());

  it.each(['unnest', 'createMany', 'copy'] as const)(
    '%s: every row once, the same key in two accounts is two keys, and a retried batch is skipped whole',
    (strategy) =>
      seeded(async (seed) => {
        const batch = rows(seededRandom(seed), 2_000);
        const chunks = strategy === 'copy' ? 1 : 7;
        const repo = (db: Parameters<Parameters<typeof cluster.both>[0]>[0], where: 'citus' | 'single') =>
          new TransactionRepository(db, { pgPool: cluster.pool[where] });
        const first = await cluster.both((db, where) => repo(db, where).insertMany(batch, { strategy, chunkSize: 333 }));
        expect(first.citus).toEqual({ inserted: batch.length, skipped: 0, chunks, strategy });
        expect(first.single).toEqual(first.citus);
        // COPY meets stored keys now: it rolls back to its savepoint and goes through the staging table.
        const again = await cluster.both((db, where) => repo(db, where).insertMany(batch, { strategy, chunkSize: 333 }));
        expect(again.citus).toEqual({ inserted: 0, skipped: batch.length, chunks, strategy });
        expect(again.single).toEqual(again.citus);
        expect(await balances(cluster.pool.citus)).toEqual(expectedBalances(batch));
        expect(await balances(cluster.pool.single)).toEqual(expectedBalances(batch));
      })(),
  );

  it('a key repeated within one account in a batch is refused before SQL; across accounts it is not', async () => {
    const repo = new TransactionRepository(cluster.citus);
    const row = { amount: '1.00', createdAt: new Date('2026-01-01T00:00:00Z'), externalId: 'same' };
    await expect(repo.insertMany([{ ...row, accountId: 1 }, { ...row, accountId: 1 }])).rejects.toThrow(ValidationError);
    await expect(repo.insertMany([{ ...row, accountId: 1 }, { ...row, accountId: 1 }])).rejects.toThrow(/within the same accountId/);
    expect(await balances(cluster.pool.citus)).toEqual([]);
    await expect(repo.insertMany([{ ...row, accountId: 1 }, { ...row, accountId: 2 }])).resolves.toMatchObject({ inserted: 2 });
  });

  it('all or nothing across shards: a caller transaction that fails after its insert leaves no row on any worker', async () => {
    const batch = rows(seededRandom(7), 900);
    await expect(
      cluster.citus.$transaction(async (tx) => {
        await new TransactionRepository(tx).insertMany(batch, { chunkSize: 100 });
        expect(await balances(cluster.pool.citus)).toEqual([]); // not visible outside the transaction yet
        throw new Error('abort after the insert');
      }, { timeout: 60_000 }),
    ).rejects.toThrow('abort after the insert');
    expect(await balances(cluster.pool.citus)).toEqual([]);
    for (const url of cluster.workerUrls) {
      const worker = new pg.Client({ connectionString: url });
      await worker.connect();
      try {
        // Workers hide shard tables from catalog queries unless told otherwise.
        await worker.query('SET citus.override_table_visibility TO off');
        // Shards are tables named Transaction_<shard id> on the workers; none holds a row.
        const { rows: shards } = await worker.query<{ name: string }>(
          "SELECT relname AS name FROM pg_class WHERE relname ~ '^Transaction_[0-9]+$' AND relkind = 'r'",
        );
        expect(shards.length).toBeGreaterThan(0);
        for (const { name } of shards) {
          const { rows: count } = await worker.query<{ n: string }>(`SELECT count(*) AS n FROM ${pg.escapeIdentifier(name)}`);
          expect(count[0]!.n).toBe('0');
        }
      } finally {
        await worker.end();
      }
    }
  });

  it(
    "a worker's backends killed mid-batch: the batch fails whole with a LedgerError, the retry writes it exactly once",
    seeded(async (seed) => {
      const batch = rows(seededRandom(seed), 90_000);
      const repo = new TransactionRepository(cluster.citus);
      const killer = new pg.Client({ connectionString: cluster.workerUrls[0]! });
      await killer.connect();
      let killed = 0;
      let inserting = true;
      // Kills the coordinator's connections to this worker for our database until the batch has failed.
      const killing = (async () => {
        while (inserting) {
          const { rows: result } = await killer.query<{ killed: boolean }>(
            `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
               AND state = 'active'`,
          );
          killed += result.filter((row) => row.killed).length;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      let failure: unknown;
      try {
        await repo.insertMany(batch, { chunkSize: 5_000, retry: false });
      } catch (error) {
        failure = error;
      } finally {
        inserting = false;
        await killing;
        await killer.end();
      }
      expect(killed).toBeGreaterThan(0);
      expect(failure).toBeInstanceOf(LedgerError);
      expect(await balances(cluster.pool.citus)).toEqual([]);

      const retried = await repo.insertMany(batch, { chunkSize: 5_000 });
      expect(retried).toMatchObject({ inserted: batch.length, skipped: 0 });
      expect(await balances(cluster.pool.citus)).toEqual(expectedBalances(batch));
    }),
  );
});
