/**
 * `whereResult`: filtering on window results (what QUALIFY does elsewhere). The filtered rows equal `execute()`'s
 * rows filtered here in JavaScript with exact comparisons, with every window computed over all rows first.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { Prisma } from '../../prisma/app/index.ts';
import { ValidationError, windowFunctions, windowQuery, windowSpec, WindowSpecError } from '../../src/index.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();
const f = windowFunctions('Transaction');
const perAccount = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');

beforeAll(async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (let i = 0; i < 60; i++) {
      const amount = i % 9 === 0 ? null : `${((i * 71) % 400) - 210}.${String((i * 13) % 100).padStart(2, '0')}`;
      const at = `2026-02-${String(1 + (i % 20)).padStart(2, '0')} 08:00:00.${String(i % 3).padStart(6, '0')}+00`;
      await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES ($1, $2, $3)', [1 + (i % 4), amount, at]);
    }
  } finally {
    await client.end();
  }
});

const ledger = windowQuery('Transaction')
  .select('id', 'accountId', 'createdAt', 'amount')
  .add('balance', f.runningTotal('amount'), perAccount)
  .add('n', f.rowNumber(), perAccount);

describe('whereResult', () => {
  it('keeps the rows whose running balance is below zero, computed over all rows', async () => {
    const zero = new Prisma.Decimal(0);
    const all = await ledger.execute(db.prisma);
    const negative = await ledger.whereResult('balance', '<', zero).execute(db.prisma);
    const expected = all.filter((row) => row.balance.lessThan(zero));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(negative.map((row) => [row.id, row.balance.toFixed(2)])).toEqual(expected.map((row) => [row.id, row.balance.toFixed(2)]));
  });

  it('row numbers, instants and several conditions', async () => {
    const all = await ledger.execute(db.prisma);
    const since = new Date('2026-02-10T08:00:00.000Z');
    const rows = await ledger.whereResult('n', '<=', 3n).whereResult('createdAt', '>=', since).execute(db.prisma);
    expect(rows.map((row) => row.id)).toEqual(all.filter((row) => row.n <= 3n && row.createdAt >= since).map((row) => row.id));
    const top = await windowQuery('Transaction').select('id', 'accountId', 'createdAt', 'amount').topPerPartition(3, perAccount).execute(db.prisma);
    const firstThree = await ledger.whereResult('n', '<=', 3n).execute(db.prisma);
    expect(firstThree.map((row) => row.id)).toEqual(top.map((row) => row.id));
  });

  it('pages and streams the filtered rows', async () => {
    const filtered = ledger.whereResult('balance', '>', new Prisma.Decimal('-50.5'));
    const all = await filtered.execute(db.prisma);
    const walked = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page: { rows: typeof all; nextCursor: string | null } = await filtered.page(db.prisma, { limit: 4, after });
      walked.push(...page.rows);
      if (page.nextCursor === null) break;
      after = page.nextCursor;
    }
    expect(walked.map((row) => row.id)).toEqual(all.map((row) => row.id));
    const streamed = [];
    for await (const row of filtered.stream(db.prisma, { chunkSize: 5 })) streamed.push(row.id);
    expect(streamed).toEqual(all.map((row) => row.id));
  });

  it('refuses unknown outputs, operators and values before any SQL', () => {
    expect(() => ledger.whereResult('nope' as never, '>', 1 as never)).toThrow(WindowSpecError);
    expect(() => ledger.whereResult('balance', 'LIKE' as never, new Prisma.Decimal(1))).toThrow(WindowSpecError);
    expect(() => ledger.whereResult('n', '>', Number.NaN as never)).toThrow(ValidationError);
    expect(() => ledger.whereResult('createdAt', '>', new Date('x'))).toThrow(ValidationError);
  });
});

describe('orderByResult', () => {
  it('orders by a window result, ties broken by the query order and the id', async () => {
    const all = await ledger.execute(db.prisma);
    const rows = await ledger.orderByResult('balance', 'desc').execute(db.prisma);
    const position = new Map(all.map((row, i) => [row.id, i]));
    const expected = [...all].sort((a, b) => b.balance.comparedTo(a.balance) || position.get(a.id)! - position.get(b.id)!);
    expect(rows.map((row) => row.id)).toEqual(expected.map((row) => row.id));
    const streamed = [];
    for await (const row of ledger.orderByResult('balance', 'desc').stream(db.prisma, { chunkSize: 7 })) streamed.push(row.id);
    expect(streamed).toEqual(expected.map((row) => row.id));
    await expect(ledger.orderByResult('n').page(db.prisma, { limit: 5 })).rejects.toThrow(WindowSpecError);
    expect(() => ledger.orderByResult('nope' as never)).toThrow(WindowSpecError);
  });
});
