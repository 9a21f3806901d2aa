/**
 * Hostile input, generated (fast-check): every public option of runningTotals / globalRunningTotals and every row
 * and option of insertMany, on both repositories, with a mocked client that records what would be sent. Each input
 * either gets a ValidationError before anything is sent, or produces SQL whose text is exactly the text of a benign
 * input of the same shape — the hostile values travel only as bound parameters, unchanged.
 *
 * 10,000+ cases per run, plus fixed cases that take each branch for certain. A failure prints the seed, the shrunk
 * input and the command that replays it (PROPERTY_SEED=<seed>).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../prisma/generated/prisma/client.ts';
import { ValidationError } from '../../src/index.ts';
import { SalesRecordRepository, TransactionRepository } from '../../prisma/app/index.ts';
import { recordingPrisma, type Sent } from '../support/mock-client.ts';
import { PROPERTY_SEED, propertyRuns } from '../support/property-seed.ts';

const RUNS = 2_500; // insertMany: RUNS per repository; running totals: RUNS / 2 per method and repository (10,000 cases)

// A client that records instead of sending (recordingPrisma): nothing sent means no statement, no createMany and
// no transaction opened.
const nothingSent = (sent: Sent) =>
  sent.query.length === 0 && sent.execute.length === 0 && sent.inserts.length === 0 && sent.createMany.length === 0 && sent.transactions === 0;

// ---- hostile values -----------------------------------------------------------------------------------------

const injection = fc.constantFrom(
  `'; DROP TABLE "SalesRecord"; --`,
  `"); DELETE FROM "Transaction"; --`,
  '/* comment */',
  '-- comment',
  '$1',
  '$$; SELECT pg_sleep(10); $$',
  '\\x00',
  '\u0000',
  'EU\u0000',
  '\ud800',
  'Zürich ✓ 𝄞 日本',
  '',
  ' ',
  'x'.repeat(64),
  'x'.repeat(65),
  '𝄞'.repeat(64),
  '1e400',
  'NaN',
  '-Infinity',
  '0x10',
  '12.345',
  ' 12.50\t',
  '1.5e3',
  '99999999999999.99',
  '{1,2}',
  'null',
);
const hostileString = fc.oneof(injection, fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 5 }));
const hostileNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1e308, -1e308, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 0.1 + 0.2, 1e-7, 5e-324),
  fc.double(),
  fc.integer(),
);
const hostileDate = fc.oneof(
  fc.constantFrom(
    new Date(Number.NaN),
    new Date(-8.64e15),
    new Date(8.64e15),
    new Date('0000-12-31T23:59:59.999Z'),
    new Date('0001-01-01T00:00:00Z'),
    new Date('9999-12-31T23:59:59.999Z'),
    new Date('+010000-01-01T00:00:00Z'),
    new Date('2026-01-01T12:00:00Z'),
  ),
  fc.date({ noInvalidDate: false }),
  fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01') }).map((d) => new Date(Math.floor(d.getTime() / 86_400_000) * 86_400_000)),
);
const validTime = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
const validDay = fc.integer({ min: -719_162, max: 2_932_896 }).map((d) => new Date(d * 86_400_000));
const hostileDecimal = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '0.001', '123456789012.34', '1234567890123.4', '-0.00', '1e2').map(
    (v) => new Prisma.Decimal(v),
  ),
);
const anything: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  hostileDate,
  hostileDecimal,
  fc.constantFrom(null, undefined, true, false, 10n, [], {}, () => 1, Symbol('s')),
  fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 3 }),
);

/** Mostly `valid`, sometimes `hostile`: so that many cases pass validation and reach the SQL checks. */
function mostly<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>, weight = 10): fc.Arbitrary<unknown> {
  return fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: hostile });
}

/** Optional keys: present with a value from `value`, or absent. */
function optionalRecord(shape: Record<string, fc.Arbitrary<unknown>>) {
  return fc.record(shape, { requiredKeys: [] });
}

// ---- running-total options ----------------------------------------------------------------------------------

