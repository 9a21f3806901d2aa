/**
 * `insertMany` with strategy `'copy'` (COPY FROM STDIN on the repository's pgPool): the same rows as `unnest`,
 * byte for byte; idempotent through a staging table; all or nothing; typed failures; and where it cannot run
 * (a caller's transaction, insertAndReport), `'auto'` falls back and an explicit `'copy'` is a ValidationError.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';
import { describe, expect, it } from 'vitest';

import {
  InventoryMovementRepository,
  TransactionRepository,
  type NewInventoryMovement,
  type NewTransaction,
} from '../../prisma/app/index.ts';
import { AUTO_COPY_MIN_ROWS, DatabaseUnavailableError, LedgerError, QueryFailedError, TransactionTimeoutError, ValidationError } from '../../src/index.ts';
import { seededRandom } from '../../scripts/lib/seeded-random.ts';
import { useTestDatabase } from '../support/database.ts';
import { holdInOpenTransaction } from '../support/lock-barrier.ts';
import { useTestPool } from '../support/pg-pool.ts';
import { randomTransactions, transactionRows } from '../support/rows.ts';
import { seeded } from '../support/property-seed.ts';

const db = useTestDatabase();
const pool = useTestPool(db, 2);

/** Every stored row as the server's own text, in a fixed order: what two strategies must agree on. */
async function storedRows(client: pg.Pool): Promise<string[][]> {
  const { rows } = await client.query<{ row: string[] }>(
    `SELECT ARRAY["accountId"::text, amount::text, "createdAt"::text, coalesce("externalId", '<null>')] AS row
     FROM "Transaction" ORDER BY "externalId" NULLS LAST, "accountId", "createdAt", amount NULLS FIRST`,
  );
  return rows.map((r) => r.row);
}

// Keys that COPY's text format must escape, and some that look like SQL.
const HOSTILE_KEYS = ['tab\there', 'line\nbreak', 'carriage\rreturn', 'back\\slash', '\\N', `quote'"`, `'); DROP TABLE "Transaction"; --`, 'ünïcødé ✓'];

