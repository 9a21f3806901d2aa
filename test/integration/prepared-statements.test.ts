// `preparedStatements: true` with a `pgPool`: each statement read through the pool is prepared once per connection
// under a name derived from its text, and later reads bind it. The rows must be exactly those of the unnamed path
// and of an integer-cents reference computed from the stored rows (plain node-postgres, no library code); the
// server must really hold the statements, once each however often they run; and the migration hazard the option
// documents must surface as a typed error.
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { TransactionRepository } from '../../prisma/app/index.ts';
import { QueryFailedError } from '../../src/index.ts';
import { MAX_PREPARED_PER_CONNECTION } from '../../src/executor/pool-query.ts';
import { preparedStatementName } from '../../src/executor/statement-name.ts';
import { centsToString, referenceRunningTotals, type LedgerRow } from '../../scripts/lib/reference.ts';
import { useTestDatabase } from '../support/database.ts';
import { idTotals } from '../support/ledger-data.ts';
import { testPool } from '../support/pg-pool.ts';

const db = useTestDatabase();

// 400 rows in 4 accounts, times apart by microseconds within a millisecond (a JavaScript Date cannot hold them),
// some NULL amounts.
beforeAll(async () => {
  const pool = testPool(db.url, 1);
  try {
    await pool.query(`
      INSERT INTO "Transaction" ("accountId", amount, "createdAt")
      SELECT 1 + g % 4, CASE WHEN g % 13 = 0 THEN NULL ELSE ((g * 53) % 3000 - 900) / 100.0 END,
             timestamptz '2026-10-25 00:59:59.999+01' + ((g * 7) % 11) * interval '1 microsecond' + (g / 30) * interval '1 millisecond'
      FROM generate_series(1, 400) g`);
  } finally {
    await pool.end();
  }
});

async function storedLedger(pool: pg.Pool): Promise<LedgerRow[]> {
  const { rows } = await pool.query<{ id: string; account: number; us: string; cents: string | null }>(`
    SELECT id::text, "accountId" AS account, (extract(epoch FROM "createdAt") * 1000000)::bigint::text AS us,
           (amount * 100)::bigint::text AS cents
    FROM "Transaction"`);
  return rows.map((r) => ({ id: BigInt(r.id), key: r.account, time: Number(r.us), cents: r.cents === null ? null : BigInt(r.cents) }));
}

/** Every page of one account, bounded: a walk that repeats a position fails instead of hanging. */
async function walk(repo: TransactionRepository, account: number, limit: number, most: number): Promise<string[]> {
  const walked: string[] = [];
  let after: string | undefined;
  for (let pages = 0; ; pages += 1) {
    if (pages > most) throw new Error(`the page walk of account ${account} does not end`);
    const page = await repo.page({ partition: account, limit, ...(after !== undefined && { after }) });
    walked.push(...idTotals(page.rows));
    if (page.nextCursor === null) return walked;
    after = page.nextCursor;
  }
}

/** The statements prepared on the pool's one connection, by name. */
async function prepared(pool: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');
  return new Map(rows.map((r) => [r.name, r.statement]));
}

