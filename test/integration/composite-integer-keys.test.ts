/**
 * A list of composite partition keys with no text field, (store, till), read one key at a time (`CROSS JOIN
 * LATERAL`): each key's rows come from the index in window order, and the result keeps the sorted keys' order. The
 * model is an application's (registered at run time as its generated catalog would); the reference is plain SQL
 * through node-postgres over the same list, amounts as integer cents, sharing no code with the library.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient } from '../../prisma/app/index.ts';
import { defineRunningTotalRepository, registerWindowCatalog, type ModelName, type PlanSummary } from '../../src/index.ts';
import { vacuumAllVisible } from '../../scripts/lib/all-visible.ts';
import { catalogColumn } from '../support/catalog-columns.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';

registerWindowCatalog({
  TillEntry: {
    name: 'TillEntry',
    table: 'till_entries',
    schema: null,
    id: 'id',
    columns: {
      id: catalogColumn('id', 'BigInt', { isId: true, unique: true, default: { function: 'autoincrement', args: [] } }),
      store: catalogColumn('store', 'Int'),
      till: catalogColumn('till', 'Int'),
      amount: catalogColumn('amount', 'Decimal', { nativeType: ['Decimal', ['12', '2']] }),
      at: catalogColumn('at', 'DateTime', { nativeType: ['Timestamptz', ['6']] }),
    },
  },
});

const model = 'TillEntry' as ModelName;
type Key = { readonly store: number; readonly till: number };
interface Row { id: bigint; runningTotal: { mul(n: number): { toFixed(d: number): string } } }
const Tills = defineRunningTotalRepository(model, { partitionBy: ['store', 'till'], orderBy: 'at', amount: 'amount' } as never) as unknown as new (
  db: PrismaClient,
  options?: object,
) => {
  runningTotals(options: object): Promise<Row[]>;
  streamRunningTotals(options: object, stream?: object): AsyncIterable<Row>;
  runningTotalsSql(options: object, scope: 'partition'): { text: string };
  explain(options: object): Promise<PlanSummary>;
};

const db = useTestDatabase();
const pool = useTestPool(db, 2);

beforeAll(async () => {
  await pool().query(`CREATE TABLE till_entries (id bigserial PRIMARY KEY, store int NOT NULL, till int NOT NULL, amount numeric(12, 2) NOT NULL, at timestamptz(6) NOT NULL)`);
  await pool().query('CREATE INDEX ON till_entries (store, till, at, id, amount)');
  // 100 stores × 40 tills; times repeat within a till (ties broken by id) and differ by microseconds.
  await pool().query(`
    INSERT INTO till_entries (store, till, amount, at)
    SELECT 1 + (g % 100), (g / 100) % 40, ((g * 37) % 20001 - 10000) / 100.0,
           timestamptz '2026-01-01 00:00:00+00' + (g / 7) * interval '1 second' + (g % 3) * interval '1 microsecond'
    FROM generate_series(1, 100000) g`);
  expect(await vacuumAllVisible((sql) => pool().query(sql).then((r) => r.rows), ['till_entries'], 40)).toBe(true);
});
afterAll(async () => {
  await pool().query('DROP TABLE IF EXISTS till_entries');
});

/** `id:cents` in the reference's order, from plain SQL over the same keys. */
async function reference(keys: readonly Key[], frame: 'rows' | 'range'): Promise<string[]> {
  const window =
    frame === 'rows' ? 'ORDER BY at, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW' : 'ORDER BY at RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  const { rows } = await pool().query<{ row_id: string; cents: string }>(
    `SELECT id::text AS row_id, (SUM(amount * 100) OVER (PARTITION BY store, till ${window}))::bigint::text AS cents
     FROM till_entries WHERE (store, till) IN (SELECT * FROM unnest($1::int[], $2::int[])) ORDER BY store, till, at, id`,
    [keys.map((k) => k.store), keys.map((k) => k.till)],
  );
  return rows.map((r) => `${r.row_id}:${r.cents}`);
}

const cents = (rows: readonly Row[]) => rows.map((r) => `${r.id}:${r.runningTotal.mul(100).toFixed(0)}`);

// Out of order, crossing (store 3 till 5 and store 4 till 6, not store 3 till 6), one key without rows.
const KEYS: readonly Key[] = [{ store: 4, till: 6 }, { store: 3, till: 5 }, { store: 77, till: 39 }, { store: 500, till: 1 }, { store: 4, till: 6 }, { store: 12, till: 0 }];

describe('running totals of a list of (store, till) keys', () => {
  it('are read key by key, the result in the sorted keys\' order', () => {
    const text = new Tills(db.prisma).runningTotalsSql({ partitions: KEYS }, 'partition').text;
    expect(text).toContain('CROSS JOIN LATERAL');
    expect(text).toContain('ORDER BY "__keys"."__key_0" ASC, "__keys"."__key_1" ASC');
  });

  it.each(['rows', 'range'] as const)('%s frame: equal to plain SQL through Prisma and the pool, and on both stream paths', async (frame) => {
    const expected = await reference(KEYS, frame);
    expect(expected.length).toBeGreaterThan(50);
    for (const repo of [new Tills(db.prisma), new Tills(db.prisma, { pgPool: pool() })]) {
      expect(cents(await repo.runningTotals({ partitions: KEYS, frame }))).toEqual(expected);
      for (const chunkSize of [1, 7, 1000]) {
        expect(cents(await collect(repo.streamRunningTotals({ partitions: KEYS, frame }, { chunkSize }), 2000)), `chunk ${chunkSize}`).toEqual(expected);
      }
    }
  });

  it.each([2, 10, 190, 2_000])('%i keys on a vacuumed table: each key from the index, no Sort under the WindowAgg', async (count) => {
    // Keys repeat past 4,000 (100 stores × 40 tills); 2,000 keys, each once, over 100 stores: PostgreSQL 15 costed
    // each key's index scan once per element of a 2,000-value `= ANY` list and read the whole table for every key.
    const keys = Array.from({ length: count }, (_, i) => ({ store: 1 + ((i * 7) % 100), till: (i * 3) % 40 }));
    const summary = await new Tills(db.prisma).explain({ partitions: keys });
    expect(summary.sortUnderWindowAgg).toBe(false);
    expect(summary.windowAggFedBy).toBe('index-only-scan');
    const { rows } = await pool().query<{ n: string }>(
      'SELECT count(*)::text AS n FROM till_entries WHERE (store, till) IN (SELECT * FROM unnest($1::int[], $2::int[]))',
      [keys.map((k) => k.store), keys.map((k) => k.till)],
    );
    expect(summary.root.actualRows).toBe(Number(rows[0]!.n));
  });
});