describe("insertMany with strategy 'copy'", () => {
  it(
    'stores exactly what unnest stores, hostile keys and NULL amounts included',
    seeded(async (seed) => {
      const ledger = { accounts: 25, nullRate: 0.1, cents: [-500_000, 1_500_000] as const, slots: 30, slotMs: 1_000 };
      const rows: NewTransaction[] = randomTransactions(seededRandom(seed), 3_000, ledger, (i) =>
        i < HOSTILE_KEYS.length ? HOSTILE_KEYS[i]! : `key-${i}`,
      );
      const stored: Record<string, string[][]> = {};
      for (const strategy of ['unnest', 'copy'] as const) {
        await db.truncate('Transaction');
        const result = await new TransactionRepository(db.prisma, { pgPool: pool() }).insertMany(rows, { strategy });
        expect(result).toMatchObject({ inserted: rows.length, skipped: 0, strategy });
        stored[strategy] = await storedRows(pool());
      }
      expect(stored.copy).toEqual(stored.unnest);
      expect(stored.copy!.map((row) => row[3])).toEqual(expect.arrayContaining(HOSTILE_KEYS));
    }),
  );

  it('skips the rows already stored, counting them, on a retried or overlapping batch', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma, { pgPool: pool() });
    const rows = transactionRows(2_500, (i) => ({ externalId: `k${i}` }));
    expect(await repo.insertMany(rows, { strategy: 'copy' })).toEqual({ inserted: 2_500, skipped: 0, chunks: 1, strategy: 'copy' });
    expect(await repo.insertMany(rows, { strategy: 'copy' })).toEqual({ inserted: 0, skipped: 2_500, chunks: 1, strategy: 'copy' });
    const overlapping = transactionRows(3_000, (i) => ({ externalId: `k${i}` }));
    expect(await repo.insertMany(overlapping, { strategy: 'copy' })).toEqual({ inserted: 500, skipped: 2_500, chunks: 1, strategy: 'copy' });
    expect(await db.prisma.transaction.count()).toBe(3_000);
  });

  it('copies straight into a table without an idempotency key', async () => {
    await db.truncate('inventory_movements');
    const rows: NewInventoryMovement[] = Array.from({ length: 1_234 }, (_, i) => ({
      warehouseId: 1 + (i % 3),
      productSku: `SKU-${i % 7}`,
      quantity: `${i}.125`,
      movedAt: new Date(Date.UTC(2026, 0, 1) + i * 1_000),
    }));
    const result = await new InventoryMovementRepository(db.prisma, { pgPool: pool() }).insertMany(rows, { strategy: 'copy' });
    expect(result).toEqual({ inserted: 1_234, skipped: 0, chunks: 1, strategy: 'copy' });
    const { rows: sums } = await pool().query<{ total: string }>('SELECT sum(quantity)::text AS total FROM inventory_movements');
    // Σ (i + 0.125) for i < 1234 = 1233·1234/2 + 1234·0.125 = 760,761 + 154.25
    expect(sums[0]!.total).toBe('760915.250');
  });

  it("a pool's query_timeout does not abandon a COPY: answered after the timer, the batch is written (the process used to crash)", async () => {
    await db.truncate('inventory_movements');
    const rows: NewInventoryMovement[] = Array.from({ length: 500 }, (_, i) => ({
      warehouseId: 1,
      productSku: 'SKU-T',
      quantity: '1.000',
      movedAt: new Date(Date.UTC(2026, 0, 1) + i),
    }));
    const timed = new pg.Pool({ connectionString: db.url, max: 1, query_timeout: 1_000 });
    timed.on('error', () => {});
    const locker = await pool().connect();
    try {
      // The server answers the COPY only once the lock is released, 1.4 s after it was sent: past the pool's
      // 1 s timer, before the cleanup that timer used to start (a ROLLBACK, itself timed out a second later).
      await locker.query('BEGIN; LOCK TABLE inventory_movements IN ACCESS EXCLUSIVE MODE');
      const attempt = new InventoryMovementRepository(db.prisma, { pgPool: timed }).insertMany(rows, { strategy: 'copy', retry: false });
      const outcome = attempt.then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      await waitFor(async () => {
        const { rows: waiting } = await pool().query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY%'`);
        return waiting.length > 0;
      });
      await new Promise((resolve) => setTimeout(resolve, 1_400));
      await locker.query('COMMIT');
      expect(await outcome).toEqual({ result: { inserted: 500, skipped: 0, chunks: 1, strategy: 'copy' } });
      expect(await db.prisma.inventoryMovement.count()).toBe(500);
    } finally {
      await locker.query('ROLLBACK').catch(() => {});
      locker.release();
      await timed.end();
    }
  });

  it.each([1, 2, 10_000, 10_001])(
    "'auto' with a pgPool: %i rows use copy (from AUTO_COPY_MIN_ROWS = 1 row on), and every row is written",
    async (count) => {
      await db.truncate('Transaction');
      const rows = transactionRows(count, (i) => ({ externalId: `auto-${i}` }));
      const result = await new TransactionRepository(db.prisma, { pgPool: pool() }).insertMany(rows);
      expect(count).toBeGreaterThanOrEqual(AUTO_COPY_MIN_ROWS);
      expect(result.strategy).toBe('copy');
      expect(result).toMatchObject({ inserted: count, skipped: 0 });
      expect(await db.prisma.transaction.count()).toBe(count);
    },
  );

  it('is all or nothing: a row the database refuses leaves none of the batch', async () => {
    await db.truncate('Transaction');
    await pool().query(`ALTER TABLE "Transaction" ADD CONSTRAINT test_copy_no_666 CHECK ("accountId" <> 666)`);
    try {
      const rows = transactionRows(5_000, (i) => ({ accountId: i === 4_321 ? 666 : 1, externalId: `r${i}` }));
      const attempt = new TransactionRepository(db.prisma, { pgPool: pool() }).insertMany(rows, { strategy: 'copy' });
      await expect(attempt).rejects.toBeInstanceOf(QueryFailedError);
      await expect(attempt).rejects.toMatchObject({ sqlState: '23514' });
      expect(await db.prisma.transaction.count()).toBe(0);
    } finally {
      await pool().query('ALTER TABLE "Transaction" DROP CONSTRAINT test_copy_no_666');
    }
  });

  it('checks rows again as it writes them: a row changed to a bad value or another key after the call fails the batch, nothing written', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma, { pgPool: pool() });
    // Three COPY chunks: the bad row sits in the last one, so the COPY has started when it is met.
    const rows = transactionRows(12_000, (i) => ({ externalId: `late${String(i).padStart(5, '0')}` }));
    const attempt = repo.insertMany(rows, { strategy: 'copy', retry: false });
    (rows[11_500] as { amount: unknown }).amount = 'twelve';
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/rows\[11500\]\.amount/);
    expect(await db.prisma.transaction.count()).toBe(0);
    // A key changed after the call would escape the repeat check (and a staged ON CONFLICT would skip a row).
    const keyed = transactionRows(12_000, (i) => ({ externalId: `moved${String(i).padStart(5, '0')}` }));
    const moved = repo.insertMany(keyed, { strategy: 'copy', retry: false });
    (keyed[11_000] as { externalId: string }).externalId = 'moved00000';
    await expect(moved).rejects.toThrow(/rows\[11000\]\.externalId: changed while the batch was being written/);
    expect(await db.prisma.transaction.count()).toBe(0);
    // What the call was given is what is written: emptying the caller's array afterwards changes nothing.
    const again = transactionRows(12_000, (i) => ({ externalId: `kept${i}` }));
    const written = repo.insertMany(again, { strategy: 'copy' });
    again.length = 0;
    expect(await written).toMatchObject({ inserted: 12_000, skipped: 0 });
    expect(await db.prisma.transaction.count()).toBe(12_000);
  });

  it('outliving timeoutMs is a TransactionTimeoutError and writes nothing', async () => {
    await db.truncate('Transaction');
    const rows = transactionRows(200_000, (i) => ({ externalId: `t${i}` }));
    const attempt = new TransactionRepository(db.prisma, { pgPool: pool() }).insertMany(rows, { strategy: 'copy', timeoutMs: 50, retry: false });
    await expect(attempt).rejects.toBeInstanceOf(TransactionTimeoutError);
    expect(await db.prisma.transaction.count()).toBe(0);
    // The pool still serves: the timed-out connection was discarded, not returned.
    expect((await pool().query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a COPY waiting on a lock past timeoutMs leaves no backend behind: the server ends its statement at the deadline', async () => {
    await db.truncate('Transaction');
    const app = `copy_lock_${process.pid}`;
    const own = new pg.Pool({ connectionString: db.url, max: 3, application_name: app });
    own.on('error', () => {});
    // What CREATE INDEX holds: every COPY into the table waits on it.
    const lock = await holdInOpenTransaction(db.url, 'LOCK TABLE "Transaction" IN SHARE MODE');
    try {
      const repo = new TransactionRepository(db.prisma, { pgPool: own });
      for (let i = 0; i < 3; i++) {
        const attempt = repo.insertMany(transactionRows(10, (j) => ({ externalId: `lock-${i}-${j}` })), { strategy: 'copy', timeoutMs: 300, retry: false });
        await expect(attempt).rejects.toBeInstanceOf(TransactionTimeoutError);
      }
      // The lock is still held: a backend still waiting on it would stay until it went (they used to pile up until
      // the server refused new connections). Polled for a while, since the server ends each one at its own pace.
      const waiting = async () =>
        Number((await pool().query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`, [app])).rows[0]!.n);
      for (let tries = 0; tries < 100 && (await waiting()) > 0; tries++) await sleep(50);
      expect(await waiting()).toBe(0);
    } finally {
      await lock.close();
      await own.end();
    }
    expect(await db.prisma.transaction.count()).toBe(0);
  });

  it('a COMMIT still running at timeoutMs is waited for: the caller learns that it committed, never "unknown" while the server answers', async () => {
    await db.truncate('Transaction');
    // A deferred check that takes longer than the insert may: COMMIT runs it, and statement_timeout does not bound it.
    await pool().query(`CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON "Transaction" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit()`);
    try {
      const written = await new TransactionRepository(db.prisma, { pgPool: pool() }).insertMany(transactionRows(1, () => ({ externalId: 'slow-commit' })), {
        strategy: 'copy',
        timeoutMs: 800,
        retry: false,
      });
      expect(written).toMatchObject({ inserted: 1, strategy: 'copy' });
      expect(await db.prisma.transaction.count()).toBe(1);
    } finally {
      await pool().query('DROP TRIGGER slow_commit ON "Transaction"; DROP FUNCTION slow_commit()');
    }
  });

  it('waits at most maxWaitMs for a connection of the pool: DatabaseUnavailableError (as on the Prisma path), nothing written, the pool intact', async () => {
    await db.truncate('Transaction');
    const small = new pg.Pool({ connectionString: db.url, max: 1 });
    small.on('error', () => {});
    try {
      const held = await small.connect();
      const attempt = new TransactionRepository(db.prisma, { pgPool: small }).insertMany(transactionRows(10, (i) => ({ externalId: `w${i}` })), {
        strategy: 'copy',
        maxWaitMs: 200,
        retry: false,
      });
      await expect(attempt).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(attempt).rejects.toThrow(/No connection of the pgPool came free within 200 ms/);
      held.release();
      expect(await db.prisma.transaction.count()).toBe(0);
      // The connection that arrived after the wait gave up went back to the pool: it serves the next batch.
      await expect(new TransactionRepository(db.prisma, { pgPool: small }).insertMany(transactionRows(3, (i) => ({ externalId: `w${i}` })))).resolves.toMatchObject({
        inserted: 3,
        strategy: 'copy',
      });
    } finally {
      await small.end();
    }
  });

  it('writes the same instants from a session in another time zone', async () => {
    await db.truncate('Transaction');
    const kolkata = new pg.Pool({ connectionString: db.url, max: 1, options: '-c TimeZone=Asia/Kolkata' });
    kolkata.on('error', () => {});
    try {
      const rows = transactionRows(1_500, (i) => ({ externalId: `z${i}`, createdAt: new Date(Date.UTC(2026, 2, 29, 0, 59, 0) + i * 997) }));
      await new TransactionRepository(db.prisma, { pgPool: kolkata }).insertMany(rows, { strategy: 'copy' });
      const { rows: stored } = await pool().query<{ ms: string }>(
        `SELECT (extract(epoch FROM "createdAt") * 1000)::bigint::text AS ms FROM "Transaction" ORDER BY "createdAt"`,
      );
      expect(stored.map((row) => Number(row.ms))).toEqual(rows.map((row) => row.createdAt.getTime()));
    } finally {
      await kolkata.end();
    }
  });

  it("cannot join a caller's transaction or insertAndReport: 'copy' is refused before any SQL, 'auto' uses unnest", async () => {
    await db.truncate('Transaction');
    const rows = transactionRows(1_500, (i) => ({ externalId: `tx${i}` }));
    await db.prisma.$transaction(async (tx) => {
      const repo = new TransactionRepository(tx, { pgPool: pool() });
      await expect(repo.insertMany(rows, { strategy: 'copy' })).rejects.toThrow(ValidationError);
      await expect(repo.insertMany(rows, { strategy: 'copy' })).rejects.toThrow(/cannot join the caller's transaction/);
      expect(await repo.insertMany(rows)).toMatchObject({ inserted: 1_500, strategy: 'unnest' });
    });
    const repo = new TransactionRepository(db.prisma, { pgPool: pool() });
    await expect(repo.insertAndReport(rows, { strategy: 'copy' })).rejects.toThrow(/cannot join the report of insertAndReport/);
    const more = transactionRows(1_500, (i) => ({ externalId: `more${i}` }));
    expect(await repo.insertAndReport(more)).toMatchObject({ inserted: 1_500, strategy: 'unnest' });
    await expect(new TransactionRepository(db.prisma).insertMany(rows, { strategy: 'copy' })).rejects.toThrow(/construct the repository with the pgPool option/);
    expect(await db.prisma.transaction.count()).toBe(3_000);
  });

  it('a lost connection mid-COPY fails with a LedgerError and leaves nothing; the retry writes each row once', async () => {
    await db.truncate('Transaction');
    // A plain pool, as an application has: no 'error' listener on its connections. The library must not let the
    // killed session's 'error' event go unhandled (that would crash this process).
    const tagged = new pg.Pool({ connectionString: db.url, max: 1, application_name: 'copy_victim' });
    tagged.on('error', () => {});
    const killer = new pg.Client({ connectionString: db.url });
    await killer.connect();
    try {
      const rows = transactionRows(300_000, (i) => ({ externalId: `lost${i}` }));
      // Settled into a value at once: the failure may arrive while the killer is still polling.
      const attempt = new TransactionRepository(db.prisma, { pgPool: tagged }).insertMany(rows, { strategy: 'copy', retry: false }).then(
        () => undefined,
        (error: unknown) => error,
      );
      let killed = 0;
      for (let tries = 0; killed === 0 && tries < 2_000; tries++) {
        const { rows: result } = await killer.query<{ killed: boolean }>(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'copy_victim' AND state = 'active'`,
        );
        killed = result.filter((row) => row.killed).length;
        if (killed === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(killed).toBe(1);
      expect(await attempt).toBeInstanceOf(LedgerError);
      expect(await db.prisma.transaction.count()).toBe(0);
      const retried = await new TransactionRepository(db.prisma, { pgPool: tagged }).insertMany(rows, { strategy: 'copy' });
      expect(retried).toMatchObject({ inserted: rows.length, skipped: 0 });
      expect(await db.prisma.transaction.count()).toBe(rows.length);
    } finally {
      await killer.end();
      await tagged.end();
    }
  });
});

/** Polls `check` every 20 ms until it holds; fails after 10 s. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the condition did not hold within 10 s');
}