function runningTotalOptions(key: fc.Arbitrary<unknown>, bound: fc.Arbitrary<Date>) {
  return fc.oneof(
    { weight: 8, arbitrary: optionalRecord({
      partitions: mostly(fc.array(key, { maxLength: 6 }), anything, 4),
      from: mostly(bound, fc.oneof(hostileDate, anything), 6),
      to: mostly(bound, fc.oneof(hostileDate, anything), 6),
      frame: mostly(fc.constantFrom('rows', 'range'), fc.oneof(fc.constantFrom('groups', 'ROWS', ''), anything), 4),
      nulls: mostly(fc.constantFrom('zero', 'skip'), fc.oneof(fc.constantFrom('ignore', 'ZERO'), anything), 4),
    }) },
    { weight: 1, arbitrary: fc.dictionary(hostileString, anything, { maxKeys: 3 }) },
    { weight: 1, arbitrary: anything },
  );
}

/** The SQL of a benign input with the same shape: what the hostile input's SQL text must equal. */
function benignTwin(options: Record<string, unknown>, benignKey: unknown, day: boolean) {
  const from = new Date(day ? '2026-01-01' : '2026-01-01T10:00:00Z');
  const to = new Date(day ? '2026-02-01' : '2026-02-01T10:00:00Z');
  return {
    ...(options.partitions !== undefined && { partitions: [benignKey] }),
    ...(options.from !== undefined && { from }),
    ...(options.to !== undefined && { to }),
    ...(options.frame !== undefined && { frame: options.frame }),
    ...(options.nulls !== undefined && { nulls: options.nulls }),
  };
}

const repos = [
  {
    name: 'TransactionRepository',
    make: (client: never) => new TransactionRepository(client),
    key: mostly(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.oneof(hostileNumber, hostileString), 6),
    benignKey: 1,
    bound: validTime,
    day: false,
  },
  {
    name: 'SalesRecordRepository',
    make: (client: never) => new SalesRecordRepository(client),
    key: mostly(fc.oneof(injection, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 })), fc.oneof(hostileString, hostileNumber), 6),
    benignKey: 'R',
    bound: validDay,
    day: true,
  },
] as const;

describe.each(repos)('$name running totals under hostile options', ({ name, make, key, bound, benignKey, day }) => {
  /** Checks one input against both acceptable outcomes and says which one it got. */
  async function check(method: 'runningTotals' | 'globalRunningTotals', options: unknown): Promise<'valid' | 'rejected'> {
    const { prisma, sent } = recordingPrisma();
    const outcome = await make(prisma as never)[method](options as never).then(
      () => 'ok' as const,
      (error: unknown) => error,
    );
    if (outcome !== 'ok') {
      expect(outcome).toBeInstanceOf(ValidationError);
      expect(nothingSent(sent)).toBe(true);
      return 'rejected';
    }
    expect(sent.query).toHaveLength(1);
    const sql = sent.query[0]!;
    const opts = (options ?? {}) as Record<string, unknown>;
    const twin = make(recordingPrisma().prisma as never).runningTotalsSql(benignTwin(opts, benignKey, day) as never, method === 'runningTotals' ? 'partition' : 'global');
    expect(sql.text).toBe(twin.text);
    // Values are bound as given: the partition list, then from, then to (dates as exact UTC ISO text).
    // Instants are bound as UTC text with a numeric offset: '2026-01-01 00:00:00.000+00'.
    const iso = (value: unknown) => (value as Date).toISOString().replace('T', ' ').replace('Z', '+00');
    const expected = [
      ...(opts.partitions !== undefined ? [opts.partitions] : []),
      ...(opts.from !== undefined ? [iso(opts.from)] : []),
      ...(opts.to !== undefined ? [iso(opts.to)] : []),
    ];
    expect(sql.values).toEqual(expected);
    return 'valid';
  }

  it.each(['runningTotals', 'globalRunningTotals'] as const)('%s: a hostile key is bound unchanged; an invalid option is rejected', async (method) => {
    const hostileKey = typeof benignKey === 'number' ? -(2 ** 31) : `'; DROP TABLE "SalesRecord"; --`;
    const from = new Date(day ? '0001-01-01' : '0001-01-01T00:00:00Z');
    expect(await check(method, { partitions: [hostileKey], from, frame: 'range', nulls: 'skip' })).toBe('valid');
    expect(await check(method, { partitions: [hostileKey], to: new Date(Number.NaN) })).toBe('rejected');
    expect(await check(method, { frame: "rows'; --" })).toBe('rejected');
  });

  it.each(['runningTotals', 'globalRunningTotals'] as const)(
    '%s: ValidationError before SQL, or the benign SQL text with the inputs bound unchanged',
    async (method) => {
      const outcomes = { valid: 0, rejected: 0 };
      await fc.assert(
        fc.asyncProperty(runningTotalOptions(key, bound), async (options) => {
          outcomes[await check(method, options)] += 1;
        }),
        propertyRuns(RUNS / 2),
      );
      console.log(`[fuzz] seed ${PROPERTY_SEED}, ${name}.${method}: ${outcomes.valid} valid SQL, ${outcomes.rejected} ValidationError`);
    },
  );
});

