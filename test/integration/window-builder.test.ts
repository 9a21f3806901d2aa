import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { conditions, windowFunctions, windowQuery, windowSpec, type Frame } from '../../src/index.ts';
import { TransactionRepository } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { propertyRuns } from '../support/property-seed.ts';
import { transactionLedger, transactionsArbitrary } from '../support/ledger-data.ts';
import { centsToString, stringToCents, type LedgerRow } from '../../scripts/lib/reference.ts';
import {
  averageUnits,
  denseRankOf,
  divideRounded,
  frameIndices,
  ntileOf,
  partitions,
  rankOf,
  sumCents,
  type RefFrame,
} from '../support/window-reference.ts';

const db = useTestDatabase();
const runs = propertyRuns(6);
const MINUTE = 60_000;

const cents = (value: Prisma.Decimal | null | undefined) => (value == null ? null : stringToCents(value.toFixed(2)));
const money = (value: bigint | null) => (value === null ? null : centsToString(value));

async function seed(rows: Parameters<TransactionRepository['insertMany']>[0]): Promise<LedgerRow[]> {
  await db.truncate('Transaction');
  await new TransactionRepository(db.prisma).insertMany(rows);
  return transactionLedger(await db.prisma.transaction.findMany());
}

/** Reference rows keyed by id, in window order per partition. */
function byId<T>(ledger: LedgerRow[], compute: (part: LedgerRow[], i: number) => T): Map<bigint, T> {
  const out = new Map<bigint, T>();
  for (const part of partitions(ledger)) part.forEach((row, i) => out.set(row.id, compute(part, i)));
  return out;
}

const f = windowFunctions('Transaction');
const c = conditions('Transaction');
const w = windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt');

