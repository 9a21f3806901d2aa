/**
 * Text partition keys in the columns applications give them, found by outside trials:
 * - a catalog generated with `searchPath = "true"` names its table without a schema, and a table may be named like
 *   a type of pg_catalog (`point`), which PostgreSQL finds first by that bare name;
 * - a `char(n)` column pads its values, and a keyset position that kept the padding no longer equalled the column.
 * - with a RANGE frame, a chunk or page never ends inside a peer group; under a case-insensitive collation a group
 *   may hold both spellings of its key, which compared as JavaScript strings looked like two partitions (a stream
 *   or page walk then skipped the rest of the group).
 * Both under a case-insensitive collation too, where two spellings of a key are one key of the table. The reference
 * is plain SQL through node-postgres, one condition per key (no semi join), amounts as integer cents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient } from '../../prisma/app/index.ts';
import { defineRunningTotalRepository, registerWindowCatalog, type ModelName } from '../../src/index.ts';
import { catalogColumn } from '../support/catalog-columns.ts';
import { useTestDatabase } from '../support/database.ts';
import { collect } from '../support/iterate.ts';
import { useTestPool } from '../support/pg-pool.ts';

const columns = (keyNative: [string, string[]]) => ({
  id: catalogColumn('id', 'BigInt', { isId: true, unique: true, default: { function: 'autoincrement', args: [] } }),
  wh: catalogColumn('wh', 'Int'),
  code: catalogColumn('code', 'String', { nativeType: keyNative }),
  amount: catalogColumn('amount', 'Decimal', { nativeType: ['Decimal', ['12', '2']] }),
  at: catalogColumn('at', 'DateTime', { nativeType: ['Timestamptz', ['6']] }),
});
registerWindowCatalog({
  PointEntry: { name: 'PointEntry', table: 'point', schema: null, searchPath: true, id: 'id', columns: columns(['Text', []]) },
  CodeEntry: { name: 'CodeEntry', table: 'code_entries', schema: null, id: 'id', columns: columns(['Char', ['8']]) },
});

type Key = { readonly wh: number; readonly code: string };
interface Row { id: bigint; runningTotal: { mul(n: number): { toFixed(d: number): string } } }
interface Repo {
  runningTotals(options: object): Promise<Row[]>;
  streamRunningTotals(options: object, stream?: object): AsyncIterable<Row>;
  page(options: object): Promise<{ rows: Row[]; nextCursor: string | null }>;
  currentBalances(options: object): Promise<Array<{ key: Key; balance: { mul(n: number): { toFixed(d: number): string } } }>>;
}
const repository = (model: string, partitionBy: string[]) =>
  defineRunningTotalRepository(model as ModelName, { partitionBy, orderBy: 'at', amount: 'amount' } as never) as unknown as new (db: PrismaClient, options?: object) => Repo;

const db = useTestDatabase();
const pool = useTestPool(db, 2);
const TABLES = { PointEntry: 'point', CodeEntry: 'code_entries' } as const;

beforeAll(async () => {
  await pool().query(`CREATE COLLATION IF NOT EXISTS case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
  await pool().query(`CREATE TABLE point (id bigserial PRIMARY KEY, wh int NOT NULL, code text COLLATE case_insensitive NOT NULL, amount numeric(12, 2) NOT NULL, at timestamptz(6) NOT NULL)`);
  await pool().query(`CREATE TABLE code_entries (id bigserial PRIMARY KEY, wh int NOT NULL, code char(8) NOT NULL, amount numeric(12, 2) NOT NULL, at timestamptz(6) NOT NULL)`);
  for (const table of Object.values(TABLES)) {
    await pool().query(`CREATE INDEX ON ${table} (wh, code, at, id, amount)`);
    // Codes 'a', 'A' and 'b' in two warehouses; instants a microsecond apart, some equal (the id breaks the tie).
    await pool().query(`
      INSERT INTO ${table} (wh, code, amount, at)
      SELECT 1 + g % 2, (ARRAY['a', 'A', 'b'])[1 + g % 3], ((g * 37) % 2001 - 1000) / 100.0,
             timestamptz '2026-03-29 00:59:59+00' + (g / 3) * interval '1 microsecond'
      FROM generate_series(1, 240) g`);
    // Peer groups of warehouse 1 that mix both spellings of 'a': four rows at each instant.
    await pool().query(`
      INSERT INTO ${table} (wh, code, amount, at)
      SELECT 1, (ARRAY['a', 'A'])[1 + g % 2], ((g * 53) % 1001 - 500) / 100.0, timestamptz '2026-03-29 01:00:00+00' + (g / 4) * interval '1 microsecond'
      FROM generate_series(0, 39) g`);
  }
});
afterAll(async () => {
  await pool().query('DROP TABLE IF EXISTS point, code_entries');
});

/** `id:cents` in the reference's order, from plain SQL: one condition per key, ORed. */
async function reference(table: string, keys: readonly Key[], byCode: boolean, frame: 'rows' | 'range' = 'rows'): Promise<string[]> {
  const partition = byCode ? 'wh, code' : 'wh';
  const where = keys.map((_, i) => (byCode ? `(wh = $${2 * i + 1}::int AND code = $${2 * i + 2}::text)` : `wh = $${2 * i + 1}::int`)).join(' OR ');
  const { rows } = await pool().query<{ row_id: string; cents: string }>(
    `SELECT id::text AS row_id, (SUM(amount * 100) OVER (PARTITION BY ${partition} ORDER BY ${frame === 'rows' ? 'at, id ROWS' : 'at RANGE'} BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))::bigint::text AS cents
     FROM ${table} WHERE ${where} ORDER BY ${partition}, at, id`,
    keys.flatMap((k) => (byCode ? [k.wh, k.code] : [k.wh, k.code])),
  );
  return rows.map((r) => `${r.row_id}:${r.cents}`);
}
const cents = (rows: readonly Row[]) => rows.map((r) => `${r.id}:${r.runningTotal.mul(100).toFixed(0)}`);

