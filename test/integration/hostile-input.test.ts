/**
 * Hostile input against real PostgreSQL (the bulk of the generated cases run in test/unit/hostile-input.test.ts
 * with a recording client). Regions and idempotency keys full of quotes, semicolons, comment markers, unicode;
 * extreme dates and amounts; hostile filter values. Every case either works — and the totals equal the integer-cents
 * reference — or is a ValidationError with nothing written; never a database error. The schema is unchanged after.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SalesRecordRepository, TransactionRepository, ValidationError, type NewSalesRecord } from '../../src/index.ts';
import { transactionLedger } from '../support/ledger-data.ts';
import { useTestDatabase } from '../support/database.ts';
import { byPartition, centsToString, referenceRunningTotals, stringToCents, type LedgerRow } from '../support/reference.ts';

const db = useTestDatabase();
const seed = process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {};
const RUNS = 150;

const NASTY = [
  `'; DROP TABLE "SalesRecord"; --`,
  `"); DELETE FROM "Transaction"; --`,
  `Robert'); DROP TABLE students;--`,
  '/* open comment',
  '*/',
  '-- line comment',
  '$1',
  '$$ dollar $$',
  '\\',
  '\\\\x00',
  '{a,b}',
  '"quoted"',
  'NULL',
  'Zürich ✓',
  '𝄞 日本 العربية',
  ' ',
  'x'.repeat(64),
  '𝄞'.repeat(64),
];
// Invalid on purpose: NUL, too long, empty, lone surrogate.
const INVALID = ['EU\u0000', 'x'.repeat(65), '', '\ud800'];

const region = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...NASTY) }, { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(...INVALID) });
const cents = fc.oneof(fc.bigInt({ min: -99_999_999_999_999n, max: 99_999_999_999_999n }), fc.bigInt({ min: -1_000n, max: 1_000n }));
const day = fc.oneof(fc.integer({ min: 0, max: 20 }).map((d) => Date.UTC(2026, 0, 1) + d * 86_400_000), fc.constantFrom(Date.parse('0001-01-01'), Date.parse('9999-12-31')));
const sale = fc.record({
  region,
  revenue: fc.oneof({ weight: 20, arbitrary: cents.map(centsToString) }, { weight: 1, arbitrary: fc.constantFrom('1.001', '1e400', 'NaN', '1000000000000.00') }),
  saleDate: day.map((t) => new Date(t)),
  externalId: fc.option(fc.oneof(fc.constantFrom(...NASTY), fc.uuid()), { nil: undefined }),
});

async function schemaSnapshot() {
  return db.prisma.$queryRaw<Array<Record<string, unknown>>>`
    SELECT 'column' AS kind, table_name || '.' || column_name || ':' || data_type AS what
      FROM information_schema.columns WHERE table_schema = current_schema()
    UNION ALL SELECT 'index', indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
    UNION ALL SELECT 'table', tablename FROM pg_tables WHERE schemaname = current_schema()
    UNION ALL SELECT 'migrations', COUNT(*)::text FROM _prisma_migrations
    ORDER BY 1, 2`;
}