describe('window functions match an independent reference on PostgreSQL', () => {
  it('ranking, offset, value and aggregate functions, row by row', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsArbitrary(150), async (rows) => {
        const ledger = await seed(rows);
        const result = await windowQuery('Transaction')
          .select('id', 'accountId', 'amount')
          .window('w', w)
          .add('rowNumber', f.rowNumber(), 'w')
          .add('rank', f.rank(), 'w')
          .add('denseRank', f.denseRank(), 'w')
          .add('percentRank', f.percentRank(), 'w')
          .add('ntile', f.ntile(3), 'w')
          .add('previous', f.lag('amount'), 'w')
          .add('twoBack', f.lag('amount', { offset: 2, default: new Prisma.Decimal(0) }), 'w')
          .add('next', f.lead('amount'), 'w')
          .add('first', f.firstValue('amount'), 'w')
          .add('last', f.lastValue('amount'), w.rows('UNBOUNDED PRECEDING', 'UNBOUNDED FOLLOWING'))
          .add('total', f.runningTotal('amount'), 'w')
          .add('refunds', f.sum('amount', { filter: c.compare('amount', '<', new Prisma.Decimal(0)) }), 'w')
          .add('count', f.count(), 'w')
          .add('priced', f.count({ field: 'amount' }), 'w')
          .add('low', f.min('amount'), 'w')
          .add('high', f.max('amount'), 'w')
          .add('mean', f.avg('amount'), 'w')
          .execute(db.prisma);

        const expected = byId(ledger, (part, i) => {
          const running = part.slice(0, i + 1).map((_, j) => j);
          const values = running.map((j) => part[j]!.cents).filter((v): v is bigint => v !== null);
          const rank = rankOf(part, i);
          return {
            rowNumber: BigInt(i + 1),
            rank: BigInt(rank),
            denseRank: BigInt(denseRankOf(part, i)),
            percentRank: part.length === 1 ? 0 : (rank - 1) / (part.length - 1),
            ntile: ntileOf(part.length, 3, i),
            previous: money(i >= 1 ? part[i - 1]!.cents : null),
            twoBack: money(i >= 2 ? part[i - 2]!.cents : 0n),
            next: money(i + 1 < part.length ? part[i + 1]!.cents : null),
            first: money(part[0]!.cents),
            last: money(part.at(-1)!.cents),
            total: money(sumCents(part, running) ?? 0n),
            refunds: money(sumCents(part, running.filter((j) => (part[j]!.cents ?? 0n) < 0n))),
            count: BigInt(i + 1),
            priced: BigInt(values.length),
            low: money(values.length ? values.reduce((a, b) => (b < a ? b : a)) : null),
            high: money(values.length ? values.reduce((a, b) => (b > a ? b : a)) : null),
            mean: averageUnits(part, running, 6),
          };
        });
        expect(result).toHaveLength(ledger.length);
        for (const row of result) {
          const want = expected.get(row.id)!;
          expect({
            percentRank: undefined,
            rowNumber: row.rowNumber,
            rank: row.rank,
            denseRank: row.denseRank,
            ntile: row.ntile,
            previous: money(cents(row.previous)),
            twoBack: money(cents(row.twoBack)),
            next: money(cents(row.next)),
            first: money(cents(row.first)),
            last: money(cents(row.last)),
            total: row.total.toFixed(2),
            refunds: money(cents(row.refunds)),
            count: row.count,
            priced: row.priced,
            low: money(cents(row.low)),
            high: money(cents(row.high)),
            mean: row.mean?.toFixed(6) ?? null,
          }).toEqual({ ...want, percentRank: undefined });
          // percent_rank is float8: compare as a float.
          expect(row.percentRank).toBeCloseTo(want.percentRank, 12);
        }
      }),
      runs,
    );
  });

  it('composites: moving averages (rows and interval), difference from previous, share of partition', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsArbitrary(150), async (rows) => {
        const ledger = await seed(rows);
        const result = await windowQuery('Transaction')
          .select('id')
          .add('ma3', f.movingAverage('amount', { rows: 3 }), w)
          .add('ma2min', f.movingAverage('amount', { interval: '2 minutes' }), w)
          .add('delta', f.differenceFromPrevious('amount'), w)
          .add('share', f.shareOfPartition('amount'), w)
          .execute(db.prisma);
        const expected = byId(ledger, (part, i) => {
          const last3 = [i - 2, i - 1, i].filter((j) => j >= 0);
          const window2min = frameIndices(part, i, { mode: 'RANGE', start: { preceding: 2 * MINUTE }, end: 'CURRENT ROW' });
          const current = part[i]!.cents;
          const previous = i > 0 ? part[i - 1]!.cents : null;
          const total = sumCents(part, part.map((_, j) => j));
          return {
            ma3: averageUnits(part, last3, 6),
            ma2min: averageUnits(part, window2min, 6),
            delta: current === null || previous === null ? null : centsToString(current - previous),
            share: current === null || total === null || total === 0n ? null : divideRounded(current, total, 6),
          };
        });
        for (const row of result) {
          expect({
            ma3: row.ma3?.toFixed(6) ?? null,
            ma2min: row.ma2min?.toFixed(6) ?? null,
            delta: row.delta?.toFixed(2) ?? null,
            share: row.share?.toFixed(6) ?? null,
          }).toEqual(expected.get(row.id));
        }
      }),
      runs,
    );
  });
});

