/**
 * The same repositories on a Citus cluster: every read is equal, row for row, to the same call on a single
 * PostgreSQL holding the same rows, and both equal a reference in integer cents. The ledger has microsecond
 * timestamps with ties, NULL amounts, and ids repeated across accounts (the distributed key is (accountId, id)).
 */
import { describe, expect, it } from 'vitest';

import { Prisma, TransactionRepository, type PrismaClient } from '../../prisma/app/index.ts';
import { WindowSpecError, windowFunctions, windowQuery, windowSpec } from '../../src/index.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { centsToString } from '../../scripts/lib/reference.ts';
import { citusAvailable, useCluster } from '../support/citus-cluster.ts';
import { DistributedLedger, ledgerEntries, loadEntries, referenceBalances, referenceRunningTotals, rowKey, type LedgerEntry } from '../support/citus-ledger.ts';
import { comparable } from '../support/comparable.ts';
import { collect } from '../support/iterate.ts';
import { seeded } from '../support/property-seed.ts';
import { testPool } from '../support/pg-pool.ts';

const cluster = useCluster();

describe.skipIf(!citusAvailable)('running totals on Citus equal the single node and the reference', () => {
  let entries: LedgerEntry[] = [];
  const accounts = () => [...new Set(entries.map((e) => e.accountId))].sort((a, b) => a - b);
  const totalsOf = (rows: readonly { accountId: number; id: bigint; runningTotal: Prisma.Decimal }[]) =>
    rows.map((row): [string, string] => [rowKey(row), row.runningTotal.toFixed(2)]);
  const expected = (partitioned: boolean) =>
    referenceRunningTotals(entries, partitioned).map(([key, cents]): [string, string] => [key, centsToString(cents)]);

  it(
    'loads the same ledger on both',
    seeded(async (seed) => {
      await cluster.truncate();
      entries = ledgerEntries(seededRandom(seed), 2_000);
      await loadEntries(cluster.pool.citus, entries);
      await loadEntries(cluster.pool.single, entries);
      const { rows } = await cluster.pool.citus.query<{ n: string }>('SELECT count(*) AS n FROM "Transaction"');
      expect(Number(rows[0]!.n)).toBe(entries.length);
      // Some ids repeat across accounts: the global order needs the account after the id.
      expect(new Set(entries.map((e) => e.id)).size).toBeLessThan(entries.length);
    }),
  );

  it('runningTotals per account: both equal the reference, row for row', async () => {
    const { citus, single } = await cluster.both((db) => new TransactionRepository(db).runningTotals({ partitions: accounts() }));
    expect(comparable(citus)).toEqual(comparable(single));
    expect(totalsOf(citus)).toEqual(expected(true));
  });

  it('globalRunningTotals: ordered by (createdAt, id, accountId) on both, equal to the reference', async () => {
    const { citus, single } = await cluster.both((db) => new TransactionRepository(db).globalRunningTotals());
    expect(comparable(citus)).toEqual(comparable(single));
    expect(totalsOf(citus)).toEqual(expected(false));
  });

  it('RANGE frames and the skip-NULL policy: equal on both', async () => {
    for (const options of [{ frame: 'range' as const }, { nulls: 'skip' as const }, { frame: 'range' as const, nulls: 'skip' as const }]) {
      const perAccount = await cluster.both((db) => new TransactionRepository(db).runningTotals({ partitions: accounts(), ...options }));
      expect(comparable(perAccount.citus)).toEqual(comparable(perAccount.single));
      const global = await cluster.both((db) => new TransactionRepository(db).globalRunningTotals(options));
      expect(comparable(global.citus)).toEqual(comparable(global.single));
    }
  });

  it('pages of one account, walked to the end, equal runningTotals of that account', async () => {
    const account = accounts()[0]!;
    const walk = async (db: PrismaClient) => {
      const repo = new TransactionRepository(db, { cursorSecret: 'citus-test-secret-32-characters!!' });
      const rows: unknown[] = [];
      let after: string | undefined;
      do {
        const page = await repo.page({ partition: account, limit: 37, ...(after !== undefined && { after }) });
        rows.push(...page.rows);
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
      return rows;
    };
    const { citus, single } = await cluster.both(walk);
    const whole = await new TransactionRepository(cluster.citus).runningTotals({ partitions: [account] });
    expect(comparable(citus as object[])).toEqual(comparable(whole));
    expect(comparable(citus as object[])).toEqual(comparable(single as object[]));
  });

  it('keyset streams per account and portal streams across accounts: equal on both', async () => {
    const keyset = await cluster.both((db) =>
      collect(new TransactionRepository(db).streamRunningTotals({ partitions: accounts() }, { chunkSize: 101 }), entries.length),
    );
    expect(comparable(keyset.citus)).toEqual(comparable(keyset.single));
    expect(totalsOf(keyset.citus)).toEqual(expected(true));

    const pools = { citus: testPool(cluster.urls.citus, 1), single: testPool(cluster.urls.single, 1) };
    try {
      const portal = await cluster.both((db, where) =>
        collect(
          new TransactionRepository(db, { pgPool: pools[where] }).streamRunningTotals({}, { chunkSize: 101, scope: 'global' }),
          entries.length,
        ),
      );
      expect(comparable(portal.citus)).toEqual(comparable(portal.single));
      expect(totalsOf(portal.citus)).toEqual(expected(false));
    } finally {
      await Promise.all([pools.citus.end(), pools.single.end()]);
    }
  });

  it('streams read one snapshot per worker: rows committed after the first batch, on every shard, are not seen', async () => {
    const before = await new TransactionRepository(cluster.citus).runningTotals({ partitions: accounts() });
    const lateRows = accounts().map((accountId, i) => [String(900_000 + i), accountId, '1000000.00', '2026-03-28T22:00:00Z']);
    const pool = testPool(cluster.urls.citus, 1);
    try {
      for (const [label, stream] of [
        ['keyset', new TransactionRepository(cluster.citus).streamRunningTotals({ partitions: accounts() }, { chunkSize: 50 })],
        ['portal', new TransactionRepository(cluster.citus, { pgPool: pool }).streamRunningTotals({ partitions: accounts() }, { chunkSize: 50 })],
      ] as const) {
        const seen: unknown[] = [];
        for await (const row of stream) {
          if (seen.length === 0) {
            // The first batch is in: commit a row at the start of every account, i.e. on every shard.
            await cluster.pool.citus.query(
              `INSERT INTO "Transaction" (id, "accountId", amount, "createdAt") SELECT * FROM unnest($1::int8[], $2::int4[], $3::numeric[], $4::timestamptz[])`,
              [0, 1, 2, 3].map((column) => lateRows.map((row) => row[column])),
            );
          }
          seen.push(row);
        }
        expect(comparable(seen as object[]), label).toEqual(comparable(before));
        await cluster.pool.citus.query('DELETE FROM "Transaction" WHERE id >= 900000');
      }
    } finally {
      await pool.end();
    }
  });

  it('a keyset stream or page across accounts is refused before any SQL: (createdAt, id) is no position there', async () => {
    const repo = new TransactionRepository(cluster.citus);
    await expect(collect(repo.streamRunningTotals({}, { scope: 'global' }))).rejects.toThrow(WindowSpecError);
    await expect(collect(repo.streamRunningTotals({}, { scope: 'global' }))).rejects.toThrow(/unique only together with accountId/);
    await expect(repo.page({ limit: 10 })).rejects.toThrow(WindowSpecError);
    // RANGE pages resume after whole peer groups (no id in the position): they work across accounts.
    const range = await cluster.both((db) => new TransactionRepository(db).page({ limit: 50, frame: 'range' }));
    expect(comparable(range.citus.rows)).toEqual(comparable(range.single.rows));
  });

  it('the window builder: ranks, lags and sums per account and a global row number, executed and paged', async () => {
    const query = windowQuery('Transaction')
      .select('id', 'accountId', 'amount', 'createdAt')
      .add('rank', windowFunctions('Transaction').rank(), windowSpec('Transaction').partitionBy('accountId').orderBy('amount'))
      .add('previous', windowFunctions('Transaction').lag('amount'), windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'))
      .add('balance', windowFunctions('Transaction').sum('amount'), windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'))
      .add('n', windowFunctions('Transaction').rowNumber(), windowSpec('Transaction').orderBy('createdAt'))
      // Pages resume after (createdAt, id, accountId): the id alone is no position on the distributed key.
      .orderBy('createdAt');
    const all = await cluster.both((db) => query.execute(db));
    expect(comparable(all.citus)).toEqual(comparable(all.single));
    // Row numbers across accounts follow (createdAt, id, accountId): the reference's global order.
    const numbered = [...all.citus].sort((a, b) => Number(a.n - b.n)).map((row) => rowKey(row));
    expect(numbered).toEqual(referenceRunningTotals(entries, false).map(([key]) => key));

    const secret = 'citus-test-secret-32-characters!!';
    const pages = await cluster.both(async (db) => {
      const rows: unknown[] = [];
      let after: string | undefined;
      do {
        const page = await query.page(db, { limit: 250, cursorSecret: secret, ...(after !== undefined && { after }) });
        rows.push(...page.rows);
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
      return rows;
    });
    expect(pages.citus).toHaveLength(entries.length);
    expect((pages.citus as { id: bigint; accountId: number }[]).map(rowKey)).toEqual(numbered);
    expect(comparable(pages.citus as object[])).toEqual(comparable(pages.single as object[]));
  });

  it('bucketTotals by Europe/Berlin day across the DST change, balanceAsOf and currentBalances: equal, and exact', async () => {
    const options = {
      partitions: accounts(),
      bucket: 'hour' as const,
      from: new Date('2026-03-28T20:00:00Z'),
      to: new Date('2026-03-30T00:00:00Z'),
      timeZone: 'Europe/Berlin',
      fill: 'zero' as const,
    };
    const buckets = await cluster.both((db) => new TransactionRepository(db).bucketTotals(options));
    expect(comparable(buckets.citus)).toEqual(comparable(buckets.single));
    expect(buckets.citus.length).toBeGreaterThan(0);

    const at = '2026-03-29T03:05:00.123456Z';
    const balances = await cluster.both((db) =>
      new DistributedLedger(db).balanceAsOf({ partitions: [...accounts(), 999], at: new Date('2026-03-29T03:05:00.123Z') }),
    );
    expect(comparable(balances.citus)).toEqual(comparable(balances.single));
    // `at` is a JS Date (milliseconds): .123 includes nothing at .123456, which the reference's text order agrees with.
    const reference = referenceBalances(entries, at.replace('123456', '123000'));
    expect(balances.citus.map((b) => [b.key, b.balance.toFixed(2)])).toEqual(
      [...accounts(), 999].map((account) => [account, centsToString(reference.get(account) ?? 0n)]),
    );
    const current = await cluster.both((db) => new DistributedLedger(db).currentBalances());
    expect(comparable(current.citus)).toEqual(comparable(current.single));
    const everything = referenceBalances(entries, '9999');
    expect(current.citus.map((b) => [b.key, b.balance.toFixed(2)])).toEqual(
      accounts().map((account) => [account, centsToString(everything.get(account) ?? 0n)]),
    );
  });
});
