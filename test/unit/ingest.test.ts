import { describe, expect, it, vi } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { SerializationFailureError, ValidationError } from '../../src/index.ts';
import { SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { formatUtcTimestamp } from '../../src/ingest/unnest.ts';
import { prepareBatch } from '../../src/ingest/bulk-insert.ts';
import { allWritten, mockPrisma, oneLine, postgresError, sentSql, writeConflict } from '../support/mock-client.ts';
import { transactionRow as row, transactionRows } from '../support/rows.ts';

describe("insertMany with strategy 'unnest'", () => {
  it('sends one INSERT ... SELECT * FROM unnest(arrays) per chunk with catalog names and bound arrays', async () => {
    const db = mockPrisma();
    // The clock only moves while a chunk is written: each takes 700 ms.
    vi.useFakeTimers({ toFake: ['Date'] });
    db.tx.$queryRaw.mockImplementation(((...args: unknown[]) => {
      vi.setSystemTime(Date.now() + 700);
      return (allWritten as (...a: unknown[]) => unknown)(...args);
    }) as never);
    const rows = transactionRows(5, (i) => ({ externalId: i === 1 ? null : `ext-${i}` }));
    const result = await new TransactionRepository(db.prisma).insertMany(rows, { chunkSize: 3, strategy: 'unnest' }).finally(() => vi.useRealTimers());
    expect(result).toEqual({ inserted: 5, skipped: 0, chunks: 2, strategy: 'unnest' });
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(1);
    // With an idempotency key, the rows written are counted from RETURNING (a row count would include the rows
    // Citus pulled to its coordinator and then skipped).
    const sql = sentSql(db.tx.$queryRaw);
    expect(oneLine(sql)).toBe(
      'WITH written AS (INSERT INTO "public"."Transaction" ("accountId", "amount", "createdAt", "externalId") SELECT * FROM ' +
        'unnest($1::int4[], $2::numeric[], $3::timestamptz[], $4::text[]) ON CONFLICT ("externalId") DO NOTHING ' +
        'RETURNING 1) SELECT count(*) AS inserted FROM written',
    );
    // A statement before each chunk bounds it on the server (Prisma's own timer cannot interrupt one) by what is
    // left of the default timeout (10 s + 1 ms per row): all of it, then 700 ms less after the first chunk.
    expect(db.tx.$executeRaw).toHaveBeenCalledTimes(2);
    expect(oneLine(sentSql(db.tx.$executeRaw))).toContain('SELECT set_config(name');
    expect(sentSql(db.tx.$executeRaw).values).toEqual([10_005, 10_005, 'statement_timeout']);
    expect(sentSql(db.tx.$executeRaw, 1).values).toEqual([9_305, 9_305, 'statement_timeout']);
    // Keyed rows first, in key order (rows 0, 2, 3, then 4), then the unkeyed row 1. Exact decimal strings
    // (never floats), NULLs kept, explicit UTC offsets.
    expect(sql.values).toEqual([
      [1, 3, 1],
      ['0.25', '2.25', null],
      ['2026-01-01 00:00:00.000+00', '2026-01-01 00:00:02.000+00', '2026-01-01 00:00:03.000+00'],
      ['ext-0', 'ext-2', 'ext-3'],
    ]);
    expect(sentSql(db.tx.$queryRaw, 1).values).toEqual([[2, 2], ['4.25', '1.25'], ['2026-01-01 00:00:04.000+00', '2026-01-01 00:00:01.000+00'], ['ext-4', null]]);
  });

  it('uses the date column type and whole days for SalesRecord', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockImplementation(allWritten as never);
    const hostile = `'; DROP TABLE "SalesRecord"; --`;
    await new SalesRecordRepository(db.prisma).insertMany([
      { region: hostile, saleDate: new Date('2026-03-01'), revenue: new Prisma.Decimal('1e2') },
    ]);
    const sql = sentSql(db.tx.$queryRaw);
    expect(oneLine(sql)).toContain('unnest($1::text[], $2::date[], $3::numeric[], $4::text[])');
    expect(sql.text).not.toContain('DROP');
    expect(sql.values).toEqual([[hostile], ['2026-03-01'], ['100'], [null]]);
  });

  it('reports rows the database did not insert (existing externalId) as skipped', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockResolvedValueOnce([{ inserted: 2n }]).mockResolvedValueOnce([{ inserted: 0n }]);
    const rows = transactionRows(4, (i) => ({ externalId: `k${i}` }));
    const result = await new TransactionRepository(db.prisma).insertMany(rows, { chunkSize: 2 });
    expect(result).toEqual({ inserted: 2, skipped: 2, chunks: 2, strategy: 'unnest' });
  });

  it("with strategy 'createMany', keyed rows skip stored keys through createManyAndReturn, and a row it did not write is sent again by key", async () => {
    const db = mockPrisma();
    // 'a' is written; 'b' is not: sent again with ON CONFLICT ("externalId") DO NOTHING, which skips it too.
    db.tx.transaction.createManyAndReturn.mockResolvedValue([{ externalId: 'a' }] as never);
    db.tx.$queryRaw.mockResolvedValue([{ inserted: 0n }]);
    db.tx.transaction.createMany.mockResolvedValue({ count: 1 });
    const result = await new TransactionRepository(db.prisma).insertMany([row(0, { externalId: 'a' }), row(1, { externalId: 'b' }), row(2)], { strategy: 'createMany' });
    expect(result).toEqual({ inserted: 2, skipped: 1, chunks: 1, strategy: 'createMany' });
    expect(db.tx.transaction.createManyAndReturn.mock.calls[0]?.[0]).toMatchObject({ skipDuplicates: true, select: { externalId: true } });
    const again = sentSql(db.tx.$queryRaw, db.tx.$queryRaw.mock.calls.length - 1);
    expect(oneLine(again)).toContain('ON CONFLICT ("externalId") DO NOTHING');
    expect(again.values.at(-1)).toEqual(['b']);
    // The row without a key: createMany without skipDuplicates, so any unique index that refuses it fails the batch.
    expect(db.tx.transaction.createMany.mock.calls[0]?.[0]).toEqual({ data: [expect.objectContaining({ accountId: 3 })] });
  });

  it('formats timestamps with four-digit years and an explicit offset', () => {
    expect(formatUtcTimestamp(new Date('0001-01-01T00:00:00Z'))).toBe('0001-01-01 00:00:00.000+00');
    expect(formatUtcTimestamp(new Date('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31 23:59:59.999+00');
  });
});

describe('idempotency keys and options are validated before any SQL', () => {
  it.each([
    ['a duplicate externalId in one batch', [row(0, { externalId: 'x' }), row(1, { externalId: 'y' }), row(2, { externalId: 'x' })], undefined, /rows\[2\]\.externalId: repeats the externalId of rows\[0\]/],
    ['an empty externalId', [row(0, { externalId: '' })], undefined, /rows\[0\]\.externalId: must not be empty/],
    ['an externalId with NUL', [row(0, { externalId: 'a\u0000b' })], undefined, /NUL character/],
    ['an overlong externalId', [row(0, { externalId: 'x'.repeat(129) })], undefined, /at most 128/],
    ['a non-string externalId', [{ ...row(0), externalId: 7 }], undefined, /expected a string/],
    ['an unknown strategy', [row(0)], { strategy: 'bulk' }, /options\.strategy: must be one of/],
    ['copy without a pgPool', [row(0)], { strategy: 'copy' }, /construct the repository with the pgPool option/],
    ['a zero chunk size', [row(0)], { chunkSize: 0 }, /options\.chunkSize: expected a positive integer/],
    ['a negative timeout', [row(0)], { timeoutMs: -1 }, /options\.timeoutMs: expected a positive integer/],
    ['a bad retry count', [row(0)], { retry: { maxAttempts: 0 } }, /options\.retry\.maxAttempts/],
    ['a date before year 1', [{ ...row(0), createdAt: new Date('-000001-01-01T00:00:00Z') }], undefined, /outside the supported range/],
    ['a date after year 9999', [{ ...row(0), createdAt: new Date('+010000-01-01T00:00:00Z') }], undefined, /outside the supported range/],
  ])('rejects %s', async (_name, rows, options, message) => {
    const db = mockPrisma();
    const attempt = new TransactionRepository(db.prisma).insertMany(rows as never, options as never);
    await expect(attempt).rejects.toThrow(ValidationError);
    await expect(new TransactionRepository(db.prisma).insertMany(rows as never, options as never)).rejects.toThrow(message);
    expect(db.prisma.$transaction).not.toHaveBeenCalled();
    expect(db.tx.$executeRaw).not.toHaveBeenCalled();
    expect(db.tx.$queryRaw).not.toHaveBeenCalled();
  });
});

describe('insertMany retries a serialization failure in a transaction it owns', () => {
  it('runs the whole batch again and succeeds', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockRejectedValueOnce(writeConflict()).mockResolvedValue([{ inserted: 1n }]);
    const result = await new TransactionRepository(db.prisma).insertMany([row(0, { externalId: 'a' })], { retry: { baseDelayMs: 0 } });
    expect(result.inserted).toBe(1);
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(2);
  });

  it('gives up after maxAttempts with SerializationFailureError carrying the attempts', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockRejectedValue(postgresError('40P01'));
    const attempt = new TransactionRepository(db.prisma).insertMany([row(0, { externalId: 'a' })], { retry: { maxAttempts: 3, baseDelayMs: 0 } });
    await expect(attempt).rejects.toBeInstanceOf(SerializationFailureError);
    await expect(attempt).rejects.toMatchObject({ attempts: 3, sqlState: '40P01' });
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(3);
  });

  it('does not retry with retry: false', async () => {
    const db = mockPrisma();
    db.tx.$queryRaw.mockRejectedValue(writeConflict());
    await expect(new TransactionRepository(db.prisma).insertMany([row(0)], { retry: false })).rejects.toMatchObject({ attempts: 1 });
    expect(db.prisma.$transaction).toHaveBeenCalledTimes(1);
  });
});

