/**
 * Expressions in the window builder — arithmetic, casts, COALESCE, CASE, NULLIF, round, calendar buckets, a column
 * as lag's offset, and window functions inside expressions — against the same queries written by hand in plain
 * SQL through `pg` (results compared as PostgreSQL's own text), and calendar buckets against Intl's reading of each
 * instant. Data: microsecond ties, NULL amounts, Berlin's DST days, a float column and a nullable int; the session
 * runs in a zone that is not UTC for the bucket tests.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import { Prisma } from '../../prisma/app/index.ts';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import {
  conditions,
  expressions,
  QueryFailedError,
  ValidationError,
  windowFunctions,
  windowQuery,
  windowSpec,
  WindowSpecError,
} from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { withPg as withPgAt } from '../support/plain-sql.ts';

const db = useTestDatabase();
const e = expressions('Transaction');
const f = windowFunctions('Transaction');
const c = conditions('Transaction');
const byAccount = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
const OVER = 'OVER (PARTITION BY "accountId" ORDER BY "createdAt", id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)';

// Around both of Berlin's 2026 DST changes (2026-03-29 01:00Z and 2026-10-25 01:00Z), ties to the microsecond.
const LEDGER: Array<[number, string | null, string]> = [
  [1, '10.00', '2026-03-28 22:59:59.999999+00'],
  [1, '-2.50', '2026-03-28 23:00:00+00'],
  [1, null, '2026-03-29 00:30:00.000001+00'],
  [1, '7.25', '2026-03-29 01:30:00+00'],
  [1, '7.25', '2026-03-29 01:30:00+00'],
  [1, '0.01', '2026-03-29 22:00:00+00'],
  [2, '100.00', '2026-10-24 21:59:59.999999+00'],
  [2, '-0.99', '2026-10-24 22:00:00+00'],
  [2, '3.33', '2026-10-25 00:30:00+00'],
  [2, '3.33', '2026-10-25 01:30:00+00'],
  [2, null, '2026-10-25 23:00:00+00'],
  [3, '999999999999.99', '2026-12-31 23:00:00+00'],
];

const READINGS: Array<[number, string, number, number | null, number | null]> = [
  [1, '2026-05-01 08:00:00.000001', 0.1, 0.5, 1],
  [1, '2026-05-01 08:00:00.000002', 0.2, null, null],
  [1, '2026-05-03 09:15:00', 0.30000000000000004, 1.25, 2],
  [1, '2026-05-04 11:00:00', 2.5, 0.125, 0],
  [2, '2026-05-01 23:59:59.999999', -1e-9, null, 1],
  [2, '2026-05-11 00:00:00', 1e300, 0, 5],
];

const withPg = <T,>(work: (client: pg.Client) => Promise<T>): Promise<T> => withPgAt(db.url, work);

/** `id → value as text` for a hand-written expression over a table. */
async function byHand(select: string, table = '"Transaction"'): Promise<Map<string, string | null>> {
  return withPg(async (client) => {
    const { rows } = await client.query<{ id: string; v: string | null }>(`SELECT id::text, (${select})::text AS v FROM ${table}`);
    return new Map(rows.map((row) => [row.id, row.v]));
  });
}

const text = (value: unknown): string | null =>
  value === null ? null : Prisma.Decimal.isDecimal(value) ? (value as Prisma.Decimal).toFixed() : value instanceof Date ? value.toISOString() : String(value);

/** Compares numeric results exactly: both sides as Decimals (PostgreSQL's text keeps trailing zeros). */
function expectSameNumbers(actual: Map<string, unknown>, expected: Map<string, string | null>, what: string): void {
  expect(actual.size, what).toBe(expected.size);
  expect([...expected.values()].some((v) => v !== null), `${what}: the reference is not all NULL`).toBe(true);
  for (const [id, want] of expected) {
    const got = actual.get(id);
    if (want === null) expect(got, `${what} id ${id}`).toBeNull();
    else expect(got !== null && new Prisma.Decimal(text(got)!).equals(new Prisma.Decimal(want)), `${what} id ${id}: ${text(got)} vs ${want}`).toBe(true);
  }
}

