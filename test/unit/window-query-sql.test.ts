import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { conditions, runningTotalSql, windowFunctions, windowQuery, windowSpec, WindowSpecError } from '../../src/index.ts';
import { mockPrisma, oneLine, sentSql } from '../support/mock-client.ts';

const f = windowFunctions('SalesRecord');
const c = conditions('SalesRecord');
const byRegion = windowSpec('SalesRecord').partitionBy('region').orderBy('saleDate');

describe('windowQuery SQL', () => {
  it('shares a named window, but renders peer-sensitive functions inline without the id tiebreaker', () => {
    const sql = windowQuery('SalesRecord')
      .select('id')
      .window('w', byRegion)
      .add('total', f.runningTotal('revenue'), 'w')
      .add('rank', f.rank(), 'w')
      .toSql();
    expect(oneLine(sql)).toBe(
      'SELECT "id" AS "id", SUM("revenue") OVER "w" AS "total", ' +
        'rank() OVER (PARTITION BY "region" ORDER BY "saleDate" ASC) AS "rank" FROM "public"."SalesRecord" ' +
        'WINDOW "w" AS (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) ' +
        'ORDER BY "SalesRecord"."region" ASC, "SalesRecord"."saleDate" ASC, "SalesRecord"."id" ASC',
    );
  });

  it("selectExactTextAt prints the exact values of the n-th row of the result's order only, and refuses what would count rows before it", () => {
    const q = windowQuery('SalesRecord').select('id').add('total', f.runningTotal('revenue'), byRegion);
    expect(oneLine(q.selectExactTextAt('at', 3, 'region', 'saleDate').limit(4).toSql())).toBe(
      'SELECT "id" AS "id", SUM("revenue") OVER (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "total", ' +
        'CASE WHEN row_number() OVER (ORDER BY "SalesRecord"."region" ASC, "SalesRecord"."saleDate" ASC, "SalesRecord"."id" ASC) = 3 ' +
        'THEN ARRAY[CAST("region" AS text), to_json("saleDate") #>> \'{}\']::text[] END AS "at" FROM "public"."SalesRecord" ' +
        'ORDER BY "SalesRecord"."region" ASC, "SalesRecord"."saleDate" ASC, "SalesRecord"."id" ASC LIMIT 4',
    );
    for (const row of [0, -1, 1.5, Number.NaN]) expect(() => q.selectExactTextAt('at', row, 'region')).toThrow(WindowSpecError);
    expect(() => q.selectExactTextAt('at', 1, 'region').whereResult('total', '>', new Prisma.Decimal(0)).toSql()).toThrow(WindowSpecError);
    expect(() => windowQuery('SalesRecord').select('id').topPerPartition(2, byRegion).selectExactTextAt('at', 1, 'region').toSql()).toThrow(WindowSpecError);
  });

  it("selectExactTextAt over a named window counts rows in that window, so its functions and the count share one pass", () => {
    const q = windowQuery('SalesRecord').select('id').window('w', byRegion).add('total', f.runningTotal('revenue'), 'w');
    expect(oneLine(q.selectExactTextAt('at', { row: 3, window: 'w' }, 'saleDate').toSql())).toBe(
      'SELECT "id" AS "id", SUM("revenue") OVER "w" AS "total", ' +
        'CASE WHEN row_number() OVER "w" = 3 THEN ARRAY[to_json("saleDate") #>> \'{}\']::text[] END AS "at" FROM "public"."SalesRecord" ' +
        'WINDOW "w" AS (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) ' +
        'ORDER BY "SalesRecord"."region" ASC, "SalesRecord"."saleDate" ASC, "SalesRecord"."id" ASC',
    );
    // Over a RANGE window, peers would be counted in physical order: the count gets the id appended (and its own pass).
    const peers = windowQuery('SalesRecord').select('id').window('r', byRegion.range('UNBOUNDED PRECEDING')).add('total', f.runningTotal('revenue'), 'r');
    expect(oneLine(peers.selectExactTextAt('at', { row: 3, window: 'r' }, 'saleDate').toSql())).toContain(
      'CASE WHEN row_number() OVER (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC) = 3 THEN',
    );
    expect(() => q.selectExactTextAt('at', { row: 3, window: 'v' as 'w' }, 'saleDate')).toThrow(/unknown window "v"/);
    expect(() => q.selectExactTextAt('at', { row: 3 } as { row: number; window: 'w' }, 'saleDate')).toThrow(/needs a window's name/);
    expect(() => q.selectExactTextAt('at', { row: 0, window: 'w' }, 'saleDate')).toThrow(WindowSpecError);
    const whole = windowQuery('SalesRecord').select('id').window('all', windowSpec('SalesRecord').partitionBy('region').wholePartition());
    expect(() => whole.selectExactTextAt('at', { row: 1, window: 'all' }, 'saleDate')).toThrow(/row_number depends on an order/);
  });

  it("runningTotalQuery's positionAtRow counts in the result's order unless told to count in the total's own window", () => {
    const query = { window: byRegion, amount: 'revenue', nulls: 'zero', select: ['id'], positionOf: ['saleDate'], positionAtRow: 2 } as const;
    expect(oneLine(runningTotalSql(query))).toBe(
      'SELECT "id" AS "id", SUM("revenue") OVER (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal", ' +
        'CASE WHEN row_number() OVER (ORDER BY "SalesRecord"."region" ASC, "SalesRecord"."saleDate" ASC, "SalesRecord"."id" ASC) = 2 ' +
        'THEN ARRAY[to_json("saleDate") #>> \'{}\']::text[] END AS "__position" FROM "public"."SalesRecord" ' +
        'ORDER BY "SalesRecord"."region" ASC, "SalesRecord"."saleDate" ASC, "SalesRecord"."id" ASC',
    );
    expect(oneLine(runningTotalSql({ ...query, positionCountedIn: 'partition' }))).toBe(
      'SELECT "id" AS "id", SUM("revenue") OVER "__total" AS "runningTotal", ' +
        'CASE WHEN row_number() OVER "__total" = 2 THEN ARRAY[to_json("saleDate") #>> \'{}\']::text[] END AS "__position" FROM "public"."SalesRecord" ' +
        'WINDOW "__total" AS (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) ' +
        'ORDER BY "SalesRecord"."region" ASC, "SalesRecord"."saleDate" ASC, "SalesRecord"."id" ASC',
    );
  });

  it('binds FILTER, WHERE and lag default values as parameters', () => {
    const big = new Prisma.Decimal('1000.00');
    const sql = windowQuery('SalesRecord')
      .select('id')
      .where(c.in('region', [`'; DROP TABLE "SalesRecord"; --`]))
      .add('bigSales', f.count({ filter: c.compare('revenue', '>=', big) }), byRegion)
      .add('previous', f.lag('revenue', { offset: 1, default: new Prisma.Decimal(0) }), byRegion)
      .toSql();
    expect(oneLine(sql)).toContain('COUNT(*) FILTER (WHERE "revenue" >= $1) OVER (');
    expect(oneLine(sql)).toContain('lag("revenue", 1, CAST($2 AS numeric)) OVER (');
    expect(oneLine(sql)).toContain('WHERE "region" = ANY(CAST($3 AS text[]))');
    expect(sql.text).not.toContain('DROP');
    expect(sql.values).toHaveLength(3);
  });

  it('gives moving averages their own frame and leaves frames off functions that ignore them', () => {
    const sql = oneLine(
      windowQuery('SalesRecord')
        .select('id')
        .add('ma7', f.movingAverage('revenue', { interval: '6 days' }), byRegion)
        .add('n', f.rowNumber(), byRegion)
        .toSql(),
    );
    expect(sql).toContain('AVG("revenue") OVER (PARTITION BY "region" ORDER BY "saleDate" ASC RANGE BETWEEN CAST($1 AS interval) PRECEDING AND CURRENT ROW)');
    expect(sql).toContain('row_number() OVER (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC) AS "n"');
  });

  it('ends the ORDER BY of row-picking functions with the id under RANGE and GROUPS windows, named or inline', () => {
    const range = windowSpec('SalesRecord').partitionBy('region').orderBy('revenue').range('UNBOUNDED PRECEDING', 'CURRENT ROW');
    const sql = oneLine(
      windowQuery('SalesRecord')
        .select('id')
        .window('w', range)
        .add('prev', f.lag('revenue'), 'w')
        .add('total', f.sum('revenue'), 'w')
        .add('n', f.ntile(4), range.groups({ preceding: 1 }))
        .toSql(),
    );
    // lag ignores the frame: the id decides among peers, as in the ROWS window.
    expect(sql).toContain('lag("revenue", 1) OVER (PARTITION BY "region" ORDER BY "revenue" ASC, "id" ASC) AS "prev"');
    expect(sql).toContain('ntile(4) OVER (PARTITION BY "region" ORDER BY "revenue" ASC, "id" ASC) AS "n"');
    // A frame aggregate keeps the peer semantics of RANGE: it shares the named window.
    expect(sql).toContain('SUM("revenue") OVER "w" AS "total"');
    expect(() => windowQuery('SalesRecord').select('id').add('first', f.firstValue('revenue'), range)).toThrow(/ROWS frame/);
  });

  it('is immutable and separates building from executing', async () => {
    const base = windowQuery('SalesRecord').select('id');
    const extended = base.add('n', f.rowNumber(), byRegion);
    expect(oneLine(base.toSql())).not.toContain('row_number');
    const db = mockPrisma();
    db.prisma.$queryRaw.mockResolvedValue([]);
    await extended.execute(db.prisma);
    expect(oneLine(sentSql(db.prisma.$queryRaw))).toBe(oneLine(extended.toSql()));
  });

  it('says what to do instead when misused', () => {
    expect(() => windowQuery('SalesRecord').toSql()).toThrow(/Nothing selected/);
    expect(() => windowQuery('SalesRecord').select('id').select('id')).toThrow(/Duplicate output column "id"/);
    expect(() => windowQuery('SalesRecord').select('id').add('bad alias', f.rowNumber(), byRegion)).toThrow(WindowSpecError);
    expect(() => f.ntile(0)).toThrow(/ntile buckets must be an integer ≥ 1/);
    expect(() =>
      windowQuery('SalesRecord').select('id').add('x', f.movingAverage('revenue', { interval: '1 day' }), byRegion.partitionBy('id').orderBy('revenue')).toSql(),
    ).toThrow(/exactly one ORDER BY column/);
  });
});
