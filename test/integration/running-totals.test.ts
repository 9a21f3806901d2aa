import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { type FrameChoice, type NullPolicy } from '../../src/index.ts';
import { SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { propertyRuns } from '../support/property-seed.ts';
import { salesArbitrary, salesLedger, transactionsArbitrary, transactionLedger } from '../support/ledger-data.ts';
import { byPartition, centsToString, referenceRunningTotals } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();

// A failing property prints its seed, the shrunk counterexample and the command that replays it.
const runs = propertyRuns(12);

async function loadedLedger() {
  return transactionLedger(await db.prisma.transaction.findMany({ orderBy: { id: 'asc' } }));
}

describe('TransactionRepository running totals on PostgreSQL', () => {
  const modes: Array<{ partitioned: boolean; frame: FrameChoice; nulls: NullPolicy }> = [
    { partitioned: true, frame: 'rows', nulls: 'zero' },
    { partitioned: true, frame: 'rows', nulls: 'skip' },
    { partitioned: true, frame: 'range', nulls: 'zero' },
    { partitioned: false, frame: 'rows', nulls: 'zero' },
    { partitioned: false, frame: 'range', nulls: 'skip' },
  ];

  it('equals an exact integer-cents reference, row by row, for random ledgers in every mode', async () => {
    const repo = new TransactionRepository(db.prisma);
    await fc.assert(
      fc.asyncProperty(transactionsArbitrary(), async (rows) => {
        await db.truncate('Transaction');
        await repo.insertMany(rows, { chunkSize: 37 });
        const ledger = await loadedLedger();
        for (const mode of modes) {
          const options = { frame: mode.frame, nulls: mode.nulls };
          const actual = mode.partitioned ? await repo.runningTotals(options) : await repo.globalRunningTotals(options);
          const expected = referenceRunningTotals(ledger, mode);
          const key = (partition: number | string) => (mode.partitioned ? partition : '');
          expect(byPartition(actual, (r) => key(r.accountId), (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
            byPartition(expected, (r) => key(r.key), (r) => [r.id, centsToString(r.total)]),
          );
        }
      }),
      runs,
    );
  });

  it('filters by account list and half-open date range before the window (totals start at `from`)', async () => {
    const repo = new TransactionRepository(db.prisma);
    await fc.assert(
      fc.asyncProperty(
        transactionsArbitrary(),
        fc.uniqueArray(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        async (rows, accounts, a, b) => {
          await db.truncate('Transaction');
          await repo.insertMany(rows);
          const from = new Date(Date.UTC(2026, 0, 1) + Math.min(a, b) * 60_000);
          const to = new Date(Date.UTC(2026, 0, 1) + Math.max(a, b) * 60_000);
          const ledger = (await loadedLedger()).filter(
            (r) => accounts.includes(r.key as number) && r.time >= from.getTime() && r.time < to.getTime(),
          );
          const actual = await repo.runningTotals({ partitions: accounts, from, to });
          const expected = referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' });
          expect(byPartition(actual, (r) => r.accountId, (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
            byPartition(expected, (r) => r.key, (r) => [r.id, centsToString(r.total)]),
          );
        },
      ),
      runs,
    );
  });

  it('returns exact types: bigint ids, Decimal amounts and totals, Date timestamps, null for NULL amounts', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    await repo.insertMany([
      { accountId: 1, amount: '0.10', createdAt: new Date('2026-01-01T00:00:00Z') },
      { accountId: 1, amount: null, createdAt: new Date('2026-01-01T00:00:01Z') },
      { accountId: 1, amount: '0.20', createdAt: new Date('2026-01-01T00:00:02Z') },
    ]);
    const [first, pending, last] = await repo.runningTotals();
    expect(typeof first?.id).toBe('bigint');
    expect(first?.amount).toBeInstanceOf(Prisma.Decimal);
    expect(first?.createdAt).toBeInstanceOf(Date);
    expect(pending?.amount).toBeNull();
    expect(pending?.runningTotal.toFixed(2)).toBe('0.10');
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; the total is exact.
    expect(last?.runningTotal.equals(new Prisma.Decimal('0.3'))).toBe(true);
  });
});

describe('ROWS and RANGE on duplicate timestamps', () => {
  const t0 = new Date('2026-03-01T09:00:00Z');
  const t1 = new Date('2026-03-01T10:00:00Z');
  const rows = [
    { accountId: 1, amount: '10.00', createdAt: t0 },
    { accountId: 1, amount: '5.00', createdAt: t1 },
    { accountId: 1, amount: '-2.50', createdAt: t1 },
    { accountId: 1, amount: '1.00', createdAt: t1 },
  ];

  it('ROWS gives each peer its own total in id order; RANGE gives all peers the total after the last of them', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    await repo.insertMany(rows);
    const byRows = (await repo.runningTotals({ frame: 'rows' })).map((r) => r.runningTotal.toFixed(2));
    const byRange = (await repo.runningTotals({ frame: 'range' })).map((r) => r.runningTotal.toFixed(2));
    expect(byRows).toEqual(['10.00', '15.00', '12.50', '13.50']);
    expect(byRange).toEqual(['10.00', '13.50', '13.50', '13.50']);
    expect(byRows).not.toEqual(byRange);
  });
});

describe('SalesRecordRepository running totals on PostgreSQL', () => {
  it('equals the reference per region and overall, with hostile region names stored as plain text', async () => {
    const repo = new SalesRecordRepository(db.prisma);
    await fc.assert(
      fc.asyncProperty(salesArbitrary(), fc.constantFrom<FrameChoice>('rows', 'range'), async (rows, frame) => {
        await db.truncate('SalesRecord');
        await repo.insertMany(rows);
        const ledger = salesLedger(await db.prisma.salesRecord.findMany());
        for (const partitioned of [true, false]) {
          const actual = partitioned ? await repo.runningTotals({ frame }) : await repo.globalRunningTotals({ frame });
          const expected = referenceRunningTotals(ledger, { partitioned, frame, nulls: 'zero' });
          const key = (region: string) => (partitioned ? region : '');
          expect(byPartition(actual, (r) => key(r.region), (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
            byPartition(expected, (r) => key(String(r.key)), (r) => [r.id, centsToString(r.total)]),
          );
        }
      }),
      runs,
    );
  });
});
