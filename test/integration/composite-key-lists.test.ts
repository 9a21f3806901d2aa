// Running totals of a list of composite partition keys, (warehouse, product): the library reads each key on its own
// through a LATERAL join, so its rows come from the index in the window's order. The reference is plain SQL through
// node-postgres over the same list, in integer thousandths, sharing no code with the library: same rows, same order,
// same totals, for every way of reading them. Times differ by microseconds and tie within a key (RANGE peers).
import { beforeAll, describe, expect, it } from 'vitest';

import { type FrameChoice } from '../../src/index.ts';
import { InventoryMovementRepository } from '../../prisma/app/index.ts';
import { vacuumAllVisible } from '../../scripts/lib/all-visible.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';

const db = useTestDatabase();
const pool = useTestPool(db, 3);

type Key = { readonly warehouseId: number; readonly productSku: string };

// Four warehouses and four products, every pair present; 'a' and 'A' differ only in case, which orders them by
// the column's collation.
const LEDGER_SQL = `
  INSERT INTO inventory_movements (warehouse_id, product_sku, quantity, moved_at)
  SELECT 1 + (g % 4), (ARRAY['A', 'B', 'a', 'Z-9'])[1 + (g * 7 / 4) % 4], ((g * 37) % 2001 - 1000) / 1000.0,
         timestamptz '2026-03-29 00:59:59.999+00' + ((g / 8) % 2) * interval '1 microsecond' + (g / 64) * interval '1 millisecond'
  FROM generate_series(1, 480) g`;

// Out of order, one key without rows, and keys that cross ((1, A) and (2, Z-9), but not (1, Z-9) or (2, A)): a
// filter on each field alone would return rows of keys not asked for.
const KEYS: readonly Key[] = [
  { warehouseId: 3, productSku: 'a' },
  { warehouseId: 1, productSku: 'A' },
  { warehouseId: 9, productSku: 'none' },
  { warehouseId: 2, productSku: 'Z-9' },
  { warehouseId: 4, productSku: 'B' },
  { warehouseId: 3, productSku: 'A' },
];

const FROM = new Date('2026-03-29T00:59:59.999Z');
const TO = new Date('2026-03-29T01:00:00.005Z');

beforeAll(async () => {
  await pool().query(LEDGER_SQL);
});

/** `id:thousandths` in the reference's order, from plain SQL over the same keys (and range). */
async function reference(keys: readonly Key[], frame: FrameChoice, range?: { from: Date; to: Date }): Promise<string[]> {
  const bounds = frame === 'rows' ? 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW' : 'RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  const order = frame === 'rows' ? 'moved_at, id' : 'moved_at';
  // One condition per key, ORed: no semi join, whose list PostgreSQL 18 may make distinct under the list's
  // collation rather than the column's (then a row matching two spellings of its key under a case-insensitive
  // collation is returned twice).
  const values: unknown[] = keys.flatMap((k) => [k.warehouseId, k.productSku]);
  let where = `(${keys.map((_, i) => `(warehouse_id = $${2 * i + 1}::int AND product_sku = $${2 * i + 2}::text)`).join(' OR ')})`;
  if (range) {
    values.push(range.from.toISOString(), range.to.toISOString());
    where += ` AND moved_at >= $${values.length - 1}::timestamptz AND moved_at < $${values.length}::timestamptz`;
  }
  const { rows } = await pool().query<{ row_id: string; units: string }>(
    `SELECT id::text AS row_id, (SUM(quantity * 1000) OVER (PARTITION BY warehouse_id, product_sku ORDER BY ${order} ${bounds}))::bigint::text AS units
     FROM inventory_movements WHERE ${where} ORDER BY warehouse_id, product_sku, moved_at, id`,
    values,
  );
  return rows.map((r) => `${r.row_id}:${r.units}`);
}

const thousandths = (rows: ReadonlyArray<{ id: bigint; runningTotal: { mul(n: number): { toFixed(d: number): string } } }>) =>
  rows.map((r) => `${r.id}:${r.runningTotal.mul(1000).toFixed(0)}`);

