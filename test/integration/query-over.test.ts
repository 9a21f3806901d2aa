/**
 * A query over another query's rows (`queryOver`, a CTE): windows over window results, which one query cannot hold
 * because window functions do not nest — the change of a running balance, the rank of each balance within its
 * account, a moving average of a moving average — against the same CTE written by hand in plain SQL through `pg`,
 * on microsecond ties and NULL amounts, in a session whose zone is not UTC.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

import { Prisma } from '../../prisma/app/index.ts';
import { PrismaClient } from '../../prisma/generated/prisma/client.ts';
import { expressions, groupedQuery, queryOver, windowFunctions, windowQuery, windowSpec, WindowSpecError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { textRows, withPg } from '../support/plain-sql.ts';

const db = useTestDatabase();
const f = windowFunctions('Transaction');
const e = expressions('Transaction');
const byAccount = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');
const decimal = (value: string | null | undefined) => (value === null || value === undefined ? null : new Prisma.Decimal(value).toFixed());
const text = (value: Prisma.Decimal | null) => (value === null ? null : value.toFixed());

let zoned: PrismaClient;
beforeAll(async () => {
  await withPg(db.url, (client) =>
    client.query(`INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES
      (1, 10.00, '2026-01-01 09:00:00.000001+00'), (1, -4.00, '2026-01-01 09:00:00.000001+00'), (1, NULL, '2026-01-02 00:00:00+00'),
      (1, 25.50, '2026-01-03 12:00:00+00'), (2, 100.00, '2026-01-01 00:00:00+00'), (2, -100.00, '2026-01-01 00:00:00.5+00'), (2, 0.01, '2026-01-05 00:00:00+00')`),
  );
  await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" SET timezone = 'Asia/Kolkata'`);
  zoned = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
});
afterAll(async () => {
  await zoned.$disconnect();
  await db.prisma.$executeRawUnsafe(`ALTER DATABASE "${db.name}" RESET timezone`);
});

describe('windows over window results', () => {
  it('the change of a running balance and the rank of each balance in its account equal the hand-written CTE', async () => {
    const balances = windowQuery('Transaction').select('id', 'accountId', 'createdAt', 'amount').add('balance', f.runningTotal('amount'), byAccount);
    const q = queryOver(balances);
    const inAccount = q.overRows().partitionBy(q.column('accountId')).orderBy(q.column('createdAt'));
    const rows = await q
      .add('previousBalance', f.lag(q.column('balance')), inAccount)
      .add('rankOfBalance', f.rank(), q.overRows().partitionBy(q.column('accountId')).orderBy(q.column('balance'), 'desc'))
      .selectExpr('change', e.sub(q.column('balance'), e.over(f.lag(q.column('balance')), inAccount)))
      .execute(zoned);
    expectTypeOf(rows[0]!.balance).toEqualTypeOf<Prisma.Decimal>();
    expectTypeOf(rows[0]!.createdAt).toEqualTypeOf<Date>();
    const expected = await textRows(
      db.url,
      `WITH b AS (SELECT id, "accountId", "createdAt", amount,
          SUM(COALESCE(amount, 0)) OVER (PARTITION BY "accountId" ORDER BY "createdAt", id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS balance
        FROM "Transaction")
      SELECT id::text, to_json("createdAt") #>> '{}' AS at, balance, lag(balance) OVER w AS prev, rank() OVER (PARTITION BY "accountId" ORDER BY balance DESC) AS rnk,
        balance - lag(balance) OVER w AS change
      FROM b WINDOW w AS (PARTITION BY "accountId" ORDER BY "createdAt", id) ORDER BY "accountId", "createdAt", id`,
    );
    expect(expected).toHaveLength(7);
    expect(rows.map((r) => [String(r.id), r.createdAt.getTime(), text(r.balance), text(r.previousBalance), String(r.rankOfBalance), text(r.change)])).toEqual(
      expected.map((r) => [r.id, Math.floor(Date.parse(r.at!)), decimal(r.balance), decimal(r.prev), r.rnk, decimal(r.change)]),
    );
  });

  it('a moving average of a moving average, and streaming the same rows', async () => {
    const smooth = windowQuery('Transaction').select('id', 'accountId', 'createdAt').add('avg2', f.movingAverage('amount', { rows: 2 }), byAccount);
    const q = queryOver(smooth);
    const full = q.add('avg2of2', f.avg(q.column('avg2')), q.overRows().partitionBy(q.column('accountId')).orderBy(q.column('createdAt')).rows({ preceding: 1 }, 'CURRENT ROW'));
    const rows = await full.execute(zoned);
    const expected = await textRows(
      db.url,
      `WITH s AS (SELECT id, "accountId", "createdAt", AVG(amount) OVER (PARTITION BY "accountId" ORDER BY "createdAt", id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM "Transaction")
      SELECT id::text, AVG(a) OVER (PARTITION BY "accountId" ORDER BY "createdAt", id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS v FROM s ORDER BY "accountId", "createdAt", id`,
    );
    expect(rows.map((r) => [String(r.id), text(r.avg2of2)])).toEqual(expected.map((r) => [r.id, decimal(r.v)]));
    const streamed: typeof rows = [];
    for await (const row of full.stream(zoned, { chunkSize: 3 })) streamed.push(row);
    expect(streamed.map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it('a source filtered by a window result on an instant output compares in the instant type, whatever the session zone', async () => {
    const cutoff = new Date('2026-01-02T00:00:00Z');
    const source = windowQuery('Transaction').select('id', 'accountId').add('firstAt', f.min('createdAt'), byAccount).add('at', f.max('createdAt'), byAccount).whereResult('at', '>=', cutoff);
    const direct = await source.execute(zoned);
    const q = queryOver(source);
    const rows = await q.add('n', f.rowNumber(), q.overRows().orderBy(q.column('id'))).execute(zoned);
    const key = (r: { id: unknown; at: Date | null }) => `${String(r.id)}@${r.at!.toISOString()}`;
    expect(rows.map(key).sort()).toEqual(direct.map(key).sort());
    expect(rows.every((r) => r.at!.getTime() >= cutoff.getTime())).toBe(true);
    expect(rows.length).toBe(3); // account 1 from 2026-01-02 on (2 rows), account 2 on 2026-01-05 (1)
  });

  it('refuses a source without its id, grouping or filtering the source rows here, and windows over the model rows', () => {
    expect(() => queryOver(windowQuery('Transaction').select('accountId').add('n', f.count(), byAccount))).toThrow(/must select id/);
    const q = queryOver(windowQuery('Transaction').select('id', 'accountId').add('n', f.count(), byAccount));
    expect(() => q.groupBy('accountId' as never)).toThrow(/takes its rows and columns from that query/);
    expect(() => q.add('x', f.rowNumber(), byAccount)).toThrow(/must come from its overGroups/);
    expect(() => groupedQuery('Transaction').groupBy('accountId').add('x', f.rowNumber(), q.overRows().orderBy(q.column('n')))).toThrow(WindowSpecError);
  });
});