describe('hostile input on real PostgreSQL', () => {
  let before: unknown;
  beforeAll(async () => {
    before = await schemaSnapshot();
  });
  afterAll(async () => {
    // Nothing a test sent changed the schema.
    expect(await schemaSnapshot()).toEqual(before);
  });

  it('regions and keys that look like SQL are just text: inserted, filtered and totalled exactly, or rejected before SQL', async () => {
    const repo = new SalesRecordRepository(db.prisma);
    let written = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(sale, { minLength: 1, maxLength: 25, selector: (s) => s.externalId ?? Symbol() }),
        fc.constantFrom('unnest', 'createMany') as fc.Arbitrary<'unnest' | 'createMany'>,
        fc.array(region, { minLength: 1, maxLength: 4 }),
        async (rows: NewSalesRecord[], strategy, filter) => {
          await db.truncate('SalesRecord');
          const inserted = await repo.insertMany(rows, { strategy }).catch((error: unknown) => error);
          if (inserted instanceof Error) {
            expect(inserted).toBeInstanceOf(ValidationError);
            expect(await db.prisma.salesRecord.count()).toBe(0);
            rejected += 1;
            return;
          }
          written += 1;
          const stored = await db.prisma.salesRecord.findMany();
          expect(stored.map((r) => r.region).sort()).toEqual(rows.map((r) => r.region).sort());
          const ledger = stored.map<LedgerRow>((r) => ({ id: r.id, key: r.region, time: r.saleDate.getTime(), cents: stringToCents(r.revenue.toFixed(2)) }));

          const all = await repo.runningTotals();
          expect(byPartition(all, (r) => r.region, (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
            byPartition(referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' }), (r) => String(r.key), (r) => [r.id, centsToString(r.total)]),
          );
          const filtered = await repo.runningTotals({ partitions: filter }).catch((error: unknown) => error as Error);
          if (filtered instanceof Error) {
            expect(filtered).toBeInstanceOf(ValidationError);
            return;
          }
          const wanted = ledger.filter((r) => filter.includes(String(r.key)));
          expect(byPartition(filtered, (r) => r.region, (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
            byPartition(referenceRunningTotals(wanted, { partitioned: true, frame: 'rows', nulls: 'zero' }), (r) => String(r.key), (r) => [r.id, centsToString(r.total)]),
          );
        },
      ),
      { numRuns: RUNS, ...seed },
    );
    console.log(`[fuzz] real PostgreSQL, SalesRecord: ${RUNS} batches, ${written} written and totalled exactly, ${rejected} ValidationError`);
    expect(written).toBeGreaterThan(RUNS / 2);
    expect(rejected).toBeGreaterThan(0);
  });

  it('hostile running-total options get a ValidationError or a correct answer, never a database error', async () => {
    await db.truncate('Transaction');
    const repo = new TransactionRepository(db.prisma);
    await repo.insertMany([
      { accountId: 1, amount: '10.00', createdAt: new Date('2026-01-01T00:00:00Z') },
      { accountId: 1, amount: '-2.50', createdAt: new Date('0001-01-01T00:00:00Z') },
      { accountId: 2147483647, amount: '999999999999.99', createdAt: new Date('9999-12-31T23:59:59.999Z') },
    ]);
    const bad = fc.constantFrom(Number.NaN, Infinity, -Infinity, 2 ** 31, 1.5, `1; DROP TABLE "Transaction"`, null, [], {}, new Date(Number.NaN), new Date('+010000-01-01'));
    const key = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(1, 2, 2147483647, -(2 ** 31), 0, -0) }, { weight: 1, arbitrary: bad });
    const bound = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('0001-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.001Z', '9999-12-31T23:59:59.999Z', '2000-01-01T00:00:00Z').map((t) => new Date(t)) },
      { weight: 1, arbitrary: bad },
    );
    const ledger = transactionLedger(await db.prisma.transaction.findMany());
    let ok = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            partitions: fc.array(key, { minLength: 1, maxLength: 3 }),
            from: bound,
            to: bound,
            frame: fc.constantFrom('rows', 'range', 'rows', 'range', 'x'),
            nulls: fc.constantFrom('zero', 'skip', 'zero', "'"),
          },
          { requiredKeys: [] },
        ),
        fc.boolean(),
        async (options, global) => {
          const call = global ? repo.globalRunningTotals(options as never) : repo.runningTotals(options as never);
          const result = await call.catch((error: unknown) => error as Error);
          if (result instanceof Error) {
            expect(result).toBeInstanceOf(ValidationError);
            rejected += 1;
          } else {
            ok += 1;
            const o = options as { partitions?: number[]; from?: Date; to?: Date; frame?: 'rows' | 'range'; nulls?: 'zero' | 'skip' };
            const wanted = ledger.filter(
              (r) =>
                (o.partitions === undefined || o.partitions.includes(r.key as number)) &&
                (o.from === undefined || r.time >= o.from.getTime()) &&
                (o.to === undefined || r.time < o.to.getTime()),
            );
            const expected = referenceRunningTotals(wanted, { partitioned: !global, frame: o.frame ?? 'rows', nulls: o.nulls ?? 'zero' });
            const k = (x: number | string) => (global ? '' : String(x));
            expect(byPartition(result, (r) => k(r.accountId), (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
              byPartition(expected, (r) => k(r.key), (r) => [r.id, centsToString(r.total)]),
            );
          }
        },
      ),
      { numRuns: RUNS, ...seed },
    );
    console.log(`[fuzz] real PostgreSQL, running-total options: ${RUNS} cases, ${ok} answered, ${rejected} ValidationError`);
    expect(await db.prisma.transaction.count()).toBe(3);
    expect(ok).toBeGreaterThan(RUNS / 4);
  });
});
