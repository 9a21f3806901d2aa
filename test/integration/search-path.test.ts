/**
 * Tables named with their schema. Prisma's own queries name a model's table `"public"."Transaction"` (no
 * `@@schema`), whatever the session's `search_path`; the library's statements do too. With a search path that
 * finds a same-named table in another schema first, the library had read and written that other table, while
 * Prisma's `createMany` (and the application's own Prisma queries) used `public`: running totals of no rows, or of
 * another tenant's. The reference is plain SQL on `public."Transaction"`, integer cents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPrismaClient, TransactionRepository, type PrismaClient } from '../../prisma/app/index.ts';
import { conditions, expressions, groupedQuery, windowFunctions, windowQuery } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { textRows, withPg } from '../support/plain-sql.ts';

const db = useTestDatabase();
let prisma: PrismaClient;

const ROWS = Array.from({ length: 12 }, (_, i) => ({
  accountId: 1 + (i % 3),
  amount: `${(i * 37) % 500}.${String(i * 7 % 100).padStart(2, '0')}`,
  createdAt: new Date(Date.UTC(2026, 2, 1 + i, 10, 0, 0)),
  externalId: `sp-${i}`,
}));

beforeAll(async () => {
  await withPg(db.url, async (client) => {
    await client.query('CREATE SCHEMA shadow');
    await client.query('CREATE TABLE shadow."Transaction" (LIKE public."Transaction" INCLUDING ALL)');
    await client.query(`INSERT INTO shadow."Transaction" ("accountId", amount, "createdAt") VALUES (1, 999999.99, '2026-03-05 00:00:00.000001+00')`);
    await client.query(`ALTER DATABASE "${db.name}" SET search_path = shadow, public`);
  });
  prisma = createPrismaClient(db.url);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await withPg(db.url, (client) => client.query(`ALTER DATABASE "${db.name}" RESET search_path`));
});

const centsOf = (text: string) => BigInt(text.replace('.', ''));

describe('a search_path that finds a same-named table in another schema first', () => {
  it('is the session the library runs in', async () => {
    const [{ path }] = await prisma.$queryRaw<[{ path: string }]>`SELECT current_setting('search_path') AS path`;
    expect(path).toBe('shadow, public');
  });

  it.each(['unnest', 'createMany'] as const)('insertMany (%s) writes public."Transaction", as Prisma does', async (strategy) => {
    const rows = ROWS.filter((_, i) => (strategy === 'unnest' ? i % 2 === 0 : i % 2 === 1));
    const result = await new TransactionRepository(prisma).insertMany(rows, { strategy });
    expect(result.inserted).toBe(rows.length);
    const [counts] = await textRows(db.url, `SELECT (SELECT count(*) FROM public."Transaction")::text AS public, (SELECT count(*) FROM shadow."Transaction")::text AS shadow`);
    expect(counts!.shadow).toBe('1');
    expect(Number(counts!.public)).toBe(strategy === 'unnest' ? 6 : 12);
  });

  it('running totals, a page walk, a balance and a grouped query read public."Transaction"', async () => {
    const expected = await textRows(
      db.url,
      `SELECT id::text, "accountId"::text AS account, SUM(COALESCE(amount, 0)) OVER (PARTITION BY "accountId" ORDER BY "createdAt", id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::text AS total
       FROM public."Transaction" ORDER BY "accountId", "createdAt", id`,
    );
    expect(expected).toHaveLength(12);
    const repository = new TransactionRepository(prisma);
    const totals = await repository.runningTotals();
    expect(totals.map((row) => [String(row.id), row.runningTotal.toFixed(2)])).toEqual(expected.map((row) => [row.id, row.total]));

    const page = await repository.page({ partition: 2, limit: 3 });
    expect(page.rows.map((row) => [String(row.id), row.runningTotal.toFixed(2)])).toEqual(
      expected.filter((row) => row.account === '2').slice(0, 3).map((row) => [row.id, row.total]),
    );

    const [balance] = await repository.balanceAsOf({ partitions: [1], at: new Date(Date.UTC(2026, 11, 31)) });
    const [sum] = await textRows(db.url, `SELECT SUM(amount)::text AS s FROM public."Transaction" WHERE "accountId" = 1`);
    expect(centsOf(balance!.balance.toFixed(2))).toBe(centsOf(sum!.s!));

    const counts = await groupedQuery('Transaction')
      .where(conditions('Transaction').compare('accountId', '=', 1))
      .groupBy('day', expressions('Transaction').bucket('createdAt', 'day', { timeZone: 'Europe/Berlin' }))
      .aggregate('n', windowFunctions('Transaction').count())
      .execute(prisma);
    expect(counts.reduce((n, row) => n + Number(row.n), 0)).toBe(4);

    const joined = await windowQuery('Transaction').select('id').join('Account', { accountId: 'id' }, { kind: 'left' }).execute(prisma);
    expect(joined).toHaveLength(12);
  });
});