describe('which batches keep their validated rows', () => {
  // A batch bound for a COPY that runs, with a pure requireRow, keeps only its keys and validates rows again as
  // they are written: a change to a row after the call shows. Every other batch holds the rows it validated.
  const pool = {} as never;
  const target = { model: 'T', insertFields: ['n'], pgPool: pool };
  const requireRow = (_path: string, value: unknown) => ({ n: (value as { n: number }).n });
  const firstRowAfterAChange = (settings: { copyRuns: boolean; pureRequireRow: boolean }, strategy?: 'unnest' | 'copy') => {
    const rows = [{ n: 1 }, { n: 2 }];
    const batch = prepareBatch(rows, strategy && { strategy }, requireRow, { ...target, ...settings });
    rows[0]!.n = 99;
    return [...batch.rows.slices(10)].flat()[0];
  };

  it.each([
    ['COPY runs, requireRow is pure', { copyRuns: true, pureRequireRow: true }, undefined, { n: 99 }],
    ['COPY cannot run (a transaction client, insertAndReport)', { copyRuns: false, pureRequireRow: true }, undefined, { n: 1 }],
    ['requireRow is not pure (an override, a generated default)', { copyRuns: true, pureRequireRow: false }, undefined, { n: 1 }],
    ["strategy 'unnest'", { copyRuns: true, pureRequireRow: true }, 'unnest' as const, { n: 1 }],
  ])('%s', (_, settings, strategy, first) => {
    expect(firstRowAfterAChange(settings, strategy)).toEqual(first);
  });
});
