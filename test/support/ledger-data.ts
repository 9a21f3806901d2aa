import fc from 'fast-check';
import type { NewSalesRecord, NewTransaction } from '../../prisma/app/index.ts';
import { centsToString, stringToCents, type LedgerRow } from '../../scripts/lib/reference.ts';

const BASE = Date.UTC(2026, 0, 1);

/**
 * Random ledgers shaped to break running totals: few distinct timestamps (many duplicates), NULL and negative
 * amounts, many small partitions. Amounts are generated as integer cents and written as exact decimal strings.
 * These arbitraries hold no randomness of their own: they draw from the seed `fc.assert` is given
 * (`propertyRuns`, test/support/property-seed.ts), so a failure's printed seed replays them.
 */
export function transactionsArbitrary(maxRows = 200, minRows = 1): fc.Arbitrary<NewTransaction[]> {
  const row = fc.record({
    accountId: fc.integer({ min: 1, max: 25 }),
    cents: fc.option(fc.bigInt({ min: -500_000n, max: 1_500_000n }), { freq: 12 }),
    slot: fc.integer({ min: 0, max: 40 }),
  });
  return fc.array(row, { minLength: minRows, maxLength: maxRows }).map((rows) =>
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

/**
 * Random `InventoryMovement` batches: three warehouses, three products (one name looks like SQL), quantities in
 * exact thousandths (numeric(12, 3)) from `milli.min` to `milli.max`, times on `minutes` + 1 distinct minutes.
 */
export function movementsArbitrary(options: { maxRows: number; milli: { min: bigint; max: bigint }; minutes: number }) {
  return fc.array(
    fc.record({
      warehouseId: fc.integer({ min: 1, max: 3 }),
      productSku: fc.constantFrom('SKU-1', 'SKU-2', "sku'; --"),
      quantity: fc.bigInt(options.milli).map(milliToString),
      // Few distinct instants: many rows share a timestamp, so the id tiebreaker decides the order.
      movedAt: fc.integer({ min: 0, max: options.minutes }).map((m) => new Date(Date.UTC(2026, 1, 1, 8, m))),
    }),
    { minLength: 1, maxLength: options.maxRows },
  );
}

/** A quantity with exactly three decimals (as `Decimal#toFixed(3)` prints it) in thousandths: '-1.250' → -1250n. */
export const stringToMilli = (value: string): bigint => BigInt(value.replace('.', ''));

/** Thousandths as a decimal string with three decimals: -1250n → '-1.250'. */
export function milliToString(value: bigint): string {
  const negative = value < 0n;
  const abs = (negative ? -value : value).toString().padStart(4, '0');
  return `${negative ? '-' : ''}${abs.slice(0, -3)}.${abs.slice(-3)}`;
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

/** Stored `SalesRecord` rows as reference-ledger rows, partitioned by region. */
export function salesLedger(
  stored: ReadonlyArray<{ id: bigint; region: string; revenue: { toFixed(digits: number): string }; saleDate: Date }>,
): LedgerRow[] {
  return stored.map((r) => ({ id: r.id, key: r.region, time: r.saleDate.getTime(), cents: stringToCents(r.revenue.toFixed(2)) }));
}

/** Running-total rows as `id:total` lines, totals with `decimals` places: what two result lists are compared by. */
export function idTotals(
  rows: ReadonlyArray<{ id: bigint; runningTotal: { toFixed(digits: number): string } }>,
  decimals = 2,
): string[] {
  return rows.map((r) => `${r.id}:${r.runningTotal.toFixed(decimals)}`);
}