describe('running totals of a list of composite partition keys', () => {
  it('the fixture has rows in most listed keys, ties within a key, and rows of unlisted keys', async () => {
    const { rows } = await pool().query<{ listed: string; unlisted: string; tied: string }>(
      `SELECT count(*) FILTER (WHERE (warehouse_id, product_sku) IN (SELECT * FROM unnest($1::int[], $2::text[])))::text AS listed,
              count(*) FILTER (WHERE (warehouse_id, product_sku) NOT IN (SELECT * FROM unnest($1::int[], $2::text[])))::text AS unlisted,
              (SELECT count(*) FROM (SELECT 1 FROM inventory_movements GROUP BY warehouse_id, product_sku, moved_at HAVING count(*) > 1) t)::text AS tied
       FROM inventory_movements`,
      [KEYS.map((k) => k.warehouseId), KEYS.map((k) => k.productSku)],
    );
    expect(Number(rows[0]!.listed)).toBeGreaterThan(100);
    expect(Number(rows[0]!.unlisted)).toBeGreaterThan(100);
    expect(Number(rows[0]!.tied)).toBeGreaterThan(0);
  });

  it.each(['rows', 'range'] as const)('%s frame: runningTotals equals plain SQL, through Prisma and through the pool', async (frame) => {
    const expected = await reference(KEYS, frame);
    for (const repo of [new InventoryMovementRepository(db.prisma), new InventoryMovementRepository(db.prisma, { pgPool: pool() })]) {
      expect(thousandths(await repo.runningTotals({ partitions: KEYS, frame }))).toEqual(expected);
      expect(thousandths(await repo.runningTotals({ partitions: KEYS, frame, from: FROM, to: TO }))).toEqual(await reference(KEYS, frame, { from: FROM, to: TO }));
    }
  });

  it.each(['rows', 'range'] as const)('%s frame: streams equal plain SQL for chunk sizes around the keys', async (frame) => {
    const expected = await reference(KEYS, frame);
    const keyset = new InventoryMovementRepository(db.prisma);
    for (const chunkSize of [1, 2, 3, 29, 30, 31, 1000]) {
      expect(thousandths(await collect(keyset.streamRunningTotals({ partitions: KEYS, frame }, { chunkSize }), 1000)), `chunk ${chunkSize}`).toEqual(expected);
    }
    const viaPool = new InventoryMovementRepository(db.prisma, { pgPool: pool() });
    expect(thousandths(await collect(viaPool.streamRunningTotals({ partitions: KEYS, frame }, { chunkSize: 7 }), 1000))).toEqual(expected);
  });

  it('two keys, and keys none of which has rows', async () => {
    const repo = new InventoryMovementRepository(db.prisma);
    const two = KEYS.slice(0, 2);
    expect(thousandths(await repo.runningTotals({ partitions: two }))).toEqual(await reference(two, 'rows'));
    expect(await repo.runningTotals({ partitions: [{ warehouseId: 8, productSku: 'A' }, { warehouseId: 1, productSku: 'nothing' }] })).toEqual([]);
  });
});

