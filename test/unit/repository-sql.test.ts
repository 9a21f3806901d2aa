import { beforeEach, describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { ValidationError } from '../../src/index.ts';
import { SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { mockPrisma, oneLine, sentSql, type MockedPrisma } from '../support/mock-client.ts';
import { transactionRow as row, transactionRows } from '../support/rows.ts';

describe('TransactionRepository SQL', () => {
  let db: MockedPrisma;
  let repo: TransactionRepository;
  beforeEach(() => {
    db = mockPrisma();
    db.prisma.$queryRaw.mockResolvedValue([]);
    repo = new TransactionRepository(db.prisma);
  });

  it('orders the per-account window by createdAt with the id tiebreaker and an explicit ROWS frame', async () => {
    await repo.runningTotals();
    expect(oneLine(sentSql(db.prisma.$queryRaw))).toBe(
      'SELECT "id" AS "id", "accountId" AS "accountId", "amount" AS "amount", ("createdAt" AT TIME ZONE INTERVAL \'+00:00\') AS "createdAt", ' +
        'SUM(COALESCE("amount", 0)) OVER (PARTITION BY "accountId" ORDER BY "createdAt" ASC, "id" ASC ' +
        'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "runningTotal" FROM "public"."Transaction" ' +
        'ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC',
    );
  });

  it('computes the global total without PARTITION BY', async () => {
    await repo.globalRunningTotals();
    const text = oneLine(sentSql(db.prisma.$queryRaw));
    expect(text).toContain('OVER (ORDER BY "createdAt" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(text).not.toContain('PARTITION BY');
    expect(text).toMatch(/ORDER BY "Transaction"."createdAt" ASC, "Transaction"."id" ASC$/);
  });

  it("uses RANGE and drops the id from the window order when frame is 'range', but keeps it in the row order", async () => {
    await repo.runningTotals({ frame: 'range' });
    const text = oneLine(sentSql(db.prisma.$queryRaw));
    expect(text).toContain('OVER (PARTITION BY "accountId" ORDER BY "createdAt" ASC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)');
    expect(text).toMatch(/ORDER BY "Transaction"."accountId" ASC, "Transaction"."createdAt" ASC, "Transaction"."id" ASC$/);
  });

  it("skips NULL amounts in WHERE when nulls is 'skip' instead of coalescing them", async () => {
    await repo.runningTotals({ nulls: 'skip' });
    const text = oneLine(sentSql(db.prisma.$queryRaw));
    expect(text).toContain('SUM("amount") OVER');
    expect(text).toContain('WHERE "amount" IS NOT NULL');
  });

  it('binds partition keys and dates as parameters, never in the SQL text', async () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-02-01T00:00:00Z');
    await repo.runningTotals({ partitions: [7, 9], from, to });
    const sql = sentSql(db.prisma.$queryRaw);
    expect(oneLine(sql)).toContain(
      'WHERE "accountId" = ANY(CAST($1 AS int4[])) AND "createdAt" >= CAST($2 AS timestamptz) AND "createdAt" < CAST($3 AS timestamptz)',
    );
    // Dates travel as exact UTC text, so the session's TimeZone cannot shift them.
    expect(sql.values).toEqual([[7, 9], '2026-01-01 00:00:00.000+00', '2026-02-01 00:00:00.000+00']);
    expect(sql.text).not.toMatch(/2026|\b7\b|\b9\b/);
  });

  it.each([
    ['a partition key of the wrong type', { partitions: ['7'] }, /options\.partitions\[0\]: expected an integer/],
    ['an empty partition list', { partitions: [] }, /options\.partitions: is empty/],
    ['from after to', { from: new Date('2026-02-01'), to: new Date('2026-01-01') }, /from .* is after to/],
    ['an invalid Date', { from: new Date('nope') }, /options\.from: is an Invalid Date/],
    ['an unknown frame', { frame: 'groups' }, /options\.frame: must be one of 'rows', 'range'/],
    ['a misspelt option', { form: new Date() }, /options\.form: is not a known option/],
  ])('rejects %s before any SQL runs', async (_name, options, message) => {
    await expect(repo.runningTotals(options as never)).rejects.toThrow(ValidationError);
    await expect(repo.runningTotals(options as never)).rejects.toThrow(message);
    expect(db.prisma.$queryRaw).not.toHaveBeenCalled();
  });
});

describe('SalesRecordRepository SQL', () => {
  it('partitions by region over saleDate, and binds a hostile region name as a plain value', async () => {
    const db = mockPrisma();
    db.prisma.$queryRaw.mockResolvedValue([]);
    const hostile = `'; DROP TABLE "SalesRecord"; --`;
    await new SalesRecordRepository(db.prisma).runningTotals({ partitions: [hostile] });
    const sql = sentSql(db.prisma.$queryRaw);
    expect(oneLine(sql)).toContain(
      'SUM("revenue") OVER (PARTITION BY "region" ORDER BY "saleDate" ASC, "id" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
    );
    expect(sql.text).not.toContain('DROP');
    expect(sql.values).toEqual([[hostile]]);
  });

  it('requires whole days for the date column and rejects NUL bytes in regions', async () => {
    const db = mockPrisma();
    const repo = new SalesRecordRepository(db.prisma);
    await expect(repo.runningTotals({ from: new Date('2026-01-01T12:00:00Z') })).rejects.toThrow(/not a whole day/);
    await expect(repo.runningTotals({ partitions: ['EU\u0000'] })).rejects.toThrow(/NUL character/);
    await expect(repo.runningTotals({ partitions: ['x'.repeat(65)] })).rejects.toThrow(/at most 64/);
    expect(db.prisma.$queryRaw).not.toHaveBeenCalled();
  });
});

describe('insertMany', () => {
  it('splits the batch into createMany chunks inside one interactive transaction', async () => {
    const db = mockPrisma();
    db.tx.transaction.createMany.mockImplementation((async (args: { data: unknown[] }) => ({ count: args.data.length })) as never);
    const rows = transactionRows(12);
    const result = await new TransactionRepository(db.prisma).insertMany(rows, {
      chunkSize: 5,
      timeoutMs: 1234,
      strategy: 'createMany',
    });
    expect(result).toEqual({ inserted: 12, skipped: 0, chunks: 3, strategy: 'createMany' });
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(1);
    expect(db.prisma.$transaction.mock.calls[0]?.[1]).toEqual({ timeout: 1234 });
    const chunkSizes = db.tx.transaction.createMany.mock.calls.map(([args]) => (args?.data as unknown[]).length);
    expect(chunkSizes).toEqual([5, 5, 2]);
    const first = (db.tx.transaction.createMany.mock.calls[0]?.[0]?.data as Array<{ amount: unknown }>)[0];
    expect(first?.amount).toBeInstanceOf(Prisma.Decimal);
    expect(String(first?.amount)).toBe('0.25');
  });

  it('reports on every partition a batch touched, even beyond the 10,000-key cap on caller-given lists', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockResolvedValueOnce([{ inserted: 10_001n }]).mockResolvedValue([]);
    const rows = transactionRows(10_001, (i) => ({ accountId: i + 1 }));
    await new TransactionRepository(db.prisma).insertAndReport(rows, { chunkSize: 20_000 });
    const report = sentSql(db.tx.$queryRaw, 1);
    expect(oneLine(report)).toContain('WHERE "accountId" = ANY(CAST($1 AS int4[]))');
    expect((report.values[0] as number[]).length).toBe(10_001);
  });

  it('joins the caller\'s transaction when constructed with a transaction client', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockResolvedValue([{ inserted: 1n }]);
    await new TransactionRepository(db.tx).insertMany([row(1)]);
    expect(db.tx.$queryRaw).toHaveBeenCalledTimes(1);
    expect(db.prisma.$transaction).not.toHaveBeenCalled();
  });

  it.each([
    ['an empty batch', [], /rows: is empty/],
    ['a non-finite amount', [{ ...row(0), amount: Number.NaN }], /rows\[0\]\.amount: NaN is not a finite amount/],
    ['an infinite Decimal', [{ ...row(0), amount: new Prisma.Decimal('Infinity') }], /not a finite amount/],
    ['too many decimals', [row(0), { ...row(1), amount: '0.005' }], /rows\[1\]\.amount: 0\.005 has 3 decimal places/],
    ['too many digits', [{ ...row(0), amount: '1000000000000' }], /does not fit numeric\(14, 2\)/],
    ['a non-integer account', [{ ...row(0), accountId: 1.5 }], /rows\[0\]\.accountId: expected an integer/],
    ['an account beyond int4', [{ ...row(0), accountId: 2 ** 31 }], /outside the integer column's range/],
    ['an invalid date', [{ ...row(0), createdAt: new Date(Number.NaN) }], /rows\[0\]\.createdAt: is an Invalid Date/],
    ['an unknown field', [{ ...row(0), acountId: 1 }], /rows\[0\]\.acountId: is not a known option/],
  ])('rejects %s before opening a transaction', async (_name, rows, message) => {
    const db = mockPrisma();
    await expect(new TransactionRepository(db.prisma).insertMany(rows as never)).rejects.toThrow(message);
    expect(db.prisma.$transaction).not.toHaveBeenCalled();
    expect(db.tx.transaction.createMany).not.toHaveBeenCalled();
  });

  it('rejects an oversized batch and a chunk size above the bind-parameter limit', async () => {
    const db = mockPrisma();
    const repo = new TransactionRepository(db.prisma);
    await expect(repo.insertMany(new Array(1_000_001))).rejects.toThrow(/at most 1000000 per call/);
    await expect(repo.insertMany([row(0)], { chunkSize: 20_000, strategy: 'createMany' })).rejects.toThrow(
      /options\.chunkSize: 20000 is larger than the maximum 8191/,
    );
    await expect(repo.insertMany([row(0)], { chunkSize: 100_001 })).rejects.toThrow(/larger than the maximum 100000/);
    expect(db.prisma.$transaction).not.toHaveBeenCalled();
  });
});
