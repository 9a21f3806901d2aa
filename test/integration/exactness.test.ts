/**
 * Exactness at scale: 200,000 rows (2-decimal amounts up to the column's limit, ~40 rows per timestamp, 2% NULL,
 * 2,000 accounts, one of which passes 10^14) inserted with the fast strategy; every running total equals the bigint-cents reference. The same
 * check applied to a float64-summed copy reports mismatches, so it would catch a float bug.
 * Larger sizes: `npm run exactness -- --rows 2000000 --seed 7`.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.ts';
import { countMismatches, floatSummedTotals, generateLedger, insertLedger, repositoryTotals, storedLedger } from '../support/exactness.ts';

const db = useTestDatabase();
const ROWS = 200_000;
const SEED = Number(process.env.FC_SEED ?? 42);

describe('exactness at scale', () => {
  it(`${ROWS.toLocaleString('en')} rows: 0 mismatches against the exact reference; a float-summed copy fails the same check`, async () => {
    await db.truncate('Transaction');
    const t0 = performance.now();
    const rowsPerSecond = await insertLedger(db.prisma, generateLedger({ rows: ROWS, seed: SEED }), ROWS);
    const t1 = performance.now();
    const ledger = await storedLedger(db.prisma);
    const actual = await repositoryTotals(db.prisma);
    const t2 = performance.now();
    const exact = countMismatches(ledger, actual);
    const float = countMismatches(ledger, floatSummedTotals(ledger, 'toFixed'));
    const rawFloat = countMismatches(ledger, floatSummedTotals(ledger, 'raw'));
    console.log(
      `[exactness] seed ${SEED}: ${exact.checked} rows, ${new Set(ledger.map((r) => r.key)).size} accounts, ` +
        `${ledger.filter((r) => r.cents === null).length} NULLs; repository mismatches ${exact.mismatches}; ` +
        `float64 copy mismatches ${float.mismatches} rounded to cents (e.g. ${float.first}), ${rawFloat.mismatches} unrounded; insert ${((t1 - t0) / 1000).toFixed(1)} s ` +
        `(${Math.round(rowsPerSecond)} rows/s, unnest), read + totals ${((t2 - t1) / 1000).toFixed(1)} s`,
    );
    expect(exact.checked).toBe(ROWS);
    expect(exact.mismatches).toBe(0);
    expect(float.mismatches).toBeGreaterThan(0);
    expect(rawFloat.mismatches).toBeGreaterThan(float.mismatches);
  });
});
