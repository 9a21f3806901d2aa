/**
 * Window results must not depend on how rows happen to lie on disk. The same sales (same ids) are stored once in
 * id order and once in reverse; every window function under every frame mode must give the same rows both times.
 * Revenue and dates repeat on purpose, so most rows have peers. Without the id at the end of their ORDER BY,
 * row-picking functions (`lag`, `row_number`, ...) over a RANGE or GROUPS window returned peers' values swapped.
 */
import { describe, expect, it } from 'vitest';
import pg from 'pg';

import { windowFunctions, windowQuery, windowSpec, WindowSpecError, type WindowSpec } from '../../src/index.ts';
import { comparable } from '../support/comparable.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();

// id, region, day (of January 2026), revenue: ties within regions on revenue, on day, and on both.
const SALES: ReadonlyArray<readonly [number, string, number, string]> = [
  [1, 'EMEA', 1, '4800.00'],
  [2, 'EMEA', 1, '100.00'],
  [3, 'EMEA', 2, '4800.00'],
  [4, 'EMEA', 2, '4800.00'],
  [5, 'EMEA', 2, '250.50'],
  [6, 'EMEA', 3, '100.00'],
  [7, 'EMEA', 3, '100.00'],
  [8, 'APAC', 1, '75.25'],
  [9, 'APAC', 1, '75.25'],
  [10, 'APAC', 1, '75.25'],
  [11, 'APAC', 4, '900.00'],
  [12, 'APAC', 4, '-20.00'],
];

/** Stores SALES with their ids in the given physical order (a fresh heap after TRUNCATE). */
async function store(order: 'ids ascending' | 'ids descending'): Promise<void> {
  await db.truncate('SalesRecord');
  const rows = order === 'ids ascending' ? SALES : [...SALES].reverse();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const [id, region, day, revenue] of rows) {
      await client.query('INSERT INTO "SalesRecord" (id, region, "saleDate", revenue) VALUES ($1, $2, $3, $4)', [
        id,
        region,
        `2026-01-${String(day).padStart(2, '0')}`,
        revenue,
      ]);
    }
    // The physical order is what we stored: ctid order follows insertion in a fresh heap.
    const { rows: stored } = await client.query<{ id: string }>('SELECT id::text FROM "SalesRecord" ORDER BY ctid');
    expect(stored.map((row) => Number(row.id))).toEqual(rows.map(([id]) => id));
  } finally {
    await client.end();
  }
}

const f = windowFunctions('SalesRecord');
type Spec = WindowSpec<'SalesRecord', true>;
const byRevenue = windowSpec('SalesRecord').partitionBy('region').orderBy('revenue');
const byDay = windowSpec('SalesRecord').partitionBy('region').orderBy('saleDate');
const FRAMES: Record<string, (spec: Spec) => Spec> = {
  rows: (spec) => spec.rows('UNBOUNDED PRECEDING', 'CURRENT ROW'),
  range: (spec) => spec.range('UNBOUNDED PRECEDING', 'CURRENT ROW'),
  'range with offset': (spec) => spec.range({ preceding: { interval: '1 day' } }, 'CURRENT ROW'),
  groups: (spec) => spec.groups({ preceding: 1 }, { following: 1 }),
};

/** Every function the builder has, over `spec` (frame-dependent ones under the spec's frame). */
function everyFunction(spec: Spec, withPickedValues: boolean) {
  let query = windowQuery('SalesRecord')
    .select('id')
    .add('rowNumber', f.rowNumber(), spec)
    .add('ntile', f.ntile(3), spec)
    .add('lag', f.lag('revenue'), spec)
    .add('lead', f.lead('revenue', { offset: 2 }), spec)
    .add('difference', f.differenceFromPrevious('revenue'), spec)
    .add('rank', f.rank(), spec)
    .add('denseRank', f.denseRank(), spec)
    .add('percentRank', f.percentRank(), spec)
    .add('sum', f.sum('revenue'), spec)
    .add('count', f.count(), spec)
    .add('min', f.min('revenue'), spec)
    .add('max', f.max('revenue'), spec)
    .add('avg', f.avg('revenue'), spec)
    .add('runningTotal', f.runningTotal('revenue'), spec)
    .add('share', f.shareOfPartition('revenue'), spec);
  if (withPickedValues) query = query.add('first', f.firstValue('revenue'), spec).add('last', f.lastValue('saleDate'), spec);
  return query;
}

async function inBothOrders(run: () => Promise<readonly object[]>): Promise<[unknown, unknown]> {
  await store('ids ascending');
  const ascending = comparable(await run());
  await store('ids descending');
  const descending = comparable(await run());
  return [ascending, descending];
}

