/**
 * The builder's statistical, boolean, collecting and named aggregates against the same windows written by hand
 * in plain SQL and run through `pg` (results as PostgreSQL's text), on a ledger with ties, NULL amounts and
 * extreme values.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { Prisma } from '../../prisma/app/index.ts';
import {
  conditions,
  QueryFailedError,
  windowFunctions,
  windowQuery,
  windowSpec,
  WindowSpecError,
  type WindowFunction,
  type WindowSpec,
} from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();
const f = windowFunctions('Transaction');
const c = conditions('Transaction');
const spec = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
const OVER = 'OVER (PARTITION BY "accountId" ORDER BY "createdAt", id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)';

const ROWS: Array<[number, string | null, string]> = [
  [1, '10.00', '2026-01-01 09:00:00+00'],
  [1, '-2.50', '2026-01-01 09:00:00+00'],
  [1, null, '2026-01-02 09:00:00.000001+00'],
  [1, '999999999999.99', '2026-01-03 00:00:00+00'],
  [1, '0.01', '2026-01-03 00:00:00+00'],
  [2, '5.00', '2026-01-01 12:00:00+00'],
  [2, '5.00', '2026-01-01 12:00:00+00'],
  [2, '-7.25', '2026-01-04 12:00:00+00'],
  [3, null, '2026-01-05 00:00:00+00'],
];

async function byHand(expression: string): Promise<Map<string, string | null>> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; v: string | null }>(`SELECT id::text, (${expression})::text AS v FROM "Transaction"`);
    return new Map(rows.map((row) => [row.id, row.v]));
  } finally {
    await client.end();
  }
}

async function viaBuilder(fn: WindowFunction<'Transaction', unknown>): Promise<Map<string, unknown>> {
  const rows = await windowQuery('Transaction').select('id').add('v', fn, spec).execute(db.prisma);
  return new Map(rows.map((row) => [String(row.id), (row as { v: unknown }).v]));
}

beforeAll(async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const [accountId, amount, createdAt] of ROWS) {
      await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES ($1, $2, $3)', [accountId, amount, createdAt]);
    }
  } finally {
    await client.end();
  }
});

describe('statistical aggregates', () => {
  for (const [method, sql] of [
    ['stddev', 'stddev'],
    ['stddevSamp', 'stddev_samp'],
    ['stddevPop', 'stddev_pop'],
    ['variance', 'variance'],
    ['varSamp', 'var_samp'],
    ['varPop', 'var_pop'],
  ] as const) {
    it(`${method} equals ${sql}(amount) ${OVER}, as an exact Decimal`, async () => {
      const expected = await byHand(`${sql}(amount) ${OVER}`);
      const actual = await viaBuilder(f[method]('amount'));
      expect([...expected.values()].some((v) => v !== null)).toBe(true);
      for (const [id, text] of expected) {
        const value = actual.get(id) as Prisma.Decimal | null;
        if (text === null) expect(value, `id ${id}`).toBeNull();
        else expect(value instanceof Prisma.Decimal && value.equals(new Prisma.Decimal(text)), `id ${id}: ${String(value)} vs ${text}`).toBe(true);
      }
    });
  }
});

describe('ranking, picking and collecting', () => {
  it('cume_dist and nth_value equal the hand-written windows', async () => {
    const cume = await byHand(`cume_dist() OVER (PARTITION BY "accountId" ORDER BY "createdAt")`);
    const builtCume = await viaBuilder(f.cumeDist());
    for (const [id, text] of cume) expect(builtCume.get(id), `id ${id}`).toBe(Number(text));
    const second = await byHand(`nth_value(amount, 2) ${OVER}`);
    const builtSecond = await viaBuilder(f.nthValue('amount', 2));
    for (const [id, text] of second) expect((builtSecond.get(id) as Prisma.Decimal | null)?.toFixed(2) ?? null, `id ${id}`).toBe(text);
  });

  it('bool_and / bool_or / every of a condition', async () => {
    for (const [fn, name] of [
      [f.boolAnd(c.compare('amount', '>', new Prisma.Decimal(0))), 'bool_and'],
      [f.boolOr(c.isNull('amount')), 'bool_or'],
      [f.every(c.compare('amount', '>', new Prisma.Decimal(0))), 'every'],
    ] as const) {
      const predicate = name === 'bool_or' ? 'amount IS NULL' : 'amount > 0';
      const expected = await byHand(`${name}(${predicate}) ${OVER}`);
      const actual = await viaBuilder(fn);
      for (const [id, text] of expected) expect(actual.get(id), `${name} id ${id}`).toBe(text === null ? null : text === 'true');
    }
  });

  it('array_agg and string_agg collect in window order, NULLs as PostgreSQL does', async () => {
    const strings = await byHand(`string_agg(amount::text, ' | ') ${OVER}`);
    const builtStrings = await viaBuilder(f.stringAgg('amount', ' | '));
    for (const [id, text] of strings) expect(builtStrings.get(id), `id ${id}`).toBe(text);
    const arrays = await byHand(`array_agg(amount) ${OVER}`);
    const builtArrays = await viaBuilder(f.arrayAgg('amount'));
    for (const [id, text] of arrays) {
      const built = builtArrays.get(id) as unknown[];
      const inner = text!.slice(1, -1).split(',').map((item) => (item === 'NULL' ? null : item));
      expect(built.map((v) => (v === null ? null : new Prisma.Decimal(String(v)).toFixed(2))), `id ${id}`).toEqual(inner);
    }
    const instants = await viaBuilder(f.arrayAgg('createdAt'));
    const firstOfAccount1 = [...instants.values()].find((v) => (v as unknown[]).length === 5) as unknown[];
    expect(firstOfAccount1.map((v) => (v instanceof Date ? v.toISOString() : String(v)))).toContain('2026-01-02T09:00:00.000Z');
  });

  it('a named aggregate (here the built-in max, by name), and names that are refused', async () => {
    const expected = await byHand(`max(amount) ${OVER}`);
    const actual = await viaBuilder(f.aggregate<Prisma.Decimal | null>('pg_catalog.max', 'amount'));
    for (const [id, text] of expected) expect((actual.get(id) as Prisma.Decimal | null)?.toFixed(2) ?? null, `id ${id}`).toBe(text);
    expect(() => f.aggregate('max(amount)); DROP TABLE x; --', 'amount')).toThrow(WindowSpecError);
    await expect(viaBuilder(f.aggregate('no_such_aggregate', 'amount'))).rejects.toThrow(QueryFailedError);
  });

  it('collecting and picking functions over a RANGE frame need the id at the end of the ORDER BY', () => {
    const range = spec.range('UNBOUNDED PRECEDING', 'CURRENT ROW');
    const picking: WindowFunction<'Transaction', unknown>[] = [f.arrayAgg('amount'), f.stringAgg('amount', ','), f.nthValue('amount', 1)];
    for (const fn of picking) {
      expect(() => windowQuery('Transaction').select('id').add('v', fn, range)).toThrow(/ROWS frame/);
    }
  });
});

describe('whole-partition aggregates', () => {
  const whole = windowSpec('Transaction').partitionBy('accountId').wholePartition();

  it('sum, count and stddev over the whole partition equal OVER (PARTITION BY "accountId") written by hand', async () => {
    const rows = await windowQuery('Transaction')
      .select('id')
      .window('w', whole)
      .add('total', f.sum('amount'), 'w')
      .add('n', f.count(), whole)
      .add('spread', f.stddevPop('amount'), whole)
      .execute(db.prisma);
    const total = await byHand('sum(amount) OVER (PARTITION BY "accountId")');
    const count = await byHand('count(*) OVER (PARTITION BY "accountId")');
    const spread = await byHand('stddev_pop(amount) OVER (PARTITION BY "accountId")');
    for (const row of rows) {
      const id = String(row.id);
      expect(row.total?.toFixed(2) ?? null, `id ${id}`).toBe(total.get(id));
      expect(String(row.n)).toBe(count.get(id));
      expect(row.spread === null ? null : row.spread.equals(new Prisma.Decimal(spread.get(id)!))).toBe(spread.get(id) === null ? null : true);
    }
    expect(windowQuery('Transaction').select('id').add('n', f.count(), windowSpec('Transaction').wholePartition()).toSql().text).toContain('COUNT(*) OVER ()');
  });

  it('refuses functions that need an order or a frame, and ordering or framing it afterwards', () => {
    const ordered: WindowFunction<'Transaction', unknown>[] = [f.rank(), f.rowNumber(), f.lag('amount'), f.firstValue('amount'), f.arrayAgg('amount'), f.movingAverage('amount', { rows: 3 })];
    for (const fn of ordered) expect(() => windowQuery('Transaction').select('id').add('v', fn, whole), fn.name).toThrow(WindowSpecError);
    expect(() => (whole as unknown as { orderBy(field: string): unknown }).orderBy('createdAt')).toThrow(/no order/);
    expect(() => whole.rows('UNBOUNDED PRECEDING', 'CURRENT ROW')).toThrow(/takes no frame/);
  });
});

describe('frame offsets beyond Number.MAX_SAFE_INTEGER', () => {
  const huge = 2n ** 62n + 1n; // far past 2^53: bound as an int8, never rounded through a float
  const rowsOf = async (window: WindowSpec<'Transaction', true>) => {
    const rows = await windowQuery('Transaction').select('id').add('v', f.sum('amount'), window).execute(db.prisma);
    return new Map(rows.map((row) => [String(row.id), (row as { v: Prisma.Decimal | null }).v?.toFixed(2) ?? null]));
  };

  it('ROWS and GROUPS with a bigint offset equal the same frames written by hand with that int8 literal', async () => {
    const rows = spec.rows({ preceding: huge }, { following: 0n });
    const sql = windowQuery('Transaction').select('id').add('v', f.sum('amount'), rows).toSql();
    expect(sql.text).toContain('ROWS BETWEEN CAST($1 AS int8) PRECEDING AND CAST($2 AS int8) FOLLOWING');
    expect(sql.values).toEqual([huge.toString(), '0']);
    expect(await rowsOf(rows)).toEqual(
      await byHand(`SUM(amount) OVER (PARTITION BY "accountId" ORDER BY "createdAt", id ROWS BETWEEN ${huge} PRECEDING AND 0 FOLLOWING)`),
    );
    const groups = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt').groups({ preceding: huge }, { following: huge });
    expect(await rowsOf(groups)).toEqual(
      await byHand(`SUM(amount) OVER (PARTITION BY "accountId" ORDER BY "createdAt" GROUPS BETWEEN ${huge} PRECEDING AND ${huge} FOLLOWING)`),
    );
  });

  it('RANGE with a bigint offset along an integer key, and where it does not fit', async () => {
    const range = windowSpec('Transaction').orderBy('accountId').range({ preceding: huge }, 'CURRENT ROW');
    expect(await rowsOf(range)).toEqual(await byHand(`SUM(amount) OVER (ORDER BY "accountId" RANGE BETWEEN ${huge} PRECEDING AND CURRENT ROW)`));
    expect(() => windowQuery('Transaction').add('v', f.sum('amount'), windowSpec('Transaction').orderBy('amount').range({ preceding: 5n })).toSql()).toThrow(
      /a bigint offset fits integer columns/,
    );
    expect(() => spec.rows({ preceding: -1n })).toThrow(WindowSpecError);
    expect(() => spec.rows({ preceding: 2n ** 63n })).toThrow(/at most 9223372036854775807n/);
  });
});
