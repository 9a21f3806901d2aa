// `preparedStatements: true` with a `pgPool`: each statement read through the pool is prepared once per connection
// under a name derived from its text, and later reads bind it. The rows must be exactly those of the unnamed path
// and of an integer-cents reference computed from the stored rows (plain node-postgres, no library code); the
// server must really hold the statements, once each however often they run; and a statement that went stale on
// the server (a migration, a DEALLOCATE) or failed midway must cost no more than its connection.
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { TransactionRepository } from '../../prisma/app/index.ts';
import { Prisma } from '../../prisma/app/index.ts';
import { LedgerError, QueryFailedError, ValidationError } from '../../src/index.ts';
import { queryThroughPool } from '../../src/executor/pool-query.ts';
import { MAX_PREPARED_PER_CONNECTION, preparedStatementName } from '../../src/executor/statement-name.ts';
import { centsToString, referenceRunningTotals, type LedgerRow } from '../../scripts/lib/reference.ts';
import { useTestDatabase } from '../support/database.ts';
import { idTotals } from '../support/ledger-data.ts';
import { withTestPool } from '../support/pg-pool.ts';

const db = useTestDatabase();

// 400 rows in 4 accounts, times apart by microseconds within a millisecond (a JavaScript Date cannot hold them),
// some NULL amounts.
beforeAll(async () => {
  await withTestPool(db.url, 1, (pool) =>
    pool.query(`
      INSERT INTO "Transaction" ("accountId", amount, "createdAt")
      SELECT 1 + g % 4, CASE WHEN g % 13 = 0 THEN NULL ELSE ((g * 53) % 3000 - 900) / 100.0 END,
             timestamptz '2026-10-25 00:59:59.999+01' + ((g * 7) % 11) * interval '1 microsecond' + (g / 30) * interval '1 millisecond'
      FROM generate_series(1, 400) g`),
  );
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
async function prepared(pool: pg.Pool | pg.PoolClient): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');
  return new Map(rows.map((r) => [r.name, r.statement]));
}

describe('preparedStatements: reads through pgPool prepared once per connection', () => {
  it('page walks and reads equal the unnamed path and the integer-cents reference, and the server holds each statement once', async () => {
    // One connection: every statement of the repository and the checks below meet on it.
    await withTestPool(db.url, 1, async (pool) => {
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
    });
  });

  it('without the option nothing is prepared', async () => {
    await withTestPool(db.url, 1, async (pool) => {
      const repo = new TransactionRepository(db.prisma, { pgPool: pool });
      await walk(repo, 1, 30, 10);
      await repo.runningTotals({ partitions: [1] });
      expect(await prepared(pool)).toEqual(new Map());
    });
  });

  it('a statement the server refuses, before or after it was prepared, leaves the connection reading', async () => {
    await withTestPool(db.url, 1, async (pool) => {
      const repo = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      const reference = await new TransactionRepository(db.prisma).runningTotals({ partitions: [2] });
      // The table out of reach (renamed away for a moment): refused at its first Parse, and again once prepared
      // (the rename invalidates the plan, and the server analyses the statement's text again).
      const outOfReach = async () => {
        await pool.query('ALTER TABLE "Transaction" RENAME TO "Transaction_away"');
        const refused = await repo.runningTotals({ partitions: [2] }).catch((error: unknown) => error);
        await pool.query('ALTER TABLE "Transaction_away" RENAME TO "Transaction"');
        expect(refused).toBeInstanceOf(QueryFailedError);
        expect((refused as QueryFailedError).sqlState).toBe('42P01');
      };
      await outOfReach();
      expect(await repo.runningTotals({ partitions: [2] })).toEqual(reference);
      await outOfReach();
      expect(await repo.runningTotals({ partitions: [2] })).toEqual(reference);
      expect((await prepared(pool)).size).toBe(1);
    });
  });

  it(`a connection prepares at most ${MAX_PREPARED_PER_CONNECTION} texts; later ones run unnamed, with the same rows; the cap is per connection`, async () => {
    await withTestPool(db.url, 2, async (pool) => {
      const named = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      const unnamed = new TransactionRepository(db.prisma, { pgPool: pool });
      // Connection A is held aside, so every read below runs on connection B.
      const a = await pool.connect();
      let b: pg.PoolClient | undefined;
      try {
        const want = await walk(unnamed, 4, 100, 2);
        // Two texts per limit (first and resumed page) for every limit below the account's 100 rows.
        for (let limit = 1; limit <= MAX_PREPARED_PER_CONNECTION; limit++) {
          expect(await walk(named, 4, limit, 101), `limit ${limit}`).toEqual(want);
        }
        b = await pool.connect();
        expect((await prepared(b)).size).toBe(MAX_PREPARED_PER_CONNECTION);
        expect((await prepared(a)).size).toBe(0);
      } finally {
        a.release();
      }
      // Now B is held aside: connection A, with room, prepares what it reads.
      try {
        await named.runningTotals({ partitions: [4] });
        const again = await pool.connect();
        try {
          expect(again).toBe(a);
          expect((await prepared(again)).size).toBe(1);
        } finally {
          again.release();
        }
      } finally {
        b?.release();
      }
    });
  });

  it('a statement dropped behind node-postgres\'s back (DEALLOCATE ALL) is read again on a fresh connection', async () => {
    await withTestPool(db.url, 1, async (pool) => {
      const repo = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      const before = await repo.runningTotals({ partitions: [1] });
      const first = await pool.connect();
      await first.query('DEALLOCATE ALL');
      first.release();
      // node-postgres still believes the statement prepared and only binds it: the server answers 26000.
      expect(await repo.runningTotals({ partitions: [1] })).toEqual(before);
      const second = await pool.connect();
      try {
        expect(second).not.toBe(first);
      } finally {
        second.release();
      }
      expect(await repo.runningTotals({ partitions: [1] })).toEqual(before);
      expect((await prepared(pool)).size).toBe(1);
    });
  });

  it('a named read the server refuses midway keeps its connection and statement; one whose value node-postgres cannot send costs its connection', async () => {
    await withTestPool(db.url, 1, async (pool) => {
      const named = { preparedStatements: true };
      const backend = async () => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const first = await backend();
      // Fails at the third row, after the statement was parsed and rows have arrived.
      const divide = (at: number) => Prisma.sql`SELECT 10 / (g - ${at}) AS q FROM generate_series(1, 5) AS g`;
      const failed = await queryThroughPool(pool, divide(3), {}, named).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(QueryFailedError);
      expect((failed as QueryFailedError).sqlState).toBe('22012');
      expect(await backend()).toBe(first);
      expect([...(await prepared(pool)).values()]).toEqual([divide(3).text]);
      // The statement the server kept is bound again, not parsed a second time (which it would refuse: 42P05).
      expect(await queryThroughPool(pool, divide(9), {}, named)).toEqual([-1, -1, -1, -2, -2].map((q) => ({ q })));
      expect(await queryThroughPool(pool, divide(9), {}, named)).toHaveLength(5);
      expect(await backend()).toBe(first);

      // node-postgres closes the statement on the server when it cannot serialise a value (here, a circular one),
      // while still believing it prepared: the connection goes, and the next one prepares the statement again.
      const echo = (value: unknown) => Prisma.sql`SELECT CAST(${value} AS text) AS t`;
      expect(await queryThroughPool(pool, echo('a'), {}, named)).toEqual([{ t: 'a' }]);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const unsendable = await queryThroughPool(pool, echo(circular), {}, named).catch((error: unknown) => error);
      expect(unsendable).toBeInstanceOf(LedgerError);
      expect(unsendable).not.toBeInstanceOf(ValidationError);
      expect(await queryThroughPool(pool, echo('b'), {}, named)).toEqual([{ t: 'b' }]);
      expect(await queryThroughPool(pool, echo('c'), {}, named)).toEqual([{ t: 'c' }]);
      expect(await backend()).not.toBe(first);
    });
  });

  // Last in the file: it changes the table. After a migration that changes the type of a column these reads
  // return, the server refuses the prepared statement (0A000): its connection is dropped and the read runs again.
  it('after a column changes type, the read still answers, and the connection that held the stale statement is replaced', async () => {
    await withTestPool(db.url, 1, async (pool) => {
      const repo = new TransactionRepository(db.prisma, { pgPool: pool, preparedStatements: true });
      const totals = async () => (await repo.runningTotals({ partitions: [3] })).map((row) => `${row.id}:${row.runningTotal.toFixed(2)}`);
      const before = await totals();
      expect(before.length).toBe(100);
      const stale = await pool.connect();
      const staleStatements = await prepared(stale);
      stale.release();
      expect(staleStatements.size).toBe(1);
      await db.prisma.$executeRawUnsafe('ALTER TABLE "Transaction" ALTER COLUMN amount TYPE numeric(16, 2)');
      // The same statement on the old connection, as the server answers it: what the read meets and gets past.
      const direct = await (async () => {
        const client = await pool.connect();
        try {
          const [name] = staleStatements.keys();
          return await client.query(`EXECUTE ${name}(ARRAY[3])`).catch((error: { code?: string }) => error.code);
        } finally {
          client.release();
        }
      })();
      expect(direct).toBe('0A000');
      expect(await totals()).toEqual(before);
      const fresh = await pool.connect();
      try {
        expect(fresh).not.toBe(stale);
      } finally {
        fresh.release();
      }
      expect(await totals()).toEqual(before);
    });
  });
});