describe.each(Object.entries(TABLES))('%s (table %s)', (model, table) => {
  const Entries = repository(model, ['wh', 'code']);
  // Both spellings of 'a' (one key under the case-insensitive collation of "point"), and a key without rows.
  const keys: Key[] = [{ wh: 2, code: 'b' }, { wh: 1, code: 'a' }, { wh: 1, code: 'A' }, { wh: 2, code: 'A' }, { wh: 3, code: 'a' }];

  it('running totals of a list of (warehouse, code) keys, read key by key, through Prisma and the pool', async () => {
    const expected = await reference(table, keys, true);
    expect(new Set(expected.map((entry) => entry.split(':')[0])).size, 'every row once').toBe(expected.length);
    expect(expected.length).toBeGreaterThan(100);
    for (const repo of [new Entries(db.prisma), new Entries(db.prisma, { pgPool: pool() })]) {
      expect(cents(await repo.runningTotals({ partitions: keys }))).toEqual(expected);
      for (const chunkSize of [1, 7, 1000]) {
        expect(cents(await collect(repo.streamRunningTotals({ partitions: keys }, { chunkSize }), 1000)), `chunk ${chunkSize}`).toEqual(expected);
      }
    }
  });

  it('pages of one key walk all of its rows, and balances report each key once', async () => {
    const expected = await reference(table, [{ wh: 1, code: 'a' }], true);
    for (const repo of [new Entries(db.prisma), new Entries(db.prisma, { pgPool: pool() })]) {
      const walked: Row[] = [];
      let after: string | null = null;
      do {
        const page: { rows: Row[]; nextCursor: string | null } = await repo.page({ partition: { wh: 1, code: 'a' }, limit: 7, ...(after && { after }) });
        walked.push(...page.rows);
        after = page.nextCursor;
      } while (after);
      expect(cents(walked)).toEqual(expected);
    }
    const balances = await new Entries(db.prisma).currentBalances({ partitions: keys });
    // The listed keys as the column tells them apart: "point" compares 'a' and 'A' as one code.
    expect(balances).toHaveLength(table === 'point' ? 4 : 5);
    for (const { key, balance } of balances) {
      const { rows } = await pool().query<{ cents: string }>(`SELECT (COALESCE(SUM(amount), 0) * 100)::bigint::text AS cents FROM ${table} WHERE wh = $1 AND code = $2`, [key.wh, key.code]);
      expect(balance.mul(100).toFixed(0), `${key.wh}/${key.code}`).toBe(rows[0]!.cents);
    }
  });

  it('with frame range, streams and page walks keep each peer group whole, whatever the spellings of its key', async () => {
    const expected = await reference(table, keys, true, 'range');
    const expectedOfA = await reference(table, [{ wh: 1, code: 'a' }], true, 'range');
    for (const repo of [new Entries(db.prisma), new Entries(db.prisma, { pgPool: pool() })]) {
      expect(cents(await repo.runningTotals({ partitions: keys, frame: 'range' }))).toEqual(expected);
      for (const chunkSize of [1, 3, 7, 1000]) {
        expect(cents(await collect(repo.streamRunningTotals({ partitions: keys, frame: 'range' }, { chunkSize }), 1000)), `chunk ${chunkSize}`).toEqual(expected);
      }
      for (const limit of [1, 3, 7]) {
        const walked: Row[] = [];
        let after: string | null = null;
        do {
          const page: { rows: Row[]; nextCursor: string | null } = await repo.page({ partition: { wh: 1, code: 'a' }, frame: 'range', limit, ...(after && { after }) });
          walked.push(...page.rows);
          after = page.nextCursor;
        } while (after);
        expect(cents(walked), `pages of ${limit}`).toEqual(expectedOfA);
      }
    }
  });
});