// ---- insertMany rows and options ----------------------------------------------------------------------------

const insertOptions = fc.oneof(
  { weight: 12, arbitrary: optionalRecord({
    chunkSize: mostly(fc.integer({ min: 1, max: 12 }), fc.oneof(fc.constantFrom(0, -1, 8_191, 8_192, 100_000, 100_001, 2 ** 53), hostileNumber, anything), 4),
    strategy: mostly(fc.constantFrom('auto', 'unnest', 'createMany'), fc.oneof(fc.constantFrom('copy', 'UNNEST'), anything)),
    timeoutMs: mostly(fc.integer({ min: 1, max: 100_000 }), fc.oneof(fc.constantFrom(0, -1, 86_400_001), hostileNumber)),
    maxWaitMs: mostly(fc.integer({ min: 1, max: 1_000 }), fc.oneof(fc.constantFrom(0, 600_001), hostileNumber)),
    isolationLevel: mostly(fc.constantFrom('ReadCommitted', 'Serializable', 'RepeatableRead'), fc.oneof(fc.constantFrom('ReadUncommitted', "Serializable'; --"), anything)),
    retry: mostly(fc.oneof(fc.constant(false), optionalRecord({ maxAttempts: fc.integer({ min: 1, max: 100 }), baseDelayMs: fc.integer({ min: 0, max: 5 }) })),
      fc.oneof(optionalRecord({ maxAttempts: fc.constantFrom(0, 101, 1.5), baseDelayMs: hostileNumber }), anything)),
  }) },
  { weight: 1, arbitrary: anything },
);

const externalId = fc.oneof(fc.constantFrom(undefined, null), fc.constantFrom('k1', 'k2', 'k3'), hostileString, hostileNumber);

