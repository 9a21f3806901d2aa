// Keyset streams and statement pages on timestamps that differ only in microseconds (rows written by now(), COPY
// or any other service carry them; a JavaScript Date holds milliseconds). The reference is computed from the
// stored rows read through plain node-postgres, in integer cents, sharing no code with the library. Every walk is
// bounded: a position that repeats a row fails the test instead of hanging it.
import { beforeAll, describe, expect, it } from 'vitest';

import { type FrameChoice, type NullPolicy } from '../../src/index.ts';
import { InventoryMovementRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { idTotals, milliToString } from '../support/ledger-data.ts';
import { useTestPool } from '../support/pg-pool.ts';
import { centsToString, referenceRunningTotals, type LedgerRow } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();
const pool = useTestPool(db, 3);

// 150 rows in 3 accounts. Within each millisecond, times differ by single microseconds, and several rows share a
// microsecond (RANGE peers); some amounts are NULL.
const LEDGER_SQL = `
  INSERT INTO "Transaction" ("accountId", amount, "createdAt")
  SELECT 1 + (g % 3),
         CASE WHEN g % 11 = 0 THEN NULL ELSE ((g * 37) % 2000 - 500) / 100.0 END,
         timestamptz '2026-01-01 00:00:00+00' + ((g * 7) % 13) * interval '1 microsecond' + (g / 50) * interval '1 millisecond'
  FROM generate_series(1, 150) g`;

beforeAll(async () => {
  await pool().query(LEDGER_SQL);
});

/** Stored rows as the reference reads them: epoch microseconds and cents, computed by PostgreSQL from the stored values. */
async function storedLedger(): Promise<LedgerRow[]> {
  const { rows } = await pool().query<{ id: string; account: number; us: string; cents: string | null }>(`
    SELECT id::text, "accountId" AS account, (extract(epoch FROM "createdAt") * 1000000)::bigint::text AS us,
           (amount * 100)::bigint::text AS cents
    FROM "Transaction"`);
  return rows.map((r) => ({ id: BigInt(r.id), key: r.account, time: Number(r.us), cents: r.cents === null ? null : BigInt(r.cents) }));
}

const expected = (ledger: LedgerRow[], partitioned: boolean, frame: FrameChoice, nulls: NullPolicy, account?: number) =>
  referenceRunningTotals(account === undefined ? ledger : ledger.filter((r) => r.key === account), { partitioned, frame, nulls }).map(
    (r) => `${r.id}:${centsToString(r.total)}`,
  );


describe('keyset positions keep the stored microseconds', () => {
  it('the data set really differs below the millisecond (so the tests below can fail)', async () => {
    const { rows } = await pool().query<{ rows: string; ms: string; us: string }>(`
      SELECT count(*)::text AS rows, count(DISTINCT date_trunc('milliseconds', "createdAt"))::text AS ms,
             count(DISTINCT "createdAt")::text AS us FROM "Transaction"`);
    const { rows: total, ms, us } = rows[0]!;
    // More distinct microseconds than milliseconds, and fewer than rows (some rows are peers).
    expect(Number(ms)).toBeLessThan(Number(us));
    expect(Number(us)).toBeLessThan(Number(total));
  });

  it('plain queries equal the integer-cents reference in every mode', async () => {
    const ledger = await storedLedger();
    const repo = new TransactionRepository(db.prisma);
    for (const frame of ['rows', 'range'] as const) {
      for (const nulls of ['zero', 'skip'] as const) {
        expect(idTotals(await repo.runningTotals({ frame, nulls })), `${frame}/${nulls}`).toEqual(expected(ledger, true, frame, nulls));
        expect(idTotals(await repo.globalRunningTotals({ frame, nulls })), `${frame}/${nulls}`).toEqual(expected(ledger, false, frame, nulls));
      }
    }
  });

  it('streams equal the reference for every chunk size, both frames, both scopes, keyset and pgPool', async () => {
    const ledger = await storedLedger();
    const keyset = new TransactionRepository(db.prisma);
    const pooled = new TransactionRepository(db.prisma, { pgPool: pool() });
    for (const frame of ['rows', 'range'] as const) {
      for (const scope of ['partition', 'global'] as const) {
        const want = expected(ledger, scope === 'partition', frame, 'zero');
        for (const chunkSize of [1, 2, 3, 7, 13, 149, 150, 151]) {
          const label = `${frame}, ${scope}, chunk ${chunkSize}`;
          expect(idTotals(await collect(keyset.streamRunningTotals({ frame }, { chunkSize, scope }), 150)), `keyset ${label}`).toEqual(want);
          expect(idTotals(await collect(pooled.streamRunningTotals({ frame }, { chunkSize, scope }), 150)), `pgPool ${label}`).toEqual(want);
        }
      }
    }
  });

  it('the issue case: two rows 400 µs apart in one millisecond stream once each, with chunkSize 1', async () => {
    await db.truncate('Transaction');
    await pool().query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES
      (1, 1.00, '2026-01-01 00:00:00.000500+00'), (1, 2.00, '2026-01-01 00:00:00.000900+00')`);
    const repo = new TransactionRepository(db.prisma);
    for (const frame of ['rows', 'range'] as const) {
      const rows = await collect(repo.streamRunningTotals({ partitions: [1], frame }, { chunkSize: 1 }), 2);
      expect(rows.map((r) => r.runningTotal.toFixed(2)), frame).toEqual(['1.00', '3.00']);
    }
    const first = await repo.page({ partition: 1, limit: 1 });
    const second = await repo.page({ partition: 1, limit: 1, after: first.nextCursor! });
    expect([first.rows[0]!.amount?.toFixed(2), second.rows[0]!.amount?.toFixed(2), second.nextCursor]).toEqual(['1.00', '2.00', null]);
    // Restore the shared data set for the tests below.
    await db.truncate('Transaction');
    await pool().query(LEDGER_SQL);
  });

  it('full page walks (one account and global, every limit, both frames, Prisma and pgPool) visit each row once with exact balances', async () => {
    const ledger = await storedLedger();
    for (const repo of [new TransactionRepository(db.prisma), new TransactionRepository(db.prisma, { pgPool: pool() })]) {
      for (const frame of ['rows', 'range'] as const) {
        for (const account of [1, 2, undefined]) {
          const want = expected(ledger, account !== undefined, frame, 'zero', account);
          for (const limit of [1, 2, 7, 50]) {
            const walked: string[] = [];
            let after: string | undefined;
            let previousClosing: string | undefined;
            for (let pages = 0; ; pages += 1) {
              if (pages > want.length) throw new Error(`page walk (${frame}, account ${account}, limit ${limit}) does not end`);
              const page = await repo.page({ ...(account !== undefined && { partition: account }), frame, limit, ...(after && { after }) });
              if (previousClosing !== undefined) expect(page.openingBalance.toFixed(2)).toBe(previousClosing);
              walked.push(...idTotals(page.rows));
              previousClosing = page.closingBalance.toFixed(2);
              if (page.nextCursor === null) break;
              after = page.nextCursor;
            }
            expect(walked, `${frame}, account ${account ?? 'all'}, limit ${limit}`).toEqual(want);
          }
        }
      }
    }
  });

  it('a composite partition (warehouse, product) with microsecond times streams and pages exactly', async () => {
    await pool().query(`
      INSERT INTO inventory_movements (warehouse_id, product_sku, quantity, moved_at)
      SELECT 1 + (g % 2), CASE WHEN g % 3 = 0 THEN 'A-1' ELSE 'B-2' END, (g % 17 - 8) * 1.5,
             timestamptz '2026-01-01 00:00:00+00' + (g % 5) * interval '1 microsecond'
      FROM generate_series(1, 60) g`);
    const { rows } = await pool().query<{ id: string; w: number; sku: string; us: string; units: string }>(`
      SELECT id::text, warehouse_id AS w, product_sku AS sku, (extract(epoch FROM moved_at) * 1000000)::bigint::text AS us,
             (quantity * 1000)::bigint::text AS units
      FROM inventory_movements`);
    // Quantities have three decimals: the reference counts thousandths.
    const ledger = rows.map((r) => ({ id: BigInt(r.id), key: `${r.w}/${r.sku}`, time: Number(r.us), cents: BigInt(r.units) }));
    const repo = new InventoryMovementRepository(db.prisma);
    const plain = idTotals(await repo.runningTotals({ frame: 'range' }), 3);
    const streamed = idTotals(await collect(repo.streamRunningTotals({ frame: 'range' }, { chunkSize: 2 }), 60), 3);
    expect(streamed).toEqual(plain);
    // A list of (warehouse, product) keys, out of order and with one that has no rows: chunks resume inside a
    // key, then go on to the keys after it.
    const partitions = [{ warehouseId: 2, productSku: 'B-2' }, { warehouseId: 9, productSku: 'none' }, { warehouseId: 1, productSku: 'A-1' }, { warehouseId: 1, productSku: 'B-2' }];
    for (const frame of ['rows', 'range'] as const) {
      const listed = idTotals(await repo.runningTotals({ partitions, frame }), 3);
      expect(listed.length).toBeGreaterThan(30);
      for (const chunkSize of [1, 2, 3, 7, 50]) {
        expect(idTotals(await collect(repo.streamRunningTotals({ partitions, frame }, { chunkSize }), 60), 3), `${frame}, chunk ${chunkSize}`).toEqual(listed);
      }
    }
    const ref = referenceRunningTotals(ledger, { partitioned: true, frame: 'range', nulls: 'zero' });
    const refById = new Map(ref.map((r) => [`${r.id}`, milliToString(r.total)]));
    expect(plain.map((entry) => entry.split(':')).every(([id, total]) => refById.get(id!) === total)).toBe(true);
    expect(plain).toHaveLength(60);
  });
});
