import fc from 'fast-check';
import type { NewSalesRecord, NewTransaction } from '../../src/index.ts';
import { centsToString, stringToCents, type LedgerRow } from '../../scripts/lib/reference.ts';

const BASE = Date.UTC(2026, 0, 1);

/**
 * Random ledgers shaped to break running totals: few distinct timestamps (many duplicates), NULL and negative
 * amounts, many small partitions. Amounts are generated as integer cents and written as exact decimal strings.
 * These arbitraries hold no randomness of their own: they draw from the seed `fc.assert` is given
 * (`propertyRuns`, test/support/property-seed.ts), so a failure's printed seed replays them.
 */
export function transactionsArbitrary(maxRows = 200): fc.Arbitrary<NewTransaction[]> {
  const row = fc.record({
    accountId: fc.integer({ min: 1, max: 25 }),
    cents: fc.option(fc.bigInt({ min: -500_000n, max: 1_500_000n }), { freq: 12 }),
    slot: fc.integer({ min: 0, max: 40 }),
  });
  return fc.array(row, { minLength: 1, maxLength: maxRows }).map((rows) =>
    rows.map(({ accountId, cents, slot }) => ({
      accountId,
      amount: cents === null ? null : centsToString(cents),
      createdAt: new Date(BASE + slot * 60_000),
    })),
  );
}

export function salesArbitrary(maxRows = 200): fc.Arbitrary<NewSalesRecord[]> {
  const row = fc.record({
    region: fc.constantFrom('EMEA', 'APAC', 'AMER', 'LATAM', `O'Brien; --`, 'Zürich ✓'),
    cents: fc.bigInt({ min: -100_000n, max: 9_999_999n }),
    day: fc.integer({ min: 0, max: 20 }),
  });
  return fc.array(row, { minLength: 1, maxLength: maxRows }).map((rows) =>
    rows.map(({ region, cents, day }) => ({
      region,
      revenue: centsToString(cents),
      saleDate: new Date(BASE + day * 86_400_000),
    })),
  );
}

/** Stored `Transaction` rows as reference-ledger rows (amounts in exact integer cents, via their decimal text). */
export function transactionLedger(
  stored: ReadonlyArray<{ id: bigint; accountId: number; amount: { toFixed(digits: number): string } | null; createdAt: Date }>,
): LedgerRow[] {
  return stored.map((r) => ({
    id: r.id,
    key: r.accountId,
    time: r.createdAt.getTime(),
    cents: r.amount === null ? null : stringToCents(r.amount.toFixed(2)),
  }));
}
