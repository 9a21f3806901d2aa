/**
 * `windowQuery(...).page()`: a page walk returns exactly the rows `execute` returns, in the same order and with
 * the same window values, whatever the page size; each row once, resuming after stored microsecond positions.
 * Balances are also checked against integer cents summed here from rows read through plain `pg`.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  conditions,
  InvalidCursorError,
  ValidationError,
  windowFunctions,
  windowQuery,
  windowSpec,
  WindowSpecError,
  type WindowQuery,
} from '../../src/index.ts';
import { comparable } from '../support/comparable.ts';
import { useTestDatabase } from '../support/database.ts';

const db = useTestDatabase();
const f = windowFunctions('Transaction');
const perAccount = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');

// 3 accounts, 40 rows: timestamps that differ only in microseconds, exact ties (peers), NULL amounts.
const ROWS = Array.from({ length: 40 }, (_, i) => ({
  accountId: 1 + (i % 3),
  amount: i % 7 === 0 ? null : `${(i * 53) % 400 - 150}.${String((i * 17) % 100).padStart(2, '0')}`,
  createdAt: `2026-03-0${1 + (i % 4)} 10:00:00.${String(100000 + (i % 5) * 7).padStart(6, '0')}+00`,
}));

beforeAll(async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const row of ROWS) {
      await client.query('INSERT INTO "Transaction" ("accountId", amount, "createdAt") VALUES ($1, $2, $3)', [row.accountId, row.amount, row.createdAt]);
    }
  } finally {
    await client.end();
  }
});

/** Every page until nextCursor is null; bounded, so a repeated row fails instead of looping. */
async function walk<Row extends object, W extends string>(query: WindowQuery<'Transaction', Row, W>, limit: number): Promise<Row[]> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (let pages = 0; pages <= ROWS.length + 1; pages++) {
    const page: { rows: Row[]; nextCursor: string | null } = await query.page(db.prisma, { limit, after });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    rows.push(...page.rows);
    if (page.nextCursor === null) return rows;
    after = page.nextCursor;
  }
  throw new Error(`no last page after ${ROWS.length + 1} pages of ${limit}`);
}

const ledger = windowQuery('Transaction')
  .select('id', 'accountId', 'createdAt', 'amount')
  .add('balance', f.runningTotal('amount'), perAccount)
  .add('previous', f.lag('amount'), perAccount)
  .add('rank', f.rank(), windowSpec('Transaction').partitionBy('accountId').orderBy('amount', 'desc', 'last'));

describe('windowQuery().page()', () => {
  for (const limit of [1, 2, 3, 7, 39, 40, 41, 100]) {
    it(`walks the same rows as execute, page size ${limit}`, async () => {
      const all = comparable(await ledger.execute(db.prisma));
      expect(all).toHaveLength(ROWS.length);
      expect(comparable(await walk(ledger, limit))).toEqual(all);
    });
  }

  it('balances on pages equal integer cents summed from plain SQL reads', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client
      .query<{ id: string; accountId: number; amount: string | null }>(
        `SELECT id::text, "accountId", amount::text FROM "Transaction" ORDER BY "accountId", "createdAt", id`,
      )
      .finally(() => client.end());
    const totals = new Map<number, bigint>();
    const expected = rows.map((row) => {
      const total = (totals.get(row.accountId) ?? 0n) + (row.amount === null ? 0n : BigInt(row.amount.replace('.', '')));
      totals.set(row.accountId, total);
      return [row.id, total];
    });
    const walked = await walk(ledger, 4);
    expect(walked.map((row) => [String(row.id), BigInt(row.balance.toFixed(2).replace('.', ''))])).toEqual(expected);
  });

  it('pages descending and mixed orders, and top-N queries, exactly as execute', async () => {
    const queries: WindowQuery<'Transaction', object, never>[] = [
      windowQuery('Transaction').select('id', 'createdAt').add('n', f.rowNumber(), perAccount).orderBy('createdAt', 'desc'),
      windowQuery('Transaction').select('id', 'accountId').add('n', f.rowNumber(), perAccount).orderBy('accountId', 'desc').orderBy('createdAt'),
      windowQuery('Transaction').select('id', 'accountId', 'createdAt').topPerPartition(4, perAccount),
    ];
    for (const query of queries) {
      const all = comparable(await query.execute(db.prisma));
      for (const limit of [1, 5]) expect(comparable(await walk(query, limit))).toEqual(all);
    }
  });

  it("refuses another query's cursor, an altered one, and queries it cannot page", async () => {
    const first = await ledger.page(db.prisma, { limit: 5 });
    const other = windowQuery('Transaction').select('id').add('n', f.rowNumber(), perAccount);
    await expect(other.page(db.prisma, { limit: 5, after: first.nextCursor })).rejects.toThrow(InvalidCursorError);
    const filtered = ledger.where(conditions('Transaction').compare('accountId', '>=', 1));
    await expect(filtered.page(db.prisma, { limit: 5, after: first.nextCursor })).rejects.toThrow(/different query/);
    const altered = `${first.nextCursor!.slice(0, -2)}${first.nextCursor!.endsWith('A') ? 'BB' : 'AA'}`;
    await expect(ledger.page(db.prisma, { limit: 5, after: altered })).rejects.toThrow(InvalidCursorError);
    await expect(ledger.page(db.prisma, { limit: 5, after: first.nextCursor, cursorSecret: 'another-secret-0123456789' })).rejects.toThrow(
      /signature/,
    );
    await expect(ledger.page(db.prisma, { limit: 0 })).rejects.toThrow(ValidationError);
    await expect(ledger.limit(3).page(db.prisma, { limit: 5 })).rejects.toThrow(WindowSpecError);
    await expect(windowQuery('Transaction').select('id').orderBy('amount').page(db.prisma, { limit: 5 })).rejects.toThrow(/nullable/);
    await expect(windowQuery('Transaction').select('id').add('__page_order_0', f.rank(), perAccount).page(db.prisma, { limit: 5 })).rejects.toThrow(
      WindowSpecError,
    );
  });
});
