/**
 * Hostile input against real PostgreSQL (the bulk of the generated cases run in test/unit/hostile-input.test.ts
 * with a recording client). Regions and idempotency keys full of quotes, semicolons, comment markers, unicode;
 * extreme dates and amounts; hostile filter values. Every generated value is either valid by construction or a
 * planted invalid one, so each case's outcome is known in advance: a case holding a planted value is a
 * ValidationError before any SQL is sent (nothing written); any other case works, and its totals equal the
 * integer-cents reference. Never a database error. The schema is unchanged after.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ValidationError, type RunningTotalOptions } from '../../src/index.ts';
import { SalesRecordRepository, TransactionRepository, type NewSalesRecord } from '../../prisma/app/index.ts';
import { salesLedger, transactionLedger } from '../support/ledger-data.ts';
import { useTestDatabase } from '../support/database.ts';
import { PROPERTY_SEED, propertyRuns } from '../support/property-seed.ts';
import { byPartition, centsToString, referenceRunningTotals, type LedgerRow } from '../../scripts/lib/reference.ts';

const db = useTestDatabase();
const RUNS = 150;

/** A generated value and whether it was planted as invalid. */
interface Planted<T> {
  readonly value: T;
  readonly invalid: boolean;
}
const valid = <T,>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<Planted<T>> => arbitrary.map((value) => ({ value, invalid: false }));
const planted = <T,>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<Planted<T>> => arbitrary.map((value) => ({ value, invalid: true }));

// Valid region text: quotes, SQL, comment markers, unicode, exactly 64 characters.
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
const INVALID_REGIONS = ['EU\u0000', 'x'.repeat(65), '', '\ud800'];
// Invalid on purpose: three decimals, beyond numeric(14, 2), not a number, 13 digits before the point.
const INVALID_REVENUES = ['1.001', '1e400', 'NaN', '1000000000000.00'];

const region = fc.oneof(
  { weight: 12, arbitrary: valid(fc.constantFrom(...NASTY)) },
  // Printable graphemes: non-empty, no NUL, well-formed; at most 64 code points (the column's length).
  { weight: 3, arbitrary: valid(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => [...s].length <= 64)) },
  { weight: 1, arbitrary: planted(fc.constantFrom(...INVALID_REGIONS)) },
);
const cents = fc.oneof(fc.bigInt({ min: -99_999_999_999_999n, max: 99_999_999_999_999n }), fc.bigInt({ min: -1_000n, max: 1_000n }));
const revenue = fc.oneof({ weight: 20, arbitrary: valid(cents.map(centsToString)) }, { weight: 1, arbitrary: planted(fc.constantFrom(...INVALID_REVENUES)) });
const day = fc.oneof(fc.integer({ min: 0, max: 20 }).map((d) => Date.UTC(2026, 0, 1) + d * 86_400_000), fc.constantFrom(Date.parse('0001-01-01'), Date.parse('9999-12-31')));
const sale: fc.Arbitrary<Planted<NewSalesRecord>> = fc
  .record({
    region,
    revenue,
    saleDate: day.map((t) => new Date(t)),
    externalId: fc.option(fc.oneof(fc.constantFrom(...NASTY), fc.uuid()), { nil: undefined }),
  })
  .map(({ region, revenue, ...rest }) => ({
    value: { ...rest, region: region.value, revenue: revenue.value },
    invalid: region.invalid || revenue.invalid,
  }));

async function schemaSnapshot() {
  return db.prisma.$queryRaw<Array<Record<string, unknown>>>`
    SELECT 'column' AS kind, table_name || '.' || column_name || ':' || data_type AS what
      FROM information_schema.columns WHERE table_schema = current_schema()
    UNION ALL SELECT 'index', indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
    UNION ALL SELECT 'table', tablename FROM pg_tables WHERE schemaname = current_schema()
    UNION ALL SELECT 'migrations', COUNT(*)::text FROM _prisma_migrations
    ORDER BY 1, 2`;
}

/** Counts the statements and transactions the client is asked for, so "before any SQL" is observed, not assumed. */
function watchSql() {
  const spies = [vi.spyOn(db.prisma, '$transaction'), vi.spyOn(db.prisma, '$queryRaw'), vi.spyOn(db.prisma, '$executeRaw')];
  const calls = () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
  const start = calls();
  return () => calls() - start;
}