beforeAll(async () => {
  await withPg(async (client) => {
    for (const [accountId, amount, createdAt] of LEDGER) {
      await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES ($1, $2, $3)', [accountId, amount, createdAt]);
    }
    for (const [sensor, takenAt, value, ratio, level] of READINGS) {
      await client.query('INSERT INTO readings (sensor_id, taken_at, day_time, value, ratio, level) VALUES ($1, $2, $3, $4, $5, $6)', [
        sensor, takenAt, takenAt.slice(11), value, ratio, level,
      ]);
    }
  });
});

describe('arithmetic, casts and conditionals in the select list', () => {
  it('numeric arithmetic stays exact and typed Decimal; constants are bound', async () => {
    const query = windowQuery('Transaction')
      .select('id')
      .selectExpr('gross', e.round(e.mul('amount', e.value(new Prisma.Decimal('1.19'))), 2))
      .selectExpr('plusId', e.add('amount', 'id'))
      .selectExpr('orZero', e.coalesce('amount', e.value(new Prisma.Decimal(0))));
    const sql = query.toSql();
    expect(sql.text).toContain('round(("amount" * CAST($1 AS numeric)), 2)');
    expect(sql.values).toContain('1.19');
    const rows = await query.execute(db.prisma);
    expectTypeOf(rows[0]!.gross).toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf(rows[0]!.orZero).toEqualTypeOf<Prisma.Decimal>();
    expectTypeOf(rows[0]!.plusId).toEqualTypeOf<Prisma.Decimal | null>();
    expect(rows.every((row) => row.orZero instanceof Prisma.Decimal)).toBe(true);
    const get = (alias: 'gross' | 'plusId' | 'orZero') => new Map(rows.map((row) => [String(row.id), row[alias] as unknown]));
    expectSameNumbers(get('gross'), await byHand('round(amount * 1.19, 2)'), 'gross');
    expectSameNumbers(get('plusId'), await byHand('amount + id'), 'plusId');
    expectSameNumbers(get('orZero'), await byHand('COALESCE(amount, 0)'), 'orZero');
  });

  it('CASE, NULLIF and integer division follow PostgreSQL, division by zero is a QueryFailedError', async () => {
    const negative = c.compare('amount', '<', new Prisma.Decimal(0));
    const rows = await windowQuery('Transaction')
      .select('id')
      .selectExpr('debit', e.caseWhen([[negative, e.value(new Prisma.Decimal(0))]], 'amount'))
      .selectExpr('kind', e.caseWhen([[negative, e.value('debit')], [c.isNull('amount'), e.value('none')]], e.value('credit')))
      .selectExpr('half', e.div('accountId', e.value(2)))
      .selectExpr('perAccount', e.div('amount', e.nullIf('accountId', e.value(3))))
      .execute(db.prisma);
    expectTypeOf(rows[0]!.kind).toEqualTypeOf<string>();
    expectTypeOf(rows[0]!.half).toEqualTypeOf<number>();
    const get = (alias: 'debit' | 'half' | 'perAccount') => new Map(rows.map((row) => [String(row.id), row[alias] as unknown]));
    expectSameNumbers(get('debit'), await byHand('CASE WHEN amount < 0 THEN 0 ELSE amount END'), 'debit');
    expectSameNumbers(get('half'), await byHand('"accountId" / 2'), 'half');
    expectSameNumbers(get('perAccount'), await byHand('amount / NULLIF("accountId", 3)'), 'perAccount');
    const kinds = await byHand(`CASE WHEN amount < 0 THEN 'debit' WHEN amount IS NULL THEN 'none' ELSE 'credit' END`);
    for (const row of rows) expect(row.kind, `id ${row.id}`).toBe(kinds.get(String(row.id)));
    await expect(windowQuery('Transaction').select('id').selectExpr('boom', e.div('amount', e.value(0))).execute(db.prisma)).rejects.toThrow(QueryFailedError);
  });

  it('floats, a nullable int and casts on the Reading model', async () => {
    const r = expressions('Reading');
    const rows = await windowQuery('Reading')
      .select('id')
      .selectExpr('scaled', r.mul('value', r.value(0.5)))
      .selectExpr('mixed', r.add('ratio', 'level'))
      .selectExpr('exact', r.mul(r.cast('level', 'numeric'), r.value(new Prisma.Decimal('0.1'))))
      .selectExpr('asText', r.cast('sensorId', 'text'))
      .execute(db.prisma);
    expectTypeOf(rows[0]!.scaled).toEqualTypeOf<number>();
    expectTypeOf(rows[0]!.mixed).toEqualTypeOf<number | null>();
    expectTypeOf(rows[0]!.exact).toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf(rows[0]!.asText).toEqualTypeOf<string>();
    const scaled = await byHand('value * 0.5::float8', 'readings');
    const mixed = await byHand('ratio::float8 + level', 'readings');
    const exact = await byHand('level::numeric * 0.1', 'readings');
    for (const row of rows) {
      const id = String(row.id);
      expect(row.scaled, `scaled ${id}`).toBe(Number(scaled.get(id)));
      expect(row.mixed, `mixed ${id}`).toBe(mixed.get(id) === null ? null : Number(mixed.get(id)));
      expect(text(row.exact), `exact ${id}`).toBe(exact.get(id) === null ? null : new Prisma.Decimal(exact.get(id)!).toFixed());
      expect(row.asText).toBe(String(READINGS[Number(id) - 1]![0]));
    }
  });
});

