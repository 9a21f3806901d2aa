/**
 * GROUP BY with windows over the groups (`SUM(SUM(x)) OVER (...)`): running totals of daily sums, ranks and lags of
 * monthly sums, a month's share of its year, hourly buckets of instants in Europe/Berlin — each against the same
 * query written by hand in plain SQL through `pg`, compared as PostgreSQL's text; ties between groups, NULL amounts,
 * days without sales.
 */
import pg from 'pg';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import { Prisma } from '../../prisma/app/index.ts';
import {
  conditions,
  expressions,
  groupedQuery,
  windowFunctions,
  windowQuery,
  windowSpec,
} from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { textRows, withPg as withPgAt } from '../support/plain-sql.ts';
import { collect } from '../support/iterate.ts';

const db = useTestDatabase();
const e = expressions('SalesRecord');
const f = windowFunctions('SalesRecord');

// Two regions, sales on some days only, equal daily sums across regions (ties between groups).
const SALES: Array<[string, string, string]> = [
  ['north', '2026-01-30', '100.00'],
  ['north', '2026-01-30', '-20.50'],
  ['north', '2026-01-31', '80.00'],
  ['north', '2026-02-02', '0.01'],
  ['north', '2026-03-01', '999999999999.99'],
  ['south', '2026-01-30', '79.50'],
  ['south', '2026-01-31', '80.00'],
  ['south', '2026-02-28', '-5.00'],
  ['south', '2027-01-01', '42.42'],
];

const withPg = <T,>(work: (client: pg.Client) => Promise<T>): Promise<T> => withPgAt(db.url, work);

/** The rows of a hand-written query, every value as PostgreSQL's text. */
/** The rows of a hand-written query, every value as PostgreSQL's text. */
const byHand = (sql: string) => textRows(db.url, sql);

const text = (value: unknown): string | null =>
  value === null ? null : Prisma.Decimal.isDecimal(value) ? (value as Prisma.Decimal).toFixed() : value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
const decimalText = (value: string | null | undefined) => (value === null || value === undefined ? null : new Prisma.Decimal(value).toFixed());