describe('window results do not depend on the physical row order', () => {
  for (const [frameName, frame] of Object.entries(FRAMES)) {
    // A RANGE offset measures along the single ORDER BY column: a day interval needs the date order.
    const bases = frameName === 'range with offset' ? { day: byDay } : { revenue: byRevenue, day: byDay };
    for (const [orderName, base] of Object.entries(bases)) {
      const spec = frame(base);
      const rowsFrame = frameName === 'rows';

      it(`${frameName} frame ordered by ${orderName}: every function, both orders equal`, async () => {
        const [ascending, descending] = await inBothOrders(() => everyFunction(spec, rowsFrame).execute(db.prisma));
        expect(descending).toEqual(ascending);
        expect((ascending as unknown[]).length).toBe(SALES.length);
      });

      it(`${frameName} frame ordered by ${orderName}: a named window gives the same rows as inline specs`, async () => {
        const named = windowQuery('SalesRecord')
          .select('id')
          .window('w', spec)
          .add('rowNumber', f.rowNumber(), 'w')
          .add('lag', f.lag('revenue'), 'w')
          .add('sum', f.sum('revenue'), 'w');
        const inline = windowQuery('SalesRecord')
          .select('id')
          .add('rowNumber', f.rowNumber(), spec)
          .add('lag', f.lag('revenue'), spec)
          .add('sum', f.sum('revenue'), spec);
        const [ascending, descending] = await inBothOrders(() => named.execute(db.prisma));
        expect(descending).toEqual(ascending);
        expect(comparable(await inline.execute(db.prisma))).toEqual(descending);
      });

      if (!rowsFrame) {
        it(`${frameName} frame ordered by ${orderName}: first_value / last_value are refused, saying what to write`, () => {
          for (const fn of [f.firstValue('revenue'), f.lastValue('revenue')]) {
            const add = () => windowQuery('SalesRecord').select('id').add('picked', fn, spec);
            expect(add).toThrow(WindowSpecError);
            expect(add).toThrow(/ROWS frame .*or end the ORDER BY with \.orderBy\('id'\)/);
          }
        });
      }
    }
  }

  it('row-picking functions over a RANGE window equal the same functions over the ROWS window (ties broken by id)', async () => {
    const pick = (spec: Spec) =>
      windowQuery('SalesRecord')
        .select('id')
        .add('rowNumber', f.rowNumber(), spec)
        .add('lag', f.lag('revenue'), spec)
        .add('lead', f.lead('revenue'), spec)
        .add('ntile', f.ntile(2), spec);
    await store('ids descending');
    const range = comparable(await pick(byRevenue.range('UNBOUNDED PRECEDING', 'CURRENT ROW')).execute(db.prisma));
    const rows = comparable(await pick(byRevenue).execute(db.prisma));
    expect(range).toEqual(rows);
    // EMEA by revenue, then id: 2 (100), 6 (100), 7 (100), 5 (250.50), 1, 3, 4 (4800): lag follows that order.
    const emea = (range as Array<{ id: string; lag: string | null; rowNumber: string }>).filter((row) => ['1n', '3n', '4n'].includes(row.id));
    expect(emea.map((row) => [row.id, row.rowNumber, row.lag])).toEqual([
      ['1n', '5n', '250.5'],
      ['3n', '6n', '4800'],
      ['4n', '7n', '4800'],
    ]);
  });

  it('first_value / last_value over RANGE are allowed once the ORDER BY ends with the id, and are then stable', async () => {
    const spec = byRevenue.orderBy('id').range('UNBOUNDED PRECEDING', 'CURRENT ROW');
    const query = windowQuery('SalesRecord').select('id').add('first', f.firstValue('id'), spec).add('last', f.lastValue('id'), spec);
    const [ascending, descending] = await inBothOrders(() => query.execute(db.prisma));
    expect(descending).toEqual(ascending);
  });

  it('top-N per partition keeps the same rows when the ORDER BY has ties', async () => {
    const query = windowQuery('SalesRecord').select('id', 'region').topPerPartition(2, byRevenue.range('UNBOUNDED PRECEDING', 'CURRENT ROW'));
    const [ascending, descending] = await inBothOrders(() => query.execute(db.prisma));
    expect(descending).toEqual(ascending);
    // APAC by revenue: 12 (-20.00), then 8, 9, 10 (75.25 each): the tie is broken by id. EMEA: 2, 6, 7 (100 each).
    expect((ascending as Array<{ id: string }>).map((row) => row.id)).toEqual(['12n', '8n', '2n', '6n']);
  });
});