describe('a text key field whose column has a collation of its own', () => {
  it('returns each row once when two listed keys are one key under a case-insensitive collation', async () => {
    await pool().query(`CREATE COLLATION IF NOT EXISTS case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
    await pool().query(`ALTER TABLE inventory_movements ALTER COLUMN product_sku TYPE varchar(32) COLLATE case_insensitive`);
    try {
      // 'a' and 'A' are one product here: the plain query returns each of its rows once, in one running total.
      const keys: Key[] = [{ warehouseId: 1, productSku: 'a' }, { warehouseId: 1, productSku: 'A' }, { warehouseId: 2, productSku: 'B' }];
      const expected = await reference(keys, 'rows');
      expect(new Set(expected.map((entry) => entry.split(':')[0])).size).toBe(expected.length);
      for (const repo of [new InventoryMovementRepository(db.prisma), new InventoryMovementRepository(db.prisma, { pgPool: pool() })]) {
        expect(thousandths(await repo.runningTotals({ partitions: keys }))).toEqual(expected);
        expect(thousandths(await collect(repo.streamRunningTotals({ partitions: keys }, { chunkSize: 4 }), 1000))).toEqual(expected);
      }
    } finally {
      await pool().query(`ALTER TABLE inventory_movements ALTER COLUMN product_sku TYPE varchar(32) COLLATE "default"`);
    }
  });

  it('orders the keys as the column does, not as the keys\' text would', async () => {
    // A collation that orders 'a', 'A', 'B', 'Z-9' differently from the database's default one.
    const { rows } = await pool().query<{ collation: string }>(
      `SELECT CASE WHEN datcollate IN ('C', 'POSIX') THEN (SELECT collname FROM pg_collation WHERE collname IN ('en_US.utf8', 'en-x-icu', 'und-x-icu') ORDER BY collname LIMIT 1)
              ELSE 'C' END AS collation FROM pg_database WHERE datname = current_database()`,
    );
    const collation = rows[0]!.collation;
    expect(collation, 'a collation other than the default one').toBeTruthy();
    await pool().query(`ALTER TABLE inventory_movements ALTER COLUMN product_sku TYPE varchar(32) COLLATE "${collation}"`);
    try {
      const { rows: order } = await pool().query<{ sku: string }>(`SELECT DISTINCT product_sku AS sku FROM inventory_movements ORDER BY 1`);
      const { rows: byDefault } = await pool().query<{ sku: string }>(`SELECT DISTINCT product_sku::text COLLATE "default" AS sku FROM inventory_movements ORDER BY 1`);
      expect(order.map((r) => r.sku), 'the two collations order the products differently').not.toEqual(byDefault.map((r) => r.sku));
      const keys: Key[] = ['a', 'A', 'B', 'Z-9'].flatMap((productSku) => [{ warehouseId: 1, productSku }, { warehouseId: 2, productSku }]);
      const expected = await reference(keys, 'rows');
      expect(thousandths(await new InventoryMovementRepository(db.prisma).runningTotals({ partitions: keys }))).toEqual(expected);
      const viaPool = new InventoryMovementRepository(db.prisma, { pgPool: pool() });
      expect(thousandths(await collect(viaPool.streamRunningTotals({ partitions: keys }, { chunkSize: 5 }), 1000))).toEqual(expected);
      expect(thousandths(await collect(new InventoryMovementRepository(db.prisma).streamRunningTotals({ partitions: keys }, { chunkSize: 5 }), 1000))).toEqual(expected);
    } finally {
      await pool().query(`ALTER TABLE inventory_movements ALTER COLUMN product_sku TYPE varchar(32) COLLATE "default"`);
    }
  });
});


describe('every collation of the text key column, on a table where each key is read from the index', () => {
  // Both spellings of 'a', a key without rows ('none'), and keys of two warehouses.
  const keys: Key[] = ['a', 'A', 'B', 'Z-9', 'none'].flatMap((productSku) => [{ warehouseId: 1, productSku }, { warehouseId: 3, productSku }]);

  // Rows of 200 other warehouses, so that an index scan per key is cheaper than reading the table.
  beforeAll(async () => {
    await pool().query(`
      INSERT INTO inventory_movements (warehouse_id, product_sku, quantity, moved_at)
      SELECT 10 + (g % 200), 'P-' || (g / 200) % 50, (g % 7) - 3, timestamptz '2026-03-01 00:00:00+00' + g * interval '1 second'
      FROM generate_series(1, 100000) g`);
    await pool().query(`CREATE COLLATION IF NOT EXISTS case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
  });

  // A changed column type rewrites the table and its index; vacuumed, the index is read without the heap.
  async function withColumn(type: string, work: () => Promise<void>): Promise<void> {
    await pool().query(`ALTER TABLE inventory_movements ALTER COLUMN product_sku TYPE ${type}`);
    try {
      expect(await vacuumAllVisible((sql) => pool().query(sql).then((r) => r.rows), ['inventory_movements'], 40)).toBe(true);
      await work();
    } finally {
      await pool().query(`ALTER TABLE inventory_movements ALTER COLUMN product_sku TYPE varchar(32) COLLATE "default"`);
    }
  }

  async function expectExact(): Promise<void> {
    const expected = await reference(keys, 'rows');
    expect(new Set(expected.map((entry) => entry.split(':')[0])).size, 'every row once').toBe(expected.length);
    const viaPool = new InventoryMovementRepository(db.prisma, { pgPool: pool() });
    const viaPrisma = new InventoryMovementRepository(db.prisma);
    expect(viaPool.runningTotalsSql({ partitions: keys }, 'partition').text).toContain('CROSS JOIN LATERAL');
    const plan = await viaPrisma.explain({ partitions: keys });
    expect(plan.sortUnderWindowAgg, JSON.stringify(plan.root)).toBe(false);
    expect(plan.windowAggFedBy).toBe('index-only-scan');
    expect(plan.indexName).toBe('inventory_movements_warehouse_id_product_sku_moved_at_id_qu_idx');
    expect(plan.root.actualRows).toBe(expected.length);
    for (const repo of [viaPrisma, viaPool]) {
      expect(thousandths(await repo.runningTotals({ partitions: keys }))).toEqual(expected);
      for (const chunkSize of [1, 7, 1000]) {
        expect(thousandths(await collect(repo.streamRunningTotals({ partitions: keys }, { chunkSize }), 1000)), `chunk ${chunkSize}`).toEqual(expected);
      }
    }
  }

  it('varchar under the database\'s default collation', async () => {
    await withColumn('varchar(32) COLLATE "default"', expectExact);
  });

  it('text under "C", which orders the keys otherwise than the default collation', async () => {
    await withColumn('text COLLATE "C"', expectExact);
  });

  it('varchar under a case-insensitive collation: the two spellings of a key are one key, each row once', async () => {
    await withColumn('varchar(32) COLLATE case_insensitive', expectExact);
  });

  it('bucket totals and balances report one partition for the two spellings under a case-insensitive collation', async () => {
    await withColumn('varchar(32) COLLATE case_insensitive', async () => {
      const repo = new InventoryMovementRepository(db.prisma);
      const listed = [{ warehouseId: 1, productSku: 'a' }, { warehouseId: 1, productSku: 'A' }];
      const { rows } = await pool().query<{ units: string; n: string }>(
        `SELECT (SUM(quantity) * 1000)::bigint::text AS units, count(*)::text AS n FROM inventory_movements WHERE warehouse_id = 1 AND product_sku = 'a'`,
      );
      const balances = await repo.currentBalances({ partitions: listed });
      expect(balances).toHaveLength(1);
      expect(balances[0]!.balance.mul(1000).toFixed(0)).toBe(rows[0]!.units);
      const days = await repo.bucketTotals({
        partitions: listed, bucket: 'day', from: new Date('2026-03-28T00:00:00Z'), to: new Date('2026-03-30T00:00:00Z'), timeZone: 'UTC',
      });
      expect(days).toHaveLength(2);
      expect(days.reduce((n, day) => n + Number(day.count), 0)).toBe(Number(rows[0]!.n));
      expect(days[1]!.runningTotal.mul(1000).toFixed(0)).toBe(rows[0]!.units);
    });
  });
});