beforeAll(async () => {
  await withPg(async (client) => {
    for (const [region, day, revenue] of SALES) {
      await client.query('INSERT INTO "SalesRecord" (region, "saleDate", revenue) VALUES ($1, $2, $3)', [region, day, revenue]);
    }
    await client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES
      (1, 10.00, '2026-03-29 00:59:59.999999+00'), (1, NULL, '2026-03-29 01:00:00+00'), (1, 2.50, '2026-03-29 01:00:00+00'),
      (2, 7.00, '2026-03-29 00:30:00+00'), (1, -1.25, '2026-03-29 02:15:00.000001+00'), (2, 1.00, '2026-03-30 10:00:00+00')`);
  });
});

describe('windows over groups equal the hand-written SUM(SUM(x)) OVER (...)', () => {
  it('a running total of daily sums per region, with the day count', async () => {
    const day = e.bucket('saleDate', 'day');
    const q = groupedQuery('SalesRecord').groupBy('region').groupBy('day', day).aggregate('dayRevenue', f.sum('revenue')).aggregate('sales', f.count());
    const rows = await q
      .add('running', f.sum(q.column('dayRevenue')), q.overGroups().partitionBy(q.column('region')).orderBy(q.column('day')))
      .add('days', f.rowNumber(), q.overGroups().partitionBy(q.column('region')).orderBy(q.column('day')))
      .execute(db.prisma);
    expectTypeOf(rows[0]!.region).toEqualTypeOf<string>();
    expectTypeOf(rows[0]!.day).toEqualTypeOf<Date>();
    expectTypeOf(rows[0]!.dayRevenue).toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf(rows[0]!.sales).toEqualTypeOf<bigint>();
    expectTypeOf(rows[0]!.running).toEqualTypeOf<Prisma.Decimal | null>();
    const expected = await byHand(`
      SELECT region, "saleDate" AS day, SUM(revenue) AS "dayRevenue", count(*) AS sales,
        SUM(SUM(revenue)) OVER (PARTITION BY region ORDER BY "saleDate" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
        row_number() OVER (PARTITION BY region ORDER BY "saleDate") AS days
      FROM "SalesRecord" GROUP BY region, "saleDate" ORDER BY region, "saleDate"`);
    expect(expected).toHaveLength(8);
    expect(rows.map((r) => [r.region, text(r.day), text(r.dayRevenue), String(r.sales), text(r.running), String(r.days)])).toEqual(
      expected.map((r) => [r.region, r.day, decimalText(r.dayRevenue), r.sales, decimalText(r.running), r.days]),
    );
  });

  it('rank and lag of monthly sums, a month’s share of its year, and the year total on every month', async () => {
    const month = e.bucket('saleDate', 'month');
    const year = e.bucket('saleDate', 'year');
    const q = groupedQuery('SalesRecord').groupBy('year', year).groupBy('month', month).groupBy('region').aggregate('monthRevenue', f.sum('revenue'));
    const byRevenue = q.overGroups().partitionBy(q.column('month')).orderBy(q.column('monthRevenue'), 'desc');
    const inYear = q.overGroups().partitionBy(q.column('year'), q.column('region')).wholePartition();
    const rows = await q
      .window('r', q.overGroups().partitionBy(q.column('region')).orderBy(q.column('month')))
      .add('rank', f.rank(), byRevenue)
      .add('previous', f.lag(q.column('monthRevenue')), 'r')
      .add('yearTotal', f.sum(q.column('monthRevenue')), inYear)
      .selectExpr('share', e.round(e.div(q.column('monthRevenue'), e.nullIf(e.over(f.sum(q.column('monthRevenue')), inYear), e.value(new Prisma.Decimal(0)))), 6))
      .orderBy('region')
      .orderBy('month')
      .execute(db.prisma);
    const expected = await byHand(`
      SELECT region, date_trunc('month', "saleDate"::timestamp)::date AS month, SUM(revenue) AS "monthRevenue",
        rank() OVER (PARTITION BY date_trunc('month', "saleDate"::timestamp) ORDER BY SUM(revenue) DESC) AS rank,
        lag(SUM(revenue)) OVER (PARTITION BY region ORDER BY date_trunc('month', "saleDate"::timestamp)) AS previous,
        SUM(SUM(revenue)) OVER (PARTITION BY date_trunc('year', "saleDate"::timestamp), region) AS "yearTotal",
        round(SUM(revenue) / NULLIF(SUM(SUM(revenue)) OVER (PARTITION BY date_trunc('year', "saleDate"::timestamp), region), 0), 6) AS share
      FROM "SalesRecord" GROUP BY region, date_trunc('year', "saleDate"::timestamp), date_trunc('month', "saleDate"::timestamp)
      ORDER BY region, month`);
    expect(rows.map((r) => [r.region, text(r.month), text(r.monthRevenue), String(r.rank), text(r.previous), text(r.yearTotal), text(r.share)])).toEqual(
      expected.map((r) => [r.region, r.month, decimalText(r.monthRevenue), r.rank, decimalText(r.previous), decimalText(r.yearTotal), decimalText(r.share)]),
    );
    // January's two regions tie at 159.50: rank() gives both 1.
    expect(rows.filter((r) => text(r.month) === '2026-01-01').map((r) => r.rank)).toEqual([1n, 1n]);
  });

  it('hourly buckets of instants in Europe/Berlin, filtered, with a running count; streamed the same', async () => {
    const t = expressions('Transaction');
    const g = windowFunctions('Transaction');
    const hour = t.bucket('createdAt', 'hour', { timeZone: 'Europe/Berlin' });
    const q = groupedQuery('Transaction')
      .where(conditions('Transaction').compare('createdAt', '<', new Date('2026-03-30T00:00:00Z')))
      .groupBy('accountId')
      .groupBy('hour', hour)
      .aggregate('total', g.sum('amount'))
      .aggregate('entries', g.count({ field: 'amount' }));
    const full = q.add('runningEntries', g.sum(q.column('entries')), q.overGroups().partitionBy(q.column('accountId')).orderBy(q.column('hour')));
    const rows = await full.execute(db.prisma);
    expectTypeOf(rows[0]!.hour).toEqualTypeOf<Date>();
    const expected = await byHand(`
      SELECT "accountId", to_json(date_trunc('hour', "createdAt" AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin') #>> '{}' AS hour,
        SUM(amount) AS total, count(amount) AS entries,
        SUM(count(amount)) OVER (PARTITION BY "accountId" ORDER BY date_trunc('hour', "createdAt" AT TIME ZONE 'Europe/Berlin')) AS running
      FROM "Transaction" WHERE "createdAt" < '2026-03-30T00:00:00Z'
      GROUP BY "accountId", date_trunc('hour', "createdAt" AT TIME ZONE 'Europe/Berlin') ORDER BY 1, 2`);
    expect(rows.map((r) => [String(r.accountId), r.hour.getTime(), text(r.total), String(r.entries), text(r.runningEntries)])).toEqual(
      expected.map((r) => [r.accountId, Date.parse(r.hour!), decimalText(r.total), r.entries, decimalText(r.running)]),
    );
    expect(rows.length).toBeGreaterThan(2);
    const streamed = await collect(full.stream(db.prisma, { chunkSize: 2 }), 100);
    expect(streamed.map((r) => [r.accountId, r.hour.getTime(), text(r.runningEntries)])).toEqual(rows.map((r) => [r.accountId, r.hour.getTime(), text(r.runningEntries)]));
  });
});

describe('gap fill: every bucket of a range, windows over the calendar', () => {
  it('daily sums per region with empty days as count 0, a running total carried through them, lag = the previous day', async () => {
    const day = e.bucket('saleDate', 'day');
    const q = groupedQuery('SalesRecord')
      .groupBy('region')
      .groupBy('day', day)
      .aggregate('dayRevenue', f.sum('revenue'))
      .aggregate('sales', f.count())
      .fill('day', { from: new Date('2026-01-29T00:00:00Z'), to: new Date('2026-02-04T00:00:00Z') });
    const byDay = q.overGroups().partitionBy(q.column('region')).orderBy(q.column('day'));
    const rows = await q.add('running', f.sum(q.column('dayRevenue')), byDay).add('previousSales', f.lag(q.column('sales')), byDay).execute(db.prisma);
    const expected = await byHand(`
      WITH g AS (SELECT region, "saleDate" AS day, SUM(revenue) AS rev, count(*) AS n FROM "SalesRecord" GROUP BY 1, 2)
      SELECT k.region, s.day::date::text AS day, g.rev, COALESCE(g.n, 0) AS n,
        SUM(g.rev) OVER (PARTITION BY k.region ORDER BY s.day) AS running,
        lag(COALESCE(g.n, 0)) OVER (PARTITION BY k.region ORDER BY s.day) AS prev
      FROM (SELECT DISTINCT region FROM g) k CROSS JOIN generate_series('2026-01-29'::timestamp, '2026-02-03'::timestamp, interval '1 day') AS s(day)
      LEFT JOIN g ON g.region = k.region AND g.day = s.day::date
      ORDER BY k.region, s.day`);
    expect(expected).toHaveLength(12); // 2 regions × 6 days
    expect(rows.map((r) => [r.region, text(r.day), text(r.dayRevenue), String(r.sales), text(r.running), r.previousSales === null ? null : String(r.previousSales)])).toEqual(
      expected.map((r) => [r.region, r.day, decimalText(r.rev), r.n, decimalText(r.running), r.prev]),
    );
    expect(rows.filter((r) => r.sales === 0n).length).toBeGreaterThan(0);
  });

  it('hourly buckets of Europe/Berlin across the 23-hour DST day equal bucketTotals with fill zero', async () => {
    const t = expressions('Transaction');
    const g = windowFunctions('Transaction');
    const range = { from: new Date('2026-03-28T23:00:00Z'), to: new Date('2026-03-29T22:00:00Z') }; // the 23-hour local day
    const q = groupedQuery('Transaction')
      .groupBy('accountId')
      .groupBy('hour', t.bucket('createdAt', 'hour', { timeZone: 'Europe/Berlin' }))
      .aggregate('total', g.sum('amount'))
      .aggregate('entries', g.count())
      .fill('hour', range);
    const rows = await q.execute(db.prisma);
    const { TransactionRepository } = await import('../../prisma/app/index.ts');
    const buckets = await new TransactionRepository(db.prisma).bucketTotals({ partitions: [1, 2], bucket: 'hour', timeZone: 'Europe/Berlin', fill: 'zero', carry: false, ...range });
    expect(rows).toHaveLength(2 * 23);
    expect(rows.map((r) => [r.accountId, r.hour.getTime(), String(r.entries), r.total === null ? '0' : r.total.toFixed()])).toEqual(
      buckets.map((b) => [b.key, b.bucketStart.getTime(), String(b.count), b.sum.toFixed()]),
    );
  });

  it('keeps the last bucket when the range only enters it, and a date key keeps the day of a mid-day `to`', async () => {
    const t = expressions('Transaction');
    const g = windowFunctions('Transaction');
    // 2026-03-31T22:30Z is 00:30 on 1 April in Berlin: the range enters April's bucket for half an hour.
    const months = await groupedQuery('Transaction')
      .groupBy('month', t.bucket('createdAt', 'month', { timeZone: 'Europe/Berlin' }))
      .aggregate('n', g.count())
      .fill('month', { from: new Date('2026-03-15T00:00:00Z'), to: new Date('2026-03-31T22:30:00Z') })
      .execute(db.prisma);
    expect(months.map((r) => r.month.toISOString())).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    const weeks = await groupedQuery('SalesRecord')
      .groupBy('week', e.bucket('saleDate', 'week'))
      .aggregate('n', f.count())
      .fill('week', { from: new Date('2025-12-29T00:00:00Z'), to: new Date('2026-01-12T12:00:00Z') })
      .execute(db.prisma);
    expect(weeks.map((r) => text(r.week))).toEqual(['2025-12-29', '2026-01-05', '2026-01-12']);
  });

  it('a RANGE of days over day buckets of a zone counts that zone’s days, across the 25-hour fall-back day', async () => {
    const t = expressions('Transaction');
    const g = windowFunctions('Transaction');
    const q = groupedQuery('Transaction')
      .groupBy('day', t.bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' }))
      .aggregate('n', g.count())
      .fill('day', { from: new Date('2026-10-15T00:00:00Z'), to: new Date('2026-11-05T00:00:00Z') });
    const rows = await q.add('week', g.count(), q.overGroups().orderBy(q.column('day')).range({ preceding: { interval: '6 days' } })).execute(db.prisma);
    expect(rows.length).toBeGreaterThan(20);
    // Every day has 6 days before it within the filled range once past its first 6 days: 7 buckets a frame.
    expect(rows.slice(6).map((r) => Number(r.week))).toEqual(rows.slice(6).map(() => 7));
    const months = q.overGroups().orderBy(q.column('day')).range({ preceding: { interval: '1 month' } });
    await expect(q.add('m', g.count(), months).execute(db.prisma)).resolves.toHaveLength(rows.length);
  });

  it('is refused for a key that is not a calendar bucket, and for a range that is empty or not Dates', () => {
    const q = groupedQuery('SalesRecord').groupBy('region').groupBy('day', e.bucket('saleDate', 'day')).aggregate('n', f.count());
    expect(() => q.fill('region', { from: new Date(0), to: new Date(1) })).toThrow(/only a calendar bucket key/);
    expect(() => q.fill('day', { from: new Date('2026-02-01'), to: new Date('2026-01-01') })).toThrow(/must be after from/);
    expect(() => q.fill('day', { from: 'x' as never, to: new Date() })).toThrow(/valid Dates/);
    expect(() => q.fill('day', { from: new Date('2000-01-01'), to: new Date('9000-01-01') })).toThrow(/too long/);
  });
});

describe('refused before any SQL', () => {
  it('windows, aggregates and aliases that do not fit the groups', () => {
    const q = groupedQuery('SalesRecord').groupBy('region').aggregate('dayRevenue', f.sum('revenue'));
    expect(() => q.add('x', f.sum(q.column('dayRevenue')), windowSpec('SalesRecord').orderBy('saleDate'))).toThrow(/must come from its overGroups/);
    expect(() => windowQuery('SalesRecord').select('id').add('x', f.rowNumber(), q.overGroups().orderBy(q.column('region')))).toThrow(/belongs to that query/);
    expect(() => windowQuery('SalesRecord').select('id').selectExpr('x', q.column('dayRevenue'))).toThrow(/reads another query's columns/);
    expect(() => q.aggregate('r', f.rank())).toThrow(/not a plain aggregate/);
    expect(() => q.aggregate('revenue', f.sum('revenue'))).toThrow(/is a field of SalesRecord/);
    expect(() => q.groupBy('saleDate', e.bucket('saleDate', 'week'))).toThrow(/is a field of SalesRecord/);
    expect(() => q.groupBy('x', q.column('dayRevenue'))).toThrow(/reads another query's columns/);
    expect(() => q.aggregate('dayRevenue', f.count())).toThrow(/Duplicate output column/);
    expect(() => q.column('nope' as never)).toThrow(/no group key or aggregate/);
    const other = groupedQuery('SalesRecord').groupBy('region');
    expect(() => q.add('x', f.rowNumber(), other.overGroups().orderBy(other.column('region')))).toThrow(/must come from its overGroups/);
    expect(() => groupedQuery('SalesRecord').aggregate('n', f.count()).toSql()).toThrow(/at least one key/);
  });

  it('a lag over groups is deterministic: its order ends with the group keys', () => {
    const q = groupedQuery('SalesRecord').groupBy('region').groupBy('day', e.bucket('saleDate', 'day')).aggregate('n', f.count());
    const sql = q.add('prev', f.lag(q.column('n')), q.overGroups().orderBy(q.column('n'))).toSql().text;
    expect(sql).toContain('lag("n", 1) OVER (ORDER BY "n" ASC, "region" ASC, "day" ASC) AS "prev"');
  });
});
