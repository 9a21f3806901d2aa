/**
 * The SQL and the types expressions compile to, without a database: explicit casts between numeric types, bound
 * constants, calendar buckets per column type, expression keys in windows (with the id tiebreaker), and the result
 * types a row gets.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';

import { Prisma } from '../../prisma/app/index.ts';
import { expressions, windowFunctions, windowQuery, windowSpec, type Expr } from '../../src/index.ts';
import { oneLine } from '../support/mock-client.ts';

const e = expressions('Transaction');
const r = expressions('Reading');
const f = windowFunctions('Transaction');

describe('expressions compile to explicit, bound SQL', () => {
  it('min and max of a boolean are refused before any SQL (PostgreSQL has none): boolAnd and boolOr are', () => {
    const credit = e.value(true);
    expect(() => f.min(credit)).toThrow(/min\(.*\): a boolean has no min in PostgreSQL; use boolAnd/);
    expect(() => f.max(credit)).toThrow(/use boolOr/);
  });

  it('casts the narrower operand to the result type and binds constants', () => {
    const sum = e.add('accountId', 'amount');
    expect(sum.sqlType).toBe('numeric');
    expect(oneLine(sum.render())).toBe('(CAST("accountId" AS numeric) + "amount")');
    const scaled = r.mul('level', 'value');
    expect(scaled.sqlType).toBe('float8');
    expect(oneLine(scaled.render())).toBe('(CAST("level" AS float8) * "value")');
    expect(r.add('ratio', 'ratio').sqlType).toBe('float4');
    expect(r.add('ratio', 'level').sqlType).toBe('float8');
    expect(e.add('accountId', e.value(1n)).sqlType).toBe('int8');
    const constant = e.value(new Prisma.Decimal('0.10'));
    expect(oneLine(constant.render())).toBe('CAST($1 AS numeric)');
    expect(constant.render().values).toEqual(['0.1']);
    expect(e.value(new Date('2026-01-01T00:00:00.001Z')).render().values).toEqual(['2026-01-01 00:00:00.001+00']);
    expect(() => e.value(3_000_000_000)).toThrow(/pass it as a bigint/);
  });

  it('buckets each calendar type its own way', () => {
    // The local month's start in the zone when the offset a day before it is the one it was read at; else unless
    // the instant before it is in the same month or the month also began a fall-back earlier: then the first UTC
    // quarter hour of that month.
    const month = oneLine(e.bucket('createdAt', 'month', { timeZone: 'Asia/Kolkata' }).render());
    expect(month.startsWith(
      `(CASE WHEN ((date_trunc('month', "createdAt", CAST($1 AS text)) - interval '27 hours') AT TIME ZONE CAST($2 AS text)) ` +
        `= (date_trunc('month', "createdAt" AT TIME ZONE CAST($3 AS text)) - interval '27 hours') THEN date_trunc('month', "createdAt", CAST($4 AS text)) ` +
        `WHEN date_trunc('month', date_trunc('month', "createdAt", CAST($5 AS text)) - interval '1 microsecond', CAST($6 AS text)) ` +
        `< date_trunc('month', "createdAt", CAST($7 AS text)) AND NOT (`,
    ), month).toBe(true);
    expect(month).toContain(`ELSE LEAST(`);
    expect(month).toContain(`WHERE date_trunc('month', q AT TIME ZONE CAST($`);
    expect(oneLine(e.bucket('createdAt', 'hour', { timeZone: 'Pacific/Chatham' }).render())).toContain(`date_trunc('hour', "createdAt" AT TIME ZONE`);
    expect(oneLine(r.bucket('takenAt', 'day').render())).toBe(`date_trunc('day', "taken_at")`);
    expect(oneLine(expressions('SalesRecord').bucket('saleDate', 'year').render())).toBe(`CAST(date_trunc('year', CAST("saleDate" AS timestamp)) AS date)`);
  });

  it('expression keys in a window keep the id tiebreaker; the query orders by them', () => {
    const day = e.bucket('createdAt', 'day');
    const spec = windowSpec('Transaction').partitionBy(day).orderBy(e.coalesce('amount', e.value(new Prisma.Decimal(0))), 'desc');
    const dayKey = oneLine(day.render());
    const rendered = oneLine(spec.toSql());
    expect(rendered.startsWith(`PARTITION BY (CASE WHEN ((date_trunc('day', "createdAt", CAST($1 AS text)) - interval '27 hours')`), rendered).toBe(true);
    expect(rendered).toMatch(/ END\) ORDER BY COALESCE\("amount", CAST\(\$\d+ AS numeric\)\) DESC, "id" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW$/);
    const sql = oneLine(windowQuery('Transaction').select('id').add('n', f.rowNumber(), spec).toSql());
    expect(sql).toMatch(/ END\) ASC, COALESCE\("amount", CAST\(\$\d+ AS numeric\)\) DESC, "Transaction"."id" DESC$/);
    expect(sql).toContain(dayKey.slice(0, dayKey.indexOf('$')));
  });

  it('an instant-valued expression is read as UTC wall time, like an instant field', () => {
    const sql = oneLine(windowQuery('Transaction').select('id').selectExpr('day', e.bucket('createdAt', 'day')).toSql());
    expect(sql).toContain(`AT TIME ZONE INTERVAL '+00:00') AS "day"`);
  });
});

describe('expression types', () => {
  it('follow PostgreSQL: numeric wins over integers, float over integers, numeric with float does not compile', () => {
    expectTypeOf(e.add('accountId', 'amount')).toEqualTypeOf<Expr<'Transaction', 'numeric', true>>();
    expectTypeOf(r.mul('level', 'value')).toEqualTypeOf<Expr<'Reading', 'float8', true>>();
    expectTypeOf(e.value(2)).toEqualTypeOf<Expr<'Transaction', 'int4', false>>();
    expectTypeOf(e.value(0.5)).toEqualTypeOf<Expr<'Transaction', 'float8', false>>();
    expectTypeOf(() => r.mul('value', r.value(new Prisma.Decimal(1)))).returns.toEqualTypeOf<Expr<'Reading', never, false>>();
    expectTypeOf(e.coalesce('amount', e.value(new Prisma.Decimal(0)))).toEqualTypeOf<Expr<'Transaction', 'numeric', false>>();
    expectTypeOf(e.bucket('createdAt', 'week')).toEqualTypeOf<Expr<'Transaction', 'timestamptz', false>>();
    expectTypeOf(expressions('SalesRecord').bucket('saleDate', 'week')).toEqualTypeOf<Expr<'SalesRecord', 'date', false>>();
  });

  it('window functions over expressions and expressions over window functions', () => {
    const w = windowSpec('Transaction').orderBy('createdAt');
    const rows = windowQuery('Transaction')
      .add('gross', f.sum(e.mul('amount', e.value(new Prisma.Decimal('1.19')))), w)
      .selectExpr('change', e.sub('amount', e.over(f.lag('amount'), w)))
      .selectExpr('rankPlusOne', e.add(e.over(f.rank(), w), e.value(1)));
    type Row = (typeof rows)['row'];
    expectTypeOf<Row['gross']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf<Row['change']>().toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf<Row['rankPlusOne']>().toEqualTypeOf<bigint | null>();
    expectTypeOf(windowFunctions('Reading').sum('value')).toMatchTypeOf<{ readonly resultType: 'float8' }>();
    expectTypeOf(windowFunctions('Reading').avg('level')).toMatchTypeOf<{ readonly resultType: 'numeric' }>();
  });
});