describe('window functions inside expressions and expressions inside window functions', () => {
  it('amount - lag(amount), 100 * amount / sum(amount) OVER w, and sum of an expression', async () => {
    const whole = windowSpec('Transaction').partitionBy('accountId').wholePartition();
    const query = windowQuery('Transaction')
      .select('id')
      .window('w', byAccount)
      .selectExpr('change', e.sub('amount', e.over(f.lag('amount'), 'w')))
      .selectExpr('share', e.div(e.mul(e.value(new Prisma.Decimal(100)), 'amount'), e.nullIf(e.over(f.sum('amount'), whole), e.value(new Prisma.Decimal(0)))))
      .add('grossTotal', f.runningTotal(e.mul('amount', e.value(new Prisma.Decimal('1.19')))), 'w')
      .add('largest', f.max(e.coalesce('amount', e.value(new Prisma.Decimal(0)))), 'w');
    const rows = await query.execute(db.prisma);
    expectTypeOf(rows[0]!.change).toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf(rows[0]!.grossTotal).toEqualTypeOf<Prisma.Decimal>();
    const get = (alias: 'change' | 'share' | 'grossTotal' | 'largest') => new Map(rows.map((row) => [String(row.id), row[alias] as unknown]));
    expectSameNumbers(get('change'), await byHand(`amount - lag(amount) ${OVER}`), 'change');
    expectSameNumbers(get('share'), await byHand(`100 * amount / NULLIF(SUM(amount) OVER (PARTITION BY "accountId"), 0)`), 'share');
    expectSameNumbers(get('grossTotal'), await byHand(`SUM(COALESCE(amount * 1.19, 0)) ${OVER}`), 'grossTotal');
    expectSameNumbers(get('largest'), await byHand(`MAX(COALESCE(amount, 0)) ${OVER}`), 'largest');
  });

  it('lag with a column as its offset (NULL offset gives NULL, 0 the row itself)', async () => {
    const r = expressions('Reading');
    const g = windowFunctions('Reading');
    const bySensor = windowSpec('Reading').partitionBy('sensorId').orderBy('takenAt');
    const rows = await windowQuery('Reading').select('id').add('back', g.lag('value', { offset: 'level' }), bySensor).add('back2', g.lag(r.mul('value', r.value(2)), { offset: r.add('level', r.value(0)) }), bySensor).execute(db.prisma);
    const expected = await byHand('lag(value, level) OVER (PARTITION BY sensor_id ORDER BY taken_at, id)', 'readings');
    const expected2 = await byHand('lag(value * 2, level + 0) OVER (PARTITION BY sensor_id ORDER BY taken_at, id)', 'readings');
    for (const row of rows) {
      const want = expected.get(String(row.id));
      expect(row.back, `id ${row.id}`).toBe(want === null ? null : Number(want));
      const want2 = expected2.get(String(row.id));
      expect(row.back2, `id ${row.id}`).toBe(want2 === null ? null : Number(want2));
    }
    expect(rows.some((row) => row.back !== null) && rows.some((row) => row.back === null)).toBe(true);
    expect(() => g.lag('value', { offset: 'value' })).toThrow(/row offset is an integer/);
  });
});