describe('preparedStatements: reads through pgPool prepared once per connection', () => {
  it('page walks and reads equal the unnamed path and the integer-cents reference, and the server holds each statement once', async () => {
    // One connection: every statement of the repository and the checks below meet on it.
    const pool = testPool(db.url, 1);
    try {
      const ledger = await storedLedger(pool);
      const named = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      const unnamed = new TransactionRepository(db.prisma, { pgPool: pool });
      expect(await prepared(pool)).toEqual(new Map());

      for (const account of [1, 2, 3, 4]) {
        const want = referenceRunningTotals(ledger.filter((r) => r.key === account), { partitioned: true, frame: 'rows', nulls: 'zero' }).map(
          (r) => `${r.id}:${centsToString(r.total)}`,
        );
        expect(want.length).toBe(100);
        // Limits around the account's size: a page of 1, pages that end just before, at and after its last row.
        for (const limit of [1, 7, 99, 100, 101]) {
          expect(await walk(named, account, limit, want.length + 1), `account ${account}, limit ${limit}`).toEqual(want);
        }
        expect(await walk(unnamed, account, 7, want.length + 1)).toEqual(want);
      }
      const afterWalks = await prepared(pool);
      // A page's limit is part of its text (LIMIT limit + 1): a first page per limit (5), and a resumed page for the
      // limits that have a second one (1, 7 and 99). Whatever the account: it is a bound value.
      expect([...afterWalks.values()].map((text) => /LIMIT (\d+)$/.exec(text)?.[1]).sort()).toEqual(['100', '100', '101', '102', '2', '2', '8', '8']);
      for (const [name, statement] of afterWalks) expect(name).toBe(preparedStatementName(statement));
      // Walking again prepares nothing new.
      await walk(named, 2, 7, 101);
      expect(await prepared(pool)).toEqual(afterWalks);

      const reads = await named.runningTotals({ partitions: [1, 3] });
      expect(reads.map((row) => `${row.id}:${row.runningTotal.toFixed(2)}`)).toEqual(
        referenceRunningTotals(ledger.filter((r) => r.key === 1 || r.key === 3), { partitioned: true, frame: 'rows', nulls: 'zero' }).map(
          (r) => `${r.id}:${centsToString(r.total)}`,
        ),
      );
      expect(await named.runningTotals({ partitions: [2, 4] })).toEqual(await unnamed.runningTotals({ partitions: [2, 4] }));
      // One more statement (the read), prepared once for both calls.
      const afterReads = await prepared(pool);
      expect(afterReads.size).toBe(afterWalks.size + 1);
      expect([...afterReads.keys()].filter((name) => !afterWalks.has(name))).toEqual([
        preparedStatementName(named.runningTotalsSql({ partitions: [1, 3] }, 'partition').text),
      ]);
    } finally {
      await pool.end();
    }
  });

  it('without the option nothing is prepared', async () => {
    const pool = testPool(db.url, 1);
    try {
      const repo = new TransactionRepository(db.prisma, { pgPool: pool });
      await walk(repo, 1, 30, 10);
      await repo.runningTotals({ partitions: [1] });
      expect(await prepared(pool)).toEqual(new Map());
    } finally {
      await pool.end();
    }
  });

  it('a statement the server refuses, before or after it was prepared, leaves the connection reading', async () => {
    const pool = testPool(db.url, 1);
    try {
      const repo = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      const reference = await new TransactionRepository(db.prisma).runningTotals({ partitions: [2] });
      // The table out of reach (a search_path without it): refused at its first Parse, and again once prepared
      // (a changed search_path makes the server analyse the statement again).
      const outOfReach = async () => {
        await pool.query('SET search_path = pg_catalog');
        const refused = await repo.runningTotals({ partitions: [2] }).catch((error: unknown) => error);
        await pool.query('RESET search_path');
        expect(refused).toBeInstanceOf(QueryFailedError);
        expect((refused as QueryFailedError).sqlState).toBe('42P01');
      };
      await outOfReach();
      expect(await repo.runningTotals({ partitions: [2] })).toEqual(reference);
      await outOfReach();
      expect(await repo.runningTotals({ partitions: [2] })).toEqual(reference);
      expect((await prepared(pool)).size).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it(`a connection prepares at most ${MAX_PREPARED_PER_CONNECTION} texts; later ones run unnamed, with the same rows`, async () => {
    const pool = testPool(db.url, 1);
    try {
      const named = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      const unnamed = new TransactionRepository(db.prisma, { pgPool: pool });
      const want = await walk(unnamed, 4, 100, 2);
      // Two texts per limit (first and resumed page) for every limit below the account's 100 rows.
      for (let limit = 1; limit <= MAX_PREPARED_PER_CONNECTION; limit++) {
        expect(await walk(named, 4, limit, 101), `limit ${limit}`).toEqual(want);
      }
      expect((await prepared(pool)).size).toBe(MAX_PREPARED_PER_CONNECTION);
    } finally {
      await pool.end();
    }
  });

  // Last in the file: it changes the table. What the option's documentation says happens after a migration that
  // changes the type of a column these reads return, until the pool is recycled.
  it('after a column changes type, a connection that prepared the read answers with a QueryFailedError; a new pool reads again', async () => {
    const pool = testPool(db.url, 1);
    let before: string[] = [];
    try {
      const repo = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      before = (await repo.runningTotals({ partitions: [3] })).map((row) => `${row.id}:${row.runningTotal.toFixed(2)}`);
      expect(before.length).toBe(100);
      await db.prisma.$executeRawUnsafe('ALTER TABLE "Transaction" ALTER COLUMN amount TYPE numeric(16, 2)');
      const failed = await repo.runningTotals({ partitions: [3] }).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(QueryFailedError);
      expect((failed as QueryFailedError).sqlState).toBe('0A000');
      expect((failed as Error).message).toMatch(/cached plan must not change result type/);
    } finally {
      await pool.end();
    }
    const fresh = testPool(db.url, 1);
    try {
      const rows = await new TransactionRepository(db.prisma, { pgPool: fresh, preparedStatements: true }).runningTotals({ partitions: [3] });
      expect(rows.map((row) => `${row.id}:${row.runningTotal.toFixed(2)}`)).toEqual(before);
    } finally {
      await fresh.end();
    }
  });
});
