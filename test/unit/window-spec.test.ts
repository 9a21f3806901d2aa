import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { RUNNING_RANGE, windowSpec, WindowSpecError, type WindowSpec } from '../../src/index.ts';

const text = (sql: Prisma.Sql) => sql.text.replace(/\s+/g, ' ').trim();

describe('windowSpec', () => {
  it('appends the id tiebreaker and renders the ROWS frame explicitly by default', () => {
    const sql = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt').toSql();
    expect(text(sql)).toBe(
      'PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
    );
    expect(sql.values).toEqual([]);
  });

  it('gives the tiebreaker the direction of the last key, so a descending index still serves the order', () => {
    const sql = windowSpec('SalesRecord').orderBy('saleDate', 'desc', 'last').toSql();
    expect(text(sql)).toBe(
      'ORDER BY "saleDate" DESC NULLS LAST, "id" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
    );
  });

  it('does not append id twice when id is already an order key', () => {
    const sql = windowSpec('Transaction').orderBy('id').toSql();
    expect(text(sql)).toBe('ORDER BY "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
  });

  it('leaves the tiebreaker out of RANGE windows, where equal timestamps must stay peers', () => {
    const sql = windowSpec('Transaction').orderBy('createdAt').frame(RUNNING_RANGE).toSql();
    expect(text(sql)).toBe('ORDER BY "createdAt" ASC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
  });

  it('binds interval offsets as parameters and prints validated row offsets', () => {
    const moving = windowSpec('SalesRecord').orderBy('saleDate').range({ preceding: { interval: '6 days' } });
    expect(text(moving.toSql())).toBe('ORDER BY "saleDate" ASC RANGE BETWEEN CAST($1 AS interval) PRECEDING AND CURRENT ROW');
    expect(moving.toSql().values).toEqual(['6 days']);
    const rows = windowSpec('SalesRecord').orderBy('saleDate').rows({ preceding: 6 }, { following: 1 });
    expect(text(rows.toSql())).toContain('ROWS BETWEEN 6 PRECEDING AND 1 FOLLOWING');
  });

  it('is immutable: every call returns a new spec and leaves the original unchanged', () => {
    const base = windowSpec('Transaction').orderBy('createdAt');
    const partitioned = base.partitionBy('accountId');
    expect(partitioned).not.toBe(base);
    expect(base.partitionFields).toEqual([]);
    expect(partitioned.partitionFields).toEqual(['accountId']);
    expect(Object.isFrozen(base.orderItems)).toBe(true);
  });

  it('refuses to render a window without ORDER BY, at compile time and at run time', () => {
    const unordered = windowSpec('Transaction').partitionBy('accountId');
    // @ts-expect-error — toSql exists only on an ordered spec
    expect(() => unordered.toSql()).toThrow(WindowSpecError);
    const forced = unordered as unknown as WindowSpec<'Transaction', true>;
    expect(() => forced.toSql()).toThrow(/Call \.orderBy\(field\)/);
  });

  it('rejects unknown fields with the list of known ones', () => {
    // @ts-expect-error — not a field of Transaction
    expect(() => windowSpec('Transaction').orderBy('created_at')).toThrow(/Unknown field "created_at".*createdAt/);
    // @ts-expect-error — not a model
    expect(() => windowSpec('Invoice')).toThrow(WindowSpecError);
  });

  it('rejects frames PostgreSQL would reject, with a message saying what to do', () => {
    const ordered = windowSpec('Transaction').orderBy('createdAt');
    expect(() => ordered.rows('CURRENT ROW', { preceding: 1 })).toThrow(/cannot start after it ends/);
    expect(() => ordered.rows({ preceding: -1 })).toThrow(/non-negative integer/);
    expect(() => ordered.rows({ preceding: { interval: '1 day' } })).toThrow(/only work with RANGE/);
    expect(() => ordered.range({ preceding: { interval: "1 day'; DROP TABLE x; --" } })).toThrow(/Invalid interval/);
    expect(() => ordered.rows('UNBOUNDED FOLLOWING')).toThrow(/cannot start at UNBOUNDED FOLLOWING/);
  });
});
