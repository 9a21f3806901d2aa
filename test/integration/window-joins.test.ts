/**
 * Window queries over a join to a second model (Transaction → Account, many-to-one on the account's id): running
 * totals per joined segment, joined fields as arguments, order keys and outputs, inner and left joins — each
 * against the same query written by hand in plain SQL through `pg`, compared as PostgreSQL's text. Transactions of
 * an account that does not exist show what each join kind keeps.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import { Prisma } from '../../prisma/app/index.ts';
import { conditions, expressions, groupedQuery, ValidationError, windowFunctions, windowQuery, windowSpec, WindowSpecError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { textRows, withPg } from '../support/plain-sql.ts';
import { collect } from '../support/iterate.ts';

const db = useTestDatabase();
const f = windowFunctions('Transaction');
const e = expressions('Transaction');

/** The rows of a hand-written query, every value as PostgreSQL's text. */
const byHand = (sql: string) => textRows(db.url, sql);

const decimal = (value: string | null | undefined) => (value === null || value === undefined ? null : new Prisma.Decimal(value).toFixed());
const text = (value: Prisma.Decimal | null) => (value === null ? null : value.toFixed());

beforeAll(async () => {
  await withPg(db.url, async (client) => {
    await client.query(`INSERT INTO accounts (id, name, segment, opened_at) VALUES
      (1, 'Ada', 'retail', '2025-01-01 00:00:00+00'), (2, 'Bo', 'business', '2025-06-01 12:00:00.000001+00'), (3, 'Cy', 'retail', '2026-01-01 00:00:00+00')`);
    await client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES
      (1, 10.00, '2026-01-01 09:00:00+00'), (3, 5.50, '2026-01-01 09:00:00+00'), (2, 100.00, '2026-01-01 09:00:00.000001+00'),
      (1, NULL, '2026-01-02 00:00:00+00'), (3, -2.25, '2026-01-02 00:00:00+00'), (4, 999.99, '2026-01-02 00:00:00+00'),
      (2, -40.00, '2026-01-03 12:00:00+00'), (1, 0.01, '2026-01-03 12:00:00+00')`);
  });
});

describe('windows over a many-to-one join', () => {
  it('a running total per joined segment, with the account name, equals the hand-written join', async () => {
    const q = windowQuery('Transaction').join('Account', { accountId: 'id' });
    const segment = q.joinedField('Account', 'segment');
    const bySegment = windowSpec('Transaction').partitionBy(segment).orderBy('createdAt');
    const rows = await q
      .select('id', 'amount')
      .selectExpr('segment', segment)
      .selectExpr('name', q.joinedField('Account', 'name'))
      .add('segmentTotal', f.runningTotal('amount'), bySegment)
      .add('sinceOpening', f.max(e.elapsed(q.joinedField('Account', 'openedAt'), 'createdAt')), bySegment)
      .execute(db.prisma);
    expectTypeOf(rows[0]!.segment).toEqualTypeOf<string>();
    const expected = await byHand(`
      SELECT t.id::text, a.segment, a.name, SUM(COALESCE(t.amount, 0)) OVER w AS total,
        extract(epoch FROM max(t."createdAt" - a.opened_at) OVER w)::text AS since
      FROM "Transaction" t JOIN accounts a ON t."accountId" = a.id
      WINDOW w AS (PARTITION BY a.segment ORDER BY t."createdAt", t.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      ORDER BY a.segment, t."createdAt", t.id`);
    expect(expected).toHaveLength(7); // account 4 does not exist: the inner join leaves its row out
    expect(rows.map((r) => [String(r.id), r.segment, r.name, text(r.segmentTotal)])).toEqual(expected.map((r) => [r.id, r.segment, r.name, decimal(r.total)]));
    // The interval as an ISO 8601 duration (days, hours, minutes, seconds here), in seconds, against PostgreSQL's epoch.
    const seconds = (iso: string | null) => {
      const m = /^P0Y0M(\d+)DT(\d+)H(\d+)M([\d.]+)S$/.exec(iso ?? '');
      return m ? new Prisma.Decimal(m[1]!).mul(86_400).plus(new Prisma.Decimal(m[2]!).mul(3_600)).plus(new Prisma.Decimal(m[3]!).mul(60)).plus(m[4]!).toFixed() : null;
    };
    expect(rows.map((r) => seconds(r.sinceOpening))).toEqual(expected.map((r) => decimal(r.since)));
  });

  it('a left join keeps every row (joined fields NULL where no account matches); pages and streams walk it', async () => {
    const q = windowQuery('Transaction').join('Account', { accountId: 'id' }, { kind: 'left' });
    const name = q.joinedField('Account', 'name');
    const query = q
      .select('id', 'accountId')
      .selectExpr('name', name)
      .where(conditions('Transaction').compare('createdAt', '>=', new Date('2026-01-01T00:00:00Z')))
      .add('n', f.rowNumber(), windowSpec('Transaction').orderBy('createdAt'))
      .add('firstName', f.firstValue(name), windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt'));
    const rows = await query.execute(db.prisma);
    expectTypeOf(rows[0]!.name).toEqualTypeOf<string | null>();
    const expected = await byHand(`
      SELECT t.id::text, a.name, row_number() OVER (ORDER BY t."createdAt", t.id) AS n
      FROM "Transaction" t LEFT JOIN accounts a ON t."accountId" = a.id ORDER BY t."createdAt", t.id`);
    expect(rows.map((r) => [String(r.id), r.name, String(r.n)])).toEqual(expected.map((r) => [r.id, r.name, r.n]));
    expect(rows.find((r) => r.accountId === 4)!.name).toBeNull();
    const walked: typeof rows = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof query.page>> = await query.page(db.prisma, { limit: 3, ...(after && { after }) });
      walked.push(...page.rows);
      after = page.nextCursor;
    } while (after);
    expect(walked.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect((await collect(query.stream(db.prisma, { chunkSize: 2 }), 100)).map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it('is refused before any SQL when the join could repeat rows, or the field is not joined', () => {
    expect(() => windowQuery('Transaction').join('Account', { accountId: 'segment' as never })).toThrow(/cannot be compared/);
    expect(() => windowQuery('SalesRecord').join('Account', { region: 'name' })).toThrow(/not a unique key of Account/);
    expect(() => windowQuery('Transaction').join('Account', {})).toThrow(/at least one pair/);
    expect(() => windowQuery('Transaction').join('Account', { nope: 'id' } as never)).toThrow(WindowSpecError);
    expect(() => windowQuery('Transaction').join('Transaction' as never, { accountId: 'id' } as never)).toThrow(/self-join/);
    expect(() => windowQuery('Transaction').joinedField('Account' as never, 'name' as never)).toThrow(/join Account first/);
    expect(() => windowQuery('Transaction').join('Account', { accountId: 'id' }).join('Account', { accountId: 'id' })).toThrow(/joined already/);
    // A joined field belongs to its query: another query (without the join) refuses it before any SQL.
    const joined = windowQuery('Transaction').join('Account', { accountId: 'id' });
    const segment = joined.joinedField('Account', 'segment');
    const other = windowQuery('Transaction').join('Account', { accountId: 'id' });
    expect(() => windowQuery('Transaction').select('id').selectExpr('s', segment)).toThrow(/reads another query's columns/);
    expect(() => other.select('id').selectExpr('s', segment)).toThrow(/reads another query's columns/);
    expect(() => windowQuery('Transaction').select('id').orderBy(segment)).toThrow(/reads another query's columns/);
    expect(() => windowQuery('Transaction').select('id').add('n', f.rowNumber(), windowSpec('Transaction').partitionBy(segment).orderBy('createdAt'))).toThrow(
      /belongs to that query/,
    );
    expect(() => groupedQuery('Transaction').groupBy('segment', segment)).toThrow(/reads another query's columns/);
    expect(joined.select('id').selectExpr('s', segment).orderBy(segment).toSql().text).toContain('"Account.segment"');
  });
});

describe('a joined list of rows (joinValues)', () => {
  const s = windowFunctions('SalesRecord');
  const x = expressions('SalesRecord');
  const targets = [
    { region: 'north', target: new Prisma.Decimal('150.00'), since: new Date('2026-01-31T00:00:00Z') },
    { region: 'south', target: new Prisma.Decimal('0.10'), since: new Date('2026-01-01T00:00:00Z') },
  ];
  const columns = { region: 'text', target: 'numeric', since: 'date' } as const;

  beforeAll(async () => {
    await withPg(db.url, (client) =>
      client.query(`INSERT INTO "SalesRecord" (region, "saleDate", revenue) VALUES
        ('north', '2026-01-30', 100.00), ('north', '2026-01-31', 80.00), ('south', '2026-01-30', 79.50), ('east', '2026-01-30', 5.00)`),
    );
  });

  it('a running total against a target given by the application equals the hand-written VALUES join', async () => {
    const q = windowQuery('SalesRecord').joinValues('targets', columns, targets, { region: 'region' }, { kind: 'left' });
    const target = q.joinedValue('targets', 'target');
    const byRegion = windowSpec('SalesRecord').partitionBy('region').orderBy('saleDate');
    const rows = await q
      .select('id', 'region')
      .selectExpr('target', target)
      .selectExpr('since', q.joinedValue('targets', 'since'))
      .window('w', byRegion)
      .add('total', s.runningTotal('revenue'), 'w')
      .selectExpr('left', x.sub(target, x.over(s.runningTotal('revenue'), 'w')))
      .execute(db.prisma);
    expectTypeOf(rows[0]!.target).toEqualTypeOf<Prisma.Decimal | null>();
    expectTypeOf(rows[0]!.since).toEqualTypeOf<Date | null>();
    const expected = await byHand(`
      SELECT t.id::text, t.region, v.target, v.since::text AS since, v.target - SUM(t.revenue) OVER w AS "left"
      FROM "SalesRecord" t LEFT JOIN (VALUES ('north', 150.00::numeric, '2026-01-31'::date), ('south', 0.10, '2026-01-01')) AS v(region, target, since)
        ON t.region = v.region
      WINDOW w AS (PARTITION BY t.region ORDER BY t."saleDate", t.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
      ORDER BY t.region, t."saleDate", t.id`);
    expect(expected).toHaveLength(4);
    expect(rows.map((r) => [String(r.id), r.region, text(r.target), r.since?.toISOString().slice(0, 10) ?? null, text(r.left)])).toEqual(
      expected.map((r) => [r.id, r.region, decimal(r.target), r.since, decimal(r.left)]),
    );
    // The statement's text does not grow with the list: one bound array per column.
    const one = windowQuery('SalesRecord').joinValues('targets', columns, targets.slice(0, 1), { region: 'region' }).select('id').toSql();
    const two = windowQuery('SalesRecord').joinValues('targets', columns, targets, { region: 'region' }).select('id').toSql();
    expect(one.text).toBe(two.text);
  });

  it('refuses repeated keys, values that do not fit their column, and unknown columns, before any SQL', () => {
    expect(() => windowQuery('SalesRecord').joinValues('t', columns, [targets[0]!, targets[0]!], { region: 'region' })).toThrow(ValidationError);
    expect(() => windowQuery('SalesRecord').joinValues('t', columns, [targets[0]!, targets[0]!], { region: 'region' })).toThrow(/repeats the key/);
    expect(() => windowQuery('SalesRecord').joinValues('t', columns, [{ ...targets[0]!, target: 1.5 as never }], { region: 'region' })).toThrow(/expected a Prisma.Decimal/);
    expect(() => windowQuery('SalesRecord').joinValues('t', columns, targets, { region: 'nope' as never })).toThrow(/not one of its columns/);
    expect(() => windowQuery('SalesRecord').joinValues('t', columns, targets, { revenue: 'region' })).toThrow(/cannot be compared/);
    // A float field against numeric keys would be compared as floats: 0.1 and 0.1000000000000000001 both match 0.1.
    expect(() => windowQuery('Reading').joinValues('r', { v: 'numeric' }, [{ v: new Prisma.Decimal('0.1') }], { value: 'v' })).toThrow(/cannot be compared exactly/);
    expect(() => windowQuery('SalesRecord').joinValues('t', { region: 'json' as never }, [], { region: 'region' })).toThrow(WindowSpecError);
    expect(() => windowQuery('SalesRecord').joinValues('bad name', columns, targets, { region: 'region' })).toThrow(/Invalid alias/);
  });
});