const validAmount = fc.oneof(
  fc.bigInt({ min: -99_999_999_999_999n, max: 99_999_999_999_999n }).map((c) => {
    const abs = c < 0n ? -c : c;
    return `${c < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((c) => c / 100), // numbers: read via their shortest spelling
  fc.constantFrom('0', '-0.00', '.5', '1.', '+3.10', '999999999999.99', '-999999999999.99'),
);
const validRegion = fc.oneof(
  injection.filter((r) => r.length > 0 && !r.includes('\u0000') && r.isWellFormed() && [...r].length <= 64),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
);
const validExternalId = fc.oneof(fc.constantFrom(undefined, null, 'k1', 'k2', `'); --`), fc.uuid());

const transactionRow = fc.oneof(
  { weight: 15, arbitrary: fc.record({
    accountId: mostly(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.oneof(hostileNumber, hostileString)),
    amount: mostly(fc.oneof(fc.constant(null), validAmount), fc.oneof(hostileString, hostileNumber, hostileDecimal)),
    createdAt: mostly(validTime, hostileDate),
    externalId: mostly(validExternalId, externalId),
  }, { requiredKeys: ['accountId', 'amount', 'createdAt'] }) },
  { weight: 1, arbitrary: anything },
);

const salesRow = fc.oneof(
  { weight: 15, arbitrary: fc.record({
    region: mostly(validRegion, fc.oneof(injection, hostileString)),
    revenue: mostly(validAmount, fc.oneof(hostileString, hostileNumber, hostileDecimal)),
    saleDate: mostly(validDay, hostileDate),
    externalId: mostly(validExternalId, externalId),
  }, { requiredKeys: ['region', 'revenue', 'saleDate'] }) },
  { weight: 1, arbitrary: anything },
);

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

describe.each([
  { name: 'TransactionRepository', make: (c: never) => new TransactionRepository(c), row: transactionRow, amount: 'amount', column: 1 },
  { name: 'SalesRecordRepository', make: (c: never) => new SalesRecordRepository(c), row: salesRow, amount: 'revenue', column: 2 },
] as const)('$name insertMany under hostile rows and options', ({ name, make, row, amount, column }) => {
  /** Checks one batch against both acceptable outcomes and says which one it got. */
  async function check(rows: unknown, options: unknown): Promise<'written' | 'rejected'> {
    const { prisma, sent } = recordingPrisma();
    const outcome = await make(prisma as never)
      .insertMany(rows as never, options as never)
      .then((result) => result, (error: unknown) => error as Error);
    if (outcome instanceof Error) {
      expect(outcome).toBeInstanceOf(ValidationError);
      expect(nothingSent(sent)).toBe(true);
      return 'rejected';
    }
    const input = rows as Array<Record<string, unknown>>;
    expect(outcome).toMatchObject({ inserted: input.length, skipped: 0 });
    expect(sent.transactions).toBe(1);
    if (outcome.strategy === 'unnest') {
      const text = sent.inserts[0]!.text;
      const sentAmounts: Array<string | null> = [];
      for (const sql of sent.inserts) {
        // Only placeholders, catalog names and fixed keywords in the text.
        expect(sql.text).toBe(text);
        expect(sql.text).toMatch(
          /^WITH written AS \(INSERT INTO "public"\."\w+" \([", \w]+\) SELECT \* FROM unnest\(\$1::\w+\[\], \$2::\w+\[\], \$3::\w+\[\], \$4::\w+\[\]\) ON CONFLICT \("externalId"\) DO NOTHING RETURNING 1\) SELECT count\(\*\) AS inserted FROM written$/,
        );
        for (const sentAmount of (sql.values as unknown[][])[column]!) {
          if (sentAmount !== null) expect(sentAmount).toMatch(DECIMAL_TEXT);
          sentAmounts.push(sentAmount === null ? null : new Prisma.Decimal(sentAmount as string).toFixed());
        }
      }
      // Every amount once, exact (in whatever order the rows are written). Strings are read trimmed
      // (requireDecimal accepts surrounding whitespace).
      const givenAmounts = input.map((r) => (r[amount] === null ? null : new Prisma.Decimal(String(r[amount]).trim()).toFixed()));
      const sorted = (values: Array<string | null>) => values.map((v) => JSON.stringify(v)).sort();
      expect(sorted(sentAmounts)).toEqual(sorted(givenAmounts));
    } else {
      expect(sent.createMany.flat()).toHaveLength(input.length);
    }
    return 'written';
  }

  it('a batch of SQL-looking keys and extreme amounts is written; one invalid value rejects the whole batch', async () => {
    const hostile = (i: number) => ({
      ...(amount === 'amount'
        ? { accountId: -(2 ** 31) + i, createdAt: new Date('9999-12-31T23:59:59.999Z') }
        : { region: `'; DROP TABLE "SalesRecord"; -- ${i}`, saleDate: new Date('0001-01-01') }),
      [amount]: i % 2 ? ' -999999999999.99\t' : '.5',
      externalId: `'); -- ${i}`,
    });
    const batch = [hostile(0), hostile(1), hostile(2)];
    for (const strategy of ['unnest', 'createMany'] as const) {
      expect(await check(batch, { strategy, chunkSize: 2 })).toBe('written');
      expect(await check([...batch, { ...hostile(3), [amount]: '1e400' }], { strategy })).toBe('rejected');
      expect(await check([...batch, hostile(0)], { strategy })).toBe('rejected'); // an externalId twice
    }
    expect(await check(batch, { chunkSize: 0 })).toBe('rejected');
  });

  it('ValidationError before any SQL, or every row written once with exact, bound values', async () => {
    const outcomes = { written: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(mostly(fc.array(row, { maxLength: 6 }), anything, 15), fc.oneof(fc.constant(undefined), insertOptions), async (rows, options) => {
        outcomes[await check(rows, options)] += 1;
      }),
      propertyRuns(RUNS),
    );
    console.log(`[fuzz] seed ${PROPERTY_SEED}, ${name}.insertMany: ${outcomes.written} written, ${outcomes.rejected} ValidationError`);
    // 12–20 s under two test workers; a fuzz run of many inserts, not a timing check.
  }, 120_000);
});
