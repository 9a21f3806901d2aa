/**
 * Exactness at scale: 200,000 seeded rows (2-decimal amounts up to the column's limit, ~40 rows per timestamp, 2%
 * NULL, 2,000 accounts, one of which passes 10^14) inserted with the fast strategy; every running total equals the
 * bigint-cents reference. A control account whose float64 sums are wrong by construction (balances past 10^14,
 * where a double cannot hold every cent) proves the same check catches a float bug, whatever the seed.
 * Larger sizes: `npm run exactness -- --rows 2000000 --seed 7`.
 */
import { describe, expect, it } from 'vitest';
import type { NewTransaction } from '../../prisma/app/index.ts';
import { useTestDatabase } from '../support/database.ts';
import { countMismatches, floatSummedTotals, generateLedger, insertLedger, repositoryTotals, storedLedger } from '../../scripts/lib/exactness.ts';
import { seeded } from '../support/property-seed.ts';

const db = useTestDatabase();
const ROWS = 200_000;

/** Account 0 (the generated ledger uses 1 and up): 10.00, then 100 x 999,999,999,999.99, then 0.01. */
const CONTROL_ACCOUNT = 0;
const control: NewTransaction[] = ['10.00', ...Array<string>(100).fill('999999999999.99'), '0.01'].map((amount, i) => ({
  accountId: CONTROL_ACCOUNT,
  amount,
  createdAt: new Date(Date.UTC(2027, 0, 1) + i * 1_000),
}));

describe('exactness at scale', () => {
  it(`${ROWS.toLocaleString('en')} rows: 0 mismatches against the exact reference; a float-summed copy fails the same check`, seeded(async (seed) => {
    await db.truncate('Transaction');
    const t0 = performance.now();
    const rowsPerSecond = await insertLedger(db.prisma, [...generateLedger({ rows: ROWS, seed }), ...control], ROWS);
    const t1 = performance.now();
    const ledger = await storedLedger(db.prisma);
    const actual = await repositoryTotals(db.prisma);
    const t2 = performance.now();
    const exact = countMismatches(ledger, actual);
    const float = countMismatches(ledger, floatSummedTotals(ledger, 'toFixed'));
    const controlLedger = ledger.filter((r) => r.key === CONTROL_ACCOUNT);
    const controlFloat = countMismatches(controlLedger, floatSummedTotals(controlLedger, 'toFixed'));
    const controlRaw = countMismatches(controlLedger, floatSummedTotals(controlLedger, 'raw'));
    console.log(
      `[exactness] seed ${seed}: ${exact.checked} rows, ${new Set(ledger.map((r) => r.key)).size} accounts, ` +
        `${ledger.filter((r) => r.cents === null).length} NULLs; repository mismatches ${exact.mismatches}; ` +
        `float64 copy mismatches ${float.mismatches} rounded to cents (e.g. ${float.first}); control account: ` +
        `${controlFloat.mismatches} rounded, ${controlRaw.mismatches} unrounded of ${controlLedger.length}; ` +
        `insert ${((t1 - t0) / 1000).toFixed(1)} s (${Math.round(rowsPerSecond)} rows/s, unnest), read + totals ${((t2 - t1) / 1000).toFixed(1)} s`,
    );
    expect(exact.checked).toBe(ROWS + control.length);
    expect(exact.mismatches).toBe(0);
    // The control account's float sums go wrong for certain, and printing them unrounded is worse still.
    expect(controlFloat.mismatches).toBeGreaterThan(0);
    expect(controlRaw.mismatches).toBeGreaterThan(controlFloat.mismatches);
    // Per-account sums: the whole ledger's float copy contains the control account's wrong rows.
    expect(float.mismatches).toBeGreaterThanOrEqual(controlFloat.mismatches);
    // 15–26 s alone; two test workers and a busy host have taken it to 58–67 s.
  }), 240_000);
});