describe('calendar buckets as select, partition and order keys (session in America/New_York)', () => {
  // A client of its own, without the session options of createPrismaClient: its sessions take the database's zone.
  let zoned: PrismaClient;
  beforeAll(async () => {
    await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET timezone = 'America/New_York'`);
    zoned = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
  });
  afterAll(async () => {
    await zoned.$disconnect();
    await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" RESET timezone`);
  });

  // The local calendar day of an instant in Berlin, read by Intl (shares nothing with the SQL).
  const berlinDay = (instant: Date): string =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
  const berlinClock = (instant: Date): string =>
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(instant);

  it('day buckets in Europe/Berlin start at local midnight, across both DST changes', async () => {
    const [{ TimeZone: zone }] = await zoned.$queryRawUnsafe<[{ TimeZone: string }]>('SHOW TimeZone');
    expect(zone).toBe('America/New_York');
    const day = e.bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' });
    const rows = await windowQuery('Transaction').select('id', 'createdAt').selectExpr('day', day).execute(zoned);
    expectTypeOf(rows[0]!.day).toEqualTypeOf<Date>();
    expect(rows).toHaveLength(LEDGER.length);
    for (const row of rows) {
      expect(berlinClock(row.day), `id ${row.id}`).toBe('00:00:00');
      expect(berlinDay(row.day), `id ${row.id}`).toBe(berlinDay(row.createdAt));
    }
    // 2026-03-29 in Berlin is 23 hours long, 2026-10-25 is 25.
    const starts = [...new Set(rows.map((row) => row.day.getTime()))].sort((a, b) => a - b);
    const lengths = starts.slice(1).map((start, i) => (start - starts[i]!) / 3_600_000);
    expect(lengths).toContain(23);
  });

  it('a running total per account and Berlin day equals the hand-written window, and pages walk it exactly', async () => {
    const day = e.bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' });
    const perDay = windowSpec('Transaction').partitionBy('accountId', day).orderBy('createdAt');
    const query = windowQuery('Transaction').select('id').selectExpr('day', day).add('dayTotal', f.runningTotal('amount'), perDay);
    const rows = await query.execute(zoned);
    const expected = await byHand(
      `SUM(COALESCE(amount, 0)) OVER (PARTITION BY "accountId", date_trunc('day', "createdAt" AT TIME ZONE 'Europe/Berlin') ORDER BY "createdAt", id)`,
    );
    expectSameNumbers(new Map(rows.map((row) => [String(row.id), row.dayTotal])), expected, 'dayTotal');
    // Rows come in the window's order: account, then the day bucket, then time and id.
    const order = await withPg(async (client) =>
      (await client.query<{ id: string }>(`SELECT id::text FROM "Transaction" ORDER BY "accountId", date_trunc('day', "createdAt" AT TIME ZONE 'Europe/Berlin'), "createdAt", id`)).rows.map((r) => r.id),
    );
    expect(rows.map((row) => String(row.id))).toEqual(order);
    for (const size of [1, 2, 5, LEDGER.length - 1, LEDGER.length, LEDGER.length + 1]) {
      const walked: typeof rows = [];
      let after: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof query.page>> = await query.page(zoned, { limit: size, ...(after && { after }) });
        walked.push(...page.rows);
        after = page.nextCursor;
      } while (after);
      expect(walked.map((row) => [row.id, text(row.dayTotal)]), `page size ${size}`).toEqual(rows.map((row) => [row.id, text(row.dayTotal)]));
    }
    const streamed: typeof rows = [];
    for await (const row of query.stream(zoned, { chunkSize: 4 })) streamed.push(row);
    expect(streamed.map((row) => row.id)).toEqual(rows.map((row) => row.id));
  });

  it('ordering by a bucket with a RANGE frame sums whole days (peers share the day total)', async () => {
    const day = e.bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' });
    const spec = windowSpec('Transaction').partitionBy('accountId').orderBy(day).range('UNBOUNDED PRECEDING', 'CURRENT ROW');
    const rows = await windowQuery('Transaction').select('id').add('throughDay', f.sum('amount'), spec).add('days', f.denseRank(), spec).execute(zoned);
    const expected = await byHand(
      `SUM(amount) OVER (PARTITION BY "accountId" ORDER BY date_trunc('day', "createdAt" AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin' RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
    );
    expectSameNumbers(new Map(rows.map((row) => [String(row.id), row.throughDay])), expected, 'throughDay');
    const ranks = await byHand(`dense_rank() OVER (PARTITION BY "accountId" ORDER BY date_trunc('day', "createdAt" AT TIME ZONE 'Europe/Berlin'))`);
    for (const row of rows) expect(String(row.days), `id ${row.id}`).toBe(ranks.get(String(row.id)));
    // A RANGE offset along the bucket is an interval.
    const week = spec.range({ preceding: { interval: '6 days' } }, 'CURRENT ROW');
    const weekly = await windowQuery('Transaction').select('id').add('v', f.sum('amount'), week).execute(zoned);
    const expectedWeekly = await byHand(
      // Along a Berlin day bucket the frame counts Berlin's calendar days (whatever the session's zone).
      `SUM(amount) OVER (PARTITION BY "accountId" ORDER BY date_trunc('day', "createdAt" AT TIME ZONE 'Europe/Berlin') RANGE BETWEEN '6 days'::interval PRECEDING AND CURRENT ROW)`,
    );
    expectSameNumbers(new Map(weekly.map((row) => [String(row.id), row.v])), expectedWeekly, 'weekly');
  });

  it('shifts and RANGE day offsets along instants do not depend on the session zone', async () => {
    const rows = await windowQuery('Transaction')
      .select('id', 'createdAt')
      .selectExpr('utc', e.shift('createdAt', e.interval('1 day')))
      .selectExpr('berlin', e.shift('createdAt', e.interval('1 day'), { timeZone: 'Europe/Berlin' }))
      .add('lastDay', f.count(), windowSpec('Transaction').orderBy('createdAt').range({ preceding: { interval: '1 day' } }))
      .execute(zoned);
    const within = new Map(
      (await withPg(async (client) => (await client.query<{ id: string; n: string }>(
        `SELECT id::text, count(*) OVER (ORDER BY "createdAt" RANGE BETWEEN interval '24 hours' PRECEDING AND CURRENT ROW)::text AS n FROM "Transaction"`,
      )).rows)).map((r) => [r.id, r.n]),
    );
    for (const row of rows) {
      expect(row.utc.getTime() - row.createdAt.getTime(), `id ${row.id}`).toBe(86_400_000);
      expect(String(row.lastDay), `id ${row.id}`).toBe(within.get(String(row.id)));
    }
    // 00:00 in Berlin on 2026-03-29 plus one Berlin day is 00:00 on the 30th: 23 hours later.
    const dst = rows.find((row) => row.createdAt.toISOString() === '2026-03-28T23:00:00.000Z')!;
    expect(dst.berlin.getTime() - dst.createdAt.getTime()).toBe(23 * 3_600_000);
    expect(() => windowSpec('Transaction').orderBy('createdAt').range({ preceding: { interval: '1 month' } })).toThrow(/no fixed length/);
    expect(() => e.cast('createdAt', 'text')).toThrow(/session's TimeZone/);
  });

  it('weeks of a date column and of a timestamp column are calendar weeks starting Monday, with no zone', async () => {
    const r = expressions('Reading');
    const rows = await windowQuery('Reading').select('id', 'takenAt').selectExpr('week', r.bucket('takenAt', 'week')).execute(zoned);
    expectTypeOf(rows[0]!.week).toEqualTypeOf<Date>();
    const expected = await byHand(`to_json(date_trunc('week', taken_at)) #>> '{}'`, 'readings');
    for (const row of rows) {
      expect(row.week.getUTCDay(), `id ${row.id}`).toBe(1);
      expect(row.week.toISOString().slice(0, 19)).toBe(expected.get(String(row.id)));
    }
    const s = expressions('SalesRecord');
    await withPg((client) =>
      client.query(`INSERT INTO "SalesRecord" (region, "saleDate", revenue) VALUES ('north', '2026-01-04', 1), ('north', '2026-01-05', 2), ('north', '2027-01-01', 3)`),
    );
    const sales = await windowQuery('SalesRecord').select('id', 'saleDate').selectExpr('week', s.bucket('saleDate', 'week')).selectExpr('quarter', s.bucket('saleDate', 'quarter')).execute(zoned);
    expect(sales.map((row) => [row.saleDate.toISOString().slice(0, 10), row.week.toISOString().slice(0, 10), row.quarter.toISOString().slice(0, 10)])).toEqual([
      ['2026-01-04', '2025-12-29', '2026-01-01'],
      ['2026-01-05', '2026-01-05', '2026-01-01'],
      ['2027-01-01', '2026-12-28', '2027-01-01'],
    ]);
  });
});