describe('frames match the reference: ROWS, RANGE (with interval offsets), GROUPS and EXCLUDE', () => {
  const frames: Array<[Frame, RefFrame]> = [
    [{ mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' }, { mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' }],
    [{ mode: 'ROWS', start: { preceding: 2 }, end: { following: 1 } }, { mode: 'ROWS', start: { preceding: 2 }, end: { following: 1 } }],
    [{ mode: 'ROWS', start: 'CURRENT ROW', end: 'UNBOUNDED FOLLOWING' }, { mode: 'ROWS', start: 'CURRENT ROW', end: 'UNBOUNDED FOLLOWING' }],
    [{ mode: 'ROWS', start: { following: 1 }, end: { following: 3 } }, { mode: 'ROWS', start: { following: 1 }, end: { following: 3 } }],
    [{ mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'UNBOUNDED FOLLOWING', exclude: 'CURRENT ROW' }, { mode: 'ROWS', start: 'UNBOUNDED PRECEDING', end: 'UNBOUNDED FOLLOWING', exclude: 'CURRENT ROW' }],
    [{ mode: 'ROWS', start: { preceding: 1 }, end: 'CURRENT ROW', exclude: 'NO OTHERS' }, { mode: 'ROWS', start: { preceding: 1 }, end: 'CURRENT ROW' }],
    [{ mode: 'RANGE', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' }, { mode: 'RANGE', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW' }],
    [{ mode: 'RANGE', start: { preceding: { interval: '3 minutes' } }, end: 'CURRENT ROW' }, { mode: 'RANGE', start: { preceding: 3 * MINUTE }, end: 'CURRENT ROW' }],
    [{ mode: 'RANGE', start: { preceding: { interval: '1 minute' } }, end: { following: { interval: '2 minutes' } } }, { mode: 'RANGE', start: { preceding: MINUTE }, end: { following: 2 * MINUTE } }],
    [{ mode: 'RANGE', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW', exclude: 'GROUP' }, { mode: 'RANGE', start: 'UNBOUNDED PRECEDING', end: 'CURRENT ROW', exclude: 'GROUP' }],
    [{ mode: 'GROUPS', start: { preceding: 1 }, end: 'CURRENT ROW' }, { mode: 'GROUPS', start: { preceding: 1 }, end: 'CURRENT ROW' }],
    [{ mode: 'GROUPS', start: 'CURRENT ROW', end: { following: 1 } }, { mode: 'GROUPS', start: 'CURRENT ROW', end: { following: 1 } }],
    [{ mode: 'GROUPS', start: { preceding: 1 }, end: { following: 1 }, exclude: 'TIES' }, { mode: 'GROUPS', start: { preceding: 1 }, end: { following: 1 }, exclude: 'TIES' }],
  ];

  it('SUM over each frame equals the reference frame sum, row by row', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsArbitrary(120), async (rows) => {
        const ledger = await seed(rows);
        let query = windowQuery('Transaction').select('id') as ReturnType<typeof windowQuery<'Transaction'>>;
        frames.forEach(([frame], i) => {
          query = query.add(`frame${i}`, f.sum('amount'), w.frame(frame)) as typeof query;
        });
        const result = (await query.execute(db.prisma)) as Array<Record<string, unknown> & { id: bigint }>;
        const expected = byId(ledger, (part, i) => frames.map(([, ref]) => money(sumCents(part, frameIndices(part, i, ref)))));
        for (const row of result) {
          const actual = frames.map((_, i) => money(cents(row[`frame${i}`] as Prisma.Decimal | null)));
          expect(actual).toEqual(expected.get(row.id));
        }
      }),
      runs,
    );
  });
});

describe('top-N per partition', () => {
  it('keeps the N largest amounts per account and lets PostgreSQL stop early (WindowAgg Run Condition)', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsArbitrary(150), fc.integer({ min: 1, max: 4 }), async (rows, n) => {
        const ledger = await seed(rows);
        const byAmount = windowSpec('Transaction').partitionBy('accountId').orderBy('amount', 'desc', 'last');
        const query = windowQuery('Transaction').select('id', 'accountId', 'amount').topPerPartition(n, byAmount);
        const result = await query.execute(db.prisma);
        const expected = partitions(ledger).flatMap((part) =>
          [...part]
            .sort((a, b) => {
              if (a.cents === null || b.cents === null) return a.cents === b.cents ? (a.id > b.id ? -1 : 1) : a.cents === null ? 1 : -1;
              return a.cents === b.cents ? (a.id > b.id ? -1 : 1) : a.cents > b.cents ? -1 : 1;
            })
            .slice(0, n)
            .map((r) => r.id),
        );
        expect(result.map((r) => r.id).sort()).toEqual(expected.sort());
        const counts = new Map<number, number>();
        for (const r of result) counts.set(r.accountId, (counts.get(r.accountId) ?? 0) + 1);
        expect(Math.max(...counts.values())).toBeLessThanOrEqual(n);
      }),
      runs,
    );
    const plan = await db.prisma.$queryRaw<Array<{ 'QUERY PLAN': unknown }>>(
      Prisma.sql`EXPLAIN (FORMAT JSON) ${windowQuery('Transaction').select('id').topPerPartition(2, windowSpec('Transaction').partitionBy('accountId').orderBy('createdAt')).toSql()}`,
    );
    // PostgreSQL 15-17 print the window as "(?)", 18 names it ("w1").
    expect(JSON.stringify(plan[0]?.['QUERY PLAN'])).toMatch(/"Run Condition":"\(row_number\(\) OVER (\(\?\)|\w+) <= 2\)"/);
  });
});