describe('hostile input on real PostgreSQL', () => {
  let before: unknown;
  beforeAll(async () => {
    before = await schemaSnapshot();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    // Nothing a test sent changed the schema.
    expect(await schemaSnapshot()).toEqual(before);
  });

  describe('SalesRecord: regions and keys that look like SQL', () => {
    const totalsOf = (rows: Array<{ id: bigint; region: string; runningTotal: { toFixed(d: number): string } }>) =>
      byPartition(rows, (r) => r.region, (r) => [r.id, r.runningTotal.toFixed(2)]);
    const referenceOf = (ledger: LedgerRow[]) =>
      byPartition(referenceRunningTotals(ledger, { partitioned: true, frame: 'rows', nulls: 'zero' }), (r) => String(r.key), (r) => [r.id, centsToString(r.total)]);

    /** One case, checked against its known outcome; returns which outcome it was. */
    async function check(batch: Planted<NewSalesRecord>[], strategy: 'unnest' | 'createMany', filter: Planted<string>[]) {
      const repo = new SalesRecordRepository(db.prisma);
      await db.truncate('SalesRecord');
      const rows = batch.map((r) => r.value);
      const sent = watchSql();
      const inserted = await repo.insertMany(rows, { strategy }).catch((error: unknown) => error);
      if (batch.some((r) => r.invalid)) {
        expect(inserted).toBeInstanceOf(ValidationError);
        expect(sent()).toBe(0);
        expect(await db.prisma.salesRecord.count()).toBe(0);
        return 'rejected';
      }
      expect(inserted).toMatchObject({ inserted: rows.length, skipped: 0 });
      expect(sent()).toBeGreaterThan(0); // the watch sees SQL when there is some
      const stored = await db.prisma.salesRecord.findMany();
      expect(stored.map((r) => r.region).sort()).toEqual(rows.map((r) => r.region).sort());
      const ledger = salesLedger(stored);
      expect(totalsOf(await repo.runningTotals())).toEqual(referenceOf(ledger));

      const sentBeforeFilter = sent();
      const filtered = await repo.runningTotals({ partitions: filter.map((r) => r.value) }).catch((error: unknown) => error);
      if (filter.some((r) => r.invalid)) {
        expect(filtered).toBeInstanceOf(ValidationError);
        expect(sent()).toBe(sentBeforeFilter);
      } else {
        const wanted = new Set(filter.map((r) => r.value));
        expect(totalsOf(filtered as Awaited<ReturnType<typeof repo.runningTotals>>)).toEqual(referenceOf(ledger.filter((r) => wanted.has(String(r.key)))));
      }
      return 'written';
    }

    const day0 = new Date('2026-01-01');
    const examples: Planted<NewSalesRecord>[] = [
      { value: { region: NASTY[0]!, revenue: '999999999999.99', saleDate: day0, externalId: NASTY[1]! }, invalid: false },
      { value: { region: '𝄞'.repeat(64), revenue: '-0.01', saleDate: new Date('0001-01-01'), externalId: '$$ dollar $$' }, invalid: false },
    ];

    it('a batch of SQL-looking, unicode and extreme values is stored as plain text and totalled exactly', async () => {
      expect(await check(examples, 'unnest', [{ value: NASTY[0]!, invalid: false }])).toBe('written');
      expect(await check(examples, 'createMany', [{ value: 'no such region', invalid: false }])).toBe('written');
    });

    it('a batch with one invalid value is a ValidationError before any SQL, and nothing is written', async () => {
      for (const bad of INVALID_REGIONS) {
        expect(await check([...examples, { value: { region: bad, revenue: '1.00', saleDate: day0 }, invalid: true }], 'unnest', [])).toBe('rejected');
      }
      for (const bad of INVALID_REVENUES) {
        expect(await check([{ value: { region: 'EMEA', revenue: bad, saleDate: day0 }, invalid: true }, ...examples], 'createMany', [])).toBe('rejected');
      }
    });

    it('generated batches: each is rejected before SQL exactly when it holds a planted invalid value, else totalled exactly', async () => {
      const outcomes = { written: 0, rejected: 0 };
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(sale, { minLength: 1, maxLength: 25, selector: (s) => s.value.externalId ?? Symbol() }),
          fc.constantFrom('unnest', 'createMany') as fc.Arbitrary<'unnest' | 'createMany'>,
          fc.array(region, { minLength: 1, maxLength: 4 }),
          async (batch, strategy, filter) => {
            outcomes[await check(batch, strategy, filter)] += 1;
          },
        ),
        propertyRuns(RUNS),
      );
      console.log(`[fuzz] seed ${PROPERTY_SEED}, real PostgreSQL, SalesRecord: ${outcomes.written} batches written and totalled exactly, ${outcomes.rejected} ValidationError`);
    });
  });

  describe('Transaction: hostile running-total options', () => {
    type Options = RunningTotalOptions<number>;
    const BAD = [Number.NaN, Infinity, -Infinity, 2 ** 31, 1.5, `1; DROP TABLE "Transaction"`, null, [], {}, new Date(Number.NaN), new Date('+010000-01-01')];
    const key = fc.oneof({ weight: 8, arbitrary: valid(fc.constantFrom(1, 2, 2147483647, -(2 ** 31), 0, -0)) }, { weight: 1, arbitrary: planted(fc.constantFrom<unknown>(...BAD)) });
    const bound = fc.oneof(
      { weight: 8, arbitrary: valid(fc.constantFrom('0001-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.001Z', '9999-12-31T23:59:59.999Z', '2000-01-01T00:00:00Z').map((t) => new Date(t))) },
      { weight: 1, arbitrary: planted(fc.constantFrom<unknown>(...BAD)) },
    );
    const options = fc
      .record(
        {
          partitions: fc.array(key, { minLength: 1, maxLength: 3 }),
          from: bound,
          to: bound,
          frame: fc.oneof(valid(fc.constantFrom('rows', 'range')), planted(fc.constant('x'))),
          nulls: fc.oneof(valid(fc.constantFrom('zero', 'skip')), planted(fc.constant("'"))),
        },
        { requiredKeys: [] },
      )
      .map(({ partitions, ...fields }) => {
        const values = Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value]));
        const from = fields.from?.value;
        const to = fields.to?.value;
        // Also invalid: a range that ends before it starts (both bounds valid Dates).
        const reversed = from instanceof Date && to instanceof Date && !fields.from!.invalid && !fields.to!.invalid && from > to;
        return {
          value: { ...values, ...(partitions && { partitions: partitions.map((k) => k.value) }) } as Options,
          invalid: reversed || Object.values(fields).some((field) => field.invalid) || (partitions ?? []).some((k) => k.invalid),
        };
      });

    const rows = [
      { accountId: 1, amount: '10.00', createdAt: new Date('2026-01-01T00:00:00Z') },
      { accountId: 1, amount: '-2.50', createdAt: new Date('0001-01-01T00:00:00Z') },
      { accountId: 2147483647, amount: '999999999999.99', createdAt: new Date('9999-12-31T23:59:59.999Z') },
    ];
    let ledger: LedgerRow[];
    beforeAll(async () => {
      await db.truncate('Transaction');
      await new TransactionRepository(db.prisma).insertMany(rows);
      ledger = transactionLedger(await db.prisma.transaction.findMany());
    });
    afterAll(async () => {
      expect(await db.prisma.transaction.count()).toBe(rows.length);
    });

    async function check({ value: o, invalid }: Planted<Options>, global: boolean) {
      const repo = new TransactionRepository(db.prisma);
      const sent = watchSql();
      const result = await (global ? repo.globalRunningTotals(o) : repo.runningTotals(o)).catch((error: unknown) => error);
      if (invalid) {
        expect(result).toBeInstanceOf(ValidationError);
        expect(sent()).toBe(0);
        return 'rejected';
      }
      expect(sent()).toBe(1);
      const wanted = ledger.filter(
        (r) =>
          (o.partitions === undefined || o.partitions.includes(r.key as number)) &&
          (o.from === undefined || r.time >= o.from.getTime()) &&
          (o.to === undefined || r.time < o.to.getTime()),
      );
      const expected = referenceRunningTotals(wanted, { partitioned: !global, frame: o.frame ?? 'rows', nulls: o.nulls ?? 'zero' });
      const k = (x: number | string) => (global ? '' : String(x));
      expect(byPartition(result as Awaited<ReturnType<typeof repo.runningTotals>>, (r) => k(r.accountId), (r) => [r.id, r.runningTotal.toFixed(2)])).toEqual(
        byPartition(expected, (r) => k(r.key), (r) => [r.id, centsToString(r.total)]),
      );
      return 'answered';
    }

    it('extreme but valid options are answered exactly; each planted invalid one is a ValidationError before SQL', async () => {
      const extreme = { partitions: [2147483647, -(2 ** 31), -0], from: new Date('0001-01-01T00:00:00Z'), to: new Date('9999-12-31T23:59:59.999Z'), frame: 'range', nulls: 'skip' } as const;
      for (const global of [false, true]) {
        expect(await check({ value: extreme, invalid: false }, global)).toBe('answered');
        expect(await check({ value: { from: extreme.to, to: extreme.from }, invalid: true }, global)).toBe('rejected');
        for (const bad of BAD) {
          expect(await check({ value: { partitions: [1, bad as number] }, invalid: true }, global)).toBe('rejected');
          expect(await check({ value: { to: bad as Date }, invalid: true }, global)).toBe('rejected');
        }
      }
    });

    it('generated options: a ValidationError before SQL exactly when they hold a planted invalid value, else a correct answer', async () => {
      const outcomes = { answered: 0, rejected: 0 };
      await fc.assert(
        fc.asyncProperty(options, fc.boolean(), async (o, global) => {
          outcomes[await check(o, global)] += 1;
        }),
        propertyRuns(RUNS),
      );
      console.log(`[fuzz] seed ${PROPERTY_SEED}, real PostgreSQL, running-total options: ${outcomes.answered} answered exactly, ${outcomes.rejected} ValidationError`);
    });
  });
});