describe('refused before any SQL', () => {
  it('type mismatches, unknown names and misplaced window functions', () => {
    const r = expressions('Reading');
    expect(() => r.mul('value', r.value(new Prisma.Decimal(1)) as never)).toThrow(WindowSpecError);
    expect(() => r.mul('value', r.value(new Prisma.Decimal(1)) as never)).toThrow(/numeric with a float/);
    expect(() => e.add('createdAt' as never, 'amount')).toThrow(/not numeric/);
    expect(() => e.bucket('createdAt', 'fortnight' as never)).toThrow(/unknown bucket/);
    expect(() => e.bucket('createdAt', 'day', { timeZone: 'Mars/Olympus' })).toThrow(ValidationError);
    expect(() => expressions('SalesRecord').bucket('saleDate', 'day', { timeZone: 'Europe/Berlin' })).toThrow(/already local time/);
    expect(() => expressions('SalesRecord').bucket('saleDate', 'hour')).toThrow(/no hours/);
    expect(() => e.bucket('amount' as never, 'day')).toThrow(/expected timestamptz or timestamp or date/);
    expect(() => e.cast('createdAt', 'date')).toThrow(/session's TimeZone/);
    expect(() => e.coalesce('amount', e.value('zero'))).toThrow(/not of one kind/);
    expect(() => e.value(3_000_000_000)).toThrow(ValidationError); // beyond int4: a bigint says int8
    expect(() => e.value({} as never)).toThrow(ValidationError);
    const windowed = e.over(f.rowNumber(), byAccount);
    expect(() => windowSpec('Transaction').partitionBy(windowed)).toThrow(/holds a window function/);
    expect(() => windowSpec('Transaction').orderBy(windowed)).toThrow(/holds a window function/);
    expect(() => f.sum(e.add('amount', windowed))).toThrow(/holds a window function/);
    expect(() => windowSpec('SalesRecord').orderBy(e.field('amount') as never)).toThrow(/built for Transaction/);
    expect(() => windowQuery('Transaction').select('id').selectExpr('x', e.over(f.rowNumber(), 'nope')).toSql()).toThrow(/unknown window "nope"/);
    expect(() => e.over(f.firstValue('amount'), byAccount.range('UNBOUNDED PRECEDING', 'CURRENT ROW'))).toThrow(/picks one row/);
    const day = e.bucket('createdAt', 'day');
    expect(() => windowSpec('Transaction').orderBy(day).range({ preceding: 1 })).toThrow(/use an interval/);
  });

  it('a nullable expression cannot order a page', async () => {
    const query = windowQuery('Transaction').select('id').add('n', f.rowNumber(), windowSpec('Transaction').orderBy(e.coalesce('amount', 'amount')));
    await expect(query.page(db.prisma, { limit: 2 })).rejects.toThrow(/is nullable/);
  });
});
